/* rz_store_sqlite.c: the embedded SQLite backend of rz_store.h (one JSON table per collection). */
#include "store/rz_store_impl.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_thread_mutex.h>
#include <apr_time.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rz_json.h"
#include "store/rz_store_sqlite_priv.h"

#define SQ_BUSY_MS 5000
#define SQ_MAX_FREE 16
#define SQ_INDEX_PREFIX "ix_"

/* A connection belongs to the process that opened it: never used after fork. */
typedef struct sq_conn_t {
    sqlite3 *db;
    pid_t pid;
    apr_time_t busy_since; /* start of the current lock wait (sq_busy) */
    struct sq_conn_t *next;
} sq_conn_t;

typedef struct {
    const char *path;
    apr_thread_mutex_t *mutex; /* guards free/nfree */
    sq_conn_t *free;
    int nfree;
    pid_t pid;
} sq_store_t;

static sqlite3 *DB(rz_sess_t *s)
{
    return ((sq_conn_t *)s->conn)->db;
}

/* Test and diagnostics hook: the session's sqlite3 handle (NULL for other backends). Not in a
 * header on purpose: only tests/unit/test_store.c declares it. */
sqlite3 *rz_store_sqlite_db(rz_sess_t *s);
sqlite3 *rz_store_sqlite_db(rz_sess_t *s)
{
    return s->st->ops == &rz_store_sqlite_ops ? DB(s) : NULL;
}

/* ---- errors --------------------------------------------------------------------------------- */

/* Sets s->conflict_index from "UNIQUE constraint failed: index 'ix_name'" or "coll.id". */
static void parse_conflict(rz_sess_t *s, const char *msg)
{
    const char *p = strstr(msg, "index '"), *e;

    if (p) {
        p += 7;
        e = strchr(p, '\'');
        if (e && e - p > 3 && strncmp(p, SQ_INDEX_PREFIX, 3) == 0) {
            s->conflict_index = apr_pstrmemdup(s->pool, p + 3, e - p - 3);
            return;
        }
    }
    s->conflict_index = "id";
}

/* Maps an SQLite result code to a store status and records the message. */
static rz_status_t sq_fail(rz_sess_t *s, int rc, const char *what)
{
    const char *msg = sqlite3_errmsg(DB(s));

    s->err = apr_psprintf(s->pool, "sqlite %s: %s", what, msg);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        s->err =
            apr_psprintf(s->pool, "sqlite %s: store busy for more than %d ms", what, SQ_BUSY_MS);
        return RZ_UNAVAILABLE;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
            parse_conflict(s, msg);
            return RZ_CONFLICT;
        }
        return RZ_ERROR;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
        return RZ_UNAVAILABLE;
    default:
        return RZ_ERROR;
    }
}

static int no_such_table(rz_sess_t *s)
{
    return strncmp(sqlite3_errmsg(DB(s)), "no such table", 13) == 0;
}

