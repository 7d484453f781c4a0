/* rz_auth.h: steps (2)-(4) of SPEC 2.3 for one request: IP rate limit, Bearer JWT authentication
 * (SPEC 8.5 steps 1-7) and the route's role rule (the helpers handlers use for scope:
 * domain/rz_auth_scope.h). */
#ifndef RZ_AUTH_H
#define RZ_AUTH_H

#include "http/rz_request.h"
#include "domain/rz_auth_scope.h"

/* Step (2): the `api` IP bucket (unless the route is exempt). Returns 0, or -1 after answering 429.
 */
int rz_auth_rate_limit_ip(rz_req_t *rq);

/* Steps (3)-(4): for a non-public route, validates the Bearer token and the stored user, fills
 * rq->who, then checks the route's roles. Returns 0, or -1 after answering 401/403/503. Public
 * routes return 0 without looking at any token. */
int rz_auth_authenticate(rz_req_t *rq);

/* child_init: the per-process cache of authenticated users (5 s, invalidated by any write). */
void rz_auth_child_init(apr_pool_t *pchild);

#endif
