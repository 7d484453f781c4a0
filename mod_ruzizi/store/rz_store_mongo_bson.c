/* rz_store_mongo_bson.c: jansson <-> BSON documents and query filters for the MongoDB backend. */
#include "store/rz_store_mongo_priv.h"

#include <apr_strings.h>
#include <string.h>

/* Values are converted directly (not through extended JSON): bson_new_from_json would reinterpret
 * caller objects such as {"$type": ...} or {"$numberLong": ...}, and it types small integers as
 * int32. Integers are always stored as int64 so that equality with a query value of the same JSON
 * type holds on every server (jongodb does not compare int32/int64/double for equality). */

const char *rz_mongo_path(const char *field)
{
    return strcmp(field, "id") == 0 ? "_id" : field;
}

static int append_object(bson_t *b, const json_t *obj, int rename_id);

int rz_mongo_append_json(bson_t *b, const char *key, const json_t *v)
{
    bson_t child;
    char buf[16];
    const char *ikey;
    size_t i;
    json_t *item;
    int ok = 1;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        ok = bson_append_document_begin(b, key, -1, &child);
        ok = ok && append_object(&child, v, 0) == 0;
        ok = bson_append_document_end(b, &child) && ok;
        break;
    case JSON_ARRAY:
        ok = bson_append_array_begin(b, key, -1, &child);
        json_array_foreach (v, i, item) {
            bson_uint32_to_string((uint32_t)i, &ikey, buf, sizeof(buf));
            ok = ok && rz_mongo_append_json(&child, ikey, item) == 0;
        }
        ok = bson_append_array_end(b, &child) && ok;
        break;
    case JSON_STRING:
        ok = bson_append_utf8(b, key, -1, json_string_value(v), (int)json_string_length(v));
        break;
    case JSON_INTEGER:
        ok = bson_append_int64(b, key, -1, json_integer_value(v));
        break;
    case JSON_REAL:
        ok = bson_append_double(b, key, -1, json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        ok = bson_append_bool(b, key, -1, json_is_true(v));
        break;
    case JSON_NULL:
        ok = bson_append_null(b, key, -1);
        break;
    }
    return ok ? 0 : -1;
}

/* rename_id: "id" becomes "_id" (appended first); a stray "_id" is dropped (internal field). */
static int append_object(bson_t *b, const json_t *obj, int rename_id)
{
    const char *k;
    json_t *v;

    if (rename_id && (v = json_object_get(obj, "id")) != NULL) {
        if (rz_mongo_append_json(b, "_id", v) != 0) {
            return -1;
        }
    }
    json_object_foreach ((json_t *)obj, k, v) {
        if (rename_id && (strcmp(k, "id") == 0 || strcmp(k, "_id") == 0)) {
            continue;
        }
        if (rz_mongo_append_json(b, k, v) != 0) {
            return -1;
        }
    }
    return 0;
}

int rz_mongo_doc_to_bson(bson_t *out, const json_t *doc)
{
    return append_object(out, doc, 1);
}

/* --- BSON -> jansson -------------------------------------------------------------------------- */

static json_t *iter_to_json(const bson_iter_t *it);

