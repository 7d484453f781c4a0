/* rz_slots.h: cross-process slots that survive a killed holder: the write gate, the caps on
 * password hashes and image decodes, and the job-runner role (one SysV semaphore set). */
#ifndef RZ_SLOTS_H
#define RZ_SLOTS_H

#include <apr_pools.h>

/*
 * Every slot is a SysV semaphore taken with SEM_UNDO: when a process dies holding slots (SIGKILL,
 * crash, OOM killer), the kernel gives them back, so nothing leaks and nobody judges a holder by
 * its pid. A waiter sleeps in the kernel (semtimedop), no polling. A slot is not owned by a thread:
 * it may be given back by another thread of the same process (a request pool cleanup). The set is
 * made by the httpd parent once (rz_slots_post_config), kept across graceful restarts (old and new
 * children share one gate and one count) and removed when httpd exits. In a process that has no
 * set (ruzizi-ctl, unit tests) every call succeeds at once and nothing is counted.
 */

typedef enum {
    RZ_SLOT_HASH = 1,  /* password hashes in flight (RuziziMaxConcurrentHashes) */
    RZ_SLOT_DECODE = 2 /* image decodes in flight (RuziziMaxConcurrentImageDecodes) */
} rz_slot_t;

/* The highest cap rz_slots_take accepts (a larger one counts as this). */
#define RZ_SLOTS_MAX_CAP 1024

struct server_rec;

/* post_config (httpd parent; skipped in the preflight pass): makes the set on the first start, or
 * finds it again after a restart (ap_retained_data_*), hands it to the children's User when root,
 * and registers its removal for when httpd exits. Returns OK, or HTTP_INTERNAL_SERVER_ERROR after
 * logging why (the server does not start). */
int rz_slots_post_config(apr_pool_t *pconf, struct server_rec *s);

/* Waits at most timeout_ms for the server's write gate: units of work of all httpd processes pass
 * it one at a time, so concurrent writers wait in the kernel instead of in the store (SQLite's busy
 * handler sleeps between tries and leaves the lock idle; MongoDB waiters would poll lease
 * documents). Returns 1 when entered (call rz_slots_gate_leave exactly once), 0 after the timeout
 * (the caller answers 503). */
int rz_slots_gate_enter(int timeout_ms);

/* Leaves the gate entered by a successful rz_slots_gate_enter of this process. */
void rz_slots_gate_leave(void);

/* Takes one slot of `which` unless `max` (1..RZ_SLOTS_MAX_CAP; smaller counts as 1) are already
 * taken server-wide; never waits. Returns 1 when taken (call rz_slots_give exactly once, e.g. from
 * a pool cleanup), 0 at the cap (the caller answers 503 SERVER_BUSY). */
int rz_slots_take(rz_slot_t which, int max);

/* Gives back one slot taken by rz_slots_take in this process. */
void rz_slots_give(rz_slot_t which);

/* How many slots of `which` are taken server-wide now (0 without a set). */
int rz_slots_in_use(rz_slot_t which);

/* Registers rz_slots_give(which) as a cleanup of `pool` after a successful take. */
void rz_slots_give_with(apr_pool_t *pool, rz_slot_t which);

/* 1 when this process is (or just became) the one process of the server that runs background jobs:
 * the first to ask holds the role until it exits, then the next to ask takes it over. Keeps job
 * traffic to the stores to one process per server (the JobLease documents still decide between
 * servers sharing a store). Thread-safe. */
int rz_slots_job_runner(void);

#endif
