/* rz_json.c: request-body JSON parsing rules, canonical form, pool-owned values, dotted paths. */
#include "core/rz_json.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

static apr_status_t json_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

json_t *rz_json_pool_own(apr_pool_t *pool, json_t *v)
{
    if (v) {
        apr_pool_cleanup_register(pool, v, json_cleanup, apr_pool_cleanup_null);
    }
    return v;
}

/* Returns 0 when every integer in v is within the safe range and the depth is <= max_depth. */
static int check_tree(const json_t *v, int depth, const char **why)
{
    size_t i;
    const char *key;
    json_t *child;

    switch (json_typeof(v)) {
    case JSON_INTEGER: {
        json_int_t n = json_integer_value(v);
        if (n > RZ_JSON_MAX_SAFE_INT || n < -RZ_JSON_MAX_SAFE_INT) {
            *why = "integer out of range (beyond +-(2^53-1))";
            return -1;
        }
        return 0;
    }
    case JSON_OBJECT:
    case JSON_ARRAY:
        if (depth + 1 > RZ_JSON_MAX_DEPTH) {
            *why = "nesting deeper than 32";
            return -1;
        }
        if (json_is_object(v)) {
            json_object_foreach ((json_t *)v, key, child) {
                if (check_tree(child, depth + 1, why) != 0) {
                    return -1;
                }
            }
        } else {
            json_array_foreach (v, i, child) {
                if (check_tree(child, depth + 1, why) != 0) {
                    return -1;
                }
            }
        }
        return 0;
    default:
        return 0;
    }
}

json_t *rz_json_parse_body(apr_pool_t *pool, const char *buf, size_t len, const char **why)
{
    json_error_t err;
    json_t *v;

    if (len == 0) {
        return rz_json_pool_own(pool, json_object());
    }
    v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
    if (!v) {
        *why = strstr(err.text, "duplicate") ? "duplicate object key" : "body is not valid JSON";
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        *why = "top level must be an object";
        return NULL;
    }
    if (check_tree(v, 0, why) != 0) {
        json_decref(v);
        return NULL;
    }
    return rz_json_pool_own(pool, v);
}

static char *dump_into_pool(apr_pool_t *pool, const json_t *v, size_t flags, size_t *len)
{
    char *s, *copy;
    size_t n;

    if (!v) {
        return NULL;
    }
    s = json_dumps(v, flags | JSON_ENCODE_ANY);
    if (!s) {
        return NULL;
    }
    n = strlen(s);
    copy = apr_pstrmemdup(pool, s, n);
    free(s);
    if (len) {
        *len = n;
    }
    return copy;
}

char *rz_json_canonical(apr_pool_t *pool, const json_t *v)
{
    return dump_into_pool(
        pool, v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17), NULL);
}

char *rz_json_dump(apr_pool_t *pool, const json_t *v, size_t *len)
{
    return dump_into_pool(pool, v, JSON_COMPACT | JSON_REAL_PRECISION(15), len);
}

int rz_json_depth(const json_t *v)
{
    int max = 0, d;
    size_t i;
    const char *key;
    json_t *child;

    if (json_is_object(v)) {
        json_object_foreach ((json_t *)v, key, child) {
            d = rz_json_depth(child);
            max = d > max ? d : max;
        }
        return max + 1;
    }
    if (json_is_array(v)) {
        json_array_foreach (v, i, child) {
            d = rz_json_depth(child);
            max = d > max ? d : max;
        }
        return max + 1;
    }
    return 0;
}

json_t *rz_json_path_get(const json_t *root, const char *path)
{
    const json_t *cur = root;
    const char *p = path, *dot;
    char seg[128];

    while (cur && *p) {
        size_t n;
        dot = strchr(p, '.');
        n = dot ? (size_t)(dot - p) : strlen(p);
        if (n == 0 || n >= sizeof(seg) || !json_is_object(cur)) {
            return NULL;
        }
        memcpy(seg, p, n);
        seg[n] = '\0';
        cur = json_object_get(cur, seg);
        p = dot ? dot + 1 : p + n;
    }
    return (json_t *)cur;
}

int rz_json_path_set_new(json_t *root, const char *path, json_t *value)
{
    json_t *cur = root;
    const char *p = path, *dot;
    char seg[128];

    for (;;) {
        size_t n;
        dot = strchr(p, '.');
        n = dot ? (size_t)(dot - p) : strlen(p);
        if (n == 0 || n >= sizeof(seg) || !json_is_object(cur)) {
            json_decref(value);
            return -1;
        }
        memcpy(seg, p, n);
        seg[n] = '\0';
        if (!dot) {
            return json_object_set_new(cur, seg, value) == 0 ? 0 : -1;
        }
        {
            json_t *next = json_object_get(cur, seg);
            if (!next || json_is_null(next)) {
                next = json_object();
                json_object_set_new(cur, seg, next);
            }
            cur = next;
        }
        p = dot + 1;
    }
}

json_t *rz_json_pick(const json_t *src, const char *const *keys)
{
    json_t *out = json_object(), *val;
    int i;

    for (i = 0; keys[i]; i++) {
        val = json_object_get(src, keys[i]);
        json_object_set_new(out, keys[i], val ? json_deep_copy(val) : json_null());
    }
    return out;
}

const char *rz_json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}
