/* rz_jobs_runner.h: the background job thread of each httpd child (SPEC 8.8). */
#ifndef RZ_JOBS_RUNNER_H
#define RZ_JOBS_RUNNER_H

#include "httpd.h"

/* Starts the job thread of this child for server `s` (child_init). The thread wakes every second;
 * a job runs when its store lease is due and this process wins it (JobLease, 60 s, renewed), so
 * exactly one process runs a job at a time across the whole server (and across servers sharing a
 * store). The thread is stopped and joined by a cleanup of `pchild` (bounded: it checks a stop flag
 * at least every 200 ms). Jobs: outbox_delivery every 10 s (only with RuziziSmtpUrl), purge
 * hourly. */
void rz_jobs_start(apr_pool_t *pchild, server_rec *s);

#endif
