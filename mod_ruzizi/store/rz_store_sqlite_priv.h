/* rz_store_sqlite_priv.h: what the SQLite backend files share (store/ only): connections, the
 * statement cache, errors and transactions, SQL building. */
#ifndef RZ_STORE_SQLITE_PRIV_H
#define RZ_STORE_SQLITE_PRIV_H

#include <apr_hash.h>
#include <apr_pools.h>
#include <apr_reslist.h>
#include <apr_tables.h>
#include <apr_thread_mutex.h>
#include <apr_time.h>
#include <sqlite3.h>
#include <sys/types.h>

#include "store/rz_store_impl.h"

#define SQ_BUSY_MS 5000
#define SQ_INDEX_PREFIX "ix_"

/* ---- connections (rz_store_sqlite_conn.c) --------------------------------------------------- */

typedef struct sq_stmt_t sq_stmt_t;

/* One connection with its statement cache. It belongs to the process that opened it (never used
 * after a fork) and to one session at a time. */
typedef struct sq_conn_t {
    sqlite3 *db;
    pid_t pid;
    apr_time_t busy_since; /* start of the current lock wait (sq_busy) */
    apr_pool_t *pool;      /* unmanaged, the connection's own: the cache's table */
    apr_hash_t *stmts;     /* SQL text -> sq_stmt_t */
    sq_stmt_t *mru, *lru;  /* the cached statements, most recently used first */
    int nstmts;
    unsigned long hits, misses; /* cache lookups (tests and diagnostics) */
} sq_conn_t;

/* The backend state of a store: the file and this process's pool of connections. */
typedef struct {
    const char *path;
    apr_pool_t *pool;          /* the store's pool */
    apr_thread_mutex_t *mutex; /* guards making a new reslist after a fork */
    apr_pool_t *rlpool;        /* unmanaged: the reslist's own, destroyed by the store's cleanup */
    apr_reslist_t *conns;      /* this process's connections (apr_reslist, as mod_dbd) */
    pid_t pid;                 /* the process `conns` belongs to */
} sq_store_t;

/* The session's sqlite3 handle. */
sqlite3 *rz_sq_db(rz_sess_t *s);

/* ---- statements (rz_store_sqlite_stmt.c) ----------------------------------------------------- */

/* Prepared statements kept per connection, at most this many (least recently used dropped). */
#define SQ_STMT_CACHE_MAX 128

/* A prepared statement for `sql` on the session's connection: from the cache when the same text
 * was prepared before (then reset, its bindings cleared), else prepared now with
 * SQLITE_PREPARE_PERSISTENT and kept. A statement still in use (a nested use of the same text) is
 * prepared anew and finalized by rz_sq_done. Returns an SQLite result code (*st NULL on error,
 * the message in sqlite3_errmsg). Every successful call needs exactly one rz_sq_done. */
int rz_sq_prepare(rz_sess_t *s, const char *sql, sqlite3_stmt **st);

/* Ends a use of st: a cached statement is reset (its read snapshot and locks let go) and its
 * bindings cleared; another is finalized. NULL is accepted. */
void rz_sq_done(rz_sess_t *s, sqlite3_stmt *st);

/* Resets every statement of the connection still running (before the connection goes back to
 * the pool, so that none keeps a read snapshot open). */
void rz_sq_reset_all(sq_conn_t *c);

/* Finalizes every cached statement (before the connection closes). */
void rz_sq_cache_clear(sq_conn_t *c);

/* Runs a statement without result rows (BEGIN, COMMIT, ...) through the cache. */
rz_status_t rz_sq_run(rz_sess_t *s, const char *sql);

/* ---- errors and transactions (rz_store_sqlite.c) -------------------------------------------- */

/* Maps an SQLite result code to a store status and records the message in s->err (and the
 * violated index in s->conflict_index on a unique conflict). */
rz_status_t rz_sq_fail(rz_sess_t *s, int rc, const char *what);

/* 1 when the last error of the session's connection was "no such table". */
int rz_sq_no_such_table(rz_sess_t *s);

/* sqlite3_exec of sql (DDL, run once: not cached); a store status. */
rz_status_t rz_sq_exec(rz_sess_t *s, const char *sql);