static rz_status_t sq_exec(rz_sess_t *s, const char *sql)
{
    int rc = sqlite3_exec(DB(s), sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? RZ_OK : sq_fail(s, rc, sql);
}

static void sq_rollback_quiet(rz_sess_t *s)
{
    if (!sqlite3_get_autocommit(DB(s))) {
        sqlite3_exec(DB(s), "ROLLBACK", NULL, NULL, NULL);
    }
}

/* ---- connections ---------------------------------------------------------------------------- */

/* Runs a pragma and returns its first column as text (in pool), or NULL. */
static const char *pragma_text(sqlite3 *db, apr_pool_t *pool, const char *sql)
{
    sqlite3_stmt *st;
    const char *res = NULL;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        return NULL;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        res = apr_pstrdup(pool, (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return res;
}

/* Busy handler bounded by the wall clock: SQLite's own busy_timeout adds up the sleeps it asked
 * for, and on a loaded host every sleep overshoots, so 5000 ms of "timeout" became 8-10 s (seen).
 * Returns 0 (give up: SQLITE_BUSY) once SQ_BUSY_MS have really passed since the first retry. */
static int sq_busy(void *data, int n)
{
    static const int steps_ms[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
    sq_conn_t *c = data;
    apr_time_t now = apr_time_now(), left;
    int step = steps_ms[n < 12 ? n : 11];

    if (n == 0) {
        c->busy_since = now;
    }
    left = apr_time_from_msec(SQ_BUSY_MS) - (now - c->busy_since);
    if (left <= 0) {
        return 0;
    }
    apr_sleep(left < apr_time_from_msec(step) ? left : apr_time_from_msec(step));
    return 1;
}

static rz_status_t conn_open(sq_store_t *ss, apr_pool_t *pool, sq_conn_t **out, const char **why)
{
    sqlite3 *db = NULL;
    const char *mode;
    int rc;

    *out = NULL;
    rc = sqlite3_open_v2(ss->path, &db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        *why = apr_psprintf(pool, "cannot open %s: %s", ss->path,
                            db ? sqlite3_errmsg(db) : "out of memory");
        goto fail;
    }
    *out = calloc(1, sizeof(**out));
    if (!*out) {
        *why = "out of memory";
        goto fail;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_handler(db, sq_busy, *out);
    mode = pragma_text(db, pool, "PRAGMA journal_mode=WAL");
    if (!mode || strcmp(mode, "wal") != 0) {
        *why = apr_psprintf(pool, "cannot switch %s to WAL mode: %s", ss->path,
                            mode ? mode : sqlite3_errmsg(db));
        goto fail;
    }
    rc = sqlite3_exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        *why = apr_psprintf(pool, "cannot set pragmas on %s: %s", ss->path, sqlite3_errmsg(db));
        goto fail;
    }
    (*out)->db = db;
    (*out)->pid = getpid();
    return RZ_OK;
fail:
    sqlite3_close(db);
    free(*out);
    *out = NULL;
    return RZ_UNAVAILABLE;
}

static void conn_close(sq_conn_t *c)
{
    sqlite3_close(c->db);
    free(c);
}

/* Store pool cleanup: closes the idle connections of this process. Connections inherited over
 * fork are left alone: closing them could disturb the parent's locks. */
static apr_status_t store_cleanup(void *data)
{
    sq_store_t *ss = data;
    sq_conn_t *c, *next;

    if (ss->pid != getpid()) {
        return APR_SUCCESS;
    }
    for (c = ss->free; c; c = next) {
        next = c->next;
        conn_close(c);
    }
    ss->free = NULL;
    ss->nfree = 0;
    return APR_SUCCESS;
}

static rz_status_t sq_open(rz_store_t *st, const char *uri, const char **err)
{
    sq_store_t *ss = apr_pcalloc(st->pool, sizeof(*ss));
    const char *path = uri + 7; /* after "sqlite:" */

    if (strncmp(path, "//", 2) == 0) {
        path += 2; /* sqlite:///abs/path */
    }
    if (!path[0] || strcmp(path, ":memory:") == 0) {
        *err = "sqlite store URI needs a file path (sqlite:/path/file.db)";
        return RZ_INVALID;
    }
    ss->path = apr_pstrdup(st->pool, path);
    ss->pid = getpid();
    if (apr_thread_mutex_create(&ss->mutex, APR_THREAD_MUTEX_DEFAULT, st->pool) != APR_SUCCESS) {
        *err = "cannot create the sqlite connection mutex";
        return RZ_UNAVAILABLE;
    }
    apr_pool_cleanup_register(st->pool, ss, store_cleanup, apr_pool_cleanup_null);
    st->impl = ss;
    return RZ_OK;
}

/* Session pool cleanup: ends any open transaction and returns the connection to the free list. */
static apr_status_t sess_release(void *data)
{
    rz_sess_t *s = data;
    sq_store_t *ss = s->st->impl;
    sq_conn_t *c = s->conn;

    if (!c || c->pid != getpid()) {
        return APR_SUCCESS; /* forked copy: leave it */
    }
    sq_rollback_quiet(s);
    s->conn = NULL;
    apr_thread_mutex_lock(ss->mutex);
    if (ss->nfree < SQ_MAX_FREE) {
        c->next = ss->free;
        ss->free = c;
        ss->nfree++;
        c = NULL;
    }
    apr_thread_mutex_unlock(ss->mutex);
    if (c) {
        conn_close(c);
    }
    return APR_SUCCESS;
}

static rz_status_t sq_session(rz_sess_t *s)
{
    sq_store_t *ss = s->st->impl;
    sq_conn_t *c = NULL;
    const char *why = NULL;
    rz_status_t rv;

    apr_thread_mutex_lock(ss->mutex);
    if (ss->pid != getpid()) {
        /* the store crossed a fork: forget (deliberately leak) the parent's connections */
        ss->free = NULL;
        ss->nfree = 0;
        ss->pid = getpid();
    }
    if (ss->free) {
        c = ss->free;
        ss->free = c->next;
        ss->nfree--;
    }
    apr_thread_mutex_unlock(ss->mutex);
    if (!c && (rv = conn_open(ss, s->pool, &c, &why)) != RZ_OK) {
        s->err = why;
        return rv;
    }
    c->next = NULL;
    s->conn = c;
    apr_pool_cleanup_register(s->pool, s, sess_release, apr_pool_cleanup_null);
    return RZ_OK;
}

static rz_status_t sq_ping(rz_sess_t *s, int timeout_ms)
{
    return sq_exec(s, "SELECT 1");
}

static rz_status_t sq_check(rz_sess_t *s, const char **err)
{
    const char *mode = pragma_text(DB(s), s->pool, "PRAGMA journal_mode");

    if (!mode || strcmp(mode, "wal") != 0) {
        *err = s->err = apr_psprintf(s->pool, "sqlite store is not in WAL mode (journal_mode=%s)",
                                     mode ? mode : "unknown");
        return RZ_INVALID;
    }
    if (sqlite3_db_readonly(DB(s), "main") != 0) {
        *err = s->err = "sqlite store file is not writable";
        return RZ_INVALID;
    }
    return RZ_OK;
}

/* ---- transactions --------------------------------------------------------------------------- */

/* Every write starts with BEGIN IMMEDIATE (a deferred transaction that upgrades later can fail
 * with SQLITE_BUSY_SNAPSHOT at once); inside a unit of work the uow's transaction is used. */
static rz_status_t wr_begin(rz_sess_t *s)
{
    if (s->in_uow) {
        if (sqlite3_get_autocommit(DB(s))) {
            s->err = "sqlite: the unit of work was aborted by an earlier error";
            return RZ_ERROR;
        }
        return RZ_OK;
    }
    return sq_exec(s, "BEGIN IMMEDIATE");
}

static rz_status_t wr_end(rz_sess_t *s, rz_status_t rv)
{
    if (s->in_uow) {
        return rv;
    }
    if (rv == RZ_OK && (rv = sq_exec(s, "COMMIT")) == RZ_OK) {
        return RZ_OK;
    }
    sq_rollback_quiet(s);
    return rv;
}

static rz_status_t sq_begin(rz_sess_t *s, const char *const *keys, int nkeys)
{
    return sq_exec(s, "BEGIN IMMEDIATE");
}

static rz_status_t sq_commit(rz_sess_t *s)
{
    rz_status_t rv;

    if (sqlite3_get_autocommit(DB(s))) {
        s->err = "sqlite: the unit of work was aborted by an earlier error";
        return RZ_ERROR;
    }
    if ((rv = sq_exec(s, "COMMIT")) != RZ_OK) {
        sq_rollback_quiet(s);
    }
    return rv;
}

static void sq_rollback(rz_sess_t *s)
{
    sq_rollback_quiet(s);
}

/* Prepares q (or sql when q is NULL) and binds its parameters. */
static int sq_prepare(rz_sess_t *s, sq_q_t *q, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(DB(s), q ? rz_sq_q_sql(q) : sql, -1, st, NULL);

    if (rc == SQLITE_OK && q) {
        rc = rz_sq_q_bind(q, *st, 1);
    }
    return rc;
}

/* ---- documents ------------------------------------------------------------------------------ */

static rz_status_t create_table(rz_sess_t *s, const char *coll)
{
    return sq_exec(s, apr_psprintf(s->pool,
                                   "CREATE TABLE IF NOT EXISTS \"%s\" "
                                   "(id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
                                   coll));
}

static rz_status_t sq_ensure_collection(rz_sess_t *s, const char *coll, const rz_index_def_t *idx,
                                        int nidx)
{
    rz_status_t rv;
    int i, j;

    if ((rv = wr_begin(s)) != RZ_OK) {
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
        rv = sq_exec(s, apr_pstrcat(s->pool, sql, ")", NULL));
    }
    return wr_end(s, rv);
}

/* Runs a prepared write statement to completion. */
static rz_status_t step_done(rz_sess_t *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    return rc == SQLITE_DONE ? RZ_OK : sq_fail(s, rc, what);
}

static rz_status_t insert_row(rz_sess_t *s, const char *coll, const char *id, const char *text)
{
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc;

    rc = sqlite3_prepare_v2(DB(s),
                            apr_psprintf(s->pool, "INSERT INTO \"%s\"(id, doc) VALUES(?, ?)", coll),
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        rv = no_such_table(s) ? RZ_NOT_FOUND : sq_fail(s, rc, "insert");
        goto done;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    rv = step_done(s, st, "insert");
done:
    sqlite3_finalize(st);
    return rv;
}

static rz_status_t sq_insert(rz_sess_t *s, const char *coll, json_t *doc)
{
    const char *id = json_string_value(json_object_get(doc, "id"));
    char *text = json_dumps(doc, JSON_COMPACT);
    rz_status_t rv;

    if (!text) {
        s->err = "sqlite insert: cannot serialise the document";
        return RZ_INVALID;
    }
    if ((rv = wr_begin(s)) == RZ_OK) {
        rv = insert_row(s, coll, id, text);
        if (rv == RZ_NOT_FOUND) { /* like MongoDB, a first insert creates the collection */
            if ((rv = create_table(s, coll)) == RZ_OK) {
                rv = insert_row(s, coll, id, text);
            }
        }
        rv = wr_end(s, rv);
    }
    free(text);
    return rv;
}

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

static rz_status_t sq_get(rz_sess_t *s, const char *coll, const char *id, json_t **out)
{
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc;

    rc = sqlite3_prepare_v2(
        DB(s), apr_psprintf(s->pool, "SELECT doc FROM \"%s\" WHERE id = ?", coll), -1, &st, NULL);
    if (rc != SQLITE_OK) {
        rv = no_such_table(s) ? RZ_NOT_FOUND : sq_fail(s, rc, "get");
        goto done;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rv = row_doc(s, st, out);
    } else {
        rv = rc == SQLITE_DONE ? RZ_NOT_FOUND : sq_fail(s, rc, "get");
    }
done:
    if (rv == RZ_NOT_FOUND) {
        s->err = "no such document";
    }
    sqlite3_finalize(st);
    return rv;
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
    if ((rc = sq_prepare(s, b, NULL, &st)) != SQLITE_OK) {
        rv = no_such_table(s) ? RZ_OK : sq_fail(s, rc, "count");
        goto done;
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rv = sq_fail(s, rc, "count");
        goto done;
    }
    *count = (long)sqlite3_column_int64(st, 0);
    rv = RZ_OK;
done:
    sqlite3_finalize(st);
    return rv;
}

static rz_status_t sq_count(rz_sess_t *s, const char *coll, const rz_query_t *q, long *count)
{
    apr_pool_t *p;
    rz_status_t rv;

    apr_pool_create(&p, s->pool);
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
    rz_sq_q_add(b,
                apr_psprintf(p, " LIMIT %ld OFFSET %ld", q->limit > 0 ? q->limit : -1L, q->skip));
    if ((rc = sq_prepare(s, b, NULL, &st)) != SQLITE_OK) {
        rv = no_such_table(s) ? RZ_OK : sq_fail(s, rc, "find");
        goto done;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rv = row_doc(s, st, &doc)) != RZ_OK) {
            goto done;
        }
        json_array_append_new(arr, doc);
    }
    if (rc != SQLITE_DONE) {
        rv = sq_fail(s, rc, "find");
    }
done:
    sqlite3_finalize(st);
    return rv;
}

static rz_status_t sq_find(rz_sess_t *s, const char *coll, const rz_query_t *q, json_t **out,
                           long *total)
{
    apr_pool_t *p;
    rz_status_t rv;
    int snapshot = total && sqlite3_get_autocommit(DB(s));

    /* page and total from one snapshot: a read transaction never upgrades, so it cannot fail
     * with BUSY_SNAPSHOT */
    if (snapshot && (rv = sq_exec(s, "BEGIN")) != RZ_OK) {
        return rv;
    }
    apr_pool_create(&p, s->pool);
    *out = json_array();
    rv = select_docs(s, p, coll, q, *out);
    if (rv == RZ_OK && total) {
        rv = count_where(s, p, coll, q, total);
    }
    apr_pool_destroy(p);
    if (snapshot) {
        sq_rollback_quiet(s);
    }
    if (rv != RZ_OK) {
        json_decref(*out);
        *out = NULL;
    }
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
    sqlite3_stmt *st = NULL;
    char *text = json_dumps(doc, JSON_COMPACT);
    rz_status_t rv;
    int rc;

    if (!text) {
        s->err = "sqlite update: cannot serialise the document";
        return RZ_INVALID;
    }
    rc = sqlite3_prepare_v2(DB(s),
                            apr_psprintf(s->pool, "UPDATE \"%s\" SET doc = ? WHERE id = ?", coll),
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        rv = sq_fail(s, rc, "update");
        goto done;
    }
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    rv = step_done(s, st, "update");
done:
    sqlite3_finalize(st);
    free(text);
    return rv;
}

static rz_status_t sq_update(rz_sess_t *s, const char *coll, const char *id, const rz_update_t *u,
                             int64_t expected_version, json_t **out)
{
    json_t *doc = NULL;
    rz_status_t rv;

    if ((rv = wr_begin(s)) != RZ_OK) {
        return rv;
    }
    if ((rv = sq_get(s, coll, id, &doc)) != RZ_OK) {
        goto done;
    }
    {
        json_int_t ver = json_integer_value(json_object_get(doc, "version"));
        if (expected_version >= 0 && ver != expected_version) {
            s->err = "version mismatch";
            rv = RZ_VERSION_MISMATCH;
            goto done;
        }
        if ((rv = apply_update(s, doc, u)) != RZ_OK) {
            goto done;
        }
        json_object_set_new(doc, "version", json_integer(ver + 1));
    }
    rv = write_back(s, coll, id, doc);
done:
    rv = wr_end(s, rv);
    if (rv == RZ_OK) {
        *out = doc;
    } else {
        json_decref(doc);
    }
    return rv;
}

static rz_status_t sq_delete_one(rz_sess_t *s, const char *coll, const char *id)
{
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc;

    if ((rv = wr_begin(s)) != RZ_OK) {
        return rv;
    }
    rc = sqlite3_prepare_v2(DB(s), apr_psprintf(s->pool, "DELETE FROM \"%s\" WHERE id = ?", coll),
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        rv = no_such_table(s) ? RZ_NOT_FOUND : sq_fail(s, rc, "delete");
        goto done;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if ((rv = step_done(s, st, "delete")) == RZ_OK && sqlite3_changes(DB(s)) == 0) {
        rv = RZ_NOT_FOUND;
    }
done:
    if (rv == RZ_NOT_FOUND) {
        s->err = "no such document";
    }
    sqlite3_finalize(st);
    return wr_end(s, rv);
}

static rz_status_t sq_delete_many(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                                  long *deleted)
{
    apr_pool_t *p;
    sq_q_t *b;
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc;

    if ((rv = wr_begin(s)) != RZ_OK) {
        return rv;
    }
    apr_pool_create(&p, s->pool);
    b = rz_sq_q_new(p);
    rz_sq_q_add(b, apr_psprintf(p, "DELETE FROM \"%s\"", coll));
    rz_sq_q_where(b, all, nall, NULL, 0);
    *deleted = 0;
    if ((rc = sq_prepare(s, b, NULL, &st)) != SQLITE_OK) {
        rv = no_such_table(s) ? RZ_OK : sq_fail(s, rc, "delete_many");
        goto done;
    }
    if ((rv = step_done(s, st, "delete_many")) == RZ_OK) {
        *deleted = sqlite3_changes(DB(s));
    }
done:
    sqlite3_finalize(st);
    apr_pool_destroy(p);
    return wr_end(s, rv);
}

static rz_status_t sq_counter_next(rz_sess_t *s, const char *name, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    rz_status_t rv;
    int rc;

    if ((rv = wr_begin(s)) != RZ_OK) {
        return rv;
    }
    rv = sq_exec(s, "CREATE TABLE IF NOT EXISTS _counters "
                    "(name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    if (rv != RZ_OK) {
        goto done;
    }
    rc = sq_prepare(s, NULL,
                    "INSERT INTO _counters(name, value) VALUES(?, 1) "
                    "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
                    &st);
    if (rc != SQLITE_OK) {
        rv = sq_fail(s, rc, "counter_next");
        goto done;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
        rv = sq_fail(s, rc, "counter_next");
        goto done;
    }
    *out = sqlite3_column_int64(st, 0);
    /* RETURNING: the write completes only when the statement is stepped to the end */
    rv = step_done(s, st, "counter_next");
done:
    sqlite3_finalize(st);
    return wr_end(s, rv);
}

const rz_store_ops_t rz_store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .session = sq_session,
    .ping = sq_ping,
    .check = sq_check,
    .ensure_collection = sq_ensure_collection,
    .insert = sq_insert,
    .get = sq_get,
    .find = sq_find,
    .count = sq_count,
    .update = sq_update,
    .delete_one = sq_delete_one,
    .delete_many = sq_delete_many,
    .counter_next = sq_counter_next,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
};
