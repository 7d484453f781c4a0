/* rz_router.c: the route lookup over the glue's route list (core/rz_route_match) and the SPEC 2.3
 * request pipeline: handler, end of the unit of work, answer. */
#include "http/rz_router.h"

#include "rz_config.h"
#include "rz_private.h"

#include "apr_strings.h"

#include <stdlib.h>
#include "http_protocol.h"

#include "core/rz_json.h"
#include "core/rz_query.h"
#include "core/rz_validate.h"
#include "domain/rz_write.h"
#include "http/rz_auth.h"
#include "http/rz_idempotency.h"
#include "http/rz_response.h"

#define RZ_NOTE_PATH_404 "rz-path-404"

const rz_route_t *rz_router_match(const rz_route_list_t *t, apr_pool_t *p, const char *method,
                                  const char *path, const char **params, int *nparams, int *status,
                                  const char **allow)
{
    const rz_route_table_t table = RZ_ROUTE_TABLE(t->routes, t->count, rz_route_t);
    int i = rz_route_match(p, &table, method, path, params, nparams, status, allow);

    return i < 0 ? NULL : &t->routes[i];
}

/* CORS preflight (SPEC 8.4): 204; the CORS headers only for an allowed Origin. */
static int answer_preflight(rz_req_t *rq)
{
    request_rec *r = rz_request_rec(rq);
    const char *origin = apr_table_get(r->headers_in, "Origin");

    if (origin && rz_config_cors_allowed(r->server, origin)) {
        apr_table_setn(r->err_headers_out, "Access-Control-Allow-Methods",
                       "GET, POST, PATCH, DELETE");
        apr_table_setn(r->err_headers_out, "Access-Control-Allow-Headers",
                       "Authorization, Content-Type, Idempotency-Key, X-Filename, If-None-Match");
        apr_table_setn(r->err_headers_out, "Access-Control-Max-Age", "600");
    }
    return rz_respond_empty(rq, HTTP_NO_CONTENT);
}

