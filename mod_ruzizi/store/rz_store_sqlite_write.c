/* rz_store_sqlite_write.c: writes of the SQLite backend: collections and indexes, insert,
 * update (read, apply, write back), deletes and counters, each in the write's transaction. */
#include "store/rz_store_sqlite_priv.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

#include "core/rz_json.h"

static rz_status_t create_table(rz_sess_t *s, const char *coll)
{
    return rz_sq_exec(s, apr_psprintf(s->pool,
                                      "CREATE TABLE IF NOT EXISTS \"%s\" "
                                      "(id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
                                      coll));
}

rz_status_t rz_sq_ensure_collection(rz_sess_t *s, const char *coll, const rz_index_def_t *idx,
                                    int nidx)
{
    rz_status_t rv;
    int i, j;

    if ((rv = rz_sq_wr_begin(s)) != RZ_OK) {
        return rv;
    }
    rv = create_table(s, coll);
    for (i = 0; i < nidx && rv == RZ_OK; i++) {
        char *sql = apr_psprintf(
            s->pool, "CREATE %sINDEX IF NOT EXISTS \"" SQ_INDEX_PREFIX "%s\" ON \"%s\"(",
            idx[i].unique ? "UNIQUE " : "", idx[i].name, coll);
        for (j = 0; j < 4 && idx[i].fields[j]; j++) {
            sql = apr_psprintf(s->pool, "%s%sjson_extract(doc,'$.%s')", sql, j ? ", " : "",
                               idx[i].fields[j]);
        }
        rv = rz_sq_exec(s, apr_pstrcat(s->pool, sql, ")", NULL));
    }
    return rz_sq_wr_end(s, rv);
}

/* Runs the cached statement `sql` with text parameters a (and b when not NULL) to completion.
 * RZ_NOT_FOUND when the table does not exist; *changes (may be NULL) gets the rows changed. */
static rz_status_t run_text2(rz_sess_t *s, const char *sql, const char *what, const char *a,
                             const char *b, int *changes)
{
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc = rz_sq_prepare(s, sql, &st);

    if (rc != SQLITE_OK) {
        rv = rz_sq_no_such_table(s) ? RZ_NOT_FOUND : rz_sq_fail(s, rc, what);
        goto done;
    }
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b) {
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    }
    rv = rz_sq_step_done(s, st, what);
    if (rv == RZ_OK && changes) {
        *changes = sqlite3_changes(rz_sq_db(s));
    }
done:
    rz_sq_done(s, st);
    return rv;
}

static rz_status_t insert_row(rz_sess_t *s, const char *coll, const char *id, const char *text)
{
    return run_text2(s, apr_psprintf(s->pool, "INSERT INTO \"%s\"(id, doc) VALUES(?, ?)", coll),
                     "insert", id, text, NULL);
}

rz_status_t rz_sq_insert(rz_sess_t *s, const char *coll, json_t *doc)
{
    const char *id = json_string_value(json_object_get(doc, "id"));
    char *text = json_dumps(doc, JSON_COMPACT);
    rz_status_t rv;

    if (!text) {
        s->err = "sqlite insert: cannot serialise the document";
        return RZ_INVALID;
    }
    if ((rv = rz_sq_wr_begin(s)) == RZ_OK) {
        rv = insert_row(s, coll, id, text);
        if (rv == RZ_NOT_FOUND) { /* like MongoDB, a first insert creates the collection */
            if ((rv = create_table(s, coll)) == RZ_OK) {
                rv = insert_row(s, coll, id, text);
            }
        }
        rv = rz_sq_wr_end(s, rv);
    }
    free(text);
    return rv;
}

/* Removes the value at a dotted path (missing: nothing to do). */
static void unset_path(json_t *doc, const char *path)
{
    const char *dot = strrchr(path, '.');
    json_t *parent = doc;
    char buf[256];

    if (dot) {
        size_t n = (size_t)(dot - path);
        if (n >= sizeof(buf)) {
            return;
        }
        memcpy(buf, path, n);
        buf[n] = '\0';
        parent = rz_json_path_get(doc, buf);
    }
    if (json_is_object(parent)) {
        json_object_del(parent, dot ? dot + 1 : path);
    }
}

/* Applies set/unset/inc to doc (in that order; rz_store.c guarantees the paths do not overlap). */
static rz_status_t apply_update(rz_sess_t *s, json_t *doc, const rz_update_t *u)
{
    const char *key;
    json_t *val, *cur;
    size_t i;

    json_object_foreach (u->set, key, val) {
        if (rz_json_path_set_new(doc, key, json_deep_copy(val)) != 0) {
            s->err = apr_psprintf(s->pool, "cannot set %s: a non-object is in the way", key);
            return RZ_INVALID;
        }
    }
    json_array_foreach (u->unset, i, val) {
        unset_path(doc, json_string_value(val));
    }
    json_object_foreach (u->inc, key, val) {
        json_int_t d = json_integer_value(val);
        cur = rz_json_path_get(doc, key);
        if (!cur) {
            cur = json_integer(d);
        } else if (json_is_integer(cur)) {
            cur = json_integer(json_integer_value(cur) + d);
        } else if (json_is_real(cur)) {
            cur = json_real(json_real_value(cur) + (double)d);
        } else {
            s->err = apr_psprintf(s->pool, "cannot inc %s: not a number", key);
            return RZ_INVALID;
        }
        if (rz_json_path_set_new(doc, key, cur) != 0) {
            s->err = apr_psprintf(s->pool, "cannot inc %s: a non-object is in the way", key);
            return RZ_INVALID;
        }
    }
    return RZ_OK;
}

