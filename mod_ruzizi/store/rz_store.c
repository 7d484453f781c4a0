/* rz_store.c: the public store API: URI dispatch, argument checks, ids and versions, sessions, uow
 * flag. */
#include "store/rz_store_impl.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <stdlib.h>
#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"

#define RZ_PATH_MAX 200
#define RZ_COUNTER_NAME_MAX 255

/* ---- validation helpers --------------------------------------------------------------------- */

/* [a-z_][a-z0-9_]{0,62} */
static int valid_coll(const char *c)
{
    size_t i;

    if (!c || !c[0] || !((c[0] >= 'a' && c[0] <= 'z') || c[0] == '_')) {
        return 0;
    }
    for (i = 1; c[i]; i++) {
        if (i > 62
            || !((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= '0' && c[i] <= '9') || c[i] == '_')) {
            return 0;
        }
    }
    return 1;
}

static int ident_start(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static int ident_char(char ch)
{
    return ident_start(ch) || (ch >= '0' && ch <= '9');
}

/* [A-Za-z_][A-Za-z0-9_]* segments joined by '.', at most RZ_PATH_MAX bytes */
static int valid_path(const char *p)
{
    size_t i;
    int at_start = 1;

    if (!p || !p[0] || strlen(p) > RZ_PATH_MAX) {
        return 0;
    }
    for (i = 0; p[i]; i++) {
        if (p[i] == '.') {
            if (at_start) {
                return 0;
            }
            at_start = 1;
        } else if (at_start ? !ident_start(p[i]) : !ident_char(p[i])) {
            return 0;
        } else {
            at_start = 0;
        }
    }
    return !at_start;
}

/* Index names: [A-Za-z_][A-Za-z0-9_]{0,62} (they become SQL identifiers and Mongo index names). */
static int valid_index_name(const char *n)
{
    size_t i;

    if (!n || !ident_start(n[0])) {
        return 0;
    }
    for (i = 1; n[i]; i++) {
        if (i > 62 || !ident_char(n[i])) {
            return 0;
        }
    }
    return 1;
}

/* 1 when p is "id" or "version" or below one of them. */
static int reserved_path(const char *p)
{
    return strcmp(p, "id") == 0 || strcmp(p, "version") == 0 || strncmp(p, "id.", 3) == 0
           || strncmp(p, "version.", 8) == 0;
}

static int is_scalar(const json_t *v)
{
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v) || json_is_null(v);
}

static rz_status_t fail(rz_sess_t *s, rz_status_t rv, const char *msg)
{
    s->err = apr_pstrdup(s->pool, msg);
    return rv;
}

static void reset(rz_sess_t *s)
{
    s->err = NULL;
    s->conflict_index = NULL;
}

static rz_status_t check_coll(rz_sess_t *s, const char *coll)
{
    if (!valid_coll(coll)) {
        return fail(s, RZ_INVALID, "invalid collection name");
    }
    return RZ_OK;
}

static rz_status_t check_cond(rz_sess_t *s, const rz_cond_t *c)
{
    const json_t *v = c->value;
    size_t i;
    json_t *item;

    if (!valid_path(c->field)) {
        return fail(s, RZ_INVALID, "invalid field path in filter");
    }
    if (!v) {
        return fail(s, RZ_INVALID, "filter condition without a value");
    }
    switch (c->op) {
    case RZ_EQ:
    case RZ_NE:
        return is_scalar(v) ? RZ_OK : fail(s, RZ_INVALID, "eq/ne need a scalar value");
    case RZ_IN:
        if (!json_is_array(v)) {
            return fail(s, RZ_INVALID, "in needs an array value");
        }
        json_array_foreach (v, i, item) {
            if (!is_scalar(item)) {
                return fail(s, RZ_INVALID, "in needs an array of scalars");
            }
        }
        return RZ_OK;
    case RZ_LT:
    case RZ_LTE:
    case RZ_GT:
    case RZ_GTE:
        return (json_is_number(v) || json_is_string(v))
                   ? RZ_OK
                   : fail(s, RZ_INVALID, "range filters need a number or a string");
    case RZ_PREFIX:
    case RZ_CONTAINS_CI:
        return json_is_string(v) ? RZ_OK : fail(s, RZ_INVALID, "prefix/contains need a string");
    default:
        return fail(s, RZ_INVALID, "unknown filter operator");
    }
}

