/* rz_jobs.h: job leases (SPEC 4.21 JobLease, 8.8) so each background job runs in one process at a
 * time, the "is it due" rule, and the purge job. */
#ifndef RZ_JOBS_H
#define RZ_JOBS_H

#include <jansson.h>
#include <stdint.h>

#include "core/rz_status.h"
#include "store/rz_store.h"

#define RZ_JOBS_COLL "job_leases"
#define RZ_JOB_LEASE_S 60 /* SPEC 8.8: renewed while the job runs */

/*
 * One document per job: {job, owner, leaseUntil, lastRunAt, lastResult, createdAt, updatedAt};
 * owner and leaseUntil are null while the job is free. Every change reads the document and
 * compare-and-sets it on its version inside a unit of work on the key "job:<job>", so of several
 * processes racing for a free or expired lease exactly one wins on both backends (the unit of work
 * is needed on jongodb, whose compare-and-set alone let two concurrent winners through, seen
 * 1 round in 50 of a 4-process race). The first use creates the document; the unique index
 * "job_leases_job" on `job` backs that up (a duplicate means another process won). All calls are
 * made outside a unit of work; job names are at most 100 bytes.
 */

/* Tries to take `job` for `owner` (unique per process and thread, e.g. "host:pid:tid") for lease_s
 * seconds. Succeeds when the lease is free, expired, or already held by `owner` (then it is
 * extended). *acquired is 1 when taken, 0 when another owner holds it or won the race. Returns the
 * store's status (RZ_OK whether or not acquired). */
rz_status_t rz_job_try_lease(rz_sess_t *s, const char *job, const char *owner, int lease_s,
                             int *acquired);

/* Extends a held lease to now + lease_s. RZ_VERSION_MISMATCH when `owner` no longer holds it
 * (another process took it over after it expired): the caller must stop the job's work. */
rz_status_t rz_job_renew(rz_sess_t *s, const char *job, const char *owner, int lease_s);

/* Ends a run: lastRunAt = now, lastResult = result (may be NULL), lease freed.
 * RZ_VERSION_MISMATCH (nothing written) when `owner` no longer holds it; RZ_NOT_FOUND if the job
 * never had a lease. */
rz_status_t rz_job_release(rz_sess_t *s, const char *job, const char *owner, const char *result);

/* The lease document of `job` (owned by the session's pool), or RZ_NOT_FOUND. */
rz_status_t rz_job_get(rz_sess_t *s, const char *job, json_t **doc);

/* 1 when a job that runs every every_s seconds is due at `now`: no document (NULL), no lastRunAt,
 * or lastRunAt + every_s <= now. A daily job uses 86400, which also gives "a daily job whose last
 * run is more than 24 h old runs at start-up". */
int rz_job_due(const json_t *lease_doc, int64_t now, int every_s);

/* The purge job (SPEC 8.8): deletes idempotency records past expiresAt (24 h after creation),
 * refresh_sessions whose expiresAt is more than 30 days old, revoked_tokens and reset_tokens past
 * expiresAt, outbox emails sent more than 30 days ago, and notifications read more than 180 days
 * ago. *counts (may be NULL) receives a new object {collection: deleted} that the caller must
 * json_decref. Every collection is tried; the first failure is returned. */
rz_status_t rz_purge_run(rz_sess_t *s, int64_t now, json_t **counts);

#endif