/* Steps (5)-(7): media type, size, JSON. Returns -1 after setting the error answer. */
static int read_json_body(rz_req_t *rq)
{
    request_rec *r = rz_request_rec(rq);
    const char *buf, *why = NULL;
    apr_size_t len;
    int rc;

    if (!rz_request_json_media_ok(r)) {
        rz_respond_error(rq, HTTP_UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                         "Content-Type must be application/json", NULL);
        return -1;
    }
    rc = rz_request_read_body(r, rz_config_json_body_limit(r), &buf, &len);
    if (rc == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        rz_respond_error(rq, rc, "PAYLOAD_TOO_LARGE", "Request body too large", NULL);
        return -1;
    }
    if (rc == HTTP_SERVICE_UNAVAILABLE) {
        rz_respond_error(rq, HTTP_BAD_REQUEST, "INVALID_JSON", "Request body incomplete", NULL);
        return -1;
    }
    if (rc != 0) {
        rz_respond_error(rq, HTTP_BAD_REQUEST, "INVALID_JSON", "Request body unreadable", NULL);
        return -1;
    }
    rq->body = rz_json_parse_body(r->pool, buf, len, &why);
    if (!rq->body) {
        rz_respond_error(rq, HTTP_BAD_REQUEST, "INVALID_JSON", why, NULL);
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
 * rq->raw_body / raw_len (r->pool) and the media type to rq->raw_type. Returns -1 after setting
 * the error answer. */
static int read_raw_body(rz_req_t *rq)
{
    request_rec *r = rz_request_rec(rq);
    const char *type = image_media_type(r), *buf;
    apr_size_t len;
    int rc;

    if (!type) {
        rz_respond_error(rq, HTTP_UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                         "Content-Type must be image/jpeg, image/png or image/webp", NULL);
        return -1;
    }
    rc = rz_request_read_body(r, rz_config_image_body_limit(r), &buf, &len);
    if (rc == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        rz_respond_error(rq, rc, "PAYLOAD_TOO_LARGE", "Request body too large", NULL);
        return -1;
    }
    if (rc != 0) {
        rz_respond_error(rq, HTTP_BAD_REQUEST, "INVALID_IMAGE", "Request body incomplete", NULL);
        return -1;
    }
    rq->raw_type = type;
    rq->raw_body = buf;
    rq->raw_len = len;
    return 0;
}

/* Step (9), query part: the route's allow-list. Returns -1 after setting the error answer. */
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
    if (rz_query_parse(&v, rz_request_rec(rq)->args, names, &rq->query) != 0) {
        rz_respond_validation(rq, v.details);
        return -1;
    }
    return 0;
}

/* 405 naming the methods that `path` has in t (none when the path is unknown). */
static int answer_405(rz_req_t *rq, const rz_route_list_t *t, const char *path)
{
    const char *params[RZ_MAX_SEGMENTS], *allow = NULL;
    int n, st;

    if (path && !rz_router_match(t, rq->pool, "TRACE", path, params, &n, &st, &allow) && allow) {
        apr_table_setn(rq->res.headers, "Allow", allow);
    }
    return rz_respond_error(rq, HTTP_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "Method not allowed",
                            NULL);
}

void rz_router_answer_trace(request_rec *r, const rz_route_list_t *t)
{
    rz_req_t *rq = rz_request_create(r);
    const char *params[RZ_MAX_SEGMENTS], *allow = NULL;
    int n, st;

    rz_router_match(t, r->pool, "TRACE", r->parsed_uri.path, params, &n, &st, &allow);
    if (st == HTTP_NOT_FOUND) {
        rz_respond_error(rq, HTTP_NOT_FOUND, "NOT_FOUND", "Not found", NULL);
    } else {
        answer_405(rq, t, r->parsed_uri.path);
    }
    rz_response_send(rq);
}

/* httpd's own errors (a header too long, a body over LimitRequestBody, ...) reach us through
 * `ErrorDocument <status> /api/_error` (shipped configuration): answer them with the envelope so
 * that no HTML page ever leaves /api. */
static int answer_httpd_error(rz_req_t *rq, const rz_route_list_t *t, int status)
{
    request_rec *r = rz_request_rec(rq);

    switch (status) {
    case HTTP_NOT_FOUND:
        return rz_respond_error(rq, status, "NOT_FOUND", "Not found", NULL);
    case HTTP_METHOD_NOT_ALLOWED:
    case HTTP_NOT_IMPLEMENTED:
        return answer_405(rq, t, r->prev->uri);
    case HTTP_REQUEST_ENTITY_TOO_LARGE:
        return rz_respond_error(rq, status, "PAYLOAD_TOO_LARGE", "Request body too large", NULL);
    case HTTP_UNSUPPORTED_MEDIA_TYPE:
        return rz_respond_error(rq, status, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
                                NULL);
    case HTTP_SERVICE_UNAVAILABLE:
        return rz_respond_error(rq, status, "STORE_UNAVAILABLE", "Service unavailable", NULL);
    default:
        if (status >= 400 && status < 500) {
            /* which part httpd refused: the request line (414) or the header fields (400, 431) */
            json_t *details = rz_detail1(
                rq->pool, status == HTTP_REQUEST_URI_TOO_LARGE ? "request-line" : "headers",
                "rejected by the server's request limits");
            return rz_respond_error(rq, status, "VALIDATION_ERROR", "Bad request", details);
        }
        return rz_respond_error(rq, HTTP_INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal error",
                                NULL);
    }
}

/* Steps (1)-(9) and the handler: 0 when the handler ran, -1 when a step answered first. */
static int run(rz_req_t *rq, const rz_route_list_t *t)
{
    request_rec *r = rz_request_rec(rq);
    const char *allow = NULL, *redirect_status;
    int status;

    redirect_status = r->prev ? apr_table_get(r->subprocess_env, "REDIRECT_STATUS") : NULL;
    if (redirect_status) {
        answer_httpd_error(rq, t, atoi(redirect_status));
        return -1;
    }
    if (apr_table_get(r->notes, RZ_NOTE_PATH_404)) {
        rz_respond_error(rq, HTTP_NOT_FOUND, "NOT_FOUND", "Not found", NULL);
        return -1;
    }
    rq->route = rz_router_match(t, r->pool, strcmp(r->method, "OPTIONS") == 0 ? "GET" : r->method,
                                r->uri, rq->params, &rq->nparams, &status, &allow);
    if (r->method_number == M_OPTIONS && (rq->route || status == HTTP_METHOD_NOT_ALLOWED)) {
        answer_preflight(rq);
        return -1;
    }
    if (!rq->route) {
        if (status == HTTP_METHOD_NOT_ALLOWED) {
            apr_table_setn(rq->res.headers, "Allow", allow);
            rz_respond_error(rq, status, "METHOD_NOT_ALLOWED", "Method not allowed", NULL);
        } else {
            rz_respond_error(rq, HTTP_NOT_FOUND, "NOT_FOUND", "Not found", NULL);
        }
        return -1;
    }
    /* (2) the IP rate limit, (3)-(4) authentication and the route's roles */
    if (rz_auth_rate_limit_ip(rq) != 0 || rz_auth_authenticate(rq) != 0) {
        return -1;
    }
    if (r->method_number == M_POST || r->method_number == M_PATCH) {
        if ((rq->route->flags & RZ_RF_BODY_RAW) ? read_raw_body(rq) != 0
                                                : read_json_body(rq) != 0) {
            return -1;
        }
    }
    /* (8) the Idempotency-Key (SPEC 8.1): replays, 422 and 409 in progress end here */
    if (rz_idem_begin(rq) != 0) {
        return -1;
    }
    if (parse_query(rq) == 0) {
        rq->route->handler(rq);
    }
    return 0;
}

/* DESIGN 4 step 6: the unit of work the handler left pending commits now, with the idempotency
 * record when the request holds one; a failed commit replaces the answer. Then the gate goes, so
 * no writer waits while this answer travels to the client. */
static void end_unit_of_work(rz_req_t *rq)
{
    rz_status_t st;

    if (rq->idem) {
        rz_idem_finish(rq);
    } else if ((st = rz_write_settle(rq)) != RZ_OK) {
        rz_respond_reset(rq);
        rz_respond_store_error(rq, st, rz_store_last_error(rq->sess));
    }
    rz_write_gate_release(rq);
}

int rz_router_handle(request_rec *r, const rz_route_list_t *t)
{
    rz_req_t *rq = rz_request_create(r);

    if (run(rq, t) == 0) {
        end_unit_of_work(rq);
    }
    return rz_response_send(rq); /* DESIGN 4 step 7 */
}

void rz_router_reject_raw_path(request_rec *r)
{
    apr_table_setn(r->notes, RZ_NOTE_PATH_404, "1");
    /* httpd would answer %2F / %00 itself with HTML, and normalise dot segments: hand it a
     * harmless path inside <Location /api> and let the handler write the JSON 404. */
    r->uri = apr_pstrdup(r->pool, "/api");
    r->parsed_uri.path = apr_pstrdup(r->pool, "/api");
}
