/* rz_shm.c: httpd glue of the shared rate-limit table and write epoch: segment, global mutex,
 * locking. */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "util_mutex.h"

#include "apr_global_mutex.h"
#include "apr_shm.h"
#include "apr_version.h"

#include <stdlib.h>
#include <time.h>

#include "rz_private.h"
#include "rz_shm.h"

#include "apr_atomic.h"

#define RZ_SHM_MUTEX_TYPE "ruzizi-shm"

/* Lock wait bound: the critical section is a few hundred nanoseconds, so a second of waiting means
 * something is wrong (a stuck process); then the request is allowed and the fault logged. */
#define RZ_SHM_LOCK_WAIT apr_time_from_sec(1)

/* Set in the parent by post_config and inherited by the children of that generation. */
/* The write epoch: bumped by every committed write of any process (rz_shm_epoch_bump). */
static volatile apr_uint32_t *rz_epoch;
static void *rz_region;
static apr_global_mutex_t *rz_mutex;

/* Per-process log throttles (racy between threads on purpose: at worst one extra line). */
static apr_time_t rz_last_fault_log;
static apr_time_t rz_last_pressure_log;
static uint64_t rz_seen_evicted, rz_seen_refused;

void rz_shm_pre_config(apr_pool_t *pconf)
{
    apr_status_t rv = ap_mutex_register(pconf, RZ_SHM_MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);

    if (rv != APR_SUCCESS) {
        ap_log_perror(APLOG_MARK, APLOG_CRIT, rv, pconf,
                      RZ_LOGNO(00501) "cannot register the mutex type " RZ_SHM_MUTEX_TYPE);
    }
}

int rz_shm_post_config(apr_pool_t *pconf, server_rec *s, int entries)
{
    apr_shm_t *shm;
    unsigned char hashkey[16];
    /* the rate-limit table, then one 64-byte slot for the write epoch */
    apr_size_t size = APR_ALIGN_DEFAULT(rz_rl_region_size(entries)) + 64;
    apr_status_t rv;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK; /* the preflight pass: nothing serves requests from it */
    }
    rz_region = NULL; /* the previous generation's segment dies with its pconf */
    rz_epoch = NULL;
    rz_mutex = NULL;
    rv = apr_shm_create(&shm, size, NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     RZ_LOGNO(00502) "cannot create the shared rate-limit table (%" APR_SIZE_T_FMT
                                     " bytes, RuziziRateLimitEntries %d)",
                     size, entries);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv = apr_generate_random_bytes(hashkey, sizeof(hashkey));
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     RZ_LOGNO(00503) "cannot draw the rate-limit hash key");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rz_rl_region_init(apr_shm_baseaddr_get(shm), entries, hashkey);
    rv = ap_global_mutex_create(&rz_mutex, NULL, RZ_SHM_MUTEX_TYPE, NULL, s, pconf, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     RZ_LOGNO(00504) "cannot create the global mutex " RZ_SHM_MUTEX_TYPE);
        rz_mutex = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rz_region = apr_shm_baseaddr_get(shm);
    rz_epoch = (volatile apr_uint32_t *)((char *)rz_region
                                         + APR_ALIGN_DEFAULT(rz_rl_region_size(entries)));
    *rz_epoch = 0;
    rz_seen_evicted = rz_seen_refused = 0;
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s,
                 RZ_LOGNO(00505) "shared rate-limit table: %" APR_SIZE_T_FMT " bytes at %pp", size,
                 rz_region);
    return OK;
}

void rz_shm_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv;

    if (!rz_mutex) {
        return;
    }
    rv = apr_global_mutex_child_init(&rz_mutex, apr_global_mutex_lockfile(rz_mutex), pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     RZ_LOGNO(00506) "cannot attach the global mutex " RZ_SHM_MUTEX_TYPE
                                     " in a child: rate limits are not enforced there");
        rz_mutex = NULL;
    }
}

/* A millisecond clock shared by all processes of the host and immune to wall-clock steps. */
static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when at most one line a minute has been logged through *last (per process). */
static int log_due(apr_time_t *last)
{
    apr_time_t now = apr_time_now();

    if (now - *last < apr_time_from_sec(60)) {
        return 0;
    }
    *last = now;
    return 1;
}

/* Takes the global mutex with a bounded wait. APR_SUCCESS or the failure (already logged). */
static apr_status_t shm_lock(request_rec *r)
{
    apr_status_t rv = APR_EINIT;

    if (rz_region && rz_mutex) {
#if APR_VERSION_AT_LEAST(1, 6, 0)
        rv = apr_global_mutex_timedlock(rz_mutex, RZ_SHM_LOCK_WAIT);
        if (rv == APR_ENOTIMPL) {
            rv = apr_global_mutex_lock(rz_mutex); /* no timed variant: the section is tiny */
        }
#else
        rv = apr_global_mutex_lock(rz_mutex);
#endif
    }
    if (rv != APR_SUCCESS && log_due(&rz_last_fault_log)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      RZ_LOGNO(00507) "rate-limit table unavailable (%s): request allowed",
                      rz_region ? "lock failed or timed out" : "no shared segment");
    }
    return rv;
}

/* Logs, at most once a minute, that the table evicted or refused since the last line. Called
 * after the unlock: no file I/O under the global mutex. */
static void log_pressure(request_rec *r, uint64_t evicted, uint64_t refused)
{
    if ((evicted == rz_seen_evicted && refused == rz_seen_refused)
        || !log_due(&rz_last_pressure_log)) {
        return;
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  RZ_LOGNO(00508) "rate-limit table full: %" APR_UINT64_T_FMT
                                  " buckets evicted early, %" APR_UINT64_T_FMT
                                  " new clients refused so far; raise RuziziRateLimitEntries",
                  evicted, refused);
    rz_seen_evicted = evicted;
    rz_seen_refused = refused;
}

/* Runs take (1) or peek (0) under the lock; see rz_shm_rate_take. */
static int rate_op(request_rec *r, int take, int scope, const char *key, const rz_rate_t *rate,
                   int *retry_after_s)
{
    uint64_t evicted, refused;
    int ok;

    *retry_after_s = 0;
    if (shm_lock(r) != APR_SUCCESS) {
        return 1;
    }
    if (take) {
        ok = rz_rl_take(rz_region, scope, key, rate, now_ms(), retry_after_s);
    } else {
        ok = rz_rl_peek(rz_region, scope, key, rate, now_ms(), retry_after_s);
    }
    rz_rl_stats(rz_region, &evicted, &refused);
    apr_global_mutex_unlock(rz_mutex);
    log_pressure(r, evicted, refused);
    return ok;
}

int rz_shm_rate_take(request_rec *r, int scope, const char *key, const rz_rate_t *rate,
                     int *retry_after_s)
{
    return rate_op(r, 1, scope, key, rate, retry_after_s);
}

int rz_shm_rate_peek(request_rec *r, int scope, const char *key, const rz_rate_t *rate,
                     int *retry_after_s)
{
    return rate_op(r, 0, scope, key, rate, retry_after_s);
}

apr_uint32_t rz_shm_epoch(void)
{
    return rz_epoch ? apr_atomic_read32(rz_epoch) : 0;
}

void rz_shm_epoch_bump(void)
{
    if (rz_epoch) {
        apr_atomic_inc32(rz_epoch);
    }
}
