/* rz_store_sqlite_conn.c: SQLite connections of the backend: opening (pragmas, bounded busy
 * wait), the apr_reslist of each store and process (as mod_dbd), and sessions leasing them. */
#include "store/rz_store_sqlite_priv.h"

#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The reslist of a store in one process: connections are made on demand, up to SQ_POOL_MAX at
 * once (a session waits SQ_POOL_WAIT for one beyond that); SQ_POOL_KEEP idle ones are kept, more
 * are closed once idle for SQ_POOL_TTL (and any idle that long is reopened when next leased). */
#define SQ_POOL_KEEP 16
#define SQ_POOL_MAX 128
#define SQ_POOL_TTL apr_time_from_sec(300)
#define SQ_POOL_WAIT apr_time_from_sec(5)

/* Why the last connection this thread tried to open failed (the reslist's constructor cannot
 * return a message). */
static __thread char open_error[256];

sqlite3 *rz_sq_db(rz_sess_t *s)
{
    return ((sq_conn_t *)s->conn)->db;
}

/* Test and diagnostics hook: the session's sqlite3 handle (NULL for other backends). Not in a
 * header on purpose: only tests/unit/test_store.c declares it. */
sqlite3 *rz_store_sqlite_db(rz_sess_t *s);
sqlite3 *rz_store_sqlite_db(rz_sess_t *s)
{
    return s->st->ops == &rz_store_sqlite_ops ? rz_sq_db(s) : NULL;
}

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

static void conn_close(sq_conn_t *c)
{
    if (c->db) {
        rz_sq_cache_clear(c);
        sqlite3_close(c->db);
    }
    if (c->pool) {
        apr_pool_destroy(c->pool);
    }
    free(c);
}

