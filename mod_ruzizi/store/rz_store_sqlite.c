/* rz_store_sqlite.c: the embedded SQLite backend of rz_store.h (one JSON table per collection):
 * its operation table, error mapping, transactions and health checks. The other parts are
 * rz_store_sqlite_conn.c (connections), _stmt.c (statement cache), _read.c, _write.c and _sql.c.
 */
#include "store/rz_store_sqlite_priv.h"

#include <apr_strings.h>
#include <string.h>

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

rz_status_t rz_sq_fail(rz_sess_t *s, int rc, const char *what)
{
    const char *msg = sqlite3_errmsg(rz_sq_db(s));

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

int rz_sq_no_such_table(rz_sess_t *s)
{
    return strncmp(sqlite3_errmsg(rz_sq_db(s)), "no such table", 13) == 0;
}

rz_status_t rz_sq_exec(rz_sess_t *s, const char *sql)
{
    int rc = sqlite3_exec(rz_sq_db(s), sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? RZ_OK : rz_sq_fail(s, rc, sql);
}

void rz_sq_rollback_quiet(rz_sess_t *s)
{
    sqlite3_stmt *st;

    /* quiet: s->err keeps the failure that led here */
    if (!sqlite3_get_autocommit(rz_sq_db(s)) && rz_sq_prepare(s, "ROLLBACK", &st) == SQLITE_OK) {
        sqlite3_step(st);
        rz_sq_done(s, st);
    }
}

rz_status_t rz_sq_step_done(rz_sess_t *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    return rc == SQLITE_DONE ? RZ_OK : rz_sq_fail(s, rc, what);
}

/* ---- transactions --------------------------------------------------------------------------- */

rz_status_t rz_sq_wr_begin(rz_sess_t *s)
{
    if (s->in_uow) {
        if (sqlite3_get_autocommit(rz_sq_db(s))) {
            s->err = "sqlite: the unit of work was aborted by an earlier error";
            return RZ_ERROR;
        }
        return RZ_OK;
    }
    return rz_sq_run(s, "BEGIN IMMEDIATE");
}

rz_status_t rz_sq_wr_end(rz_sess_t *s, rz_status_t rv)
{
    if (s->in_uow) {
        return rv;
    }
    if (rv == RZ_OK && (rv = rz_sq_run(s, "COMMIT")) == RZ_OK) {
        return RZ_OK;
    }
    rz_sq_rollback_quiet(s);
    return rv;
}

/* BEGIN IMMEDIATE serialises every writer of the file: the keys cost nothing here. */
static rz_status_t sq_begin(rz_sess_t *s, const char *const *keys, int nkeys)
{
    return rz_sq_run(s, "BEGIN IMMEDIATE");
}

static rz_status_t sq_commit(rz_sess_t *s)
{
    rz_status_t rv;

    if (sqlite3_get_autocommit(rz_sq_db(s))) {
        s->err = "sqlite: the unit of work was aborted by an earlier error";
        return RZ_ERROR;
    }
    if ((rv = rz_sq_run(s, "COMMIT")) != RZ_OK) {
        rz_sq_rollback_quiet(s);
    }
    return rv;
}

static void sq_rollback(rz_sess_t *s)
{
    rz_sq_rollback_quiet(s);
}

/* ---- health --------------------------------------------------------------------------------- */

static rz_status_t sq_ping(rz_sess_t *s, int timeout_ms)
{
    return rz_sq_run(s, "SELECT 1");
}

/* Runs a pragma and returns its first column as text (in the session pool), or NULL. */
static const char *pragma_value(rz_sess_t *s, const char *sql)
{
    sqlite3_stmt *st;
    const char *res = NULL;

    if (rz_sq_prepare(s, sql, &st) != SQLITE_OK) {
        return NULL;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        res = apr_pstrdup(s->pool, (const char *)sqlite3_column_text(st, 0));
    }
    rz_sq_done(s, st);
    return res;
}

static rz_status_t sq_check(rz_sess_t *s, const char **err)
{
    const char *mode = pragma_value(s, "PRAGMA journal_mode");

    if (!mode || strcmp(mode, "wal") != 0) {
        *err = s->err = apr_psprintf(s->pool, "sqlite store is not in WAL mode (journal_mode=%s)",
                                     mode ? mode : "unknown");
        return RZ_INVALID;
    }
    if (sqlite3_db_readonly(rz_sq_db(s), "main") != 0) {
        *err = s->err = "sqlite store file is not writable";
        return RZ_INVALID;
    }
    return RZ_OK;
}

const rz_store_ops_t rz_store_sqlite_ops = {
    .name = "sqlite",
    .open = rz_sq_open,
    .session = rz_sq_session,
    .ping = sq_ping,
    .check = sq_check,
    .ensure_collection = rz_sq_ensure_collection,
    .insert = rz_sq_insert,
    .get = rz_sq_get,
    .find = rz_sq_find,
    .count = rz_sq_count,
    .update = rz_sq_update,
    .delete_one = rz_sq_delete_one,
    .delete_many = rz_sq_delete_many,
    .counter_next = rz_sq_counter_next,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
};