static json_t *container_to_json(const bson_iter_t *it, int is_array)
{
    bson_iter_t child;
    json_t *out = is_array ? json_array() : json_object();
    json_t *v;
    int rc;

    if (!out || !bson_iter_recurse(it, &child)) {
        json_decref(out);
        return NULL;
    }
    while (bson_iter_next(&child)) {
        v = iter_to_json(&child);
        if (!v) {
            rc = -1;
        } else if (is_array) {
            rc = json_array_append_new(out, v);
        } else {
            rc = json_object_set_new(out, bson_iter_key(&child), v);
        }
        if (rc != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static json_t *iter_to_json(const bson_iter_t *it)
{
    uint32_t len;
    const char *str;
    char oid[25];

    switch (bson_iter_type(it)) {
    case BSON_TYPE_UTF8:
        str = bson_iter_utf8(it, &len);
        return json_stringn(str, len);
    case BSON_TYPE_INT32:
        return json_integer(bson_iter_int32(it));
    case BSON_TYPE_INT64:
        return json_integer(bson_iter_int64(it));
    case BSON_TYPE_DOUBLE:
        return json_real(bson_iter_double(it));
    case BSON_TYPE_BOOL:
        return json_boolean(bson_iter_bool(it));
    case BSON_TYPE_DOCUMENT:
        return container_to_json(it, 0);
    case BSON_TYPE_ARRAY:
        return container_to_json(it, 1);
    case BSON_TYPE_OID: /* not written by this store; shown as hex if an operator added one */
        bson_oid_to_string(bson_iter_oid(it), oid);
        return json_string(oid);
    case BSON_TYPE_DATE_TIME:
        return json_integer(bson_iter_date_time(it));
    default:
        return json_null();
    }
}

json_t *rz_mongo_bson_to_doc(const bson_t *b)
{
    bson_iter_t it;
    json_t *doc = json_object();
    json_t *v;

    if (!doc || !bson_iter_init(&it, b)) {
        json_decref(doc);
        return NULL;
    }
    if (bson_iter_find(&it, "_id")) {
        if (json_object_set_new(doc, "id", iter_to_json(&it)) != 0) {
            goto fail;
        }
    }
    bson_iter_init(&it, b);
    while (bson_iter_next(&it)) {
        const char *k = bson_iter_key(&it);
        if (strcmp(k, "_id") == 0 || strcmp(k, "id") == 0) {
            continue;
        }
        v = iter_to_json(&it);
        if (!v || json_object_set_new(doc, k, v) != 0) {
            goto fail;
        }
    }
    return doc;
fail:
    json_decref(doc);
    return NULL;
}

/* --- filters ---------------------------------------------------------------------------------- */

/* Regex metacharacters of PCRE (mongod) and java.util.regex (jongodb); escaping them (and only
 * punctuation: a backslash before a letter or digit would be an escape sequence) makes them
 * literal in both. */
static int is_meta(unsigned char ch)
{
    return ch && strchr("\\^$.|?*+()[]{}/-#", ch) != NULL;
}

/* Builds a regex matching `value` literally; with fold, each ASCII letter becomes [xX] (no `i`
 * flag, so non-ASCII bytes stay exact, like SQLite's ASCII-only lower()). */
static char *literal_regex(apr_pool_t *p, const char *value, int anchor, int fold)
{
    size_t n = strlen(value);
    char *out = apr_palloc(p, n * 4 + 2);
    char *o = out;
    const unsigned char *v;

    if (anchor) {
        *o++ = '^';
    }
    for (v = (const unsigned char *)value; *v; v++) {
        unsigned char ch = *v;
        if (fold && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
            *o++ = '[';
            *o++ = (char)(ch | 0x20);
            *o++ = (char)(ch & ~0x20);
            *o++ = ']';
            continue;
        }
        if (is_meta(ch)) {
            *o++ = '\\';
        }
        *o++ = (char)ch;
    }
    *o = '\0';
    return out;
}

static const char *op_name(rz_op_t op)
{
    switch (op) {
    case RZ_NE:
        return "$ne";
    case RZ_LT:
        return "$lt";
    case RZ_LTE:
        return "$lte";
    case RZ_GT:
        return "$gt";
    case RZ_GTE:
        return "$gte";
    default:
        return "$eq";
    }
}

/* Appends v to the array `arr` at position *i; a number that is integral goes in twice, as int64
 * and as double: jongodb compares numbers of different BSON types as unequal (2 vs 2.0), mongod
 * and SQLite do not, and the set form gives the same answer on every server. */
static int integral(const json_t *v, int64_t *n)
{
    double d;

    if (json_is_integer(v)) {
        *n = json_integer_value(v);
        return 1;
    }
    if (!json_is_real(v)) {
        return 0;
    }
    d = json_real_value(v);
    if (d < -9.2e18 || d > 9.2e18 || d != (double)(int64_t)d) {
        return 0;
    }
    *n = (int64_t)d;
    return 1;
}

static int append_item(bson_t *arr, uint32_t *i, const json_t *v)
{
    char buf[16];
    const char *key;
    int64_t n;
    int ok;

    if (integral(v, &n)) {
        bson_uint32_to_string((*i)++, &key, buf, sizeof(buf));
        ok = bson_append_int64(arr, key, -1, n);
        bson_uint32_to_string((*i)++, &key, buf, sizeof(buf));
        return ok && bson_append_double(arr, key, -1, (double)n) ? 0 : -1;
    }
    bson_uint32_to_string((*i)++, &key, buf, sizeof(buf));
    return rz_mongo_append_json(arr, key, v);
}

/* {$in|$nin: [values...]} from one value (eq/ne on a number) or an array (in). */
static int append_set(bson_t *expr, const char *op, const json_t *v)
{
    bson_t arr;
    uint32_t i = 0;
    size_t j;
    json_t *item;
    int rc = 0;

    bson_append_array_begin(expr, op, -1, &arr);
    if (json_is_array(v)) {
        json_array_foreach (v, j, item) {
            rc = rc ? rc : append_item(&arr, &i, item);
        }
    } else {
        rc = append_item(&arr, &i, v);
    }
    return bson_append_array_end(expr, &arr) && rc == 0 ? 0 : -1;
}

/* The operator expression for one condition, appended to `expr`. */
static int append_expr(rz_sess_t *s, bson_t *expr, const rz_cond_t *c)
{
    if (c->op == RZ_PREFIX || c->op == RZ_CONTAINS_CI) {
        return BSON_APPEND_UTF8(expr, "$regex",
                                literal_regex(s->pool, json_string_value(c->value),
                                              c->op == RZ_PREFIX, c->op == RZ_CONTAINS_CI))
                   ? 0
                   : -1;
    }
    if (c->op == RZ_IN || ((c->op == RZ_EQ || c->op == RZ_NE) && json_is_number(c->value))) {
        return append_set(expr, c->op == RZ_NE ? "$nin" : "$in", c->value);
    }
    return rz_mongo_append_json(expr, op_name(c->op), c->value);
}

/* Appends {path: <condition>} under `key` of the array `arr`. */
static rz_status_t append_cond(rz_sess_t *s, bson_t *arr, const char *key, const rz_cond_t *c)
{
    bson_t clause, expr;
    const char *path = rz_mongo_path(c->field);
    int ok;

    if (!c->value) {
        return rz_mongo_err(s, RZ_INVALID, "mongodb: condition on %s has no value", c->field);
    }
    if ((c->op == RZ_PREFIX || c->op == RZ_CONTAINS_CI) && !json_is_string(c->value)) {
        return rz_mongo_err(s, RZ_INVALID, "mongodb: %s needs a string", c->field);
    }
    if (c->op == RZ_IN && !json_is_array(c->value)) {
        return rz_mongo_err(s, RZ_INVALID, "mongodb: in on %s needs an array", c->field);
    }
    bson_append_document_begin(arr, key, -1, &clause);
    if (c->op == RZ_EQ && json_is_null(c->value)) {
        ok = bson_append_null(&clause, path, -1); /* matches missing or null */
    } else {
        bson_append_document_begin(&clause, path, -1, &expr);
        ok = append_expr(s, &expr, c) == 0;
        ok = bson_append_document_end(&clause, &expr) && ok;
    }
    ok = bson_append_document_end(arr, &clause) && ok;
    return ok ? RZ_OK : rz_mongo_err(s, RZ_INVALID, "mongodb: condition on %s too large", c->field);
}

/* Appends {op: [cond, ...]} to out. */
static rz_status_t append_group(rz_sess_t *s, bson_t *out, const char *op, const rz_cond_t *c,
                                int n)
{
    bson_t arr;
    char buf[16];
    const char *key;
    rz_status_t st = RZ_OK;
    int i;

    bson_append_array_begin(out, op, -1, &arr);
    for (i = 0; i < n && st == RZ_OK; i++) {
        bson_uint32_to_string((uint32_t)i, &key, buf, sizeof(buf));
        st = append_cond(s, &arr, key, &c[i]);
    }
    bson_append_array_end(out, &arr);
    return st;
}

rz_status_t rz_mongo_filter(rz_sess_t *s, bson_t *out, const rz_cond_t *all, int nall,
                            const rz_cond_t *any, int nany)
{
    rz_status_t st = RZ_OK;

    /* $and keeps two conditions on one field (a range) apart: one document cannot hold a key
     * twice */
    if (nall > 0) {
        st = append_group(s, out, "$and", all, nall);
    }
    if (st == RZ_OK && nany > 0) {
        st = append_group(s, out, "$or", any, nany);
    }
    return st;
}
