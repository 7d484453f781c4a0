/* rz_shm.h: glue for the shared-memory rate-limit table and hash cap (one segment, one global
 * mutex). */
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

/* Password-hash cap across all processes (rz_hashcap_enter): 1 entered (call rz_shm_hash_leave
 * exactly once, e.g. from an r->pool cleanup), 0 when `max` hashes are in flight (503 SERVER_BUSY).
 * Without a segment (post_config not run) it returns 1. */
int rz_shm_hash_enter(int max);

/* Ends a hash started by a successful rz_shm_hash_enter. */
void rz_shm_hash_leave(void);

/* Hashes in flight server-wide, 0 without a segment. */
int rz_shm_hash_inflight(void);

/* A counter shared by all httpd processes, bumped after every committed write request. Per-process
 * caches (the authenticated user, SPEC 8.5 step 7) are valid only while it is unchanged, so a
 * logout, a deactivation or a revocation in any process invalidates them at once. 0 (and a no-op
 * bump) when the segment does not exist. */
apr_uint32_t rz_shm_epoch(void);
void rz_shm_epoch_bump(void);

/* 1 when this process is (or just became) the one process of the server that runs background jobs:
 * the first to ask, replaced when it has exited. Keeps job traffic to the store to one process per
 * server (the JobLease documents still decide between servers sharing a store). */
int rz_shm_job_runner(void);

/* The write gate of one server: units of work of all httpd processes pass it one at a time, so
 * concurrent writers wait here, on shared memory, instead of in the store (SQLite's busy handler
 * sleeps up to 100 ms between tries, leaving the lock idle; MongoDB waiters poll lease documents,
 * and fifty requests for one unit at once flooded the test server with polls). Units of work
 * already serialise chain-wide on the audit key (and SQLite serialises every writer), so the gate
 * costs no parallelism; between servers sharing a store the store still decides. A gate held by a
 * process that died is taken over. Returns 1 with *token set (0 when there is no segment), or 0
 * after `timeout_ms` (the caller answers 503). Call rz_shm_gate_leave(*token) exactly once. */
int rz_shm_gate_enter(int timeout_ms, apr_uint32_t *token);
void rz_shm_gate_leave(apr_uint32_t token);

#endif
