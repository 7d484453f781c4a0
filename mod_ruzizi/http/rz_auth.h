/* rz_auth.h: steps (2)-(4) of SPEC 2.3 for one request: IP rate limit, Bearer JWT authentication
 * (SPEC 8.5 steps 1-7) and the route's role rule; plus the helpers handlers use for scope. */
#ifndef RZ_AUTH_H
#define RZ_AUTH_H

#include "http/rz_request.h"

/* The authenticated caller, re-read from the store (SPEC 3.2 rule 5: claims are never trusted). */
typedef struct rz_principal_t {
    const char *user_id;
    const char *role;   /* super_admin | manager | staff */
    const char *est_id; /* NULL for super_admin */
    const char *sid;    /* refresh family of the token */
    const char *jti;
    int64_t exp;  /* token expiry, epoch seconds */
    json_t *user; /* the stored user document (owned by the request pool) */
} rz_principal_t;

/* Step (2): the `api` IP bucket (unless the route is exempt). Returns 0, or -1 after writing 429.
 */
int rz_auth_rate_limit_ip(rz_req_t *rq);

/* Takes a token of `scope` for `key` (email, phone, user id or client IP); returns 0, or -1 after
 * writing 429 RATE_LIMITED with Retry-After. Used for the (9a) limits of SPEC 8.2. */
int rz_auth_rate_limit(rz_req_t *rq, int scope, const char *key);

/* The client IP bucket key (IPv4, or the IPv6 /64), in the request pool. */
const char *rz_auth_client_key(rz_req_t *rq);

/* Steps (3)-(4): for a non-public route, validates the Bearer token and the stored user, fills
 * rq->who, then checks the route's roles. Returns 0, or -1 after writing 401/403/503. Public routes
 * return 0 without looking at any token. */
int rz_auth_authenticate(rz_req_t *rq);

/* 1 when the caller may see objects of establishment `est_id` (super_admin: all; others: own). */
int rz_auth_in_scope(const rz_req_t *rq, const char *est_id);

/* Step (10) of SPEC 2.3 for a route's object: loads the document of path parameter 0 from
 * collection `coll` and checks the caller's scope on its establishmentId (SPEC 3.2). Returns 0
 * with *s and *doc (owned by the session pool) set, or -1 after answering 404 NOT_FOUND with the
 * message "<what> not found" (one body for a malformed id, a missing one and another
 * establishment's) or the store error (503). */
int rz_auth_load_scoped(rz_req_t *rq, const char *coll, const char *what, rz_sess_t **s,
                        json_t **doc);

/* child_init: the per-process cache of authenticated users (5 s, invalidated by any write). */
void rz_auth_child_init(apr_pool_t *pchild);

#endif
