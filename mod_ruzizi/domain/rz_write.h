/* rz_write.h: the write path of one request: its unit of work, audit entries and error answers
 * (httpd-free; the router ends the unit of work once the handler returned). */
#ifndef RZ_WRITE_H
#define RZ_WRITE_H

#include "domain/rz_req.h"
#include "services/rz_audit.h"

/* One request's unit of work (SPEC 8.9: the change, its audit entries, counters, outbox emails,
 * notifications and the idempotency record commit together or not at all). Every unit of work
 * names RZ_AUDIT_KEY, so audit seq numbers are serialised chain-wide.
 *
 * The life of one: rz_write_begin -> the handler's reads and writes on w->s -> rz_write_commit
 * (the handler is done with it) -> the handler sets its answer and returns -> the router commits
 * (rz_write_settle, or http/rz_idempotency.c with the stored outcome) -> the answer is written.
 * On an error the handler rolls back itself (rz_write_fail, rz_write_error). */
typedef struct {
    rz_req_t *rq;
    rz_sess_t *s;      /* the request's store session, valid after rz_write_begin */
    rz_actor_t actor;  /* the caller (or public), with ip, user agent and request id */
    const char *error; /* why rz_write_open failed (static, or the store's message), else NULL */
} rz_write_t;

/* Starts the unit of work serialised on `keys` (may be NULL/0) plus RZ_AUDIT_KEY, plus rq->uow_key
 * (the request's idempotency record) when set. A unit of work the request left pending (a second
 * one in one request) is committed first, on its own. Returns 0, or -1 after setting the error
 * answer (503 STORE_UNAVAILABLE when the store or the keys could not be had within 5 s). */
int rz_write_begin(rz_write_t *w, rz_req_t *rq, const char *const *keys, int nkeys);

/* rz_write_begin without an answer, for work whose answer is gone (rz_req_after_answer): returns
 * RZ_OK, or the status (RZ_UNAVAILABLE when the gate or the keys could not be had within 5 s)
 * with w->error saying why. */
rz_status_t rz_write_open(rz_write_t *w, rz_req_t *rq, const char *const *keys, int nkeys);

/* The server's write gate for this request: taken at most once per request, released at commit or
 * at the end of the request (so that after a rollback the idempotency outcome of the answer, SPEC
 * 8.1, is still written under it). Writers of all processes queue in the kernel on one semaphore
 * (rq->ops->gate_enter) instead of in the store: SQLite's busy handler sleeps up to 100 ms between
 * tries (the lock then sits idle), and MongoDB waiters would poll lease documents. A holder killed
 * while holding gives the gate back through the kernel (SEM_UNDO). rz_write_begin takes it; a
 * handler may take it earlier to read under it. Returns 0, or -1 after answering 503
 * STORE_UNAVAILABLE when it could not be had within 5 s. */
int rz_write_gate(rz_req_t *rq);

/* Releases the gate if this request holds it. */
void rz_write_gate_release(rz_req_t *rq);

/* Appends the audit entry `action` ("user.create") for entity/id of establishment `est` (NULL for
 * none), with changes computed from `before` and `after` (either may be NULL: create / delete) and
 * optional `meta`. Returns the store status; on failure the caller answers with rz_write_fail. */
rz_status_t rz_write_audit(rz_write_t *w, const char *action, const char *entity, const char *id,
                           const char *est, const json_t *before, const json_t *after,
                           const json_t *meta);

/* The handler is done with the unit of work: it stays open (reads on w->s see its writes) and the
 * router commits it after the handler returned, before the answer goes out; a failed commit then
 * replaces the handler's answer with the store error, and nothing of the unit of work stays.
 * Returns 0. */
int rz_write_commit(rz_write_t *w);

/* Runs fn(rq, data) right after the pending unit of work of w committed, before the answer is
 * written (files to remove once the store no longer names them); never when it rolls back. */
void rz_write_after_commit(rz_write_t *w, rz_after_commit_fn fn, void *data);

/* The end of the request's unit of work (the router, and rz_write_begin for a second one): a
 * pending one is committed, then rq->ops->committed, the after-commit callbacks and the gate's
 * release follow; one still open that was never handed to rz_write_commit is rolled back. Returns
 * RZ_OK (also when there was nothing to commit) or the failed commit's status (everything rolled
 * back). Sets no answer. */
rz_status_t rz_write_settle(rz_req_t *rq);

/* Rolls back the request's unit of work, pending or open, and forgets its callbacks. */
void rz_write_abandon(rz_req_t *rq);

/* Rolls back and answers the store status `st` (rz_respond_store_error). Returns the status. */
int rz_write_fail(rz_write_t *w, rz_status_t st);

/* Rolls back and answers with this error (like rz_respond_error). Returns the status. */
int rz_write_error(rz_write_t *w, int status, const char *code, const char *message,
                   json_t *details);

/* The actor of a request without a unit of work (e.g. a failed login audited on its own). */
void rz_write_actor(rz_req_t *rq, rz_actor_t *a);

#endif
