/* rz_router.h: the static route table, route matching (404/405 + Allow) and the request pipeline.
 */
#ifndef RZ_ROUTER_H
#define RZ_ROUTER_H

#include "httpd.h"

#include "core/rz_route_match.h"
#include "http/rz_request.h"
#include "http/rz_route_spec.h"

typedef int (*rz_handler_fn)(rz_req_t *rq);

struct rz_route_t {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
    const char *pattern; /* "/api/users/{id}" */
    rz_handler_fn handler;
    unsigned access;   /* RZ_ACC_* */
    unsigned flags;    /* RZ_RF_* */
    const char *query; /* comma-separated allowed query parameters ("" = none) */
    const char *summary;
};

extern const rz_route_t rz_routes[];
extern const int rz_routes_count;

/* Finds the route for (method, path) in rz_routes (rz_route_match): the route, or NULL with
 * *status 404 or 405 (*allow then "GET, HEAD, POST" style, allocated in p). Path params ({id}
 * values) go to params[] in order (at most RZ_MAX_SEGMENTS), *nparams gets their count. */
const rz_route_t *rz_router_match(apr_pool_t *p, const char *method, const char *path,
                                  const char **params, int *nparams, int *status,
                                  const char **allow);

/* The whole request pipeline of SPEC 2.3 for a request whose handler is "ruzizi": route, CORS
 * preflight, authentication, media type, size, JSON, query, then the route's handler. Always
 * writes a response and returns OK (never an HTTP_* code, which would make httpd send HTML). */
int rz_router_handle(request_rec *r);

/* Marks the request for a JSON 404 and rewrites its path so httpd's own checks let it through to
 * the handler. Call from post_read_request only. */
void rz_router_reject_raw_path(request_rec *r);

/* Writes the JSON 405 (with the path's Allow) for a TRACE request; post_read_request only. */
void rz_router_answer_trace(request_rec *r);

#endif
