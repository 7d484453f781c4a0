/* rz_store_mongo_docs.c: document operations of the MongoDB backend (insert ... counter_next). */
#include "store/rz_store_mongo_priv.h"

#include <apr_strings.h>
#include <string.h>

/* Every operation passes the unit of work's session (rz_mongo_opts) so that, inside a unit of
 * work, its writes belong to the transaction and its reads see them. */

static int64_t reply_count(const bson_t *reply, const char *field)
{
    bson_iter_t it;

    if (bson_iter_init_find(&it, reply, field) && BSON_ITER_HOLDS_NUMBER(&it)) {
        return bson_iter_as_int64(&it);
    }
    return 0;
}

/* Results are new references handed to rz_store.c, which registers them on s->pool. */
static rz_status_t to_doc(rz_sess_t *s, const bson_t *b, json_t **out)
{
    *out = rz_mongo_bson_to_doc(b);
    if (!*out) {
        return rz_mongo_err(s, RZ_ERROR, "mongodb: a stored document cannot be read as JSON");
    }
    return RZ_OK;
}

rz_status_t rz_mongo_insert(rz_sess_t *s, const char *coll, json_t *doc)
{
    mongoc_collection_t *c = rz_mongo_coll(s, coll);
    bson_t b = BSON_INITIALIZER;
    bson_t opts = BSON_INITIALIZER;
    bson_t reply = BSON_INITIALIZER;
    bson_error_t e;
    rz_status_t st;

    if (rz_mongo_doc_to_bson(&b, doc) != 0) {
        st = rz_mongo_err(s, RZ_INVALID, "mongodb insert: document cannot be stored as BSON");
        goto done;
    }
    if ((st = rz_mongo_opts(s, &opts)) != RZ_OK) {
        goto done;
    }
    bson_destroy(&reply);
    if (!mongoc_collection_insert_one(c, &b, &opts, &reply, &e)) {
        st = rz_mongo_fail(s, "insert", &e, &reply);
    }
done:
    bson_destroy(&reply);
    bson_destroy(&opts);
    bson_destroy(&b);
    mongoc_collection_destroy(c);
    return st;
}

/* `doc` (taken over) restricted to "id" and `fields`: what the projection document asked for,
 * kept exact on a server that ignores projections (jongodb sends whole documents). */
static json_t *projected(json_t *doc, const char *const *fields)
{
    json_t *out, *v;
    int i;

    if (!doc || !fields) {
        return doc;
    }
    out = json_object();
    json_object_set(out, "id", json_object_get(doc, "id"));
    for (i = 0; fields[i]; i++) {
        if ((v = json_object_get(doc, fields[i])) != NULL) {
            json_object_set(out, fields[i], v);
        }
    }
    json_decref(doc);
    return out;
}

/* Runs find and appends every document (its `fields` only, when not NULL) to `arr`. */
static rz_status_t run_find(rz_sess_t *s, const char *coll, const bson_t *filter, bson_t *opts,
                            const char *const *fields, json_t *arr)
{
    mongoc_collection_t *c = rz_mongo_coll(s, coll);
    mongoc_cursor_t *cur = NULL;
    const bson_t *b;
    const bson_t *errdoc;
    bson_error_t e;
    json_t *doc;
    rz_status_t st;

    if ((st = rz_mongo_opts(s, opts)) != RZ_OK) {
        goto done;
    }
    cur = mongoc_collection_find_with_opts(c, filter, opts, NULL);
    while (mongoc_cursor_next(cur, &b)) {
        doc = projected(rz_mongo_bson_to_doc(b), fields);
        if (!doc) {
            st = rz_mongo_err(s, RZ_ERROR, "mongodb find: a stored document cannot be read");
            goto done;
        }
        json_array_append_new(arr, doc);
    }
    if (mongoc_cursor_error_document(cur, &e, &errdoc)) {
        st = rz_mongo_fail(s, "find", &e, errdoc);
    }
done:
    if (cur) {
        mongoc_cursor_destroy(cur);
    }
    mongoc_collection_destroy(c);
    return st;
}

