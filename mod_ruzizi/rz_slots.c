/* rz_slots.c: the SysV semaphore set behind rz_slots.h (write gate, hash and decode caps, job
 * runner), made by the httpd parent and kept across graceful restarts. */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "unixd.h"

#include "apr_atomic.h"

#include <errno.h>
#include <unistd.h>

#include "rz_private.h"
#include "rz_slots.h"

#include "auth/rz_slotset.h"

#define RETAINED_KEY "ruzizi-slots"

/* Kept by httpd across configuration generations (ap_retained_data_create): the set outlives a
 * graceful restart, so old and new children share it. */
typedef struct {
    int semid; /* -1: none */
    pid_t creator;
} slots_retained_t;

/* Set in the parent by post_config and inherited by the children; -1 outside httpd. */
static int rz_semid = -1;
/* 1 in the process that holds the job-runner semaphore (it keeps it until it exits). */
static volatile apr_uint32_t rz_is_runner;
/* 1 once this process has logged that the set is gone (at most one line per process). */
static volatile apr_uint32_t rz_gone_logged;

/* pconf cleanup in the parent: the set is removed only when httpd exits; a restart keeps it for the
 * next generation (and for the old children still finishing their requests). */
static apr_status_t slots_cleanup(void *data)
{
    slots_retained_t *rt = data;

    if (rt->semid >= 0 && rt->creator == getpid()
        && ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_EXITING) {
        rz_slotset_remove(rt->semid);
        rt->semid = -1;
    }
    return APR_SUCCESS;
}

int rz_slots_post_config(apr_pool_t *pconf, server_rec *s)
{
    slots_retained_t *rt;
    apr_status_t rv;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK; /* the preflight pass: nothing serves requests from it */
    }
    rt = ap_retained_data_get(RETAINED_KEY);
    if (!rt) {
        rt = ap_retained_data_create(RETAINED_KEY, sizeof(*rt));
        rt->semid = -1;
    }
    if (rt->semid >= 0 && rz_slotset_taken(rt->semid, RZ_SEM_HASH) < 0) {
        rt->semid = -1; /* removed behind our back (ipcrm): make a new one */
    }
    if (rt->semid < 0) {
        rt->semid = rz_slotset_create();
        rt->creator = getpid();
        if (rt->semid < 0) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, errno, s,
                         RZ_LOGNO(00510) "cannot create the semaphore set of the write gate and "
                                         "the hash and image-decode caps (see kernel.sem)");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    /* as root, hand the set to the User of the children (like httpd's own SysV mutexes) */
    if (geteuid() == 0
        && rz_slotset_chown(rt->semid, ap_unixd_config.user_id, ap_unixd_config.group_id) != 0) {
        rv = errno;
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     RZ_LOGNO(00511) "cannot hand the semaphore set to the User of the children");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rz_semid = rt->semid;
    apr_pool_cleanup_register(pconf, rt, slots_cleanup, apr_pool_cleanup_null);
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s,
                 RZ_LOGNO(00512) "semaphore set %d: write gate, hash and decode slots, job runner",
                 rz_semid);
    return OK;
}

/* After a call failed with -1: the set is gone (removed by hand, or httpd is exiting under an old
 * child). Logs once per process; the caller then lets the request through (the store still
 * serialises writers on its own) rather than refusing every request. */
static int set_gone(void)
{
    if (apr_atomic_cas32(&rz_gone_logged, 1, 0) == 0) {
        ap_log_error(APLOG_MARK, APLOG_ERR, errno, ap_server_conf,
                     RZ_LOGNO(00513) "the semaphore set %d is gone: this process no longer caps "
                                     "hashes and decodes nor passes the write gate",
                     rz_semid);
    }
    return 1;
}

int rz_slots_gate_enter(int timeout_ms)
{
    int rc;

    if (rz_semid < 0) {
        return 1; /* not under httpd: nothing to share */
    }
    rc = rz_slotset_wait(rz_semid, RZ_SEM_GATE, timeout_ms);
    return rc < 0 ? set_gone() : rc;
}

void rz_slots_gate_leave(void)
{
    if (rz_semid >= 0) {
        rz_slotset_give(rz_semid, RZ_SEM_GATE);
    }
}

static int sem_of(rz_slot_t which)
{
    return which == RZ_SLOT_HASH ? RZ_SEM_HASH : RZ_SEM_DECODE;
}

int rz_slots_take(rz_slot_t which, int max)
{
    int rc;

    if (rz_semid < 0) {
        return 1;
    }
    rc = rz_slotset_take(rz_semid, sem_of(which), max);
    return rc < 0 ? set_gone() : rc;
}

void rz_slots_give(rz_slot_t which)
{
    if (rz_semid >= 0) {
        rz_slotset_give(rz_semid, sem_of(which));
    }
}

int rz_slots_in_use(rz_slot_t which)
{
    int n = rz_semid < 0 ? 0 : rz_slotset_taken(rz_semid, sem_of(which));

    return n < 0 ? 0 : n;
}

static apr_status_t give_cleanup(void *data)
{
    rz_slots_give((rz_slot_t)(apr_uintptr_t)data);
    return APR_SUCCESS;
}

void rz_slots_give_with(apr_pool_t *pool, rz_slot_t which)
{
    apr_pool_cleanup_register(pool, (void *)(apr_uintptr_t)which, give_cleanup,
                              apr_pool_cleanup_null);
}

int rz_slots_job_runner(void)
{
    if (rz_semid < 0 || apr_atomic_read32(&rz_is_runner)) {
        return 1;
    }
    if (rz_slotset_wait(rz_semid, RZ_SEM_JOBS, 0) != 1) {
        return 0; /* another live process has the role (or the set is gone: run nothing) */
    }
    /* two job threads of this process may race here: the loser sees the flag a tick later */
    apr_atomic_set32(&rz_is_runner, 1);
    return 1;
}