/* Rolls back the open transaction, if any, ignoring errors. */
void rz_sq_rollback_quiet(rz_sess_t *s);

/* A write's transaction: BEGIN IMMEDIATE outside a unit of work (a deferred transaction that
 * upgrades later can fail with SQLITE_BUSY_SNAPSHOT at once), the unit of work's otherwise.
 * rz_sq_wr_end commits or rolls back the write's own transaction and returns rv (or the commit's
 * failure). */
rz_status_t rz_sq_wr_begin(rz_sess_t *s);
rz_status_t rz_sq_wr_end(rz_sess_t *s, rz_status_t rv);

/* Runs a prepared write statement to completion: RZ_OK or the mapped failure. */
rz_status_t rz_sq_step_done(rz_sess_t *s, sqlite3_stmt *st, const char *what);

/* ---- the backend's operations (rz_store_sqlite_conn.c, _read.c, _write.c) ------------------- */

rz_status_t rz_sq_open(rz_store_t *st, const char *uri, const char **err);
rz_status_t rz_sq_session(rz_sess_t *s);
rz_status_t rz_sq_get(rz_sess_t *s, const char *coll, const char *id, json_t **out);
rz_status_t rz_sq_find(rz_sess_t *s, const char *coll, const rz_query_t *q,
                       const rz_find_opt_t *opt, json_t **out, long *total);
rz_status_t rz_sq_count(rz_sess_t *s, const char *coll, const rz_query_t *q, long *count);
rz_status_t rz_sq_ensure_collection(rz_sess_t *s, const char *coll, const rz_index_def_t *idx,
                                    int nidx);
rz_status_t rz_sq_insert(rz_sess_t *s, const char *coll, json_t *doc);
rz_status_t rz_sq_update(rz_sess_t *s, const char *coll, const char *id, const rz_update_t *u,
                         int64_t expected_version, json_t **out);
rz_status_t rz_sq_delete_one(rz_sess_t *s, const char *coll, const char *id);
rz_status_t rz_sq_delete_many(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                              long *deleted);
rz_status_t rz_sq_counter_next(rz_sess_t *s, const char *name, int64_t *out);

/* ---- SQL building (rz_store_sqlite_sql.c) --------------------------------------------------- */

/* Bound parameters collected while building SQL. */
typedef enum { B_INT, B_DBL, B_TEXT } sq_bkind_t;
typedef struct {
    sq_bkind_t kind;
    sqlite3_int64 i;
    double d;
    const char *t;
    int tlen;
} sq_bind_t;

typedef struct {
    apr_pool_t *p;
    apr_array_header_t *sql;   /* of const char * pieces */
    apr_array_header_t *binds; /* of sq_bind_t */
} sq_q_t;

/* A new, empty statement builder in p (everything it makes lives in p). */
sq_q_t *rz_sq_q_new(apr_pool_t *p);

/* Appends a piece of SQL text (not copied: it must live as long as q). */
void rz_sq_q_add(sq_q_t *q, const char *piece);

/* Appends "?" bound to the integer v (LIMIT and OFFSET: the SQL text, the statement cache's key,
 * stays the same from page to page). */
void rz_sq_q_int(sq_q_t *q, sqlite3_int64 v);

/* The SQL text so far, in q's pool. */
const char *rz_sq_q_sql(sq_q_t *q);

/* Binds q's parameters to st starting at parameter number `first`; an SQLite result code. */
int rz_sq_q_bind(sq_q_t *q, sqlite3_stmt *st, int first);

/* The value and json_type() expressions of a validated field path: "id" is the id column, any
 * other path json_extract(doc,'$.path') written exactly as in the expression indexes. */
void rz_sq_field_exprs(apr_pool_t *p, const char *field, const char **val, const char **type);

/* Appends " WHERE ..." for the AND of `all` and the OR of `any` (when nany > 0). Values are
 * bound parameters, compared with the JSON type of the condition value. */
void rz_sq_q_where(sq_q_t *q, const rz_cond_t *all, int nall, const rz_cond_t *any, int nany);

#endif
