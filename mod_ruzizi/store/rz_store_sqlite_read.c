/* rz_store_sqlite_read.c: reads of the SQLite backend: get by id, find (page and total from one
 * snapshot) and count, through the connection's statement cache. */
#include "store/rz_store_sqlite_priv.h"

#include <apr_strings.h>
#include <string.h>

/* Loads the doc column of the current row. */
static rz_status_t row_doc(rz_sess_t *s, sqlite3_stmt *st, json_t **out)
{
    json_error_t e;
    const char *text = (const char *)sqlite3_column_text(st, 0);

    *out = text ? json_loads(text, 0, &e) : NULL;
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        s->err = "sqlite: a stored document is not a JSON object";
        return RZ_ERROR;
    }
    return RZ_OK;
}

rz_status_t rz_sq_get(rz_sess_t *s, const char *coll, const char *id, json_t **out)
{
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc;

    rc = rz_sq_prepare(s, apr_psprintf(s->pool, "SELECT doc FROM \"%s\" WHERE id = ?", coll), &st);
    if (rc != SQLITE_OK) {
        rv = rz_sq_no_such_table(s) ? RZ_NOT_FOUND : rz_sq_fail(s, rc, "get");
        goto done;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rv = row_doc(s, st, out);
    } else {
        rv = rc == SQLITE_DONE ? RZ_NOT_FOUND : rz_sq_fail(s, rc, "get");
    }
done:
    if (rv == RZ_NOT_FOUND) {
        s->err = "no such document";
    }
    rz_sq_done(s, st);
    return rv;
}

/* Prepares the statement built in b and binds its values. */
static int prepare_built(rz_sess_t *s, sq_q_t *b, sqlite3_stmt **st)
{
    int rc = rz_sq_prepare(s, rz_sq_q_sql(b), st);

    if (rc == SQLITE_OK && (rc = rz_sq_q_bind(b, *st, 1)) != SQLITE_OK) {
        rz_sq_done(s, *st);
        *st = NULL;
    }
    return rc;
}

static rz_status_t count_where(rz_sess_t *s, apr_pool_t *p, const char *coll, const rz_query_t *q,
                               long *count)
{
    sq_q_t *b = rz_sq_q_new(p);
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc;

    rz_sq_q_add(b, apr_psprintf(p, "SELECT COUNT(*) FROM \"%s\"", coll));
    rz_sq_q_where(b, q->all, q->nall, q->any, q->nany);
    *count = 0;
    if ((rc = prepare_built(s, b, &st)) != SQLITE_OK) {
        rv = rz_sq_no_such_table(s) ? RZ_OK : rz_sq_fail(s, rc, "count");
        goto done;
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rv = rz_sq_fail(s, rc, "count");
        goto done;
    }
    *count = (long)sqlite3_column_int64(st, 0);
    rv = RZ_OK;
done:
    rz_sq_done(s, st);
    return rv;
}

rz_status_t rz_sq_count(rz_sess_t *s, const char *coll, const rz_query_t *q, long *count)
{
    apr_pool_t *p;
    rz_status_t rv;

    *count = 0;
    if (apr_pool_create(&p, s->pool) != APR_SUCCESS) {
        s->err = "sqlite count: out of memory";
        return RZ_ERROR;
    }
    rv = count_where(s, p, coll, q, count);
    apr_pool_destroy(p);
    return rv;
}

static rz_status_t select_docs(rz_sess_t *s, apr_pool_t *p, const char *coll, const rz_query_t *q,
                               json_t *arr)
{
    sq_q_t *b = rz_sq_q_new(p);
    sqlite3_stmt *st = NULL;
    const char *val = "id", *type, *dir = q->sort_desc ? " DESC" : " ASC";
    rz_status_t rv = RZ_OK;
    json_t *doc;
    int rc;

    rz_sq_q_add(b, apr_psprintf(p, "SELECT doc FROM \"%s\"", coll));
    rz_sq_q_where(b, q->all, q->nall, q->any, q->nany);
    if (q->sort) {
        rz_sq_field_exprs(p, q->sort, &val, &type);
    }
    /* NULL (missing) sorts first ascending and last descending, as in MongoDB */
    if (strcmp(val, "id") != 0) {
        rz_sq_q_add(b, apr_pstrcat(p, " ORDER BY ", val, dir, ", id", dir, NULL));
    } else {
        rz_sq_q_add(b, apr_pstrcat(p, " ORDER BY id", dir, NULL));
    }
    /* bound, so that every page of a listing shares one cached statement */
    rz_sq_q_add(b, " LIMIT ");
    rz_sq_q_int(b, q->limit > 0 ? q->limit : -1);
    rz_sq_q_add(b, " OFFSET ");
    rz_sq_q_int(b, q->skip);
    if ((rc = prepare_built(s, b, &st)) != SQLITE_OK) {
        rv = rz_sq_no_such_table(s) ? RZ_OK : rz_sq_fail(s, rc, "find");
        goto done;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rv = row_doc(s, st, &doc)) != RZ_OK) {
            goto done;
        }
        json_array_append_new(arr, doc);
    }
    if (rc != SQLITE_DONE) {
        rv = rz_sq_fail(s, rc, "find");
    }
done:
    rz_sq_done(s, st);
    return rv;
}

rz_status_t rz_sq_find(rz_sess_t *s, const char *coll, const rz_query_t *q, json_t **out,
                       long *total)
{
    apr_pool_t *p;
    rz_status_t rv;
    int snapshot = total && sqlite3_get_autocommit(rz_sq_db(s));

    *out = NULL;
    if (apr_pool_create(&p, s->pool) != APR_SUCCESS) {
        s->err = "sqlite find: out of memory";
        return RZ_ERROR;
    }
    /* page and total from one snapshot: a read transaction never upgrades, so it cannot fail
     * with BUSY_SNAPSHOT */
    if (snapshot && (rv = rz_sq_run(s, "BEGIN")) != RZ_OK) {
        apr_pool_destroy(p);
        return rv;
    }
    *out = json_array();
    rv = select_docs(s, p, coll, q, *out);
    if (rv == RZ_OK && total) {
        rv = count_where(s, p, coll, q, total);
    }
    apr_pool_destroy(p);
    if (snapshot) {
        rz_sq_rollback_quiet(s);
    }
    if (rv != RZ_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rv;
}
