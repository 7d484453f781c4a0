/* rz_sessions.h: refresh-token families (SPEC 4.2, 8.5): issue, rotate and revoke, in the store. */
#ifndef RZ_SESSIONS_H
#define RZ_SESSIONS_H

#include <jansson.h>

#include "store/rz_store.h"

#define RZ_SESSIONS "refresh_sessions"

/* Revokes every unrevoked refresh session of `user_id` (revokedAt now, revokedReason `reason`:
 * logout_all, password_change, password_reset, deactivated, account_change, admin). Access
 * tokens of those families are refused from then on (rz_auth.c checks the family). Call inside the
 * unit of work of the change. *count (may be NULL) gets the number revoked. */
rz_status_t rz_sessions_revoke_user(rz_sess_t *s, const char *user_id, const char *reason,
                                    long *count);

/* Revokes every unrevoked session of one family (logout, reuse). */
rz_status_t rz_sessions_revoke_family(rz_sess_t *s, const char *family_id, const char *reason,
                                      long *count);

#endif
