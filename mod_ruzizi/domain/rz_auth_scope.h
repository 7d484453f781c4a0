/* rz_auth_scope.h: what handlers ask about the caller: role, establishment scope (SPEC 3.2), the
 * scoped load of a route's object, and the per-key rate limits (SPEC 8.2). */
#ifndef RZ_AUTH_SCOPE_H
#define RZ_AUTH_SCOPE_H

#include "auth/rz_ratelimit.h"
#include "domain/rz_req.h"

/* 1 when the caller is a super_admin. */
int rz_auth_is_sa(const rz_req_t *rq);

/* 1 when the caller may see objects of establishment `est_id` (super_admin: all; others: own). */
int rz_auth_in_scope(const rz_req_t *rq, const char *est_id);

/* Step (10) of SPEC 2.3 for a route's object: loads the document of path parameter 0 from
 * collection `coll` and checks the caller's scope on its establishmentId (SPEC 3.2). Returns 0
 * with *s and *doc (owned by the session pool) set, or -1 after answering 404 NOT_FOUND with the
 * message "<what> not found" (one body for a malformed id, a missing one and another
 * establishment's) or the store error (503). */
int rz_auth_load_scoped(rz_req_t *rq, const char *coll, const char *what, rz_sess_t **s,
                        json_t **doc);

/* Takes a token of `scope` for `key` (email, phone, user id or client IP); returns 0, or -1 after
 * answering 429 RATE_LIMITED with Retry-After. Used for the (9a) limits of SPEC 8.2 and the `api`
 * IP bucket. */
int rz_auth_rate_limit(rz_req_t *rq, int scope, const char *key);

/* The client IP bucket key (IPv4, or the IPv6 /64), in the request pool. */
const char *rz_auth_client_key(rz_req_t *rq);

#endif
