/* rz_jobs_runner.c: one thread per child runs the due jobs under store leases (SPEC 8.8). */
#include "jobs/rz_jobs_runner.h"

#include "rz_config.h"
#include "rz_private.h"
#include "rz_slots.h"

#include "apr_atomic.h"
#include "apr_hash.h"
#include "apr_strings.h"
#include "apr_thread_proc.h"

#include <unistd.h>

#include "services/rz_booking_events.h"
#include "core/rz_id.h"
#include "services/rz_jobs.h"
#include "services/rz_outbox.h"
#include "core/rz_time.h"
#include "store/rz_migrations.h"

#define TICK_MS 200
#define TICKS_PER_CHECK 5 /* a job check every second */

typedef struct rz_jobs_t rz_jobs_t;

typedef struct rz_job_def_t {
    const char *name;
    int every_s;
    int (*run)(rz_jobs_t *j, rz_sess_t *s, const char **result);
} rz_job_def_t;

struct rz_jobs_t {
    server_rec *s; /* the first server (of the vhosts) using this store: its settings apply */
    rz_srv_conf_t *sc;
    apr_thread_t *thread;
    apr_pool_t *pool; /* the thread's own: a child of pchild with a private allocator */
    volatile apr_uint32_t stop;
    const char *owner;
    int64_t next_check[8]; /* per job: when this process looks at its lease again */
    int outbox_errors;     /* consecutive failed runs of outbox_delivery */
};

static int run_outbox(rz_jobs_t *j, rz_sess_t *s, const char **result)
{
    rz_smtp_conf_t smtp = {
        j->sc->smtp_url, j->sc->smtp_user, j->sc->smtp_password, j->sc->mail_from, NULL, 10};
    int sent = 0, failed = 0;
    rz_status_t st = rz_outbox_deliver_batch(s, &smtp, &sent, &failed);

    *result = st == RZ_OK ? (failed ? "partial" : "ok") : "error";
    j->outbox_errors = st == RZ_OK ? 0 : j->outbox_errors + 1;
    if (sent || failed || st != RZ_OK) {
        /* a failed run is retried 10 s later, and a store busy with other writers for a run or
         * two is no fault: only a failure lasting three runs (30 s) is worth a warning */
        ap_log_error(APLOG_MARK, j->outbox_errors < 3 ? APLOG_INFO : APLOG_WARNING, 0, j->s,
                     RZ_LOGNO(00601) "outbox_delivery: %d sent, %d failed attempts%s%s", sent,
                     failed,
                     st == RZ_OK ? "" : ", store: ", st == RZ_OK ? "" : rz_store_last_error(s));
    }
    return st == RZ_OK;
}

static int run_purge(rz_jobs_t *j, rz_sess_t *s, const char **result)
{
    json_t *counts = NULL;
    rz_status_t st = rz_purge_run(s, rz_now(), &counts);

    *result = st == RZ_OK ? "ok" : "error";
    if (st != RZ_OK) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s, RZ_LOGNO(00602) "purge: store: %s",
                     rz_store_last_error(s));
    }
    json_decref(counts);
    return st == RZ_OK;
}

/* booking_expiry and no_show (SPEC 8.8): one log line per run that changed something. */
static int run_bookings(rz_jobs_t *j, rz_sess_t *s, const char **result, int expiry)
{
    apr_pool_t *p;
    int done = 0;
    rz_status_t st;

    *result = "error";
    if (apr_pool_create(&p, rz_store_sess_pool(s)) != APR_SUCCESS) {
        return 0;
    }
    st = expiry ? rz_booking_job_expiry(s, p, j->sc->public_base_url, &done)
                : rz_booking_job_no_show(s, p, &done);
    *result = st == RZ_OK ? "ok" : "error";
    if (done || st != RZ_OK) {
        ap_log_error(APLOG_MARK, st == RZ_OK ? APLOG_INFO : APLOG_WARNING, 0, j->s,
                     RZ_LOGNO(00604) "%s: %d bookings changed%s%s",
                     expiry ? "booking_expiry" : "no_show", done,
                     st == RZ_OK ? "" : ", store: ", st == RZ_OK ? "" : rz_store_last_error(s));
    }
    apr_pool_destroy(p);
    return st == RZ_OK;
}

static int run_booking_expiry(rz_jobs_t *j, rz_sess_t *s, const char **result)
{
    return run_bookings(j, s, result, 1);
}

static int run_no_show(rz_jobs_t *j, rz_sess_t *s, const char **result)
{
    return run_bookings(j, s, result, 0);
}

static const rz_job_def_t jobs[] = {
    {"outbox_delivery", 10, run_outbox},
    {"purge", 3600, run_purge},
    {"booking_expiry", 300, run_booking_expiry},
    {"no_show", 900, run_no_show},
};