static rz_status_t check_conds(rz_sess_t *s, const rz_cond_t *c, int n)
{
    int i;
    rz_status_t rv;

    if (n < 0 || (n > 0 && !c)) {
        return fail(s, RZ_INVALID, "bad condition list");
    }
    for (i = 0; i < n; i++) {
        if ((rv = check_cond(s, &c[i])) != RZ_OK) {
            return rv;
        }
    }
    return RZ_OK;
}

/* A projection: NULL, or 1..RZ_PROJECTION_MAX distinct top-level names other than id and
 * version. */
static rz_status_t check_projection(rz_sess_t *s, const char *const *fields)
{
    int i, j;

    if (!fields) {
        return RZ_OK;
    }
    for (i = 0; fields[i]; i++) {
        if (i >= RZ_PROJECTION_MAX || !valid_path(fields[i]) || strchr(fields[i], '.')
            || reserved_path(fields[i])) {
            return fail(s, RZ_INVALID, "invalid projection field");
        }
        for (j = 0; j < i; j++) {
            if (strcmp(fields[i], fields[j]) == 0) {
                return fail(s, RZ_INVALID, "repeated projection field");
            }
        }
    }
    return i > 0 ? RZ_OK : fail(s, RZ_INVALID, "empty projection");
}

static rz_status_t check_query(rz_sess_t *s, const rz_query_t *q)
{
    rz_status_t rv;

    if (!q) {
        return fail(s, RZ_INVALID, "missing query");
    }
    if ((rv = check_conds(s, q->all, q->nall)) != RZ_OK
        || (rv = check_conds(s, q->any, q->nany)) != RZ_OK) {
        return rv;
    }
    if (q->sort && !valid_path(q->sort)) {
        return fail(s, RZ_INVALID, "invalid sort field");
    }
    if (q->skip < 0 || q->limit < 0) {
        return fail(s, RZ_INVALID, "negative skip or limit");
    }
    return RZ_OK;
}

/* 1 when a equals b or one is a dotted ancestor of the other ("a" and "a.b"). */
static int paths_overlap(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;

    if (strncmp(a, b, n) != 0) {
        return 0;
    }
    return la == lb || (la < lb ? b[la] == '.' : a[lb] == '.');
}

/* Adds path p to the list after checking it is valid, not reserved and overlaps no other. */
static rz_status_t add_update_path(rz_sess_t *s, apr_array_header_t *seen, const char *p)
{
    int i;

    if (!valid_path(p)) {
        return fail(s, RZ_INVALID, "invalid field path in update");
    }
    if (reserved_path(p)) {
        return fail(s, RZ_INVALID, "update may not touch id or version");
    }
    for (i = 0; i < seen->nelts; i++) {
        if (paths_overlap(APR_ARRAY_IDX(seen, i, const char *), p)) {
            return fail(s, RZ_INVALID, "update paths overlap");
        }
    }
    APR_ARRAY_PUSH(seen, const char *) = p;
    return RZ_OK;
}

static rz_status_t check_update(rz_sess_t *s, const rz_update_t *u)
{
    apr_array_header_t *seen;
    const char *key;
    json_t *val;
    size_t i;
    rz_status_t rv;

    if (!u || (u->set && !json_is_object(u->set)) || (u->unset && !json_is_array(u->unset))
        || (u->inc && !json_is_object(u->inc))) {
        return fail(s, RZ_INVALID, "malformed update");
    }
    seen = apr_array_make(s->pool, 8, sizeof(const char *));
    if (u->set) {
        json_object_foreach (u->set, key, val) {
            if ((rv = add_update_path(s, seen, key)) != RZ_OK) {
                return rv;
            }
        }
    }
    if (u->unset) {
        json_array_foreach (u->unset, i, val) {
            if (!json_is_string(val)) {
                return fail(s, RZ_INVALID, "unset needs an array of paths");
            }
            if ((rv = add_update_path(s, seen, json_string_value(val))) != RZ_OK) {
                return rv;
            }
        }
    }
    if (u->inc) {
        json_object_foreach (u->inc, key, val) {
            if (!json_is_integer(val)) {
                return fail(s, RZ_INVALID, "inc needs integer amounts");
            }
            if ((rv = add_update_path(s, seen, key)) != RZ_OK) {
                return rv;
            }
        }
    }
    return seen->nelts > 0 ? RZ_OK : fail(s, RZ_INVALID, "empty update");
}

