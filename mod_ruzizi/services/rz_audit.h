/* rz_audit.h: the audit trail (SPEC 4.13, 8.6): change lists, hash-chained append, verification. */
#ifndef RZ_AUDIT_H
#define RZ_AUDIT_H

#include <apr_pools.h>
#include <jansson.h>
#include <stdint.h>

#include "core/rz_status.h"
#include "store/rz_store.h"

/* The collection of AuditEntry documents. */
#define RZ_AUDIT_COLL "audit"

/* Every unit of work that calls rz_audit_append MUST name this key in rz_store_begin: it serialises
 * `seq` chain-wide (SQLite serialises every writer anyway; MongoDB needs the key's lease). */
#define RZ_AUDIT_KEY "audit:chain"

/* The indexes of RZ_AUDIT_COLL for migrations: "audit_seq" (unique, seq) backs the chain up (two
 * appends with the same seq -> RZ_CONFLICT), "audit_entity" (entity, entityId) serves the
 * per-object history. */
#define RZ_AUDIT_NINDEX 2
extern const rz_index_def_t rz_audit_indexes[RZ_AUDIT_NINDEX];

/* Limits of SPEC 4.13. */
#define RZ_AUDIT_MAX_CHANGES 100
#define RZ_AUDIT_MAX_STRING 1000 /* code points per string value in changes */
#define RZ_AUDIT_MAX_META 2048   /* bytes of canonical meta, else {"truncated":true} */
#define RZ_AUDIT_MAX_UA 256      /* code points of userAgent */

/* Who did it. All strings are borrowed for the duration of the call; NULL becomes JSON null. */
typedef struct {
    const char *actor_id;   /* NULL for public and system actors */
    const char *actor_role; /* super_admin | manager | staff | public | system (required) */
    const char *ip;
    const char *user_agent;
    const char *request_id;
} rz_actor_t;

/* The `changes` list of SPEC 8.6 between two versions of a document (JSON objects):
 *  - before NULL (create): every leaf field of `after` with old null;
 *  - after NULL (delete): every leaf field of `before` with new null;
 *  - both: the leaf fields whose values differ (a missing field equals null).
 * Leaves: objects recurse into dotted paths ("location.city"); arrays, scalars and empty objects
 * are leaf values compared whole. The top-level bookkeeping fields "updatedAt" and "version" are
 * left out (they change on every write and say nothing). Entries are sorted by path.
 * Redaction: a field whose last path segment is password, currentPassword, newPassword,
 * passwordHash, token, tokenHash, refreshToken, accessToken, key or secret, or ends in "Key" or
 * "Secret" (case-sensitive), has its non-null old/new values replaced by "[REDACTED]"; such a field
 * is never recursed into, so nothing below it leaks. Limits: at most RZ_AUDIT_MAX_CHANGES entries
 * (the first ones by path); every string, also inside array values, is cut at RZ_AUDIT_MAX_STRING
 * code points. Returns a new array [{field, old, new}] owned by `p` (json_decref on its cleanup),
 * or NULL if both documents are NULL or one is not an object. */
json_t *rz_audit_changes(apr_pool_t *p, const json_t *before, const json_t *after);

/* Appends one AuditEntry to the chain. Must run inside an open unit of work (rz_store_in_uow) that
 * named RZ_AUDIT_KEY; the store cannot tell which keys were named, so a missing key is not detected
 * here; without it two MongoDB units of work could read the same head, and only the unique
 * "audit_seq" index would stand between them (one of them failing with RZ_CONFLICT).
 * seq = (highest stored seq) + 1, prevHash = that entry's hash, or 64 x "0" for seq 1.
 * The stored entry holds the 15 fields of SPEC 4.13 (plus the store's "id" and "version"):
 *   seq, at ("YYYY-MM-DDTHH:MM:SSZ" from rz_now()), actorId, actorRole, establishmentId, action,
 *   entity, entityId, changes (a copy of `changes`, NULL -> [], first 100 items), meta (a copy of
 *   `meta`, NULL -> {}; if its canonical form exceeds 2 KiB it becomes {"truncated":true}), ip,
 *   userAgent (cut at 256 code points), requestId, prevHash, hash.
 * hash = lowercase hex SHA-256(prevHash "\n" canonical(E)) where E is the object of exactly the 14
 * fields other than hash (NULL arguments as JSON null; "id" and "version" are NOT hashed), in the
 * canonical form of SPEC 8.1 (rz_json_canonical).
 * *out (may be NULL) receives the stored entry, valid as long as the session's pool (do not
 * decref). Errors: RZ_INVALID (no unit of work open, a required argument NULL, an unknown role,
 * changes not an array, meta not an object, action/entity/ids not UTF-8), RZ_ERROR (the head
 * entry has no integer seq or no string hash: the chain cannot be continued), else the store's
 * status (the unit of work must then be rolled back, as for any failed write). */
rz_status_t rz_audit_append(rz_sess_t *s, const rz_actor_t *a, const char *action,
                            const char *entity, const char *entity_id, const char *establishment_id,
                            const json_t *changes, const json_t *meta, json_t **out);

/* Verifies the chain from seq `from_seq` (>= 1) to its head, in pages of 500 by ascending seq.
 * Each entry is checked in this order: its seq is the previous seq + 1 (the first one: from_seq)
 * -> else reason "gap"; its prevHash equals the previous entry's stored hash (for from_seq 1:
 * 64 x "0"; for from_seq > 1: the hash stored in entry from_seq - 1, which is itself not checked,
 * and whose absence is a "gap") -> else "link"; its hash recomputes (a stored entry missing one
 * of the 14 hashed fields hashes it as null) -> else "hash".
 * The walk stops at the first failure. *result is
 *   {valid, checked, headSeq, headHash, firstInvalidSeq, reason}
 * with checked = entries that passed before the first failure (all walked when valid), headSeq /
 * headHash = the highest seq in the store and its stored hash (0 / null for an empty chain, which
 * is valid), firstInvalidSeq = the seq of the entry whose check failed (for "gap": the entry after
 * the hole) or null, reason = "gap" | "link" | "hash" or null.
 * *result lives as long as the session's pool (do not decref). Runs outside or inside a unit of
 * work; no key is needed (a concurrent append can only extend the chain past the walked part).
 * Errors: RZ_INVALID (from_seq < 1), else the store's status. */
rz_status_t rz_audit_verify(rz_sess_t *s, int64_t from_seq, json_t **result);

#endif
