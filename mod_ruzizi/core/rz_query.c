/* rz_query.c: query strings (SPEC 2.1) and the pagination, sort, q and filter readers (2.4). */
#include "core/rz_query.h"

#include <apr_strings.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_text.h"
#include "core/rz_time.h"

#define RZ_PAGE_MAX 1000000000L /* keeps (page - 1) * limit far from any overflow */
#define RZ_LIMIT_DEFAULT 20
#define RZ_LIMIT_MAX 100
#define RZ_Q_MAX 100

/* 1 if the n bytes at s are valid UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
 */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t len, k;
        unsigned long cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + len > n) {
            return 0;
        }
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))
            || (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }
        i += len;
    }
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Percent-decodes s[0..n) into pool ('+' stays '+'). NULL on a malformed escape, a NUL byte or
 * invalid UTF-8. */
static char *pct_decode(apr_pool_t *pool, const char *s, size_t n)
{
    char *out = apr_palloc(pool, n + 1);
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= n) {
                return NULL;
            }
            hi = hexval(s[i + 1]);
            lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0) {
                return NULL;
            }
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    if (memchr(out, '\0', o) || !utf8_valid((const unsigned char *)out, o)) {
        return NULL;
    }
    return out;
}

static int name_allowed(const char *const *allowed, const char *name)
{
    for (; allowed && *allowed; allowed++) {
        if (strcmp(*allowed, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Handles one "name[=value]" piece; adds a detail and returns -1 when it is refused. */
static int parse_pair(rz_vctx_t *v, const char *piece, size_t n, const char *const *allowed,
                      apr_table_t *t)
{
    const char *eq = memchr(piece, '=', n);
    size_t nlen = eq ? (size_t)(eq - piece) : n;
    char *name = pct_decode(v->pool, piece, nlen);
    char *value = eq ? pct_decode(v->pool, eq + 1, n - nlen - 1) : apr_pstrdup(v->pool, "");

    if (!name) {
        rz_v_fail(v, "query", "invalid encoding");
        return -1;
    }
    if (!name_allowed(allowed, name)) {
        rz_v_fail(v, name, "unknown parameter");
        return -1;
    }
    if (apr_table_get(t, name)) {
        rz_v_fail(v, name, "repeated parameter");
        return -1;
    }
    if (!value) {
        rz_v_fail(v, name, "invalid encoding");
        return -1;
    }
    apr_table_setn(t, name, value);
    return 0;
}

int rz_query_parse(rz_vctx_t *v, const char *args, const char *const *allowed, apr_table_t **out)
{
    const char *p = args;
    int rc = 0;

    *out = apr_table_make(v->pool, 8);
    if (!args || !*args) {
        return 0;
    }
    if (strlen(args) > RZ_QUERY_MAX_BYTES) {
        rz_v_fail(v, "query", "must be at most 2048 bytes");
        return -1;
    }
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        /* empty pieces ("a=1&&b=2", a trailing '&') carry nothing and are skipped */
        if (n > 0 && parse_pair(v, p, n, allowed, *out) != 0) {
            rc = -1;
        }
        p += n;
        if (*p == '&') {
            p++;
        }
    }
    return rc;
}

/* The trimmed value of parameter `name`, or NULL when it is absent or empty after trimming (an
 * empty value counts as absent, like an empty optional body string, SPEC 2.1). */
static const char *param(rz_vctx_t *v, apr_table_t *q, const char *name)
{
    const char *raw = q ? apr_table_get(q, name) : NULL;
    const char *s;

    if (!raw) {
        return NULL;
    }
    s = rz_text_trim(v->pool, raw);
    return *s ? s : NULL;
}

/* Strict decimal integer: optional '-', digits only. 0 ok, 1 digits but out of range of long
 * (*out = LONG_MAX or LONG_MIN), -1 not an integer. */
static int parse_long(const char *s, long *out)
{
    const char *p = s[0] == '-' ? s + 1 : s;
    char *end;
    long n;

    if (!*p) {
        return -1;
    }
    for (; *p; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }
    }
    errno = 0;
    n = strtol(s, &end, 10);
    *out = n;
    return errno == ERANGE ? 1 : 0;
}

static int fail_long(rz_vctx_t *v, const char *name, const char *what, long n)
{
    rz_v_fail(v, name, apr_psprintf(v->pool, "must be %s %ld", what, n));
    return -1;
}

int rz_query_int(rz_vctx_t *v, apr_table_t *q, const char *name, long min, long max, long *out)
{
    const char *s = param(v, q, name);
    long n;

    if (!s) {
        return 0;
    }
    if (parse_long(s, &n) < 0) {
        rz_v_fail(v, name, "must be an integer");
        return -1;
    }
    if (n < min) {
        return fail_long(v, name, "at least", min);
    }
    if (n > max) {
        return fail_long(v, name, "at most", max);
    }
    *out = n;
    return 0;
}

int rz_query_page(rz_vctx_t *v, apr_table_t *q, rz_page_t *out)
{
    const char *s;
    long n;
    int rc = 0;

    out->page = 1;
    out->limit = RZ_LIMIT_DEFAULT;
    if (rz_query_int(v, q, "page", 1, RZ_PAGE_MAX, &out->page) != 0) {
        rc = -1;
    }
    s = param(v, q, "limit");
    if (s) {
        if (parse_long(s, &n) < 0) {
            rz_v_fail(v, "limit", "must be an integer");
            rc = -1;
        } else if (n < 1) {
            rc = fail_long(v, "limit", "at least", 1);
        } else {
            /* a larger value, even one beyond the range of long, is clamped (SPEC 2.4) */
            out->limit = n > RZ_LIMIT_MAX ? RZ_LIMIT_MAX : n;
        }
    }
    return rc;
}

/* "a, b, c" from a NULL-terminated list, in pool. */
static const char *join_list(apr_pool_t *pool, const char *const *list)
{
    const char *s = NULL;

    for (; list && *list; list++) {
        s = s ? apr_pstrcat(pool, s, ", ", *list, NULL) : *list;
    }
    return s ? s : "";
}

int rz_query_sort(rz_vctx_t *v, apr_table_t *q, const char *const *allowed, const char *def,
                  const char **field, int *desc)
{
    const char *s = param(v, q, "sort");
    const char *f;

    if (!s && !def) {
        /* no sort requested and no default: the caller keeps its natural order */
        *field = NULL;
        *desc = 0;
        return 0;
    }
    if (!s) {
        s = def;
    }
    *desc = s[0] == '-';
    f = *desc ? s + 1 : s;
    if (!name_allowed(allowed, f)) {
        rz_v_fail(v, "sort",
                  apr_pstrcat(v->pool, "must be one of: ", join_list(v->pool, allowed),
                              " (prefix - for descending)", NULL));
        return -1;
    }
    *field = f;
    return 0;
}

int rz_query_q(rz_vctx_t *v, apr_table_t *q, const char **out)
{
    const char *s = param(v, q, "q");

    *out = NULL;
    if (!s) {
        return 0;
    }
    if (rz_text_has_bad_control(s)) {
        rz_v_fail(v, "q", "contains a control character");
        return -1;
    }
    if (rz_text_codepoints(s) > RZ_Q_MAX) {
        rz_v_fail(v, "q", "must be at most 100 characters");
        return -1;
    }
    *out = s;
    return 0;
}

int rz_query_bool(rz_vctx_t *v, apr_table_t *q, const char *name, int *out)
{
    const char *s = param(v, q, name);

    if (!s) {
        return 0;
    }
    if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
        *out = s[0] == 't';
        return 0;
    }
    rz_v_fail(v, name, "must be a boolean");
    return -1;
}

int rz_query_id(rz_vctx_t *v, apr_table_t *q, const char *name, const char **out)
{
    const char *s = param(v, q, name);

    if (!s) {
        return 0;
    }
    if (!rz_id_valid(s)) {
        rz_v_fail(v, name, "must be a valid id");
        return -1;
    }
    *out = s;
    return 0;
}

int rz_query_date(rz_vctx_t *v, apr_table_t *q, const char *name, const char **out)
{
    const char *s = param(v, q, name);
    int64_t days;

    if (!s) {
        return 0;
    }
    if (rz_date_parse(s, &days) != 0) {
        rz_v_fail(v, name, "must be a valid date (YYYY-MM-DD)");
        return -1;
    }
    *out = s;
    return 0;
}

static int in_list(const char *const *list, const char *s, size_t n)
{
    for (; list && *list; list++) {
        if (strlen(*list) == n && strncmp(*list, s, n) == 0) {
            return 1;
        }
    }
    return 0;
}

int rz_query_enum_list(rz_vctx_t *v, apr_table_t *q, const char *name, const char *const *enums,
                       json_t **out)
{
    const char *s = param(v, q, name);
    json_t *arr;

    if (!s) {
        return 0;
    }
    arr = rz_json_pool_own(v->pool, json_array());
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (!in_list(enums, s, n)) {
            rz_v_fail(v, name,
                      apr_pstrcat(v->pool, "must be one of: ", join_list(v->pool, enums), NULL));
            return -1;
        }
        json_array_append_new(arr, json_stringn(s, n));
        if (!comma) {
            break;
        }
        s = comma + 1;
    }
    *out = arr;
    return 0;
}

int rz_query_date_range(rz_vctx_t *v, const char *from, const char *to, const char *to_name)
{
    /* both are validated YYYY-MM-DD strings, so byte order is date order */
    if (from && to && strcmp(from, to) > 0) {
        rz_v_fail(v, to_name, "must not be before the start date");
        return -1;
    }
    return 0;
}

json_t *rz_pagination_json(apr_pool_t *pool, const rz_page_t *p, long total)
{
    long pages = total > 0 ? (total - 1) / p->limit + 1 : 0;

    return rz_json_pool_own(pool,
                            json_pack("{s:I, s:I, s:I, s:I, s:b, s:b}", "page", (json_int_t)p->page,
                                      "limit", (json_int_t)p->limit, "total", (json_int_t)total,
                                      "totalPages", (json_int_t)pages, "hasNextPage",
                                      p->page<pages, "hasPrevPage", p->page> 1));
}
