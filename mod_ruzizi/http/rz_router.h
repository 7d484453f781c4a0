/* rz_router.h: route matching over the table the glue hands in (404/405 + Allow) and the request
 * pipeline of SPEC 2.3: it runs the handler, ends the unit of work, then writes the answer. */
#ifndef RZ_ROUTER_H
#define RZ_ROUTER_H

#include "httpd.h"

#include "core/rz_route_match.h"
#include "http/rz_request.h"
#include "domain/rz_route.h"

/* Finds the route of list t for (method, path) with core/rz_route_match: the route, or NULL with
 * *status 404 (no pattern matches the path) or 405 (the path's best pattern has no such method;
 * *allow is then "GET, HEAD, POST" style, allocated in p). HEAD matches GET routes. Path params
 * ({id} values) go to params[] in order (at most RZ_MAX_SEGMENTS), *nparams gets their count. */
const rz_route_t *rz_router_match(const rz_route_list_t *t, apr_pool_t *p, const char *method,
                                  const char *path, const char **params, int *nparams, int *status,
                                  const char **allow);

/* The whole request pipeline of SPEC 2.3 for a request whose handler is "ruzizi", over the routes
 * of t: route, CORS preflight, authentication, media type, size, JSON, idempotency key, query,
 * then the route's handler; then the end of the unit of work the handler left pending (commit,
 * with the idempotency record when the request holds one: DESIGN 4 step 6), and only then the
 * answer is written (step 7). Always writes a response and returns OK (never an HTTP_* code, which
 * would make httpd send HTML). */
int rz_router_handle(request_rec *r, const rz_route_list_t *t);

/* Marks the request for a JSON 404 and rewrites its path so httpd's own checks let it through to
 * the handler. Call from post_read_request only. */
void rz_router_reject_raw_path(request_rec *r);

/* Writes the JSON 405 (with the path's Allow in t) for a TRACE request; post_read_request only. */
void rz_router_answer_trace(request_rec *r, const rz_route_list_t *t);

#endif