/* ---- opening and sessions ------------------------------------------------------------------- */

rz_status_t rz_store_open(rz_store_t **out, const char *uri, apr_pool_t *pool, const char **err)
{
    const rz_store_ops_t *ops;
    const char *dummy;
    rz_store_t *st;

    if (!err) {
        err = &dummy;
    }
    *err = NULL;
    if (!out || !uri || !pool) {
        *err = "rz_store_open: missing argument";
        return RZ_INVALID;
    }
    if (strncmp(uri, "sqlite:", 7) == 0) {
        ops = &rz_store_sqlite_ops;
    } else if (strncmp(uri, "mongodb://", 10) == 0 || strncmp(uri, "mongodb+srv://", 14) == 0) {
        ops = &rz_store_mongo_ops;
    } else {
        *err = "unsupported store URI (expected sqlite:/path/file.db or mongodb://...)";
        return RZ_INVALID;
    }
    if (!ops->open) {
        *err = apr_psprintf(pool, "the %s store backend is not available in this build", ops->name);
        return RZ_UNAVAILABLE;
    }
    st = apr_pcalloc(pool, sizeof(*st));
    st->pool = pool;
    st->ops = ops;
    st->uri = apr_pstrdup(pool, uri);
    *out = NULL;
    {
        rz_status_t rv = ops->open(st, st->uri, err);
        if (rv != RZ_OK) {
            return rv;
        }
    }
    *out = st;
    return RZ_OK;
}

const char *rz_store_backend(const rz_store_t *st)
{
    return st->ops->name;
}

/* Pool cleanup: an unit of work still open when its pool dies is rolled back. Registered after
 * the backend's own release cleanup, so it runs first (cleanups run in reverse order). */
static apr_status_t sess_cleanup(void *data)
{
    rz_sess_t *s = data;

    if (s->in_uow) {
        s->st->ops->rollback(s);
        s->in_uow = 0;
    }
    return APR_SUCCESS;
}

rz_status_t rz_store_session(rz_sess_t **out, rz_store_t *st, apr_pool_t *pool)
{
    rz_sess_t *s;
    rz_status_t rv;

    *out = NULL;
    s = apr_pcalloc(pool, sizeof(*s));
    s->pool = pool;
    s->st = st;
    rv = st->ops->session(s);
    if (rv != RZ_OK) {
        return rv;
    }
    apr_pool_cleanup_register(pool, s, sess_cleanup, apr_pool_cleanup_null);
    *out = s;
    return RZ_OK;
}

apr_pool_t *rz_store_sess_pool(const rz_sess_t *s)
{
    return s->pool;
}

rz_status_t rz_store_ping(rz_sess_t *s, int timeout_ms)
{
    reset(s);
    return s->st->ops->ping(s, timeout_ms > 0 ? timeout_ms : 1000);
}

rz_status_t rz_store_check(rz_sess_t *s, const char **err)
{
    const char *dummy = NULL;
    rz_status_t rv;

    reset(s);
    rv = s->st->ops->check(s, err ? err : &dummy);
    if (rv != RZ_OK && err && !*err) {
        *err = s->err ? s->err : "store check failed";
    }
    return rv;
}

const char *rz_store_last_error(const rz_sess_t *s)
{
    return s->err ? s->err : "";
}

const char *rz_store_conflict_index(const rz_sess_t *s)
{
    return s->conflict_index;
}

/* ---- schema and documents ------------------------------------------------------------------- */

rz_status_t rz_store_ensure_collection(rz_sess_t *s, const char *coll, const rz_index_def_t *idx,
                                       int nidx)
{
    int i, j;
    rz_status_t rv;

    reset(s);
    if ((rv = check_coll(s, coll)) != RZ_OK) {
        return rv;
    }
    if (nidx < 0 || (nidx > 0 && !idx)) {
        return fail(s, RZ_INVALID, "bad index list");
    }
    for (i = 0; i < nidx; i++) {
        if (!valid_index_name(idx[i].name) || !idx[i].fields[0]) {
            return fail(s, RZ_INVALID, "invalid index name or no fields");
        }
        for (j = 0; j < 4 && idx[i].fields[j]; j++) {
            if (!valid_path(idx[i].fields[j])) {
                return fail(s, RZ_INVALID, "invalid index field path");
            }
        }
    }
    return s->st->ops->ensure_collection(s, coll, idx, nidx);
}

