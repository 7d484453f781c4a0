/* rz_accdoc.h: the stored Accommodation document: schema, defaults, cross-field rules and keys
 * (SPEC 4.4); httpd-free, shared by the API and ruzizi-ctl seed-demo. */
#ifndef RZ_ACCDOC_H
#define RZ_ACCDOC_H

#include <apr_pools.h>
#include <jansson.h>

#include "core/rz_validate.h"

#define RZ_ACCOMMODATIONS "accommodations"

/* Validates a complete accommodation (CREATE mode: a POST body with establishmentId set, or a
 * stored document merged with a PATCH), applies the defaults of SPEC 4.4 (description null,
 * pricing.seasons [], pricing.minHours 1 for hourly units, capacity counts 0, details with null
 * members, amenities [], status available, housekeepingStatus clean, images []) and the
 * cross-field rules: minHours only for hourly units ("pricing.minHours"), each season's from <= to
 * ("pricing.seasons.N.to") and no two overlapping seasons ("pricing.seasons.N", N the later of
 * the two in array order). pricing.currency is server-owned and dropped. Returns the normalised
 * writable fields (owned by v->pool) or NULL with every problem in v->details. */
json_t *rz_acc_validate(rz_vctx_t *v, const json_t *in);

/* Step (9) of a PATCH: the body alone in PATCH mode (types, unknown fields, null on a required
 * field). Returns the normalised patch or NULL with details in v. */
json_t *rz_acc_check_patch(rz_vctx_t *v, const json_t *patch);

/* Only the writable fields of a stored accommodation, null members left out (the input of a
 * merge and of rz_acc_validate). New reference owned by `p`. */
json_t *rz_acc_writable(apr_pool_t *p, const json_t *stored);

/* Completes a validated document `a` for storage: pricing.currency := `currency` (the
 * establishment's, SPEC 4.3) and the folded key nameKey := rz_text_fold(name) behind the unique
 * index accommodations_name (establishmentId, nameKey). */
void rz_acc_set_server_fields(apr_pool_t *p, json_t *a, const char *currency);

#endif
