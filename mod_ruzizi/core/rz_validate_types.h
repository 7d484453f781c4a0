/* rz_validate_types.h: internal interface between rz_validate.c and its per-type rules. */
#ifndef RZ_VALIDATE_TYPES_H
#define RZ_VALIDATE_TYPES_H

#include "core/rz_validate.h"

/* Dotted path prefix.name in v->pool (just name when prefix is empty). */
const char *rz_v_path(rz_vctx_t *v, const char *prefix, const char *name);

/* Validates a non-null or null value against f. Returns a new reference (the caller owns it), or
 * NULL after adding a detail. JSON null is returned for a string that is empty after trimming on a
 * field without RZ_REQ ("absent"); a null input is refused with "must not be null". */
json_t *rz_v_value_new(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path,
                       rz_vmode_t mode);

/* Validates the members of object `in` against `schema` (unknown fields, required fields in CREATE
 * mode, null rules); `top` enables v->ignore. Always returns a new object (the caller owns it); the
 * caller checks v->details for problems. */
json_t *rz_v_object_new(rz_vctx_t *v, const rz_field_t *schema, const json_t *in,
                        const char *prefix, rz_vmode_t mode, int top);

#endif
