/* rz_idempotency.h: Idempotency-Key (SPEC 8.1): step (8) of the request pipeline, and the outcome
 * stored with the response inside the request's own unit of work. */
#ifndef RZ_IDEMPOTENCY_H
#define RZ_IDEMPOTENCY_H

#include "http/rz_request.h"

/*
 * How it hooks in (no handler knows about it):
 * - rz_router_handle calls rz_idem_begin after the body is parsed (step 8), and rz_idem_finish
 *   after the handler returned, before the answer is written;
 * - while a record is held, rq->uow_key names it, so every unit of work of the request
 *   (domain/rz_write.c) serialises with a takeover of the record;
 * - rz_idem_finish sees the exact bytes of the answer: a stored outcome (2xx, 404, 409 other than
 *   IDEMPOTENCY_IN_PROGRESS) is written to the record inside the request's pending unit of work,
 *   which then commits (rz_write_settle); any other status rolls the unit of work back and deletes
 *   the record, so the key may be used again.
 */

typedef struct rz_idem_t rz_idem_t;

/* Step (8) for a POST route without RZ_RF_IK_REFUSED (any other request returns 0 at once).
 * Checks the header (absent: continue, or 400 on RZ_RF_IK_REQUIRED routes; not 1..255 characters
 * 0x21-0x7E: 400 VALIDATION_ERROR field Idempotency-Key), fingerprints the request and looks the
 * key up in the caller's scope: a new (or expired) key gets an in_progress record, committed on
 * its own, that this request then holds (rq->idem and rq->uow_key, request pool lifetime); a record
 * in progress for 60 s or more is taken over. Returns 0 to go on to the handler, or -1 after
 * setting the answer: a replay (stored status, Location and body bytes, `Idempotent-Replayed:
 * true`), 422 IDEMPOTENCY_KEY_REUSED, 409 IDEMPOTENCY_IN_PROGRESS, 400, or 503 when the store
 * fails. */
int rz_idem_begin(rz_req_t *rq);

/* After the handler returned, before the answer is written (no-op when the request holds no
 * record): settles the record and the request's unit of work as described above. When the
 * commit fails, the answer is replaced: 409 IDEMPOTENCY_IN_PROGRESS when the record was taken over
 * meanwhile, else the store error. A handler that set no JSON answer is a bug: its unit of work is
 * rolled back and the record deleted (logged). */
void rz_idem_finish(rz_req_t *rq);

#endif
