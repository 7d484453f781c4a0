/* rz_response.c: writes a request's answer with the exact status, security headers, CORS and
 * request id. */
#include "http/rz_response.h"

#include "rz_config.h"
#include "rz_private.h"

#include "http_protocol.h"
#include "apr_strings.h"

#include "core/rz_json.h"
#include "http/rz_request.h"

#define RZ_NOTE_PREPARED "rz-prepared"

void rz_response_prepare(request_rec *r, const char *request_id)
{
    apr_table_t *h = r->err_headers_out;
    const char *origin;

    if (apr_table_get(r->notes, RZ_NOTE_PREPARED)) {
        return;
    }
    apr_table_setn(r->notes, RZ_NOTE_PREPARED, "1");
    apr_table_setn(h, "X-Request-Id", request_id);
    apr_table_setn(h, "Strict-Transport-Security", "max-age=63072000");
    apr_table_setn(h, "X-Content-Type-Options", "nosniff");
    apr_table_setn(h, "X-Frame-Options", "DENY");
    apr_table_setn(h, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    apr_table_setn(h, "Referrer-Policy", "no-referrer");
    apr_table_setn(h, "Cache-Control", "no-store");
    apr_table_setn(h, "Cross-Origin-Resource-Policy", "same-origin");

    origin = apr_table_get(r->headers_in, "Origin");
    if (origin && rz_config_cors_allowed(r->server, origin)) {
        apr_table_setn(h, "Access-Control-Allow-Origin", origin);
        apr_table_mergen(h, "Vary", "Origin");
        apr_table_setn(h, "Access-Control-Expose-Headers",
                       "X-Request-Id, Retry-After, Location, Idempotent-Replayed, ETag");
    }
}

void rz_response_render(rz_req_t *rq)
{
    static const char internal[] = "{\"success\":false,\"error\":{\"code\":\"INTERNAL_ERROR\","
                                   "\"message\":\"Internal error\"}}";
    size_t len = 0;
    char *text;

    if (rq->res.kind != RZ_RES_JSON || rq->res.bytes) {
        return;
    }
    text = rz_json_dump(rq->pool, rq->res.json, &len);
    if (!text) {
        rq->res.status = HTTP_INTERNAL_SERVER_ERROR;
        rq->res.json = NULL;
        text = (char *)internal;
        len = sizeof(internal) - 1;
    }
    rq->res.bytes = text;
    rq->res.len = len;
}

static int copy_header(void *data, const char *key, const char *value)
{
    apr_table_setn(data, key, value);
    return 1;
}

int rz_response_send(rz_req_t *rq)
{
    request_rec *r = rz_request_rec(rq);
    apr_size_t sent = 0;

    if (!rq->res.status) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      RZ_LOGNO(00203) "%s %s: the handler set no answer", r->method, r->uri);
        rz_respond_error(rq, HTTP_INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal error", NULL);
    }
    rz_response_render(rq);
    apr_table_do(copy_header, r->err_headers_out, rq->res.headers, NULL);
    r->status = rq->res.status;
    switch (rq->res.kind) {
    case RZ_RES_JSON:
    case RZ_RES_BYTES:
        ap_set_content_type(r, rq->res.kind == RZ_RES_JSON ? "application/json; charset=utf-8"
                                                           : rq->res.content_type);
        ap_set_content_length(r, (apr_off_t)rq->res.len);
        if (!r->header_only) {
            ap_rwrite(rq->res.bytes, (int)rq->res.len, r);
        }
        break;
    case RZ_RES_FILE:
        ap_set_content_type(r, rq->res.content_type);
        ap_set_content_length(r, rq->res.file_size);
        if (!r->header_only) {
            ap_send_fd(rq->res.file, r, 0, (apr_size_t)rq->res.file_size, &sent);
        }
        break;
    default: /* RZ_RES_EMPTY: headers only */
        break;
    }
    return OK;
}
