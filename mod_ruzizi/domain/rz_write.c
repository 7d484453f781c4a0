/* rz_write.c: begins, audits, commits or rolls back the unit of work of one write request. */
#include "domain/rz_write.h"

#include "rz_config.h"
#include "rz_private.h"
#include "rz_shm.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "http/rz_auth.h"
#include "http/rz_idempotency.h"
#include "http/rz_response.h"

#define RZ_MAX_UOW_KEYS 16

void rz_write_actor(rz_req_t *rq, rz_actor_t *a)
{
    a->actor_id = rq->who ? rq->who->user_id : NULL;
    a->actor_role = rq->who ? rq->who->role : "public";
    a->ip = rq->r->useragent_ip;
    a->user_agent = apr_table_get(rq->r->headers_in, "User-Agent");
    a->request_id = rq->request_id;
}

#define RZ_GATE_WAIT_MS 5000

static apr_status_t gate_cleanup(void *data)
{
    rz_write_gate_release(data);
    return APR_SUCCESS;
}

int rz_write_gate(rz_req_t *rq)
{
    rz_srv_conf_t *sc = rz_config_server(rq->r->server);
    apr_uint32_t token;

    if (rq->gate_held || !sc->store) {
        return 0;
    }
    if (!rz_shm_gate_enter(RZ_GATE_WAIT_MS, &token)) {
        rz_respond_store_error(rq->r, RZ_UNAVAILABLE, "the server's write gate stayed busy");
        return -1;
    }
    rq->gate = token;
    rq->gate_held = 1;
    apr_pool_cleanup_register(rq->pool, rq, gate_cleanup, apr_pool_cleanup_null);
    return 0;
}

void rz_write_gate_release(rz_req_t *rq)
{
    if (rq->gate_held) {
        rq->gate_held = 0;
        rz_shm_gate_leave(rq->gate);
    }
}

int rz_write_begin(rz_write_t *w, rz_req_t *rq, const char *const *keys, int nkeys)
{
    const char *all[RZ_MAX_UOW_KEYS + 2], *ik;
    rz_status_t st;
    int i, n;

    memset(w, 0, sizeof(*w));
    w->rq = rq;
    rz_write_actor(rq, &w->actor);
    if (nkeys > RZ_MAX_UOW_KEYS) {
        rz_respond_store_error(rq->r, RZ_INVALID, "too many unit-of-work keys");
        return -1;
    }
    if (rz_write_gate(rq) != 0 || rz_idem_flush(rq) != 0) {
        return -1;
    }
    for (i = 0; i < nkeys; i++) {
        all[i] = keys[i];
    }
    n = nkeys;
    all[n++] = RZ_AUDIT_KEY;
    if ((ik = rz_idem_uow_key(rq)) != NULL) {
        all[n++] = ik; /* serialised with a takeover of the request's idempotency record */
    }
    st = rz_req_store(rq, &w->s);
    if (st == RZ_OK) {
        st = rz_store_begin(w->s, all, n);
    }
    if (st != RZ_OK) {
        rz_respond_store_error(rq->r, st, w->s ? rz_store_last_error(w->s) : NULL);
        return -1;
    }
    return 0;
}

rz_status_t rz_write_audit(rz_write_t *w, const char *action, const char *entity, const char *id,
                           const char *est, const json_t *before, const json_t *after,
                           const json_t *meta)
{
    json_t *changes = (before || after) ? rz_audit_changes(w->rq->pool, before, after) : NULL;

    return rz_audit_append(w->s, &w->actor, action, entity, id, est, changes, meta, NULL);
}

int rz_write_commit(rz_write_t *w)
{
    rz_status_t st;

    if (rz_idem_defer_commit(w->rq, w->s)) {
        return 0; /* SPEC 8.1: commits with the stored outcome when the response is written */
    }
    st = rz_store_commit(w->s);
    rz_write_gate_release(w->rq);
    if (st != RZ_OK) {
        rz_respond_store_error(w->rq->r, st, rz_store_last_error(w->s));
        return -1;
    }
    rz_shm_epoch_bump(); /* invalidates every process's cache of authenticated users */
    return 0;
}

int rz_write_fail(rz_write_t *w, rz_status_t st)
{
    const char *msg = w->s ? rz_store_last_error(w->s) : NULL;

    if (w->s) {
        rz_store_rollback(w->s);
    }
    return rz_respond_store_error(w->rq->r, st, msg);
}

int rz_write_error(rz_write_t *w, int status, const char *code, const char *message,
                   json_t *details)
{
    if (w->s) {
        rz_store_rollback(w->s);
    }
    return rz_respond_error(w->rq->r, status, code, message, details);
}