rz_status_t rz_mongo_get(rz_sess_t *s, const char *coll, const char *id, json_t **out)
{
    bson_t filter = BSON_INITIALIZER;
    bson_t opts = BSON_INITIALIZER;
    json_t *arr = json_array();
    rz_status_t st;

    BSON_APPEND_UTF8(&filter, "_id", id);
    BSON_APPEND_INT64(&opts, "limit", 1);
    st = run_find(s, coll, &filter, &opts, NULL, arr);
    if (st == RZ_OK && json_array_size(arr) == 0) {
        st = rz_mongo_err(s, RZ_NOT_FOUND, "mongodb get: no such document");
    } else if (st == RZ_OK) {
        *out = json_incref(json_array_get(arr, 0));
    }
    json_decref(arr);
    bson_destroy(&opts);
    bson_destroy(&filter);
    return st;
}

static rz_status_t count_filter(rz_sess_t *s, const char *coll, const bson_t *filter, long *out)
{
    mongoc_collection_t *c = rz_mongo_coll(s, coll);
    bson_t opts = BSON_INITIALIZER;
    bson_t reply;
    bson_error_t e;
    int64_t n = -1;
    rz_status_t st;

    if ((st = rz_mongo_opts(s, &opts)) == RZ_OK) {
        n = mongoc_collection_count_documents(c, filter, &opts, NULL, &reply, &e);
        if (n < 0) {
            st = rz_mongo_fail(s, "count", &e, &reply);
        }
        bson_destroy(&reply);
    }
    *out = n < 0 ? 0 : (long)n;
    bson_destroy(&opts);
    mongoc_collection_destroy(c);
    return st;
}

rz_status_t rz_mongo_find(rz_sess_t *s, const char *coll, const rz_query_t *q,
                          const rz_find_opt_t *opt, json_t **out, long *total)
{
    bson_t filter = BSON_INITIALIZER;
    bson_t opts = BSON_INITIALIZER;
    bson_t sort, proj;
    json_t *arr = json_array();
    int dir = q->sort_desc ? -1 : 1, i;
    rz_status_t st;

    if ((st = rz_mongo_filter(s, &filter, q->all, q->nall, q->any, q->nany)) != RZ_OK) {
        goto done;
    }
    /* ties always broken by id, in the same direction; no sort at all when unordered */
    if (!opt->unordered) {
        bson_append_document_begin(&opts, "sort", -1, &sort);
        if (q->sort && strcmp(rz_mongo_path(q->sort), "_id") != 0) {
            BSON_APPEND_INT32(&sort, q->sort, dir);
        }
        BSON_APPEND_INT32(&sort, "_id", dir);
        bson_append_document_end(&opts, &sort);
    }
    if (opt->fields) { /* a projection document: {f: 1, ...}; _id comes with it */
        bson_append_document_begin(&opts, "projection", -1, &proj);
        for (i = 0; opt->fields[i]; i++) {
            BSON_APPEND_INT32(&proj, opt->fields[i], 1);
        }
        bson_append_document_end(&opts, &proj);
    }
    if (q->skip > 0) {
        BSON_APPEND_INT64(&opts, "skip", q->skip);
    }
    if (q->limit > 0) {
        BSON_APPEND_INT64(&opts, "limit", q->limit);
    }
    if ((st = run_find(s, coll, &filter, &opts, opt->fields, arr)) != RZ_OK) {
        goto done;
    }
    if (q->want_total && total) {
        st = count_filter(s, coll, &filter, total);
    }
    if (st == RZ_OK) {
        *out = arr;
        arr = NULL;
    }
done:
    json_decref(arr);
    bson_destroy(&opts);
    bson_destroy(&filter);
    return st;
}

rz_status_t rz_mongo_count(rz_sess_t *s, const char *coll, const rz_query_t *q, long *count)
{
    bson_t filter = BSON_INITIALIZER;
    rz_status_t st = rz_mongo_filter(s, &filter, q->all, q->nall, q->any, q->nany);

    if (st == RZ_OK) {
        st = count_filter(s, coll, &filter, count);
    }
    bson_destroy(&filter);
    return st;
}

/* --- update ----------------------------------------------------------------------------------- */

