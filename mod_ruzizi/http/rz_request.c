/* rz_request.c: per-request state: request id, the domain's rz_req_t and its callbacks (store
 * session, log, gate, hash slots, rate limits), JSON media type, capped body reading. */
#include "http/rz_request.h"

#include "rz_config.h"
#include "rz_private.h"
#include "rz_shm.h"
#include "rz_slots.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "core/rz_id.h"
#include "core/rz_time.h"
#include "http/rz_response.h"
#include "store/rz_migrations.h"

#define RZ_NOTE_REQUEST_ID "rz-request-id"

const char *rz_request_id(request_rec *r)
{
    const char *id = apr_table_get(r->notes, RZ_NOTE_REQUEST_ID);
    char *fresh;

    if (!id && r->main) {
        id = apr_table_get(r->main->notes, RZ_NOTE_REQUEST_ID);
    }
    if (!id && r->prev) { /* ErrorDocument redirect: keep the original request's id */
        id = apr_table_get(r->prev->notes, RZ_NOTE_REQUEST_ID);
    }
    if (!id) {
        fresh = apr_palloc(r->pool, 33);
        rz_hex32_new(fresh);
        apr_table_setn(r->notes, RZ_NOTE_REQUEST_ID, fresh);
        if (!r->log_id) {
            r->log_id = fresh;
        }
        id = fresh;
    }
    return id;
}

request_rec *rz_request_rec(const rz_req_t *rq)
{
    return rq->host;
}

static const rz_req_ops_t req_ops;

/* The configuration values of r's server, defaults applied. */
static const rz_settings_t *settings(request_rec *r)
{
    rz_srv_conf_t *sc = rz_config_server(r->server);
    rz_settings_t *c = apr_pcalloc(r->pool, sizeof(*c));

    c->upload_dir = sc->upload_dir;
    c->public_base_url = sc->public_base_url;
    c->password_cost = rz_config_password_cost(sc);
    c->jwt_keys = sc->jwt_keys;
    c->jwt_issuer = rz_config_jwt_issuer(sc);
    c->jwt_audience = rz_config_jwt_audience(sc);
    c->store_backend = sc->store ? rz_store_backend(sc->store) : NULL;
    return c;
}

rz_req_t *rz_request_create(request_rec *r)
{
    rz_req_t *rq = apr_pcalloc(r->pool, sizeof(*rq));

    rq->host = r;
    rq->ops = &req_ops;
    rq->pool = r->pool;
    rq->request_id = rz_request_id(r);
    rq->method = r->method;
    rq->client_ip = r->useragent_ip;
    rq->user_agent = apr_table_get(r->headers_in, "User-Agent");
    rq->filename = apr_table_get(r->headers_in, "X-Filename");
    rq->if_none_match = apr_table_get(r->headers_in, "If-None-Match");
    rq->conf = settings(r);
    rq->res.headers = apr_table_make(r->pool, 4);
    rz_config_test_clock_tick(r->server);
    rz_response_prepare(r, rq->request_id);
    return rq;
}

/* Returns 1 when the body is declared empty: Content-Length 0, or neither Content-Length nor
 * Transfer-Encoding (a request without a body). */
static int body_declared_empty(request_rec *r)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    const char *te = apr_table_get(r->headers_in, "Transfer-Encoding");

    if (te) {
        return 0;
    }
    return !cl || strcmp(cl, "0") == 0;
}

int rz_request_json_media_ok(request_rec *r)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    const char *p;

    if (!ct || !*ct) {
        return body_declared_empty(r);
    }
    if (strncasecmp(ct, "application/json", 16) != 0) {
        return 0;
    }
    p = ct + 16;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (!*p) {
        return 1;
    }
    if (*p++ != ';') {
        return 0;
    }
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (strncasecmp(p, "charset=", 8) != 0) {
        return 0;
    }
    p += 8;
    if (strncasecmp(p, "utf-8", 5) == 0) {
        p += 5;
    } else if (strncasecmp(p, "\"utf-8\"", 7) == 0) {
        p += 7;
    } else {
        return 0;
    }
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return *p == '\0';
}

int rz_request_read_body(request_rec *r, apr_off_t limit, const char **buf, apr_size_t *len)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_size_t cap = 4096, used = 0;
    char *data;
    int rc;

    *buf = "";
    *len = 0;
    if (cl) {
        char *end;
        apr_off_t n;
        if (apr_strtoff(&n, cl, &end, 10) != APR_SUCCESS || *end || n < 0) {
            return HTTP_BAD_REQUEST;
        }
        if (n > limit) {
            r->connection->keepalive = AP_CONN_CLOSE;
            return HTTP_REQUEST_ENTITY_TOO_LARGE;
        }
        if (n + 1 > (apr_off_t)cap) {
            cap = (apr_size_t)n + 1;
        }
    }
    rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK);
    if (rc != OK) {
        r->connection->keepalive = AP_CONN_CLOSE;
        return rc == HTTP_REQUEST_ENTITY_TOO_LARGE ? rc : HTTP_BAD_REQUEST;
    }
    if (!ap_should_client_block(r)) {
        return 0;
    }
    data = apr_palloc(r->pool, cap);
    for (;;) {
        long got;
        if (used + 1 >= cap) {
            apr_size_t ncap = cap * 2;
            char *grown;
            if (ncap > (apr_size_t)limit + 2) {
                ncap = (apr_size_t)limit + 2;
            }
            grown = apr_palloc(r->pool, ncap);
            memcpy(grown, data, used);
            data = grown;
            cap = ncap;
        }
        got = ap_get_client_block(r, data + used, cap - used - 1);
        if (got == 0) {
            break;
        }
        if (got < 0) {
            r->connection->keepalive = AP_CONN_CLOSE;
            return got == -1 && r->status == HTTP_REQUEST_TIME_OUT ? HTTP_SERVICE_UNAVAILABLE
                                                                   : HTTP_BAD_REQUEST;
        }
        used += (apr_size_t)got;
        if ((apr_off_t)used > limit) {
            r->connection->keepalive = AP_CONN_CLOSE;
            return HTTP_REQUEST_ENTITY_TOO_LARGE;
        }
    }
    data[used] = '\0';
    *buf = data;
    *len = used;
    return 0;
}

