/* rz_write.c: begins, audits and rolls back the unit of work of one write request; settles it
 * (commit, callbacks, gate) when the router asks. */
#include "domain/rz_write.h"

#include <apr_strings.h>
#include <string.h>

#define RZ_MAX_UOW_KEYS 16
#define RZ_GATE_WAIT_MS 5000
#define GATE_BUSY "the server's write gate stayed busy"

typedef struct {
    rz_after_commit_fn fn;
    void *data;
} after_commit_t;

void rz_write_actor(rz_req_t *rq, rz_actor_t *a)
{
    a->actor_id = rq->who ? rq->who->user_id : NULL;
    a->actor_role = rq->who ? rq->who->role : "public";
    a->ip = rq->client_ip;
    a->user_agent = rq->user_agent;
    a->request_id = rq->request_id;
}

static apr_status_t gate_cleanup(void *data)
{
    rz_write_gate_release(data);
    return APR_SUCCESS;
}

/* Takes the gate once per request; 0, or -1 when it stayed busy for RZ_GATE_WAIT_MS. */
static int take_gate(rz_req_t *rq)
{
    unsigned int token;

    if (rq->gate_held) {
        return 0;
    }
    if (!rq->ops->gate_enter(rq, RZ_GATE_WAIT_MS, &token)) {
        return -1;
    }
    rq->gate = token;
    rq->gate_held = 1;
    apr_pool_cleanup_register(rq->pool, rq, gate_cleanup, apr_pool_cleanup_null);
    return 0;
}

int rz_write_gate(rz_req_t *rq)
{
    if (take_gate(rq) != 0) {
        rz_respond_store_error(rq, RZ_UNAVAILABLE, GATE_BUSY);
        return -1;
    }
    return 0;
}

void rz_write_gate_release(rz_req_t *rq)
{
    if (rq->gate_held) {
        rq->gate_held = 0;
        rq->ops->gate_leave(rq, rq->gate);
    }
}

rz_status_t rz_write_open(rz_write_t *w, rz_req_t *rq, const char *const *keys, int nkeys)
{
    const char *all[RZ_MAX_UOW_KEYS + 2];
    rz_status_t st;
    int i, n;

    memset(w, 0, sizeof(*w));
    w->rq = rq;
    rz_write_actor(rq, &w->actor);
    if (nkeys > RZ_MAX_UOW_KEYS) {
        w->error = "too many unit-of-work keys";
        return RZ_INVALID;
    }
    if (rq->uow_pending) {
        if (rq->idem) {
            rz_req_log(rq, RZ_LOG_DEBUG,
                       RZ_LOGNO(00806) "a second unit of work in one request: the first commits "
                                       "without the idempotency record");
        }
        if ((st = rz_write_settle(rq)) != RZ_OK) {
            w->error = rq->sess ? rz_store_last_error(rq->sess) : NULL;
            return st;
        }
    }
    if (take_gate(rq) != 0) {
        w->error = GATE_BUSY;
        return RZ_UNAVAILABLE;
    }
    for (i = 0; i < nkeys; i++) {
        all[i] = keys[i];
    }
    n = nkeys;
    all[n++] = RZ_AUDIT_KEY;
    if (rq->uow_key) {
        all[n++] = rq->uow_key; /* serialised with a takeover of the request's idempotency record */
    }
    st = rz_req_store(rq, &w->s);
    if (st == RZ_OK) {
        st = rz_store_begin(w->s, all, n);
    }
    if (st != RZ_OK) {
        w->error = w->s ? rz_store_last_error(w->s) : NULL;
    }
    return st;
}

int rz_write_begin(rz_write_t *w, rz_req_t *rq, const char *const *keys, int nkeys)
{
    rz_status_t st = rz_write_open(w, rq, keys, nkeys);

    if (st != RZ_OK) {
        rz_respond_store_error(rq, st, w->error);
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
    if (w->s && rz_store_in_uow(w->s)) {
        w->rq->uow_pending = 1;
    }
    return 0;
}

void rz_write_after_commit(rz_write_t *w, rz_after_commit_fn fn, void *data)
{
    rz_req_t *rq = w->rq;
    after_commit_t *a;

    if (!rq->after) {
        rq->after = apr_array_make(rq->pool, 2, sizeof(after_commit_t));
    }
    a = apr_array_push(rq->after);
    a->fn = fn;
    a->data = data;
}

rz_status_t rz_write_settle(rz_req_t *rq)
{
    apr_array_header_t *after = rq->after;
    rz_status_t st;
    int i;

    rq->after = NULL;
    if (!rq->uow_pending) {
        if (rq->sess && rz_store_in_uow(rq->sess)) {
            rz_store_rollback(rq->sess); /* the handler never handed it over: none of it stays */
        }
        return RZ_OK;
    }
    rq->uow_pending = 0;
    st = rz_store_commit(rq->sess); /* the backend rolls everything back itself when this fails */
    rz_write_gate_release(rq);
    if (st != RZ_OK) {
        return st;
    }
    rq->ops->committed(rq);
    for (i = 0; after && i < after->nelts; i++) {
        after_commit_t *a = &APR_ARRAY_IDX(after, i, after_commit_t);
        a->fn(rq, a->data);
    }
    return RZ_OK;
}

void rz_write_abandon(rz_req_t *rq)
{
    rq->uow_pending = 0;
    rq->after = NULL;
    if (rq->sess) {
        rz_store_rollback(rq->sess); /* safe when none is open */
    }
}

int rz_write_fail(rz_write_t *w, rz_status_t st)
{
    const char *msg = w->s ? rz_store_last_error(w->s) : NULL;

    if (w->s && !w->rq->uow_pending) { /* a unit of work handed over stays handed over */
        rz_store_rollback(w->s);
    }
    return rz_respond_store_error(w->rq, st, msg);
}

int rz_write_error(rz_write_t *w, int status, const char *code, const char *message,
                   json_t *details)
{
    if (w->s && !w->rq->uow_pending) {
        rz_store_rollback(w->s);
    }
    return rz_respond_error(w->rq, status, code, message, details);
}
