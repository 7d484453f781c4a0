/* ctl_admin.h: `ruzizi-ctl create-admin` (SPEC 8.10). */
#ifndef CTL_ADMIN_H
#define CTL_ADMIN_H

#include <apr_pools.h>

#include "store/rz_store.h"

/* `create-admin --email E --first-name F --last-name L [--force]`, the password read from the first
 * line of stdin. Refused (exit 1) while an active super_admin exists, unless --force. The user and
 * its audit entry (actor system) commit in one unit of work. Prints the new user's id on stdout.
 * Returns the exit code: 0 created, 1 refused or failed, 2 usage (missing option, bad email,
 * password policy). */
int ctl_create_admin(rz_sess_t *s, apr_pool_t *p, int argc, char **argv);

#endif
