/* rz_query.h: query strings (SPEC 2.1) and the pagination, sort and q helpers of SPEC 2.4. */
#ifndef RZ_QUERY_H
#define RZ_QUERY_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>

#include "core/rz_validate.h"

#define RZ_QUERY_MAX_BYTES 2048

/* Parses a raw query string (r->args, may be NULL or "") into *out (decoded name -> value).
 * Rules: at most 2,048 bytes (detail field "query"); %XX decoded, '+' kept literally; a name not in
 * `allowed` (NULL-terminated) -> detail (field = name, "unknown parameter"); a repeated name ->
 * (field = name, "repeated parameter"); a malformed %-escape, invalid UTF-8 or a NUL -> (field =
 * name or "query", "invalid encoding"). Returns 0 when fine, -1 after adding details to v. */
int rz_query_parse(rz_vctx_t *v, const char *args, const char *const *allowed, apr_table_t **out);

typedef struct {
    long page;  /* >= 1 */
    long limit; /* 1..100 */
} rz_page_t;

/* page (default 1) and limit (default 20, > 100 clamped to 100); < 1 or not an integer -> detail. */
int rz_query_page(rz_vctx_t *v, apr_table_t *q, rz_page_t *out);

/* sort=field | -field from `allowed` (NULL-terminated); absent -> `def` ("-createdAt" style). */
int rz_query_sort(rz_vctx_t *v, apr_table_t *q, const char *const *allowed, const char *def,
                  const char **field, int *desc);

/* q: trimmed, 1..100 code points; absent or empty -> *out = NULL. */
int rz_query_q(rz_vctx_t *v, apr_table_t *q, const char **out);

/* Typed readers for one named parameter. Absent -> returns 0 and leaves *out unchanged (set a
 * default first). Invalid -> detail (field = name) and -1. */
int rz_query_bool(rz_vctx_t *v, apr_table_t *q, const char *name, int *out);
int rz_query_int(rz_vctx_t *v, apr_table_t *q, const char *name, long min, long max, long *out);
int rz_query_id(rz_vctx_t *v, apr_table_t *q, const char *name, const char **out);
int rz_query_date(rz_vctx_t *v, apr_table_t *q, const char *name, const char **out);
/* Comma-separated list, each item in `enums` (NULL-terminated); *out is a new JSON array owned by
 * v->pool. */
int rz_query_enum_list(rz_vctx_t *v, apr_table_t *q, const char *name, const char *const *enums,
                       json_t **out);
/* from <= to check for two dates already read (either may be NULL): detail on field `to_name`. */
int rz_query_date_range(rz_vctx_t *v, const char *from, const char *to, const char *to_name);

/* {"page","limit","total","totalPages","hasNextPage","hasPrevPage"} (SPEC 2.2), owned by pool. */
json_t *rz_pagination_json(apr_pool_t *pool, const rz_page_t *p, long total);

#endif