rz_status_t rz_store_insert(rz_sess_t *s, const char *coll, json_t *doc, const char **id_out)
{
    json_t *id;
    rz_status_t rv;

    reset(s);
    if ((rv = check_coll(s, coll)) != RZ_OK) {
        return rv;
    }
    if (!json_is_object(doc)) {
        return fail(s, RZ_INVALID, "a document must be a JSON object");
    }
    id = json_object_get(doc, "id");
    if (id && !rz_id_valid(json_string_value(id))) {
        return fail(s, RZ_INVALID, "document id must be 24 lowercase hex characters");
    }
    if (!id) {
        char buf[RZ_ID_LEN + 1];
        rz_id_new(buf);
        json_object_set_new(doc, "id", json_string(buf));
    }
    json_object_set_new(doc, "version", json_integer(1));
    rv = s->st->ops->insert(s, coll, doc);
    if (id_out) {
        *id_out = json_string_value(json_object_get(doc, "id"));
    }
    return rv;
}

rz_status_t rz_store_get(rz_sess_t *s, const char *coll, const char *id, json_t **out)
{
    rz_status_t rv;

    reset(s);
    *out = NULL;
    if ((rv = check_coll(s, coll)) != RZ_OK) {
        return rv;
    }
    if (!rz_id_valid(id)) {
        return fail(s, RZ_NOT_FOUND, "no such document");
    }
    rv = s->st->ops->get(s, coll, id, out);
    if (rv != RZ_OK) {
        json_decref(*out);
        *out = NULL;
        return rv;
    }
    rz_json_pool_own(s->pool, *out);
    return RZ_OK;
}

rz_status_t rz_store_find(rz_sess_t *s, const char *coll, const rz_query_t *q, json_t **out,
                          long *total)
{
    return rz_store_find_opt(s, coll, q, NULL, out, total);
}

rz_status_t rz_store_find_opt(rz_sess_t *s, const char *coll, const rz_query_t *q,
                              const rz_find_opt_t *opt, json_t **out, long *total)
{
    static const rz_find_opt_t whole = {NULL, 0};
    rz_status_t rv;
    long tot = 0;

    reset(s);
    *out = NULL;
    opt = opt ? opt : &whole;
    if ((rv = check_coll(s, coll)) != RZ_OK || (rv = check_query(s, q)) != RZ_OK
        || (rv = check_projection(s, opt->fields)) != RZ_OK) {
        return rv;
    }
    if (opt->unordered && (q->sort || q->skip > 0)) {
        return fail(s, RZ_INVALID, "an unordered query has no sort and no skip");
    }
    rv = s->st->ops->find(s, coll, q, opt, out, q->want_total ? &tot : NULL);
    if (rv == RZ_OK && !json_is_array(*out)) {
        rv = fail(s, RZ_ERROR, "backend returned no result array");
    }
    if (rv != RZ_OK) {
        json_decref(*out);
        *out = NULL;
        return rv;
    }
    rz_json_pool_own(s->pool, *out);
    if (total && q->want_total) {
        *total = tot;
    }
    return RZ_OK;
}

rz_status_t rz_store_find_one(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                              json_t **out)
{
    rz_query_t q;
    json_t *arr;
    rz_status_t rv;

    *out = NULL;
    memset(&q, 0, sizeof(q));
    q.all = all;
    q.nall = nall;
    q.limit = 1;
    if ((rv = rz_store_find(s, coll, &q, &arr, NULL)) != RZ_OK) {
        return rv;
    }
    if (json_array_size(arr) == 0) {
        return fail(s, RZ_NOT_FOUND, "no matching document");
    }
    *out = rz_json_pool_own(s->pool, json_incref(json_array_get(arr, 0)));
    return RZ_OK;
}

rz_status_t rz_store_count(rz_sess_t *s, const char *coll, const rz_query_t *q, long *count)
{
    rz_status_t rv;

    reset(s);
    *count = 0;
    if ((rv = check_coll(s, coll)) != RZ_OK || (rv = check_query(s, q)) != RZ_OK) {
        return rv;
    }
    return s->st->ops->count(s, coll, q, count);
}

