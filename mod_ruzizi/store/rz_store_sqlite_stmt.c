/* rz_store_sqlite_stmt.c: the per-connection cache of prepared statements of the SQLite backend,
 * keyed by the SQL text the backend builds (values are always bound, never in the text). */
#include "store/rz_store_sqlite_priv.h"

#include <stdlib.h>
#include <string.h>

/* A cached statement. The cache belongs to one connection, which one session (one thread) uses at
 * a time: no locking here. */
struct sq_stmt_t {
    char *sql; /* the key (malloc'd: entries come and go, the connection's pool only grows) */
    sqlite3_stmt *st;
    int busy;                 /* handed out by rz_sq_prepare, not yet given back by rz_sq_done */
    sq_stmt_t *newer, *older; /* the connection's list, most recently used first */
};

static void unlink_entry(sq_conn_t *c, sq_stmt_t *e)
{
    if (e->newer) {
        e->newer->older = e->older;
    } else {
        c->mru = e->older;
    }
    if (e->older) {
        e->older->newer = e->newer;
    } else {
        c->lru = e->newer;
    }
    e->newer = e->older = NULL;
}

static void push_front(sq_conn_t *c, sq_stmt_t *e)
{
    e->newer = NULL;
    e->older = c->mru;
    if (c->mru) {
        c->mru->newer = e;
    } else {
        c->lru = e;
    }
    c->mru = e;
}

static void free_entry(sq_conn_t *c, sq_stmt_t *e)
{
    apr_hash_set(c->stmts, e->sql, APR_HASH_KEY_STRING, NULL);
    unlink_entry(c, e);
    sqlite3_finalize(e->st);
    free(e->sql);
    free(e);
    c->nstmts--;
}

/* Drops least recently used statements (not in use) until one more fits. */
static void make_room(sq_conn_t *c)
{
    sq_stmt_t *e = c->lru, *newer;

    while (c->nstmts >= SQ_STMT_CACHE_MAX && e) {
        newer = e->newer;
        if (!e->busy) {
            free_entry(c, e);
        }
        e = newer;
    }
}

/* Keeps st (just prepared for sql) in the cache, marked in use. Returns 0, or -1 when out of
 * memory (st then stays a one-off that rz_sq_done finalizes). */
static int keep(sq_conn_t *c, const char *sql, sqlite3_stmt *st)
{
    sq_stmt_t *e = calloc(1, sizeof(*e));
    char *key = strdup(sql);

    if (!e || !key) {
        free(e);
        free(key);
        return -1;
    }
    make_room(c);
    e->sql = key;
    e->st = st;
    e->busy = 1;
    apr_hash_set(c->stmts, e->sql, APR_HASH_KEY_STRING, e);
    push_front(c, e);
    c->nstmts++;
    return 0;
}

int rz_sq_prepare(rz_sess_t *s, const char *sql, sqlite3_stmt **st)
{
    sq_conn_t *c = s->conn;
    sq_stmt_t *e = apr_hash_get(c->stmts, sql, APR_HASH_KEY_STRING);
    int rc;

    *st = NULL;
    if (e && !e->busy) {
        c->hits++;
        e->busy = 1;
        unlink_entry(c, e);
        push_front(c, e);
        *st = e->st;
        return SQLITE_OK;
    }
    c->misses++;
    if (e) { /* the same text is still running higher up the stack: a one-off */
        rc = sqlite3_prepare_v3(c->db, sql, -1, 0, st, NULL);
        return rc;
    }
    rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(*st);
        *st = NULL;
        return rc;
    }
    keep(c, sql, *st);
    return SQLITE_OK;
}

void rz_sq_done(rz_sess_t *s, sqlite3_stmt *st)
{
    sq_conn_t *c = s->conn;
    sq_stmt_t *e;

    if (!st) {
        return;
    }
    /* the statement just used is almost always at the front */
    for (e = c->mru; e; e = e->older) {
        if (e->st == st) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            e->busy = 0;
            return;
        }
    }
    sqlite3_finalize(st);
}

void rz_sq_reset_all(sq_conn_t *c)
{
    sqlite3_stmt *st = NULL;
    sq_stmt_t *e;

    while ((st = sqlite3_next_stmt(c->db, st)) != NULL) {
        if (sqlite3_stmt_busy(st)) {
            sqlite3_reset(st);
        }
    }
    for (e = c->mru; e; e = e->older) {
        e->busy = 0; /* the session that used them has ended */
    }
}

void rz_sq_cache_clear(sq_conn_t *c)
{
    sqlite3_stmt *st;

    while (c->mru) {
        free_entry(c, c->mru);
    }
    /* one-offs a failed path never gave back */
    while ((st = sqlite3_next_stmt(c->db, NULL)) != NULL) {
        sqlite3_finalize(st);
    }
}

rz_status_t rz_sq_run(rz_sess_t *s, const char *sql)
{
    sqlite3_stmt *st;
    rz_status_t rv = RZ_OK;
    int rc = rz_sq_prepare(s, sql, &st);

    if (rc != SQLITE_OK) {
        return rz_sq_fail(s, rc, sql);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
        rv = rz_sq_fail(s, rc, sql);
    }
    rz_sq_done(s, st);
    return rv;
}

/* Test and diagnostics hook: the statement cache of the session's connection: lookups answered
 * from the cache, lookups that prepared, statements kept. 0, or -1 for another backend. Not in a
 * header on purpose: only tests/unit declares it. */
int rz_store_sqlite_stmt_stats(rz_sess_t *s, unsigned long *hits, unsigned long *misses,
                               int *cached);
int rz_store_sqlite_stmt_stats(rz_sess_t *s, unsigned long *hits, unsigned long *misses,
                               int *cached)
{
    sq_conn_t *c;

    if (s->st->ops != &rz_store_sqlite_ops) {
        return -1;
    }
    c = s->conn;
    *hits = c->hits;
    *misses = c->misses;
    *cached = c->nstmts;
    return 0;
}
