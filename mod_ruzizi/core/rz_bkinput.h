/* rz_bkinput.h: booking input validation (SPEC 4.5) without store or httpd: the schemas of the
 * booking routes, their cross-field rules and the writable fields of a stored booking. */
#ifndef RZ_BKINPUT_H
#define RZ_BKINPUT_H

#include <apr_pools.h>
#include <jansson.h>
#include <stdint.h>

#include "core/rz_validate.h"

/* Step (9) of POST /api/bookings (public_route 0) or POST /api/public/bookings (1): types,
 * unknown fields, server-owned fields dropped, then the cross-field rules: checkIn required except
 * for a walk-in, which must not send it; a contact (public: clientInfo.phone required; back office:
 * email or phone); additionalGuests <= numberOfGuests - 1. Defaults: bookingType onsite,
 * initialStatus confirmed, marketingOptIn false, additionalGuests [] with isMinor false, every
 * clientInfo member present (null when absent). Phones read national numbers in v->country.
 * Returns the normalised input (owned by v->pool) or NULL with details in v. */
json_t *rz_bk_validate_create(rz_vctx_t *v, const json_t *body, int public_route);

/* Step (9) of PATCH /api/bookings/{id}: the body alone in PATCH mode. Returns the normalised
 * patch or NULL with details in v. */
json_t *rz_bk_check_patch(rz_vctx_t *v, const json_t *body);

/* A stored booking merged with a PATCH (rz_bk_writable + the patch), validated as a whole:
 * required fields, the contact rule (email or phone) and additionalGuests <= numberOfGuests - 1;
 * clientInfo completed with nulls. Returns the normalised fields or NULL with details in v. */
json_t *rz_bk_validate_merged(rz_vctx_t *v, const json_t *merged);

/* checkInDate of a stored booking as days since 1970-01-01 (0 when malformed). */
int64_t rz_bk_day(const json_t *b);

/* The writable fields of a stored booking, as the input of a merge patch (clientInfo members
 * that are null left out). Owned by `p`. */
json_t *rz_bk_writable(apr_pool_t *p, const json_t *b);

/* The stored string member `key` of `doc`, or NULL. */
static inline const char *rz_bk_str(const json_t *doc, const char *key)
{
    return json_string_value(json_object_get(doc, key));
}

#endif
