/* rz_request.c: per-request state: request id, JSON media type, capped body reading, store session.
 */
#include "http/rz_request.h"

#include "rz_config.h"
#include "rz_private.h"

#include "apr_atomic.h"
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

rz_req_t *rz_request_create(request_rec *r)
{
    rz_req_t *rq = apr_pcalloc(r->pool, sizeof(*rq));

    rq->r = r;
    rq->pool = r->pool;
    rq->request_id = rz_request_id(r);
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
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, rq->r,
                      RZ_LOGNO(00301) "store schema is at version %d, this build needs %d: "
                                      "run `ruzizi-ctl migrate`; answering 503 until then",
                      version, RZ_SCHEMA_VERSION);
    }
    return st;
}

rz_status_t rz_req_store(rz_req_t *rq, rz_sess_t **out)
{
    rz_srv_conf_t *sc = rz_config_server(rq->r->server);
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

const char *rz_req_param(const rz_req_t *rq, int i)
{
    return i >= 0 && i < rq->nparams ? rq->params[i] : NULL;
}
