/* rz_migrations.h: numbered schema migrations (collections and indexes) recorded in the store. */
#ifndef RZ_MIGRATIONS_H
#define RZ_MIGRATIONS_H

#include "store/rz_store.h"

/* The number of the last migration this build knows. The module refuses to serve (503) while the
 * store is behind it. */
#define RZ_SCHEMA_VERSION 4

/* Applies, in order, every migration newer than the store's current version, each recorded as a
 * document {number, name, appliedAt} in the `_migrations` collection. Idempotent, and safe when two
 * processes migrate at once (the record has a unique index on number). *applied (may be NULL) gets
 * how many this call applied. On failure returns the store status and sets *err (may be NULL) to a
 * message in the session pool. A store newer than this build -> RZ_INVALID. */
rz_status_t rz_migrations_run(rz_sess_t *s, int *applied, const char **err);

/* The highest applied migration number, 0 when none (or no `_migrations` collection yet). */
rz_status_t rz_migrations_current(rz_sess_t *s, int *version);

/* The schema check of the module (requests and jobs), remembered per store and process: RZ_OK when
 * the store of `s` has every migration of this build (then never asked again), RZ_SCHEMA_BEHIND
 * when it has not (asked again at most every 5 s), or the store's status when it could not be
 * read. *version gets the version read (-1 when the answer was remembered). *first_report is set
 * to 1 on the first RZ_SCHEMA_BEHIND for this store in this process (the caller logs it once),
 * else 0. Thread-safe. */
rz_status_t rz_migrations_require(rz_sess_t *s, int *version, int *first_report);

#endif
