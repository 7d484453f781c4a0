/* rz_write.h: the write path of one request: its unit of work, audit entries and error answers. */
#ifndef RZ_WRITE_H
#define RZ_WRITE_H

#include "services/rz_audit.h"
#include "http/rz_request.h"

/* One request's unit of work (SPEC 8.9: the change, its audit entries, counters, outbox emails,
 * notifications and the idempotency record commit together or not at all). Every unit of work
 * names RZ_AUDIT_KEY, so audit seq numbers are serialised chain-wide. */
typedef struct {
    rz_req_t *rq;
    rz_sess_t *s;     /* the request's store session, valid after rz_write_begin */
    rz_actor_t actor; /* the caller (or public), with ip, user agent and request id */
} rz_write_t;

/* Starts the unit of work serialised on `keys` (may be NULL/0) plus RZ_AUDIT_KEY, plus the key of
 * the request's idempotency record when it holds one. Returns 0, or -1 after writing the error
 * response (503 STORE_UNAVAILABLE when the store or the keys could not be had within 5 s). A
 * commit deferred by an earlier unit of work of the request is made first (rz_idem_flush). */
int rz_write_begin(rz_write_t *w, rz_req_t *rq, const char *const *keys, int nkeys);

/* The server's write gate (rz_shm_gate_enter) for this request: taken at most once per request,
 * released at commit or at the end of the request (so that after a rollback the idempotency
 * outcome of the answer, SPEC 8.1, is still written under it). Writers of all processes queue on
 * shared memory instead of in the store: SQLite's busy handler sleeps up to 100 ms between tries
 * (the lock then sits idle), and MongoDB waiters would poll lease documents. rz_write_begin takes
 * it; a handler may take it earlier to read under it. Returns 0, or -1 after answering 503
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

/* Commits. Returns 0, or -1 after writing the error response (the unit of work is rolled back).
 * When the request holds an idempotency record (SPEC 8.1) the commit is deferred instead: 0 is
 * returned with the unit of work still open (reads on w->s see its writes), and it commits together
 * with the stored outcome when the response is written (a failure then answers the store error in
 * place of the handler's response; a status that is not a stored outcome rolls it back). */
int rz_write_commit(rz_write_t *w);

/* Rolls back and answers the store status `st` (rz_respond_store_error). Returns OK. */
int rz_write_fail(rz_write_t *w, rz_status_t st);

/* Rolls back and answers with this error (like rz_respond_error). Returns OK. */
int rz_write_error(rz_write_t *w, int status, const char *code, const char *message,
                   json_t *details);

/* The actor of a request without a unit of work (e.g. a failed login audited on its own). */
void rz_write_actor(rz_req_t *rq, rz_actor_t *a);

#endif
