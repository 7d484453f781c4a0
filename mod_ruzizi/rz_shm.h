/* rz_shm.h: glue for the shared-memory rate-limit table and write epoch (one segment, one global
 * mutex). The write gate and the hash and decode caps are slots: rz_slots.h. */
#ifndef RZ_SHM_H
#define RZ_SHM_H

#include "httpd.h"
#include "apr_pools.h"

#include "auth/rz_ratelimit.h"

/* pre_config: registers the global mutex type "ruzizi-shm" (so `Mutex ruzizi-shm ...` configures
 * it). Logs to stderr on failure; the mutex creation in post_config then fails the start. */
void rz_shm_pre_config(apr_pool_t *pconf);

/* post_config: skipped (returns OK) during the configuration preflight; otherwise creates an
 * anonymous shared segment of rz_rl_region_size(entries) bytes in pconf, formats it with a random
 * hash key, and creates the global mutex in pconf. Both live for one configuration generation.
 * Returns OK, or HTTP_INTERNAL_SERVER_ERROR after logging why (the server does not start). */
int rz_shm_post_config(apr_pool_t *pconf, server_rec *s, int entries);

/* child_init: re-opens the global mutex in the child (apr_global_mutex_child_init); logs failures.
 */
void rz_shm_child_init(apr_pool_t *pchild, server_rec *s);

/* Spends one token of (scope, key) at `rate` under the global mutex (bounded wait). Returns 1 when
 * allowed; 0 when limited, with *retry_after_s >= 1 for the Retry-After header. If the mutex cannot
 * be taken in time, or the segment does not exist, logs an error and allows (returns 1). Table
 * pressure (evictions, refusals, rz_ratelimit.c) is logged as a warning at most once a minute per
 * process. */
int rz_shm_rate_take(request_rec *r, int scope, const char *key, const rz_rate_t *rate,
                     int *retry_after_s);

/* Like rz_shm_rate_take but spends nothing (rz_rl_peek): 1 when a request now would be allowed,
 * else 0 with *retry_after_s. Same failure behaviour. */
int rz_shm_rate_peek(request_rec *r, int scope, const char *key, const rz_rate_t *rate,
                     int *retry_after_s);

/* A counter shared by all httpd processes, bumped after every committed write request. Per-process
 * caches (the authenticated user, SPEC 8.5 step 7) are valid only while it is unchanged, so a
 * logout, a deactivation or a revocation in any process invalidates them at once. 0 (and a no-op
 * bump) when the segment does not exist. */
apr_uint32_t rz_shm_epoch(void);
void rz_shm_epoch_bump(void);

#endif
