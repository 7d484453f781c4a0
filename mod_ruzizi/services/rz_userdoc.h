/* rz_userdoc.h: the stored User document (SPEC 4.1), shared by the API, ruzizi-ctl and the demo
 * seed. */
#ifndef RZ_USERDOC_H
#define RZ_USERDOC_H

#include <apr_pools.h>
#include <jansson.h>

#include "auth/rz_password.h"
#include "store/rz_store.h"

#define RZ_USERS "users"

typedef struct {
    const char *email;    /* already validated and lowercased */
    const char *password; /* plain; hashed here (argon2id at `cost`) */
    const char *first_name, *last_name;
    const char *phone;      /* E.164 or NULL */
    const char *role;       /* super_admin | manager | staff */
    const char *est_id;     /* NULL for super_admin */
    const char *language;   /* fr | en; NULL -> fr */
    const char *created_by; /* NULL for the CLI */
} rz_user_spec_t;

/* Builds a new user document with every SPEC 4.1 field (isActive true, lastLoginAt,
 * passwordChangedAt and sessionsValidAfter null, createdAt = updatedAt = now). Hashing takes
 * ~56 ms at the interactive cost. Returns a new reference owned by `p`, or NULL when the hash could
 * not be computed (out of memory). */
json_t *rz_userdoc_new(apr_pool_t *p, const rz_user_spec_t *u, rz_pw_cost_t cost);

/* Counts active super_admins (for create-admin and the last-super-admin rules). */
rz_status_t rz_userdoc_count_active_admins(rz_sess_t *s, long *count);

#endif
