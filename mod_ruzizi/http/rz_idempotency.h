/* rz_idempotency.h: Idempotency-Key (SPEC 8.1): step (8) of the request pipeline, and the outcome
 * stored with the response inside the request's own unit of work. */
#ifndef RZ_IDEMPOTENCY_H
#define RZ_IDEMPOTENCY_H

#include "http/rz_request.h"

/*
 * How it hooks in (no handler knows about it):
 * - rz_router_handle calls rz_idem_begin after the body is parsed (step 8) and rz_idem_end after
 *   the handler returned;
 * - rz_write_begin names rz_idem_uow_key in the unit of work (it serialises with a takeover) and
 *   calls rz_idem_flush first; rz_write_commit asks rz_idem_defer_commit, which leaves the unit of
 *   work open while the handler builds its answer;
 * - the response hook (rz_response_set_hook), set while a record is held, sees the exact bytes of
 *   the answer: a stored outcome (2xx, 404, 409 other than IDEMPOTENCY_IN_PROGRESS) is written to
 *   the record inside the pending unit of work, which then commits; any other status rolls the
 *   unit of work back and deletes the record, so the key may be used again.
 */

typedef struct rz_idem_t rz_idem_t;

/* Step (8) for a POST route without RZ_RF_IK_REFUSED (any other request returns 0 at once).
 * Checks the header (absent: continue, or 400 on RZ_RF_IK_REQUIRED routes; not 1..255 characters
 * 0x21-0x7E: 400 VALIDATION_ERROR field Idempotency-Key), fingerprints the request and looks the
 * key up in the caller's scope: a new (or expired) key gets an in_progress record, committed on
 * its own, that this request then holds (rq->idem, r->pool lifetime); a record in progress for 60 s
 * or more is taken over. Returns 0 to go on to the handler, or -1 after writing the response: a
 * replay (stored status, Location and body bytes, `Idempotent-Replayed: true`), 422
 * IDEMPOTENCY_KEY_REUSED, 409 IDEMPOTENCY_IN_PROGRESS, 400, or 503 when the store fails. */
int rz_idem_begin(rz_req_t *rq);

/* The unit-of-work key of the held record ("idempotency:<record id>", r->pool), or NULL when the
 * request holds none (any more). */
const char *rz_idem_uow_key(const rz_req_t *rq);

/* rz_write_commit's question: when rq holds a record and `s` has a unit of work open, marks it
 * pending (the response hook stores the outcome in it and commits) and returns 1; else 0 (commit
 * now). */
int rz_idem_defer_commit(rz_req_t *rq, rz_sess_t *s);

/* Before a second unit of work in one request: commits a pending one for real (then only the last
 * unit of work is atomic with the record). Returns 0, or -1 after writing the error response of a
 * failed commit (rz_respond_store_error). */
int rz_idem_flush(rz_req_t *rq);

/* After the handler returned: a record still held means that no JSON response was written; the
 * unit of work is rolled back and the record deleted (logged as a bug). No-op otherwise. */
void rz_idem_end(rz_req_t *rq);

#endif