#define NJOBS ((int)(sizeof(jobs) / sizeof(jobs[0])))

/* Jobs touch collections and indexes that migrations create: never run them on a store whose
 * schema is behind this build (the request path answers 503 meanwhile). The answer is kept per
 * store (rz_migrations_require). */
static int schema_current(rz_sess_t *s)
{
    int version = 0, first = 0;

    return rz_migrations_require(s, &version, &first) == RZ_OK;
}

/* Runs job i if its lease says it is due and this process wins the lease. */
static void maybe_run(rz_jobs_t *j, int i, apr_pool_t *tmp)
{
    const rz_job_def_t *d = &jobs[i];
    rz_sess_t *s;
    json_t *lease = NULL;
    const char *result = "error";
    int acquired = 0;
    int64_t now = rz_now();

    if (now < j->next_check[i]) {
        return;
    }
    j->next_check[i] = now + (d->every_s < 10 ? d->every_s : 10);
    if (rz_store_session(&s, j->sc->store, tmp) != RZ_OK || !schema_current(s)) {
        return;
    }
    if (rz_job_get(s, d->name, &lease) != RZ_OK) {
        lease = NULL;
    }
    if (!rz_job_due(lease, now, d->every_s)
        || rz_job_try_lease(s, d->name, j->owner, RZ_JOB_LEASE_S, &acquired) != RZ_OK
        || !acquired) {
        return;
    }
    d->run(j, s, &result);
    rz_job_release(s, d->name, j->owner, result);
}

static void *APR_THREAD_FUNC job_thread(apr_thread_t *t, void *data)
{
    rz_jobs_t *j = data;
    apr_pool_t *tmp = j->pool;
    int tick = 0, i;

    while (!apr_atomic_read32(&j->stop)) {
        if (++tick >= TICKS_PER_CHECK) {
            tick = 0;
            rz_config_test_clock_tick(j->s);
            /* one process of the server runs the jobs; the others only stand by */
            for (i = 0; rz_slots_job_runner() && i < NJOBS && !apr_atomic_read32(&j->stop); i++) {
                if (jobs[i].run == run_outbox && !j->sc->smtp_url) {
                    continue; /* no relay configured: mail stays queued (logged at start) */
                }
                maybe_run(j, i, tmp);
                apr_pool_clear(tmp);
            }
        }
        apr_sleep(apr_time_from_msec(TICK_MS));
    }
    apr_pool_clear(tmp); /* pchild destroys it, after this thread was joined */
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

static apr_status_t stop_jobs(void *data)
{
    rz_jobs_t *j = data;
    apr_status_t rv;

    apr_atomic_set32(&j->stop, 1);
    if (j->thread) {
        apr_thread_join(&rv, j->thread);
    }
    return APR_SUCCESS;
}

/* Starts the job thread of the store of server s, with that server's settings. */
static void start_one(apr_pool_t *pchild, server_rec *s)
{
    rz_jobs_t *j = apr_pcalloc(pchild, sizeof(*j));
    apr_allocator_t *alloc = NULL;
    char id[RZ_ID_LEN + 1];
    apr_status_t rv;

    j->s = s;
    j->sc = rz_config_server(s);
    rz_id_new(id);
    j->owner = apr_psprintf(pchild, "%s:%ld:%s", s->server_hostname ? s->server_hostname : "-",
                            (long)getpid(), id);
    /* made here, before the thread exists: the thread then allocates only from its own allocator
     * (pchild's may have no mutex, e.g. under prefork) */
    rv = apr_allocator_create(&alloc);
    if (rv == APR_SUCCESS) {
        rv = apr_pool_create_ex(&j->pool, pchild, NULL, alloc);
        if (rv == APR_SUCCESS) {
            apr_allocator_owner_set(alloc, j->pool);
        } else {
            apr_allocator_destroy(alloc);
        }
    }
    if (rv == APR_SUCCESS) {
        rv = apr_thread_create(&j->thread, NULL, job_thread, j, pchild);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     RZ_LOGNO(00603) "cannot start the job thread: background jobs do not run "
                                     "in this process");
        return;
    }
    apr_pool_pre_cleanup_register(pchild, j, stop_jobs);
}

void rz_jobs_start(apr_pool_t *pchild, server_rec *s)
{
    apr_hash_t *started = apr_hash_make(pchild);
    server_rec *cur;

    for (cur = s; cur; cur = cur->next) {
        rz_store_t *st = rz_config_server(cur)->store;
        if (st && !apr_hash_get(started, &st, sizeof(st))) {
            apr_hash_set(started, apr_pmemdup(pchild, &st, sizeof(st)), sizeof(st), st);
            start_one(pchild, cur);
        }
    }
}
