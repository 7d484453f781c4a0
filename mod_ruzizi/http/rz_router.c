/* rz_router.c: the route lookup over rz_routes (core/rz_route_match) and the SPEC 2.3 request
 * pipeline. */
#include "http/rz_router.h"

#include "rz_config.h"
#include "rz_private.h"

#include "apr_strings.h"

#include <stdlib.h>
#include "http_protocol.h"

#include "core/rz_json.h"
#include "core/rz_query.h"
#include "core/rz_validate.h"
#include "http/rz_auth.h"
#include "http/rz_idempotency.h"
#include "http/rz_response.h"

#define RZ_NOTE_PATH_404 "rz-path-404"

const rz_route_t *rz_router_match(apr_pool_t *p, const char *method, const char *path,
                                  const char **params, int *nparams, int *status,
                                  const char **allow)
{
    const rz_route_table_t t = RZ_ROUTE_TABLE(rz_routes, rz_routes_count, rz_route_t);
    int i = rz_route_match(p, &t, method, path, params, nparams, status, allow);

    return i < 0 ? NULL : &rz_routes[i];
}

/* CORS preflight (SPEC 8.4): 204; the CORS headers only for an allowed Origin. */
static int answer_preflight(request_rec *r)
{
    const char *origin = apr_table_get(r->headers_in, "Origin");

    if (origin && rz_config_cors_allowed(r->server, origin)) {
        apr_table_setn(r->err_headers_out, "Access-Control-Allow-Methods",
                       "GET, POST, PATCH, DELETE");
        apr_table_setn(r->err_headers_out, "Access-Control-Allow-Headers",
                       "Authorization, Content-Type, Idempotency-Key, X-Filename, If-None-Match");
        apr_table_setn(r->err_headers_out, "Access-Control-Max-Age", "600");
    }
    r->status = HTTP_NO_CONTENT;
    return OK;
}

/* Steps (5)-(7): media type, size, JSON. Returns -1 after writing the error response. */
static int read_json_body(rz_req_t *rq)
{
    request_rec *r = rq->r;
    const char *buf, *why = NULL;
    apr_size_t len;
    int rc;

    if (!rz_request_json_media_ok(r)) {
        rz_respond_error(r, HTTP_UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                         "Content-Type must be application/json", NULL);
        return -1;
    }
    rc = rz_request_read_body(r, rz_config_json_body_limit(r), &buf, &len);
    if (rc == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        rz_respond_error(r, rc, "PAYLOAD_TOO_LARGE", "Request body too large", NULL);
        return -1;
    }
    if (rc == HTTP_SERVICE_UNAVAILABLE) {
        rz_respond_error(r, HTTP_BAD_REQUEST, "INVALID_JSON", "Request body incomplete", NULL);
        return -1;
    }
    if (rc != 0) {
        rz_respond_error(r, HTTP_BAD_REQUEST, "INVALID_JSON", "Request body unreadable", NULL);
        return -1;
    }
    rq->body = rz_json_parse_body(r->pool, buf, len, &why);
    if (!rq->body) {
        rz_respond_error(r, HTTP_BAD_REQUEST, "INVALID_JSON", why, NULL);
        return -1;
    }
    return 0;
}

/* The media type of an image upload (SPEC 7.20): image/jpeg, image/png or image/webp, any
 * parameters ignored, case-insensitive. Returns the canonical lowercase name or NULL. */
static const char *image_media_type(request_rec *r)
{
    static const char *const types[] = {"image/jpeg", "image/png", "image/webp", NULL};
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    size_t n;
    int i;

    if (!ct) {
        return NULL;
    }
    while (*ct == ' ' || *ct == '\t') {
        ct++;
    }
    n = strcspn(ct, "; \t");
    for (i = 0; types[i]; i++) {
        if (n == strlen(types[i]) && strncasecmp(ct, types[i], n) == 0) {
            return types[i];
        }
    }
    return NULL;
}

/* Steps (5)-(6) for RZ_RF_BODY_RAW routes: an image media type (415), then at most
 * RuziziImageBodyLimit bytes, enforced while reading, chunked included (413). The bytes go to
 * rq->raw_body / raw_len (r->pool) and the media type to the note "rz-image-type". Returns -1
 * after writing the error response. */
static int read_raw_body(rz_req_t *rq)
{
    request_rec *r = rq->r;
    const char *type = image_media_type(r), *buf;
    apr_size_t len;
    int rc;

    if (!type) {
        rz_respond_error(r, HTTP_UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                         "Content-Type must be image/jpeg, image/png or image/webp", NULL);
        return -1;
    }
    rc = rz_request_read_body(r, rz_config_image_body_limit(r), &buf, &len);
    if (rc == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        rz_respond_error(r, rc, "PAYLOAD_TOO_LARGE", "Request body too large", NULL);
        return -1;
    }
    if (rc != 0) {
        rz_respond_error(r, HTTP_BAD_REQUEST, "INVALID_IMAGE", "Request body incomplete", NULL);
        return -1;
    }
    apr_table_setn(r->notes, RZ_NOTE_IMAGE_TYPE, type);
    rq->raw_body = buf;
    rq->raw_len = len;
    return 0;
}

/* Step (9), query part: the route's allow-list. Returns -1 after writing the error response. */
static int parse_query(rz_req_t *rq)
{
    const char *names[32];
    char *list = apr_pstrdup(rq->pool, rq->route->query), *tok, *state = NULL;
    int n = 0;
    rz_vctx_t v;

    for (tok = apr_strtok(list, ",", &state); tok && n < 31; tok = apr_strtok(NULL, ",", &state)) {
        names[n++] = tok;
    }
    names[n] = NULL;
    rz_vctx_init(&v, rq->pool);
    if (rz_query_parse(&v, rq->r->args, names, &rq->query) != 0) {
        rz_respond_validation(rq->r, v.details);
        return -1;
    }
    return 0;
}

