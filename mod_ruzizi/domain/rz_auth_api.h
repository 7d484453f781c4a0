/* rz_auth_api.h: the 9 endpoints of SPEC 7.1 (login, refresh, logout, me, passwords). */
#ifndef RZ_AUTH_API_H
#define RZ_AUTH_API_H

#include "core/rz_validate.h"
#include "http/rz_request.h"

/* rz_auth_api.c */
int rz_h_auth_login(rz_req_t *rq);
int rz_h_auth_refresh(rz_req_t *rq);
int rz_h_auth_logout(rz_req_t *rq);
int rz_h_auth_logout_all(rz_req_t *rq);
int rz_h_auth_me(rz_req_t *rq);
int rz_h_auth_me_patch(rz_req_t *rq);

/* rz_auth_password.c */
int rz_h_auth_change_password(rz_req_t *rq);
int rz_h_auth_forgot_password(rz_req_t *rq);
int rz_h_auth_reset_password(rz_req_t *rq);

/* Reads a password field without trimming (passwords are taken as typed): a string, else a
 * detail `field` "required"/"must be a string" is added to v and NULL returned. */
const char *rz_auth_password_field(rz_req_t *rq, rz_vctx_t *v, const char *field);

/* Reads the `email` field of login and forgot-password as the string field it is (SPEC 2.1):
 * trimmed, C0 controls (but TAB, LF, CR) and DEL refused, empty after trimming "required", at most
 * 10,000 code points; then ASCII-folded (SPEC 2.5), as the lookups and rate-limit keys use it.
 * Returns it (in rq->pool), or NULL after adding a detail on `email` to v. Its format is not
 * checked: an address that is not an account's is the 401/202 of the route, as before. */
const char *rz_auth_email_field(rz_req_t *rq, rz_vctx_t *v);

/* Holds one slot of the server-wide password-hash cap (RuziziMaxConcurrentHashes) until the
 * request ends. Returns 0, or -1 after answering 503 SERVER_BUSY. */
int rz_auth_hash_slot(rz_req_t *rq);

#endif
