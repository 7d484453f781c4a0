/* rz_json.h: JSON parsing under the request rules of SPEC 2.1, canonical form (8.1), pool
 * ownership. */
#ifndef RZ_JSON_H
#define RZ_JSON_H

#include <apr_pools.h>
#include <jansson.h>
#include <stddef.h>

#define RZ_JSON_MAX_DEPTH 32
#define RZ_JSON_MAX_SAFE_INT 9007199254740991LL /* 2^53 - 1 */

/* Parses a request body. Rules (SPEC 2.1): the top level must be an object; duplicate keys,
 * invalid UTF-8, NaN/Infinity, \u0000 anywhere, a BOM, trailing garbage, nesting deeper than 32 and
 * integers outside +-(2^53-1) are rejected. An empty body (len 0) parses as {}.
 * Returns a new reference registered for json_decref on `pool`, or NULL with *why set to a short
 * English reason (static string) for the INVALID_JSON message. */
json_t *rz_json_parse_body(apr_pool_t *pool, const char *buf, size_t len, const char **why);

/* Registers json_decref(v) as a cleanup of `pool` and returns v (NULL passes through). Use for
 * every json_t whose lifetime is a request. */
json_t *rz_json_pool_own(apr_pool_t *pool, json_t *v);

/* The canonical form of SPEC 8.1: compact, keys sorted by UTF-8 bytes, non-ASCII as \uXXXX,
 * reals with 17 significant digits. Returns a string allocated in `pool`, or NULL if v is NULL. */
char *rz_json_canonical(apr_pool_t *pool, const json_t *v);

/* Compact output for responses: JSON_COMPACT | JSON_REAL_PRECISION(15), keys in insertion order.
 * Returns a string in `pool` and its length in *len (may be NULL). */
char *rz_json_dump(apr_pool_t *pool, const json_t *v, size_t *len);

/* The string member `key` of object `obj` (borrowed), or NULL when absent, null or not a string. */
const char *rz_json_str(const json_t *obj, const char *key);

/* Walks `v` and returns its nesting depth (a scalar is 0, {} or [] is 1). */
int rz_json_depth(const json_t *v);

/* Dotted-path helpers: "a.b.c". get returns a borrowed reference or NULL. set creates intermediate
 * objects as needed and steals `value`; returns 0 on success, -1 if a non-object is in the way. */
json_t *rz_json_path_get(const json_t *root, const char *path);

/* A new object (the caller owns the reference) holding exactly the members `keys` (NULL-terminated)
 * of `src` (may be NULL or not an object), deep-copied; absent ones are null (SPEC 2.2). */
json_t *rz_json_pick(const json_t *src, const char *const *keys);
int rz_json_path_set_new(json_t *root, const char *path, json_t *value);

#endif
