/* rz_users.h: the 8 user endpoints of SPEC 7.2 and the User output view (SPEC 4.1). */
#ifndef RZ_USERS_H
#define RZ_USERS_H

#include <jansson.h>

#include "domain/rz_req.h"
#include "store/rz_store.h"

/* The User of SPEC 4.1 as output: every stored field but passwordHash, sessionsValidAfter and
 * version (optional ones as null), plus `establishment` {id, name} (null for a super_admin or an
 * establishment that no longer exists). `s` is the request's store session (one read of the
 * establishment). Returns a new object owned by rq->pool, or NULL when `user` is not an object.
 * A store failure on the establishment read leaves `establishment` null. */
json_t *rz_user_view(rz_req_t *rq, rz_sess_t *s, const json_t *user);

/* rz_users.c: reads */
int rz_h_users_list(rz_req_t *rq);  /* GET /api/users */
int rz_h_users_stats(rz_req_t *rq); /* GET /api/users/stats */
int rz_h_user_get(rz_req_t *rq);    /* GET /api/users/{id} */

/* rz_users_write.c: writes */
int rz_h_user_create(rz_req_t *rq);       /* POST /api/users */
int rz_h_user_patch(rz_req_t *rq);        /* PATCH /api/users/{id} */
int rz_h_user_activate(rz_req_t *rq);     /* POST /api/users/{id}/activate */
int rz_h_user_deactivate(rz_req_t *rq);   /* POST /api/users/{id}/deactivate */
int rz_h_user_set_password(rz_req_t *rq); /* POST /api/users/{id}/password */

/* Shared by rz_users*.c. Loads the user of path parameter 0 with the scope rules of SPEC 3.3
 * (super_admin: all; manager: users of their establishment; staff: themselves only): 0 with *user
 * (owned by the session pool) and *s set, or -1 after answering 404 (malformed id, missing, out
 * of scope) or 503. */
int rz_users_load(rz_req_t *rq, rz_sess_t **s, json_t **user);

/* {"id","name"} of establishment `est_id` (NULL -> JSON null), looked up through `cache` (an
 * object est_id -> ref, may be NULL) so lists read each establishment once. New reference. */
json_t *rz_users_est_ref(rz_req_t *rq, rz_sess_t *s, const char *est_id, json_t *cache);

#endif
