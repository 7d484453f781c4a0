/* rz_response.c: writes the JSON envelope with the exact status, security headers, CORS and request
 * id. */
#include "http/rz_response.h"

#include "rz_config.h"
#include "rz_private.h"

#include "http_protocol.h"
#include "apr_strings.h"

#include "core/rz_json.h"

#define RZ_NOTE_PREPARED "rz-prepared"
#define RZ_HOOK_KEY "rz-respond-hook"

/* The hook of one request, kept as r->pool userdata (an internal redirect shares the pool, hence
 * the request check). */
typedef struct {
    request_rec *r;
    rz_respond_hook_fn fn;
    void *data;
} respond_hook_t;

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

void rz_response_set_hook(request_rec *r, rz_respond_hook_fn fn, void *data)
{
    respond_hook_t *h = NULL;

    apr_pool_userdata_get((void **)&h, RZ_HOOK_KEY, r->pool);
    if (!h) {
        if (!fn) {
            return;
        }
        h = apr_pcalloc(r->pool, sizeof(*h));
        apr_pool_userdata_setn(h, RZ_HOOK_KEY, NULL, r->pool);
    }
    h->r = r;
    h->fn = fn;
    h->data = data;
}

int rz_respond_json(request_rec *r, int status, const json_t *body)
{
    size_t len = 0;
    char *text = rz_json_dump(r->pool, body, &len);
    respond_hook_t *h = NULL;
    rz_respond_hook_fn fn;

    if (!text) {
        text = "{\"success\":false,\"error\":{\"code\":\"INTERNAL_ERROR\","
               "\"message\":\"Internal error\"}}";
        len = strlen(text);
        status = HTTP_INTERNAL_SERVER_ERROR;
        body = NULL;
    }
    apr_pool_userdata_get((void **)&h, RZ_HOOK_KEY, r->pool);
    if (h && h->fn && h->r == r) {
        fn = h->fn;
        h->fn = NULL; /* one-shot: what the hook answers itself goes straight out */
        if (fn(r, h->data, status, body, text, len)) {
            return OK;
        }
    }
    return rz_respond_bytes(r, status, text, len);
}

int rz_respond_bytes(request_rec *r, int status, const char *text, size_t len)
{
    r->status = status;
    ap_set_content_type(r, "application/json; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)len);
    if (!r->header_only) {
        ap_rwrite(text, (int)len, r);
    }
    return OK;
}

int rz_respond_data(request_rec *r, int status, json_t *data, const char *message)
{
    json_t *env = rz_json_pool_own(r->pool, json_object());

    json_object_set_new(env, "success", json_true());
    json_object_set(env, "data", data ? data : json_null());
    if (message) {
        json_object_set_new(env, "message", json_string(message));
    }
    return rz_respond_json(r, status, env);
}

int rz_respond_list(request_rec *r, json_t *data, json_t *pagination)
{
    json_t *env = rz_json_pool_own(r->pool, json_object());

    json_object_set_new(env, "success", json_true());
    json_object_set(env, "data", data);
    json_object_set(env, "pagination", pagination);
    return rz_respond_json(r, HTTP_OK, env);
}

int rz_respond_error(request_rec *r, int status, const char *code, const char *message,
                     json_t *details)
{
    json_t *env = rz_json_pool_own(r->pool, json_object());
    json_t *err = json_object();

    json_object_set_new(err, "code", json_string(code));
    json_object_set_new(err, "message", json_string(message));
    if (details) {
        json_object_set(err, "details", details);
    }
    json_object_set_new(env, "success", json_false());
    json_object_set_new(env, "error", err);
    if (strcmp(code, "STORE_UNAVAILABLE") == 0) {
        apr_table_setn(r->err_headers_out, "Retry-After", "5");
    } else if (strcmp(code, "SERVER_BUSY") == 0 || strcmp(code, "IDEMPOTENCY_IN_PROGRESS") == 0) {
        apr_table_setn(r->err_headers_out, "Retry-After", "1");
    }
    return rz_respond_json(r, status, env);
}

int rz_respond_validation(request_rec *r, json_t *details)
{
    return rz_respond_error(r, HTTP_BAD_REQUEST, "VALIDATION_ERROR", "Validation failed", details);
}

int rz_respond_store_error(request_rec *r, rz_status_t st, const char *store_msg)
{
    switch (st) {
    case RZ_NOT_FOUND:
        return rz_respond_error(r, HTTP_NOT_FOUND, "NOT_FOUND", "Not found", NULL);
    case RZ_CONFLICT:
        return rz_respond_error(r, HTTP_CONFLICT, "DUPLICATE", "Duplicate value", NULL);
    case RZ_VERSION_MISMATCH:
        return rz_respond_error(r, HTTP_CONFLICT, "INVALID_TRANSITION",
                                "The object changed meanwhile", NULL);
    case RZ_UNAVAILABLE:
    case RZ_SCHEMA_BEHIND:
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, RZ_LOGNO(00201) "store unavailable: %s",
                      store_msg ? store_msg : rz_status_name(st));
        return rz_respond_error(r, HTTP_SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE",
                                "The store is unavailable, retry later", NULL);
    default:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, RZ_LOGNO(00202) "store error %s: %s",
                      rz_status_name(st), store_msg ? store_msg : "-");
        return rz_respond_error(r, HTTP_INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal error",
                                NULL);
    }
}
