/* rz_route_match.c: route matching over a given table and the SPEC 2.1 raw-path rules (pure). */
#include "core/rz_route_match.h"

#include <apr_strings.h>
#include <string.h>
#include <strings.h>

/* Splits "/api/a/b" into segments (in a copy; empty segments are skipped). Returns the count, or
 * -1 if there are more than RZ_MAX_SEGMENTS. */
static int split_path(apr_pool_t *p, const char *path, const char **segs)
{
    char *copy = apr_pstrdup(p, path), *tok, *state = NULL;
    int n = 0;

    for (tok = apr_strtok(copy, "/", &state); tok; tok = apr_strtok(NULL, "/", &state)) {
        if (n == RZ_MAX_SEGMENTS) {
            return -1;
        }
        segs[n++] = tok;
    }
    return n;
}

/* The next segment of *s (skipping slashes): its start, its length in *len, and *s moved past
 * it. NULL at the end. */
static const char *next_segment(const char **s, size_t *len)
{
    const char *start = *s + strspn(*s, "/");

    if (!*start) {
        return NULL;
    }
    *len = strcspn(start, "/");
    *s = start + *len;
    return start;
}

/* Matches one pattern against segments. Returns a specificity score (a bit per literal segment,
 * most significant first) + 1, or 0 when it does not match. */
static unsigned long match_pattern(const char *pattern, const char **segs, int nsegs)
{
    const char *seg;
    unsigned long score = 0;
    size_t len;
    int i = 0;

    while ((seg = next_segment(&pattern, &len)) != NULL) {
        int is_param = seg[0] == '{';
        if (i == nsegs) {
            return 0;
        }
        if (!is_param && (strlen(segs[i]) != len || memcmp(seg, segs[i], len) != 0)) {
            return 0;
        }
        score = (score << 1) | (is_param ? 0u : 1u);
        i++;
    }
    return i == nsegs ? score + 1 : 0;
}

static const char *row_str(const rz_route_table_t *t, int i, size_t off)
{
    return *(const char *const *)((const char *)t->rows + (size_t)i * t->stride + off);
}

int rz_route_match(apr_pool_t *p, const rz_route_table_t *t, const char *method, const char *path,
                   const char **params, int *nparams, int *status, const char **allow)
{
    const char *segs[RZ_MAX_SEGMENTS], *best_pattern, *pattern, *seg;
    int nsegs = split_path(p, path, segs), i, best = -1, found = -1;
    unsigned long best_score = 0;
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    const char *methods = NULL;
    size_t len;

    *nparams = 0;
    *status = 404;
    *allow = NULL;
    if (nsegs < 0) {
        return -1;
    }
    for (i = 0; i < t->count; i++) {
        unsigned long sc = match_pattern(row_str(t, i, t->pattern_off), segs, nsegs);
        if (sc > best_score) {
            best_score = sc;
            best = i;
        }
    }
    if (best < 0) {
        return -1;
    }
    best_pattern = row_str(t, best, t->pattern_off);
    for (i = 0; i < t->count; i++) {
        const char *rm = row_str(t, i, t->method_off);
        if (strcmp(row_str(t, i, t->pattern_off), best_pattern) != 0) {
            continue;
        }
        methods = methods ? apr_pstrcat(p, methods, ", ", rm, NULL) : rm;
        if (strcmp(rm, "GET") == 0) {
            methods = apr_pstrcat(p, methods, ", HEAD", NULL);
        }
        if (found < 0 && strcmp(rm, m) == 0) {
            found = i;
        }
    }
    if (found < 0) {
        *status = 405;
        *allow = methods;
        return -1;
    }
    pattern = row_str(t, found, t->pattern_off);
    for (i = 0; (seg = next_segment(&pattern, &len)) != NULL; i++) {
        if (seg[0] == '{') {
            params[(*nparams)++] = segs[i];
        }
    }
    *status = 200;
    return found;
}

/* Returns 1 when the segment, with %2e/%2E decoded, is "." or "..". */
static int dot_segment(const char *seg, size_t n)
{
    char buf[8];
    size_t i = 0, j = 0;

    while (i < n && j < sizeof(buf) - 1) {
        if (seg[i] == '%' && i + 2 < n && seg[i + 1] == '2'
            && (seg[i + 2] == 'e' || seg[i + 2] == 'E')) {
            buf[j++] = '.';
            i += 3;
        } else {
            buf[j++] = seg[i++];
        }
    }
    if (i < n) {
        return 0;
    }
    buf[j] = '\0';
    return strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0;
}

/* 1 when s contains "%2f" or "%00" (case-insensitive). */
static int bad_escape(const char *s)
{
    for (s = strchr(s, '%'); s; s = strchr(s + 1, '%')) {
        if (strncasecmp(s, "%2f", 3) == 0 || strncmp(s, "%00", 3) == 0) {
            return 1;
        }
    }
    return 0;
}

int rz_route_raw_path_rejected(const char *path)
{
    const char *seg, *slash;

    if (!path || !*path || strcmp(path, "/api") == 0) {
        return 0;
    }
    if (path[strlen(path) - 1] == '/' || strstr(path, "//") || bad_escape(path)) {
        return 1;
    }
    for (seg = path + 1; *seg; seg = slash + 1) {
        slash = strchr(seg, '/');
        if (dot_segment(seg, slash ? (size_t)(slash - seg) : strlen(seg))) {
            return 1;
        }
        if (!slash) {
            break;
        }
    }
    return 0;
}