/* {$set: ..., $unset: ..., $inc: {..., version: 1}} */
static rz_status_t build_update(rz_sess_t *s, bson_t *upd, const rz_update_t *u)
{
    bson_t doc;
    const char *k;
    json_t *v;
    size_t i;
    int ok = 1;

    if (u->set && json_object_size(u->set) > 0) {
        ok = ok && rz_mongo_append_json(upd, "$set", u->set) == 0;
    }
    if (u->unset && json_array_size(u->unset) > 0) {
        bson_append_document_begin(upd, "$unset", -1, &doc);
        json_array_foreach (u->unset, i, v) {
            ok = ok && json_is_string(v) && BSON_APPEND_UTF8(&doc, json_string_value(v), "");
        }
        bson_append_document_end(upd, &doc);
    }
    bson_append_document_begin(upd, "$inc", -1, &doc);
    if (u->inc) {
        json_object_foreach (u->inc, k, v) {
            ok = ok && json_is_integer(v) && BSON_APPEND_INT64(&doc, k, json_integer_value(v));
        }
    }
    BSON_APPEND_INT64(&doc, "version", 1);
    bson_append_document_end(upd, &doc);
    return ok ? RZ_OK : rz_mongo_err(s, RZ_INVALID, "mongodb update: malformed update");
}

/* After an update matched nothing: was it the id or the version? */
static rz_status_t why_no_match(rz_sess_t *s, const char *coll, const char *id, int64_t expected)
{
    bson_t filter = BSON_INITIALIZER;
    long n = 0;
    rz_status_t st;

    BSON_APPEND_UTF8(&filter, "_id", id);
    st = count_filter(s, coll, &filter, &n);
    bson_destroy(&filter);
    if (st != RZ_OK) {
        return st;
    }
    if (n > 0 && expected >= 0) {
        return rz_mongo_err(s, RZ_VERSION_MISMATCH,
                            "mongodb update: version is not %" APR_INT64_T_FMT,
                            (apr_int64_t)expected);
    }
    return rz_mongo_err(s, RZ_NOT_FOUND, "mongodb update: no such document");
}

rz_status_t rz_mongo_find_and_modify(rz_sess_t *s, const char *coll, const char *what,
                                     const bson_t *query, const bson_t *update, int upsert,
                                     bson_t *reply, bson_t **value)
{
    mongoc_collection_t *c = rz_mongo_coll(s, coll);
    mongoc_find_and_modify_opts_t *fm = mongoc_find_and_modify_opts_new();
    bson_t extra = BSON_INITIALIZER;
    bson_t doc;
    bson_iter_t it;
    bson_error_t e;
    rz_status_t st;

    *value = NULL;
    bson_init(reply);
    mongoc_find_and_modify_opts_set_update(fm, update);
    mongoc_find_and_modify_opts_set_flags(fm, MONGOC_FIND_AND_MODIFY_RETURN_NEW
                                                  | (upsert ? MONGOC_FIND_AND_MODIFY_UPSERT : 0));
    if ((st = rz_mongo_opts(s, &extra)) != RZ_OK) {
        goto done;
    }
    mongoc_find_and_modify_opts_append(fm, &extra);
    bson_destroy(reply);
    if (!mongoc_collection_find_and_modify_with_opts(c, query, fm, reply, &e)) {
        st = rz_mongo_fail(s, what, &e, reply);
        goto done;
    }
    if (bson_iter_init_find(&it, reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it)) {
        uint32_t len;
        const uint8_t *data;
        bson_iter_document(&it, &len, &data);
        if (bson_init_static(&doc, data, len)) {
            *value = bson_copy(&doc);
        }
    }
done:
    bson_destroy(&extra);
    mongoc_find_and_modify_opts_destroy(fm);
    mongoc_collection_destroy(c);
    return st;
}

rz_status_t rz_mongo_update(rz_sess_t *s, const char *coll, const char *id, const rz_update_t *u,
                            int64_t expected_version, json_t **out)
{
    bson_t query = BSON_INITIALIZER;
    bson_t upd = BSON_INITIALIZER;
    bson_t reply;
    bson_t *value = NULL;
    rz_status_t st;

    BSON_APPEND_UTF8(&query, "_id", id);
    if (expected_version >= 0) {
        BSON_APPEND_INT64(&query, "version", expected_version);
    }
    if ((st = build_update(s, &upd, u)) != RZ_OK) {
        bson_init(&reply);
        goto done;
    }
    st = rz_mongo_find_and_modify(s, coll, "update", &query, &upd, 0, &reply, &value);
    if (st == RZ_OK && !value) {
        st = why_no_match(s, coll, id, expected_version);
    } else if (st == RZ_OK && out) {
        st = to_doc(s, value, out);
    }
done:
    if (value) {
        bson_destroy(value);
    }
    bson_destroy(&reply);
    bson_destroy(&upd);
    bson_destroy(&query);
    return st;
}