rz_status_t rz_store_update(rz_sess_t *s, const char *coll, const char *id, const rz_update_t *u,
                            int64_t expected_version, json_t **out)
{
    json_t *doc = NULL;
    rz_status_t rv;

    reset(s);
    if (out) {
        *out = NULL;
    }
    if ((rv = check_coll(s, coll)) != RZ_OK || (rv = check_update(s, u)) != RZ_OK) {
        return rv;
    }
    if (!rz_id_valid(id)) {
        return fail(s, RZ_NOT_FOUND, "no such document");
    }
    rv = s->st->ops->update(s, coll, id, u, expected_version < 0 ? -1 : expected_version, &doc);
    if (rv != RZ_OK || !out) {
        json_decref(doc);
        return rv;
    }
    *out = rz_json_pool_own(s->pool, doc);
    return RZ_OK;
}

rz_status_t rz_store_delete(rz_sess_t *s, const char *coll, const char *id)
{
    rz_status_t rv;

    reset(s);
    if ((rv = check_coll(s, coll)) != RZ_OK) {
        return rv;
    }
    if (!rz_id_valid(id)) {
        return fail(s, RZ_NOT_FOUND, "no such document");
    }
    return s->st->ops->delete_one(s, coll, id);
}

rz_status_t rz_store_delete_many(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                                 long *deleted)
{
    long n = 0;
    rz_status_t rv;

    reset(s);
    if (deleted) {
        *deleted = 0;
    }
    if ((rv = check_coll(s, coll)) != RZ_OK || (rv = check_conds(s, all, nall)) != RZ_OK) {
        return rv;
    }
    rv = s->st->ops->delete_many(s, coll, all, nall, &n);
    if (rv == RZ_OK && deleted) {
        *deleted = n;
    }
    return rv;
}

rz_status_t rz_store_counter_next(rz_sess_t *s, const char *name, int64_t *out)
{
    reset(s);
    *out = 0;
    if (!name || !name[0] || strlen(name) > RZ_COUNTER_NAME_MAX) {
        return fail(s, RZ_INVALID, "invalid counter name");
    }
    return s->st->ops->counter_next(s, name, out);
}

/* ---- unit of work --------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

rz_status_t rz_store_begin(rz_sess_t *s, const char *const *keys, int nkeys)
{
    const char **copy;
    int i, n = 0;
    rz_status_t rv;

    reset(s);
    if (s->in_uow) {
        return fail(s, RZ_INVALID, "a unit of work is already open on this session");
    }
    if (nkeys < 0 || (nkeys > 0 && !keys)) {
        return fail(s, RZ_INVALID, "bad key list");
    }
    /* backends get a sorted, de-duplicated copy in the session pool (lock order) */
    copy = apr_pcalloc(s->pool, sizeof(*copy) * (nkeys + 1));
    for (i = 0; i < nkeys; i++) {
        if (!keys[i] || !keys[i][0]) {
            return fail(s, RZ_INVALID, "empty unit-of-work key");
        }
        copy[i] = apr_pstrdup(s->pool, keys[i]);
    }
    qsort(copy, nkeys, sizeof(*copy), cmp_str);
    for (i = 0; i < nkeys; i++) {
        if (n == 0 || strcmp(copy[n - 1], copy[i]) != 0) {
            copy[n++] = copy[i];
        }
    }
    copy[n] = NULL;
    rv = s->st->ops->begin(s, copy, n);
    if (rv == RZ_OK) {
        s->in_uow = 1;
    }
    return rv;
}

rz_status_t rz_store_commit(rz_sess_t *s)
{
    rz_status_t rv;

    reset(s);
    if (!s->in_uow) {
        return fail(s, RZ_INVALID, "no unit of work is open");
    }
    /* the backend rolls everything back itself when the commit fails */
    rv = s->st->ops->commit(s);
    s->in_uow = 0;
    return rv;
}

void rz_store_rollback(rz_sess_t *s)
{
    if (s->in_uow) {
        s->st->ops->rollback(s);
        s->in_uow = 0;
    }
}

int rz_store_in_uow(const rz_sess_t *s)
{
    return s->in_uow;
}
