/* rz_estdoc.h: the stored Establishment document: validation, defaults and keys (SPEC 4.3, 4.19).
 */
#ifndef RZ_ESTDOC_H
#define RZ_ESTDOC_H

#include <apr_pools.h>
#include <jansson.h>

#include "core/rz_validate.h"

#define RZ_ESTABLISHMENTS "establishments"

/* The PayrollSettings defaults of SPEC 4.19 for `currency` (the income-tax brackets depend on
 * it). New reference. */
json_t *rz_payroll_settings_defaults(const char *currency);

/* Validates a complete establishment (CREATE mode: a POST body, or a stored document merged with
 * a PATCH) including the cross-field rules of SPEC 4.3, and applies the defaults. Phones are
 * normalised with location.country. Returns the normalised writable fields (owned by v->pool) or
 * NULL with details in v. */
json_t *rz_est_validate(rz_vctx_t *v, const json_t *in);

/* Step (9) of a PATCH: the body alone in PATCH mode (types, unknown fields, null on a required
 * field). Returns the normalised patch or NULL with details in v. */
json_t *rz_est_check_patch(rz_vctx_t *v, const json_t *patch);

/* Only the writable fields of a stored establishment (the input of a merge). New reference owned
 * by `p`. */
json_t *rz_est_writable(apr_pool_t *p, const json_t *stored);

/* Sets the folded keys behind the unique name and the city filter (SPEC 2.5): nameKey, cityKey. */
void rz_est_set_keys(apr_pool_t *p, json_t *e);

#endif