/* --- delete ----------------------------------------------------------------------------------- */

static rz_status_t run_delete(rz_sess_t *s, const char *coll, const bson_t *filter, int many,
                              long *deleted)
{
    mongoc_collection_t *c = rz_mongo_coll(s, coll);
    bson_t opts = BSON_INITIALIZER;
    bson_t reply = BSON_INITIALIZER;
    bson_error_t e;
    bool ok;
    rz_status_t st;

    *deleted = 0;
    if ((st = rz_mongo_opts(s, &opts)) != RZ_OK) {
        goto done;
    }
    bson_destroy(&reply);
    ok = many ? mongoc_collection_delete_many(c, filter, &opts, &reply, &e)
              : mongoc_collection_delete_one(c, filter, &opts, &reply, &e);
    if (!ok) {
        st = rz_mongo_fail(s, "delete", &e, &reply);
    } else {
        *deleted = (long)reply_count(&reply, "deletedCount");
    }
done:
    bson_destroy(&reply);
    bson_destroy(&opts);
    mongoc_collection_destroy(c);
    return st;
}

rz_status_t rz_mongo_delete_one(rz_sess_t *s, const char *coll, const char *id)
{
    bson_t filter = BSON_INITIALIZER;
    long n = 0;
    rz_status_t st;

    BSON_APPEND_UTF8(&filter, "_id", id);
    st = run_delete(s, coll, &filter, 0, &n);
    bson_destroy(&filter);
    if (st == RZ_OK && n == 0) {
        st = rz_mongo_err(s, RZ_NOT_FOUND, "mongodb delete: no such document");
    }
    return st;
}

rz_status_t rz_mongo_delete_many(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                                 long *deleted)
{
    bson_t filter = BSON_INITIALIZER;
    long n = 0;
    rz_status_t st = rz_mongo_filter(s, &filter, all, nall, NULL, 0);

    if (st == RZ_OK) {
        st = run_delete(s, coll, &filter, 1, &n);
    }
    if (deleted) {
        *deleted = n;
    }
    bson_destroy(&filter);
    return st;
}

/* --- counters --------------------------------------------------------------------------------- */

/* findAndModify {_id: name} {$inc: {value: 1}} upsert, new. Two first upserts may race to insert
 * the same _id: the loser sees a duplicate key and simply retries (the document now exists). */
rz_status_t rz_mongo_counter_next(rz_sess_t *s, const char *name, int64_t *out)
{
    bson_t query = BSON_INITIALIZER;
    bson_t upd = BSON_INITIALIZER;
    bson_t inc, reply;
    bson_t *value = NULL;
    bson_iter_t it;
    rz_status_t st;
    int attempt;

    BSON_APPEND_UTF8(&query, "_id", name);
    bson_append_document_begin(&upd, "$inc", -1, &inc);
    BSON_APPEND_INT64(&inc, "value", 1);
    bson_append_document_end(&upd, &inc);
    for (attempt = 0;; attempt++) {
        st = rz_mongo_find_and_modify(s, RZ_MONGO_COUNTERS, "counter", &query, &upd, 1, &reply,
                                      &value);
        if (st != RZ_CONFLICT || attempt >= 2 || rz_mongo_txn(s)) {
            break;
        }
        bson_destroy(&reply);
        s->conflict_index = NULL;
    }
    if (st == RZ_OK && value && bson_iter_init_find(&it, value, "value")
        && BSON_ITER_HOLDS_NUMBER(&it)) {
        *out = bson_iter_as_int64(&it);
    } else if (st == RZ_OK) {
        st = rz_mongo_err(s, RZ_ERROR, "mongodb counter: no value returned");
    }
    if (value) {
        bson_destroy(value);
    }
    bson_destroy(&reply);
    bson_destroy(&upd);
    bson_destroy(&query);
    return st;
}