/* Opens a connection to path in WAL mode with the store's pragmas. NULL with open_error set. */
static sq_conn_t *conn_open(const char *path)
{
    sq_conn_t *c = calloc(1, sizeof(*c));
    const char *mode;
    apr_pool_t *tmp = NULL;
    int rc;

    if (!c || apr_pool_create_unmanaged_ex(&c->pool, NULL, NULL) != APR_SUCCESS
        || apr_pool_create(&tmp, c->pool) != APR_SUCCESS) {
        snprintf(open_error, sizeof(open_error), "out of memory");
        goto fail;
    }
    c->stmts = apr_hash_make(c->pool);
    c->pid = getpid();
    rc = sqlite3_open_v2(path, &c->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(open_error, sizeof(open_error), "cannot open %s: %s", path,
                 c->db ? sqlite3_errmsg(c->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_handler(c->db, sq_busy, c);
    mode = pragma_text(c->db, tmp, "PRAGMA journal_mode=WAL");
    if (!mode || strcmp(mode, "wal") != 0) {
        snprintf(open_error, sizeof(open_error), "cannot switch %s to WAL mode: %s", path,
                 mode ? mode : sqlite3_errmsg(c->db));
        goto fail;
    }
    rc = sqlite3_exec(c->db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(open_error, sizeof(open_error), "cannot set pragmas on %s: %s", path,
                 sqlite3_errmsg(c->db));
        goto fail;
    }
    apr_pool_destroy(tmp);
    return c;
fail:
    if (c) {
        conn_close(c);
    }
    return NULL;
}

static apr_status_t conn_construct(void **res, void *params, apr_pool_t *pool)
{
    sq_store_t *ss = params;

    *res = conn_open(ss->path);
    return *res ? APR_SUCCESS : APR_EGENERAL;
}

/* A connection opened by another process (the reslist crossed a fork) is left alone: closing it
 * could disturb that process's locks; only its memory copy is freed. */
static apr_status_t conn_destruct(void *res, void *params, apr_pool_t *pool)
{
    sq_conn_t *c = res;

    if (c->pid != getpid()) {
        free(c);
        return APR_SUCCESS;
    }
    conn_close(c);
    return APR_SUCCESS;
}

/* Store pool cleanup: closes this process's connections. A plain cleanup of the store's pool,
 * registered before any session's, so it runs after every session of that pool gave its
 * connection back (a reslist destroyed while a connection is leased would lose it). That is why
 * the reslist lives in a pool of its own and not in the store's (whose pre-cleanups run first). */
static apr_status_t store_cleanup(void *data)
{
    sq_store_t *ss = data;

    if (ss->rlpool && ss->pid == getpid()) {
        apr_pool_destroy(ss->rlpool); /* the reslist's cleanup closes the idle connections */
    }
    ss->rlpool = NULL;
    ss->conns = NULL;
    return APR_SUCCESS;
}

/* Makes this process's reslist of ss (called at open, and after a fork: the parent's is then
 * forgotten, never destroyed here). */
static apr_status_t make_reslist(sq_store_t *ss)
{
    apr_status_t rv = apr_pool_create_unmanaged_ex(&ss->rlpool, NULL, NULL);

    if (rv == APR_SUCCESS) {
        rv = apr_reslist_create(&ss->conns, 0, SQ_POOL_KEEP, SQ_POOL_MAX, SQ_POOL_TTL,
                                conn_construct, conn_destruct, ss, ss->rlpool);
    }
    if (rv != APR_SUCCESS) {
        if (ss->rlpool) {
            apr_pool_destroy(ss->rlpool);
        }
        ss->rlpool = NULL;
        ss->conns = NULL;
        return rv;
    }
    apr_reslist_timeout_set(ss->conns, SQ_POOL_WAIT);
    ss->pid = getpid();
    return APR_SUCCESS;
}

rz_status_t rz_sq_open(rz_store_t *st, const char *uri, const char **err)
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
    ss->pool = st->pool;
    if (apr_thread_mutex_create(&ss->mutex, APR_THREAD_MUTEX_DEFAULT, st->pool) != APR_SUCCESS
        || make_reslist(ss) != APR_SUCCESS) {
        *err = "cannot create the sqlite connection pool";
        return RZ_UNAVAILABLE;
    }
    apr_pool_cleanup_register(st->pool, ss, store_cleanup, apr_pool_cleanup_null);
    st->impl = ss;
    return RZ_OK;
}

/* Session pool cleanup: ends any open transaction, lets every statement go, and returns the
 * connection to the reslist (or drops it when it could not be brought back to a clean state). */
static apr_status_t sess_release(void *data)
{
    rz_sess_t *s = data;
    sq_store_t *ss = s->st->impl;
    sq_conn_t *c = s->conn;

    if (!c || c->pid != getpid() || !ss->conns) {
        return APR_SUCCESS; /* forked copy (or the store went first): leave it */
    }
    rz_sq_reset_all(c);
    rz_sq_rollback_quiet(s);
    s->conn = NULL;
    if (!sqlite3_get_autocommit(c->db)) {
        apr_reslist_invalidate(ss->conns, c); /* stuck in a transaction: never lease it again */
    } else {
        apr_reslist_release(ss->conns, c);
    }
    return APR_SUCCESS;
}

rz_status_t rz_sq_session(rz_sess_t *s)
{
    sq_store_t *ss = s->st->impl;
    sq_conn_t *c = NULL;
    apr_status_t rv = APR_SUCCESS;

    if (ss->pid != getpid()) {
        /* the store crossed a fork: this process gets its own reslist; the parent's connections
         * are deliberately forgotten (closing them here could disturb the parent's locks) */
        apr_thread_mutex_lock(ss->mutex);
        if (ss->pid != getpid()) {
            rv = make_reslist(ss);
        }
        apr_thread_mutex_unlock(ss->mutex);
    }
    open_error[0] = '\0';
    if (rv == APR_SUCCESS) {
        rv = ss->conns ? apr_reslist_acquire(ss->conns, (void **)&c) : APR_EINIT;
    }
    if (rv != APR_SUCCESS) {
        s->err = APR_STATUS_IS_TIMEUP(rv)
                     ? apr_psprintf(s->pool, "no sqlite connection free within %d ms",
                                    (int)apr_time_as_msec(SQ_POOL_WAIT))
                     : apr_pstrdup(s->pool, open_error[0] ? open_error : "cannot open sqlite");
        return RZ_UNAVAILABLE;
    }
    s->conn = c;
    apr_pool_cleanup_register(s->pool, s, sess_release, apr_pool_cleanup_null);
    return RZ_OK;
}