/* Writes doc back over the row with its id. */
static rz_status_t write_back(rz_sess_t *s, const char *coll, const char *id, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    rz_status_t rv;

    if (!text) {
        s->err = "sqlite update: cannot serialise the document";
        return RZ_INVALID;
    }
    rv = run_text2(s, apr_psprintf(s->pool, "UPDATE \"%s\" SET doc = ? WHERE id = ?", coll),
                   "update", text, id, NULL);
    free(text);
    return rv;
}

rz_status_t rz_sq_update(rz_sess_t *s, const char *coll, const char *id, const rz_update_t *u,
                         int64_t expected_version, json_t **out)
{
    json_t *doc = NULL;
    json_int_t ver;
    rz_status_t rv;

    if ((rv = rz_sq_wr_begin(s)) != RZ_OK) {
        return rv;
    }
    if ((rv = rz_sq_get(s, coll, id, &doc)) != RZ_OK) {
        goto done;
    }
    ver = json_integer_value(json_object_get(doc, "version"));
    if (expected_version >= 0 && ver != expected_version) {
        s->err = "version mismatch";
        rv = RZ_VERSION_MISMATCH;
        goto done;
    }
    if ((rv = apply_update(s, doc, u)) != RZ_OK) {
        goto done;
    }
    json_object_set_new(doc, "version", json_integer(ver + 1));
    rv = write_back(s, coll, id, doc);
done:
    rv = rz_sq_wr_end(s, rv);
    if (rv == RZ_OK) {
        *out = doc;
    } else {
        json_decref(doc);
    }
    return rv;
}

rz_status_t rz_sq_delete_one(rz_sess_t *s, const char *coll, const char *id)
{
    rz_status_t rv;
    int changes = 0;

    if ((rv = rz_sq_wr_begin(s)) != RZ_OK) {
        return rv;
    }
    rv = run_text2(s, apr_psprintf(s->pool, "DELETE FROM \"%s\" WHERE id = ?", coll), "delete", id,
                   NULL, &changes);
    if (rv == RZ_OK && changes == 0) {
        rv = RZ_NOT_FOUND;
    }
    if (rv == RZ_NOT_FOUND) {
        s->err = "no such document";
    }
    return rz_sq_wr_end(s, rv);
}

rz_status_t rz_sq_delete_many(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                              long *deleted)
{
    apr_pool_t *p;
    sq_q_t *b;
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc;

    *deleted = 0;
    if (apr_pool_create(&p, s->pool) != APR_SUCCESS) {
        s->err = "sqlite delete_many: out of memory";
        return RZ_ERROR;
    }
    if ((rv = rz_sq_wr_begin(s)) != RZ_OK) {
        apr_pool_destroy(p);
        return rv;
    }
    b = rz_sq_q_new(p);
    rz_sq_q_add(b, apr_psprintf(p, "DELETE FROM \"%s\"", coll));
    rz_sq_q_where(b, all, nall, NULL, 0);
    if ((rc = rz_sq_prepare(s, rz_sq_q_sql(b), &st)) != SQLITE_OK) {
        rv = rz_sq_no_such_table(s) ? RZ_OK : rz_sq_fail(s, rc, "delete_many");
        goto done;
    }
    if ((rc = rz_sq_q_bind(b, st, 1)) != SQLITE_OK) {
        rv = rz_sq_fail(s, rc, "delete_many");
        goto done;
    }
    if ((rv = rz_sq_step_done(s, st, "delete_many")) == RZ_OK) {
        *deleted = sqlite3_changes(rz_sq_db(s));
    }
done:
    rz_sq_done(s, st);
    apr_pool_destroy(p);
    return rz_sq_wr_end(s, rv);
}

/* The upsert of one counter: its new value in *out. RZ_NOT_FOUND when _counters is missing. */
static rz_status_t counter_upsert(rz_sess_t *s, const char *name, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc = rz_sq_prepare(s,
                           "INSERT INTO _counters(name, value) VALUES(?, 1) "
                           "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
                           &st);

    if (rc != SQLITE_OK) {
        rv = rz_sq_no_such_table(s) ? RZ_NOT_FOUND : rz_sq_fail(s, rc, "counter_next");
        goto done;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
        rv = rz_sq_fail(s, rc, "counter_next");
        goto done;
    }
    *out = sqlite3_column_int64(st, 0);
    /* RETURNING: the write completes only when the statement is stepped to the end */
    rv = rz_sq_step_done(s, st, "counter_next");
done:
    rz_sq_done(s, st);
    return rv;
}

rz_status_t rz_sq_counter_next(rz_sess_t *s, const char *name, int64_t *out)
{
    rz_status_t rv;

    if ((rv = rz_sq_wr_begin(s)) != RZ_OK) {
        return rv;
    }
    rv = counter_upsert(s, name, out);
    if (rv == RZ_NOT_FOUND) { /* the first counter of the store */
        rv = rz_sq_exec(s, "CREATE TABLE IF NOT EXISTS _counters "
                           "(name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
        if (rv == RZ_OK) {
            rv = counter_upsert(s, name, out);
        }
    }
    return rz_sq_wr_end(s, rv);
}