/* The schema check, kept per store (rz_migrations_require): 503 while the store is behind. */
static rz_status_t check_schema(rz_req_t *rq, rz_sess_t *s)
{
    int version = 0, first = 0;
    rz_status_t st = rz_migrations_require(s, &version, &first);

    if (first) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, rz_request_rec(rq),
                      RZ_LOGNO(00301) "store schema is at version %d, this build needs %d: "
                                      "run `ruzizi-ctl migrate`; answering 503 until then",
                      version, RZ_SCHEMA_VERSION);
    }
    return st;
}

/* rz_req_ops_t.store: the session of r's store, once the schema is known to be current. */
static rz_status_t req_store(rz_req_t *rq, rz_sess_t **out)
{
    rz_srv_conf_t *sc = rz_config_server(rz_request_rec(rq)->server);
    rz_status_t st;

    if (rq->sess) {
        *out = rq->sess;
        return RZ_OK;
    }
    if (!sc->store) {
        return RZ_UNAVAILABLE;
    }
    st = rz_store_session(&rq->sess, sc->store, rq->pool);
    if (st != RZ_OK) {
        rq->sess = NULL;
        return st;
    }
    st = check_schema(rq, rq->sess);
    if (st != RZ_OK) {
        rq->sess = NULL; /* released with the pool; never hand out a session before the check */
        return st;
    }
    *out = rq->sess;
    return RZ_OK;
}

/* rz_req_ops_t.log */
static void req_log(const rz_req_t *rq, const char *file, int line, int level, const char *msg)
{
    request_rec *r = rz_request_rec(rq);

    if (APLOG_R_IS_LEVEL(r, level)) {
        ap_log_rerror_(file, line, APLOG_MODULE_INDEX, level, 0, r, "%s", msg);
    }
}

/* rz_req_ops_t.gate_enter: the semaphore gate (rz_slots.h); *token 1 while entered. No store, no
 * gate (token 0 is released as a no-op). */
static int req_gate_enter(rz_req_t *rq, int timeout_ms, unsigned int *token)
{
    *token = 0;
    if (!rz_config_server(rz_request_rec(rq)->server)->store) {
        return 1;
    }
    if (!rz_slots_gate_enter(timeout_ms)) {
        return 0;
    }
    *token = 1;
    return 1;
}

static void req_gate_leave(rz_req_t *rq, unsigned int token)
{
    if (token) {
        rz_slots_gate_leave();
    }
}

/* rz_req_ops_t.hash_slot: RuziziMaxConcurrentHashes across every process of the server, given
 * back by a cleanup of the request pool (or by the kernel if this process dies first). */
static int req_hash_slot(rz_req_t *rq)
{
    if (!rz_slots_take(RZ_SLOT_HASH,
                       rz_config_max_hashes(rz_config_server(rz_request_rec(rq)->server)))) {
        return 0;
    }
    rz_slots_give_with(rq->pool, RZ_SLOT_HASH);
    return 1;
}

/* rz_req_ops_t.decode_take: RuziziMaxConcurrentImageDecodes across every process of the server. */
static int req_decode_take(rz_req_t *rq)
{
    return rz_slots_take(RZ_SLOT_DECODE,
                         rz_config_max_decodes(rz_config_server(rz_request_rec(rq)->server)));
}

/* rz_req_ops_t.decode_give */
static void req_decode_give(rz_req_t *rq)
{
    rz_slots_give(RZ_SLOT_DECODE);
}

/* rz_req_ops_t.rate: the shared-memory buckets at the server's RuziziRateLimit rates. */
static int req_rate(rz_req_t *rq, int scope, const char *key, int spend, int *retry_after_s)
{
    request_rec *r = rz_request_rec(rq);
    const rz_rate_t *rate = rz_config_rate(rz_config_server(r->server), scope);

    return spend ? rz_shm_rate_take(r, scope, key, rate, retry_after_s)
                 : rz_shm_rate_peek(r, scope, key, rate, retry_after_s);
}

/* rz_req_ops_t.committed: every process's cache of authenticated users is now stale. */
static void req_committed(rz_req_t *rq)
{
    rz_shm_epoch_bump();
}

typedef struct {
    rz_req_t *rq;
    rz_after_answer_fn fn;
    void *data;
} after_answer_t;

static apr_status_t run_after_answer(void *data)
{
    after_answer_t *a = data;

    a->fn(a->rq, a->data);
    return APR_SUCCESS;
}

/* rz_req_ops_t.after_answer: a pre-cleanup of the request pool. httpd destroys it once the
 * response's last bytes have been handed to the connection, and pre-cleanups run before the
 * cleanups that release the store session, the write gate and a hash slot. */
static void req_after_answer(rz_req_t *rq, rz_after_answer_fn fn, void *data)
{
    after_answer_t *a = apr_palloc(rq->pool, sizeof(*a));

    a->rq = rq;
    a->fn = fn;
    a->data = data;
    apr_pool_pre_cleanup_register(rq->pool, a, run_after_answer);
}

static const rz_req_ops_t req_ops = {
    req_store, req_log,       req_gate_enter,   req_gate_leave,  req_hash_slot,
    req_rate,  req_committed, req_after_answer, req_decode_take, req_decode_give};
