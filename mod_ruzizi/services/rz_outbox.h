/* rz_outbox.h: the email outbox (SPEC 4.12, 8.7, 8.8): enqueue inside the event's unit of work,
 * then claim, send and mark by the outbox_delivery job. */
#ifndef RZ_OUTBOX_H
#define RZ_OUTBOX_H

#include <jansson.h>
#include <stdint.h>

#include "services/rz_smtp.h"
#include "core/rz_status.h"
#include "store/rz_store.h"

#define RZ_OUTBOX_COLL "outbox"
#define RZ_OUTBOX_LEASE_S 300     /* a claim holds an email for 5 min */
#define RZ_OUTBOX_BATCH 20        /* emails claimed per run of the job */
#define RZ_OUTBOX_MAX_ATTEMPTS 15 /* the 15th failure is final */
#define RZ_OUTBOX_ERROR_MAX 500   /* lastError, code points */

/*
 * Document (collection "outbox"): {to, language, template, subject, bodyText, status (pending,
 * sending, sent, failed), attempts, nextAttemptAt, leaseUntil, leaseOwner, lastError, sentAt,
 * entity, entityId, createdAt, updatedAt}; timestamps are "YYYY-MM-DDTHH:MM:SSZ" strings or null.
 *
 * Delivery is at-least-once. A claimed email is marked sent right after the relay accepted it; if
 * the process dies between the two, the email stays "sending" until its lease expires and is then
 * sent again. The alternative (mark first, send after) would lose that email instead, and SPEC 8.7
 * says nothing is lost; the window is one store round trip, so a duplicate is rare. Two live
 * processes never send the same email: each claim is a compare-and-set on the version.
 */

/* The retry delay after the n-th failure (n >= 1): min(2^(n-1) minutes, 6 h), in seconds. */
int64_t rz_outbox_backoff_s(int attempts);

/* Renders `template_name` in `lang` with `vars` (rz_mail_render) and inserts a pending email for
 * `to` (a valid address, stored lowercased) with attempts 0 and nextAttemptAt now. `entity` and
 * `entity_id` (may be NULL) name what caused it. Call it inside the event's unit of work so the
 * email commits or rolls back with the event. RZ_INVALID for a bad address, template, language or
 * variables; otherwise the store's status. */
rz_status_t rz_outbox_enqueue(rz_sess_t *s, const char *to, const char *lang,
                              const char *template_name, const json_t *vars, const char *entity,
                              const char *entity_id);

/* The unit-of-work key that serialises claimers. */
#define RZ_OUTBOX_CLAIM_KEY "outbox:claim"

/* Claims up to `max` due emails for `owner`: pending ones with nextAttemptAt <= now (oldest
 * first), then sending ones whose lease expired. Each claim is a compare-and-set update on the
 * document's version (status sending, leaseUntil now + 5 min, leaseOwner owner), and the whole
 * claim is one unit of work on the key "outbox:claim", so two processes never claim the same
 * email, also on a server whose compare-and-set is not atomic across connections (jongodb, seen).
 * *claimed is a JSON array of the claimed documents as updated, owned by the session's pool
 * (NULL on failure: then nothing was claimed). Call it outside a unit of work. */
rz_status_t rz_outbox_claim(rz_sess_t *s, const char *owner, int max, json_t **claimed);

/* Marks a claimed email (`doc` as returned by rz_outbox_claim) sent: status sent, sentAt now,
 * lease cleared. RZ_VERSION_MISMATCH if it changed since the claim (the lease expired and another
 * process took it); then nothing is written. */
rz_status_t rz_outbox_mark_sent(rz_sess_t *s, const json_t *doc);

/* Records a failed attempt of a claimed email: attempts + 1 and lastError (cut to 500 code
 * points). A temporary failure makes it pending again at now + rz_outbox_backoff_s(attempts). A
 * permanent one (permanent != 0), or the 15th failure, makes it failed and writes one
 * email_failed notification per active super_admin, in ONE unit of work (run up to 3 times while
 * the store answers RZ_UNAVAILABLE, e.g. a transient transaction write conflict).
 * RZ_VERSION_MISMATCH when it changed since the claim (nothing written). */
rz_status_t rz_outbox_mark_failed_attempt(rz_sess_t *s, const json_t *doc, const char *error,
                                          int permanent);

/* Gives a claimed, unsent email back (pending, lease cleared, attempts unchanged). */
rz_status_t rz_outbox_release(rz_sess_t *s, const json_t *doc);

/* One run of the outbox_delivery job: claims up to 20 due emails, sends each with rz_smtp_send
 * and marks it at once (sent, or a failed attempt). Emails whose lease could end during the next
 * send are released unsent. *sent and *failed (may be NULL) count emails delivered and failed
 * attempts. Returns the first store failure (the job retries on its next run), else RZ_OK. */
rz_status_t rz_outbox_deliver_batch(rz_sess_t *s, const rz_smtp_conf_t *smtp, int *sent,
                                    int *failed);

#endif
