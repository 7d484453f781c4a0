/* rz_audit_routes.h: handlers of the audit trail routes (SPEC 7.12): list, entity history, stats,
 * verify. None of them is audited. */
#ifndef RZ_AUDIT_ROUTES_H
#define RZ_AUDIT_ROUTES_H

#include "domain/rz_req.h"

/* GET /api/audit (SA, M): 200 L<AuditEntry>. Filters actorId, action (comma list of
 * <entity>.<verb>), entity (SPEC 8.6 names), entityId, from/to (inclusive UTC dates of `at`;
 * from > to -> 400), establishmentId (super_admin only; a manager always gets their own
 * establishment and the value is ignored). sort `seq` or `-seq` (default). */
int rz_h_audit_list(rz_req_t *rq);

/* GET /api/audit/entity/{entity}/{id} (SA, M): the object's entries oldest first, paginated.
 * 404 for an entity name outside SPEC 8.6, a malformed id, an object without entries and, for a
 * manager, an object whose establishment (the establishmentId of its newest entry that has one)
 * is not theirs. */
int rz_h_audit_entity(rz_req_t *rq);

/* GET /api/audit/stats (SA): {total, byEntity[{entity, total, byAction{}}], topActors[<=10
 * {actorId, count}]} over the entries whose `at` falls in from..to (UTC dates, inclusive).
 * byEntity is sorted by entity name, topActors by count desc then actorId; system and public
 * entries (actorId null) are not actors. */
int rz_h_audit_stats(rz_req_t *rq);

/* GET /api/audit/verify (SA): 200 {valid, checked, headSeq, headHash, firstInvalidSeq, reason}
 * from rz_audit_verify, walking from `fromSeq` (default 1; an integer >= 1, else 400). */
int rz_h_audit_verify(rz_req_t *rq);

#endif
