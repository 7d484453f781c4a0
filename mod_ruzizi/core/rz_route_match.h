/* rz_route_match.h: path matching over a route table it is given (literal beats {id}, 404/405 +
 * Allow) and the raw-path rules of SPEC 2.1; httpd-free. */
#ifndef RZ_ROUTE_MATCH_H
#define RZ_ROUTE_MATCH_H

#include <apr_pools.h>
#include <stddef.h>

#define RZ_MAX_SEGMENTS 12 /* longest path, in segments ("/api/a/b" has 3) */

/* A route table as the matcher reads it: `count` rows of `stride` bytes from `rows`, each holding
 * a `const char *` method ("GET", "POST", ...) at `method_off` and a `const char *` pattern
 * ("/api/users/{id}") at `pattern_off`. Whatever else a row holds is the caller's. */
typedef struct {
    const void *rows;
    int count;
    size_t stride;
    size_t method_off, pattern_off;
} rz_route_table_t;

/* The rz_route_table_t of an array `rows` of `count` structs of type `type` whose members
 * `method` and `pattern` are the route's method and pattern. */
#define RZ_ROUTE_TABLE(rows, count, type)                                                          \
    {                                                                                              \
        (rows), (count), sizeof(type), offsetof(type, method), offsetof(type, pattern)             \
    }

/* Finds the row of table `t` for (method, path). A pattern's "{...}" segment matches any single
 * segment, a literal segment matches itself; among the patterns matching the path, the one with
 * the most literal segments, leftmost first, wins ("/api/users/stats" beats "/api/users/{id}").
 * HEAD matches GET rows. Returns the row index with *status 200 and the path's {...} values in
 * params[] (at most RZ_MAX_SEGMENTS, in order; NUL-terminated copies in p) and their count in
 * *nparams; or -1 with *status 404 (no pattern matches, or the path has more than
 * RZ_MAX_SEGMENTS segments) or 405 (the best pattern has no row for this method: *allow is then
 * its methods, "GET, HEAD, POST" style in table order, allocated in p). Never fails otherwise. */
int rz_route_match(apr_pool_t *p, const rz_route_table_t *t, const char *method, const char *path,
                   const char **params, int *nparams, int *status, const char **allow);

/* SPEC 2.1 raw-path rules, for the still-encoded path of a request: a trailing slash, an empty
 * segment, a "."/".." segment (also %2e-encoded), %2F or %00 (any case) -> 1 (reject with 404);
 * "/api" itself and NULL -> 0. `path` starts with '/'. */
int rz_route_raw_path_rejected(const char *path);

#endif
