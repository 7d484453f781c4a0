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

/* The SELECT list of a projection: id, then the value and the JSON type of every field. The
 * fields are extracted by SQLite (which parses a document once per row for all of them), so no
 * whole document crosses into jansson. */
static const char *projection_columns(apr_pool_t *p, const char *const *fields)
{
    const char *cols = "id", *val, *type;
    int i;

    for (i = 0; fields[i]; i++) {
        rz_sq_field_exprs(p, fields[i], &val, &type);
        cols = apr_pstrcat(p, cols, ", ", val, ", ", type, NULL);
    }
    return cols;
}

/* The projected document of the current row (columns of projection_columns): "id" and every
 * field present, typed as stored. */
static rz_status_t row_projection(rz_sess_t *s, sqlite3_stmt *st, const char *const *fields,
                                  json_t **out)
{
    json_t *doc = json_object(), *v;
    json_error_t e;
    const char *type, *text;
    int i, col;

    json_object_set_new(doc, "id", json_string((const char *)sqlite3_column_text(st, 0)));
    for (i = 0; fields[i]; i++) {
        col = 1 + 2 * i;
        if (!(type = (const char *)sqlite3_column_text(st, col + 1))) {
            continue; /* missing */
        }
        text = (const char *)sqlite3_column_text(st, col);
        if (strcmp(type, "null") == 0) {
            v = json_null();
        } else if (strcmp(type, "true") == 0 || strcmp(type, "false") == 0) {
            v = json_boolean(type[0] == 't');
        } else if (strcmp(type, "integer") == 0 && sqlite3_column_type(st, col) == SQLITE_INTEGER) {
            v = json_integer(sqlite3_column_int64(st, col));
        } else if (strcmp(type, "integer") == 0 || strcmp(type, "real") == 0) {
            v = json_real(sqlite3_column_double(st, col));
        } else if (strcmp(type, "text") == 0) {
            v = json_stringn(text ? text : "", (size_t)sqlite3_column_bytes(st, col));
        } else { /* object or array: its JSON text */
            v = text ? json_loads(text, JSON_DECODE_ANY, &e) : NULL;
        }
        if (!v) {
            json_decref(doc);
            s->err = "sqlite: a stored field cannot be read";
            return RZ_ERROR;
        }
        json_object_set_new(doc, fields[i], v);
    }
    *out = doc;
    return RZ_OK;
}

static rz_status_t select_docs(rz_sess_t *s, apr_pool_t *p, const char *coll, const rz_query_t *q,
                               const rz_find_opt_t *opt, json_t *arr)
{
    sq_q_t *b = rz_sq_q_new(p);
    sqlite3_stmt *st = NULL;
    const char *val = "id", *type, *dir = q->sort_desc ? " DESC" : " ASC";
    rz_status_t rv = RZ_OK;
    json_t *doc;
    int rc;

    rz_sq_q_add(b, apr_psprintf(p, "SELECT %s FROM \"%s\"",
                                opt->fields ? projection_columns(p, opt->fields) : "doc", coll));
    rz_sq_q_where(b, q->all, q->nall, q->any, q->nany);
    if (q->sort) {
        rz_sq_field_exprs(p, q->sort, &val, &type);
    }
    /* NULL (missing) sorts first ascending and last descending, as in MongoDB */
    if (opt->unordered) {
        /* no ORDER BY: SQLite returns rows in the order of the index it reads, with no sort */
    } else if (strcmp(val, "id") != 0) {
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
        rv = opt->fields ? row_projection(s, st, opt->fields, &doc) : row_doc(s, st, &doc);
        if (rv != RZ_OK) {
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

rz_status_t rz_sq_find(rz_sess_t *s, const char *coll, const rz_query_t *q,
                       const rz_find_opt_t *opt, json_t **out, long *total)
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
    rv = select_docs(s, p, coll, q, opt, *out);
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
