/* rz_auth_tokens.h: token pairs, refresh sessions and the persistent login lockout (SPEC 4.2, 8.2,
 * 8.5), shared by the auth endpoints. */
#ifndef RZ_AUTH_TOKENS_H
#define RZ_AUTH_TOKENS_H

#include <jansson.h>

#include "domain/rz_write.h"

#define RZ_ACCESS_TTL 900
#define RZ_THROTTLE "login_throttle"
#define RZ_REVOKED "revoked_tokens"
#define RZ_RESETS "reset_tokens"

/* Issues an access token and a new refresh session for `user` inside the unit of work `w`:
 * family `family_id` (NULL: a new family starting now), `parent` the session rotated from (NULL for
 * a login), `family_started` the family's start (epoch; ignored for a new family). Returns the
 * {accessToken, refreshToken, expiresIn} object (owned by the request pool) or NULL with *st set.
 */
json_t *rz_tokens_issue(rz_write_t *w, const json_t *user, const char *family_id,
                        const json_t *parent, int64_t family_started, rz_status_t *st);

/* The LoginThrottle document of an email (SHA-256 of the lowercased email) or NULL; *hash gets the
 * key (in the pool). */
rz_status_t rz_throttle_get(rz_sess_t *s, apr_pool_t *p, const char *email, json_t **doc,
                            const char **hash);

/* Seconds the email is still locked at `now` (0 when not locked). */
int64_t rz_throttle_locked_for(const json_t *doc, int64_t now);

/* Records one failed login (SPEC 8.2: from the 5th consecutive failure the n-th locks for
 * min(60, 2^(n-5)) minutes). Call inside the unit of work. */
rz_status_t rz_throttle_fail(rz_sess_t *s, const json_t *doc, const char *hash);

/* Clears the failures of an email (a success or a password reset). */
rz_status_t rz_throttle_clear(rz_sess_t *s, const json_t *doc);

/* Denies one access token until it expires (logout). */
rz_status_t rz_tokens_revoke_jti(rz_sess_t *s, const char *jti, int64_t exp);

#endif
