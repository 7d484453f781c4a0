/* rz_validate.h: schema-driven validation of request bodies into normalised documents
 * (SPEC 2.1, 2.5-2.7). */
#ifndef RZ_VALIDATE_H
#define RZ_VALIDATE_H

#include <apr_pools.h>
#include <jansson.h>
#include <stdint.h>

/*
 * A schema is a static array of rz_field_t ended by an entry with name == NULL. rz_validate walks
 * an input object against it and builds a new, normalised object holding only the accepted fields:
 * strings trimmed (Unicode whitespace), emails lowercased, phones in E.164, datetimes as
 * "YYYY-MM-DDTHH:MM:SSZ" (UTC, seconds kept, fractions truncated). Every problem is appended to
 * v->details as {"field": dotted path, "message": English text}; validation continues so that one
 * response lists every problem. Messages used (exact texts, tests rely on them):
 *   "required", "unknown field", "must not be null", "must be a string", "must be an integer",
 *   "must be a number", "must be a boolean", "must be an object", "must be an array",
 *   "must be one of: a, b, c", "must be at least N characters", "must be at most N characters",
 *   "must be at least N", "must be at most N", "must have at most N items",
 *   "must have at least N items", "contains a control character", "must be a valid date
 * (YYYY-MM-DD)", "must be an RFC 3339 datetime with offset", "must be HH:MM", "must be a valid
 * email", "must be a valid phone number", "must be a valid id", "must be an ISO 3166-1 alpha-2
 * code", "must have at most N decimals", plus whatever a field's `check` returns.
 */

typedef enum {
    RZ_T_STRING, /* trimmed; length in code points within [min,max] (default 0,0 -> 1..10000);
                    C0 controls other than TAB/LF/CR rejected */
    RZ_T_INT,    /* JSON integer within [min,max] (both 0 -> any safe integer) */
    RZ_T_MONEY,  /* JSON integer within [min,max] (both 0 -> 0..10^12); 100.0 or 1e3 rejected */
    RZ_T_NUMBER, /* JSON integer or real within [dmin,dmax], at most `max` decimals if max > 0
                    (coordinates); output keeps the JSON value */
    RZ_T_BOOL,
    RZ_T_ENUM,             /* string that equals one of `enums` (exact) */
    RZ_T_DATE,             /* "YYYY-MM-DD", 2000-01-01..2100-12-31 */
    RZ_T_DATETIME,         /* RFC 3339 with a mandatory offset -> normalised UTC timestamp */
    RZ_T_DATE_OR_DATETIME, /* either; a date stays a date string, a datetime is normalised */
    RZ_T_HHMM,             /* "HH:MM" 00:00..23:59 */
    RZ_T_EMAIL,            /* SPEC 2.5, lowercased */
    RZ_T_PHONE,            /* SPEC 2.5, normalised with v->country */
    RZ_T_ID,               /* 24 lowercase hex */
    RZ_T_COUNTRY,          /* ISO 3166-1 alpha-2, uppercase */
    RZ_T_OBJECT,           /* nested schema in `fields` */
    RZ_T_ARRAY             /* items described by `items` (its name is ignored); item count within
                              [min,max] (both 0 -> 0..1000) */
} rz_ftype_t;

#define RZ_REQ 0x1u    /* required on create; null is refused in both modes */
#define RZ_SERVER 0x2u /* server-owned (S): accepted on input and silently dropped */

typedef struct rz_field_t {
    const char *name;
    rz_ftype_t type;
    unsigned flags;
    int64_t min, max;                /* see the type comments */
    double dmin, dmax;               /* RZ_T_NUMBER only */
    const char *const *enums;        /* RZ_T_ENUM: NULL-terminated */
    const struct rz_field_t *fields; /* RZ_T_OBJECT: NULL-name-terminated schema */
    const struct rz_field_t *items;  /* RZ_T_ARRAY: one element descriptor */
    /* Optional extra rule, run after the type check on the normalised value: returns NULL when
     * fine or an English message (static or in pool). */
    const char *(*check)(apr_pool_t *pool, const json_t *value);
} rz_field_t;

typedef enum {
    RZ_V_CREATE, /* required fields must be present; null on an optional field = absent (dropped) */
    RZ_V_PATCH   /* JSON Merge Patch: nothing required; null on an optional field is kept (clears),
                    null on a required field -> "must not be null"; nested objects in PATCH mode */
} rz_vmode_t;

typedef struct {
    apr_pool_t *pool;          /* results and messages live here */
    json_t *details;           /* array of {field, message}; owned by pool */
    const char *country;       /* for national phone numbers; default "BI" */
    const char *const *ignore; /* extra top-level names ignored silently (NULL-terminated),
                                  e.g. establishmentId for manager/staff on back-office routes */
} rz_vctx_t;

/* Initialises a context whose details array is owned by `pool`. */
void rz_vctx_init(rz_vctx_t *v, apr_pool_t *pool);

/* Appends one detail; `field` and `message` are copied. */
void rz_v_fail(rz_vctx_t *v, const char *field, const char *message);

/* [{"field": field, "message": message}]: a details array of one entry, owned by `pool`, for an
 * answer that has a single problem to report. */
json_t *rz_detail1(apr_pool_t *pool, const char *field, const char *message);

/* 1 when no detail has been recorded. */
int rz_v_ok(const rz_vctx_t *v);

/* Validates `in` (a JSON object; anything else -> detail with field "" "must be an object") against
 * `schema`. "id", "createdAt", "updatedAt" and RZ_SERVER fields are ignored silently at every
 * depth; any other unknown field at any depth -> "unknown field". Returns the normalised object
 * (new reference, owned by v->pool) when no detail was added by this call, else NULL. */
json_t *rz_validate(rz_vctx_t *v, const rz_field_t *schema, const json_t *in, rz_vmode_t mode);

/* Validates one value against one field descriptor (path = dotted path for details). Returns the
 * normalised value (new reference owned by v->pool) or NULL after adding a detail. A null `in` is
 * refused ("must not be null"); a string that is empty after trimming gives JSON null (absent)
 * when f lacks RZ_REQ, "required" otherwise. */
json_t *rz_validate_value(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path,
                          rz_vmode_t mode);

/* RFC 7396 merge of `patch` into a deep copy of `target`; returns the new object (owned by pool).
 */
json_t *rz_merge_patch(apr_pool_t *pool, const json_t *target, const json_t *patch);

#endif