/* 405 naming the methods that `path` has (none when the path is unknown). */
static int answer_405(request_rec *r, const char *path)
{
    const char *params[RZ_MAX_SEGMENTS], *allow = NULL;
    int n, st;

    if (path && !rz_router_match(r->pool, "TRACE", path, params, &n, &st, &allow) && allow) {
        apr_table_setn(r->err_headers_out, "Allow", allow);
    }
    return rz_respond_error(r, HTTP_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "Method not allowed",
                            NULL);
}

void rz_router_answer_trace(request_rec *r)
{
    const char *params[RZ_MAX_SEGMENTS], *allow = NULL;
    int n, st;

    rz_router_match(r->pool, "TRACE", r->parsed_uri.path, params, &n, &st, &allow);
    if (st == HTTP_NOT_FOUND) {
        rz_respond_error(r, HTTP_NOT_FOUND, "NOT_FOUND", "Not found", NULL);
        return;
    }
    answer_405(r, r->parsed_uri.path);
}

/* httpd's own errors (a header too long, a body over LimitRequestBody, ...) reach us through
 * `ErrorDocument <status> /api/_error` (shipped configuration): answer them with the envelope so
 * that no HTML page ever leaves /api. */
static int answer_httpd_error(request_rec *r, int status)
{
    switch (status) {
    case HTTP_NOT_FOUND:
        return rz_respond_error(r, status, "NOT_FOUND", "Not found", NULL);
    case HTTP_METHOD_NOT_ALLOWED:
    case HTTP_NOT_IMPLEMENTED:
        return answer_405(r, r->prev->uri);
    case HTTP_REQUEST_ENTITY_TOO_LARGE:
        return rz_respond_error(r, status, "PAYLOAD_TOO_LARGE", "Request body too large", NULL);
    case HTTP_UNSUPPORTED_MEDIA_TYPE:
        return rz_respond_error(r, status, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
                                NULL);
    case HTTP_SERVICE_UNAVAILABLE:
        return rz_respond_error(r, status, "STORE_UNAVAILABLE", "Service unavailable", NULL);
    default:
        if (status >= 400 && status < 500) {
            /* which part httpd refused: the request line (414) or the header fields (400, 431) */
            json_t *details = rz_json_pool_own(
                r->pool,
                json_pack("[{s:s, s:s}]", "field",
                          status == HTTP_REQUEST_URI_TOO_LARGE ? "request-line" : "headers",
                          "message", "rejected by the server's request limits"));
            return rz_respond_error(r, status, "VALIDATION_ERROR", "Bad request", details);
        }
        return rz_respond_error(r, HTTP_INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal error",
                                NULL);
    }
}

int rz_router_handle(request_rec *r)
{
    rz_req_t *rq = rz_request_create(r);
    const char *allow = NULL, *redirect_status;
    int status, rc;

    redirect_status = r->prev ? apr_table_get(r->subprocess_env, "REDIRECT_STATUS") : NULL;
    if (redirect_status) {
        return answer_httpd_error(r, atoi(redirect_status));
    }
    if (apr_table_get(r->notes, RZ_NOTE_PATH_404)) {
        return rz_respond_error(r, HTTP_NOT_FOUND, "NOT_FOUND", "Not found", NULL);
    }
    rq->route = rz_router_match(r->pool, strcmp(r->method, "OPTIONS") == 0 ? "GET" : r->method,
                                r->uri, rq->params, &rq->nparams, &status, &allow);
    if (r->method_number == M_OPTIONS && (rq->route || status == HTTP_METHOD_NOT_ALLOWED)) {
        return answer_preflight(r);
    }
    if (!rq->route) {
        if (status == HTTP_METHOD_NOT_ALLOWED) {
            apr_table_setn(r->err_headers_out, "Allow", allow);
            return rz_respond_error(r, status, "METHOD_NOT_ALLOWED", "Method not allowed", NULL);
        }
        return rz_respond_error(r, HTTP_NOT_FOUND, "NOT_FOUND", "Not found", NULL);
    }
    /* (2) the IP rate limit, (3)-(4) authentication and the route's roles */
    if (rz_auth_rate_limit_ip(rq) != 0 || rz_auth_authenticate(rq) != 0) {
        return OK;
    }
    if (r->method_number == M_POST || r->method_number == M_PATCH) {
        if ((rq->route->flags & RZ_RF_BODY_RAW) ? read_raw_body(rq) != 0
                                                : read_json_body(rq) != 0) {
            return OK;
        }
    }
    /* (8) the Idempotency-Key (SPEC 8.1): replays, 422 and 409 in progress end here */
    if (rz_idem_begin(rq) != 0) {
        return OK;
    }
    rc = parse_query(rq) != 0 ? OK : rq->route->handler(rq);
    rz_idem_end(rq);
    return rc;
}

void rz_router_reject_raw_path(request_rec *r)
{
    apr_table_setn(r->notes, RZ_NOTE_PATH_404, "1");
    /* httpd would answer %2F / %00 itself with HTML, and normalise dot segments: hand it a
     * harmless path inside <Location /api> and let the handler write the JSON 404. */
    r->uri = apr_pstrdup(r->pool, "/api");
    r->parsed_uri.path = apr_pstrdup(r->pool, "/api");
}
