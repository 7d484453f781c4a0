/* rz_jobs_runner.h: the background job thread of each httpd child (SPEC 8.8). */
#ifndef RZ_JOBS_RUNNER_H
#define RZ_JOBS_RUNNER_H

#include "httpd.h"

/* Starts the job threads of this child (child_init): one per distinct store among `s` and its
 * virtual hosts (the store objects opened by child_init), with the settings (SMTP, base URL) of
 * the first server using that store. A thread wakes every second; in the one process of the
 * server that holds the job-runner role (rz_slots_job_runner), a job runs when its store lease is
 * due and this process wins it (JobLease, 60 s, renewed), so exactly one process runs a job at a
 * time on each store (also across servers sharing a store). The threads are stopped and joined by
 * a pre-cleanup of `pchild` (bounded: they check a stop flag at least every 200 ms). Jobs:
 * outbox_delivery every 10 s (only with RuziziSmtpUrl), purge hourly, booking_expiry every 5 min,
 * no_show every 15 min. */
void rz_jobs_start(apr_pool_t *pchild, server_rec *s);

#endif
