/* rz_store.h: the document store interface that all domain code uses (DESIGN.md section 3). */
#ifndef RZ_STORE_H
#define RZ_STORE_H

#include <apr_pools.h>
#include <jansson.h>
#include <stdint.h>

#include "core/rz_status.h"

/*
 * Model
 * -----
 * A store holds named collections of JSON objects (jansson json_t). Every document has a string
 * "id" (24 lowercase hex, SPEC 2.5) assigned by rz_store_insert when the document has none, and an
 * integer "version" managed by the store (1 on insert, +1 on every update). All other fields belong
 * to the caller. Field paths are dotted ("location.city"); values compare by JSON type: numbers
 * with numbers, strings with strings byte-wise (timestamps are stored as fixed-width RFC 3339 UTC
 * strings so that string order is time order), booleans with booleans. Integers stay integers on
 * both backends.
 *
 * Lifetimes
 * ---------
 * rz_store_t   one per store URI and process (created in child_init or by ruzizi-ctl; never in
 *              the httpd parent for MongoDB). Thread-safe: it hands out sessions, and it keeps what
 *              a process knows about that store (its schema state, rz_migrations_require).
 *              SQLite: an apr_reslist of connections (like mod_dbd), each with its own cache of
 *              prepared statements; MongoDB: a mongoc client pool.
 * rz_sess_t    one connection leased for the life of a pool (normally r->pool): released by a
 *              pool cleanup, so an early return leaks nothing. A session is used by one thread at
 *              a time.
 * json_t *     results are new references owned by the caller, with a cleanup registered on the
 *              session's pool (rz_json_pool_own), so callers need not json_decref them.
 *
 * Unit of work
 * ------------
 * rz_store_begin(sess, keys) starts the unit of work of one request. It serialises on the named
 * keys
 * ("accommodation:<id>", "counter:invoice:<est>:<year>", ...) across processes and threads: a
 * second unit of work naming an overlapping key waits until the first ends (bounded: 5 s, then
 * RZ_UNAVAILABLE). Until rz_store_commit every write of the session (insert, update, delete,
 * counter_next) belongs to the unit of work and reads see those writes; rz_store_rollback (or the
 * pool cleanup, if neither was called) discards them all. Outside a unit of work each write commits
 * alone. A call that fails inside a unit of work with RZ_CONFLICT or a store error (not
 * RZ_NOT_FOUND or RZ_VERSION_MISMATCH) ends it on MongoDB, whose server aborts a transaction on a
 * failed write: later calls fail and rz_store_commit rolls back and returns that status. To recover
 * from a duplicate (re-read, link), roll back and run a new unit of work. SQLite: BEGIN IMMEDIATE
 * serialises every writer; the keys are accepted and cost nothing. MongoDB: a lease document per
 * key (sorted order, atomic conditional upsert, expiry 30 s), then a transaction that also writes
 * the lease documents, so real mongod write-conflict detection backs the lease (jongodb does not
 * detect transaction write conflicts; the lease alone serialises there).
 */

typedef struct rz_store_t rz_store_t;
typedef struct rz_sess_t rz_sess_t;

/* --- opening ------------------------------------------------------------------------------- */

/* Opens a store from a URI: "sqlite:/path/file.db", "mongodb://..." or "mongodb+srv://...".
 * Connections are opened lazily by rz_store_session, so this is cheap and does no I/O for MongoDB.
 * The store lives in `pool` and is closed by its cleanup. On failure returns RZ_INVALID (bad URI)
 * or RZ_UNAVAILABLE and sets *err to a message allocated in `pool` (never containing credentials).
 */
rz_status_t rz_store_open(rz_store_t **out, const char *uri, apr_pool_t *pool, const char **err);

/* "sqlite" or "mongodb". */
const char *rz_store_backend(const rz_store_t *st);

/* Leases a connection for the life of `pool` (released by a cleanup registered on it).
 * Waits at most 5 s for a free connection, then RZ_UNAVAILABLE. */
rz_status_t rz_store_session(rz_sess_t **out, rz_store_t *st, apr_pool_t *pool);

/* The pool the session lives in (the one given to rz_store_session, normally r->pool): the
 * parent for scratch pools of work done on the session. */
apr_pool_t *rz_store_sess_pool(const rz_sess_t *s);

/* Round-trip to the server within timeout_ms; RZ_OK or RZ_UNAVAILABLE. */
rz_status_t rz_store_ping(rz_sess_t *s, int timeout_ms);

/* Checks that the deployment is usable, with one clear message in *err (in the session pool) when
 * not: SQLite: the file opens read-write in WAL mode; MongoDB: the server is a replica set member
 * (one member allowed; transactions need it) -> otherwise RZ_INVALID. */
rz_status_t rz_store_check(rz_sess_t *s, const char **err);

/* After a failed call: a short message for the log (no credentials, no document contents). */
const char *rz_store_last_error(const rz_sess_t *s);

/* After RZ_CONFLICT: the name of the unique index that was violated, else NULL. */
const char *rz_store_conflict_index(const rz_sess_t *s);

/* --- schema ------------------------------------------------------------------------------- */

typedef struct {
    const char *name;      /* unique across the store, e.g. "users_email" */
    const char *fields[4]; /* dotted paths, ascending; NULL-terminated when fewer than 4 */
    int unique;            /* duplicate -> RZ_CONFLICT; documents missing a field do not collide */
} rz_index_def_t;

/* Creates the collection and its indexes if missing (idempotent). Used by migrations. */
rz_status_t rz_store_ensure_collection(rz_sess_t *s, const char *coll, const rz_index_def_t *idx,
                                       int nidx);

/* --- documents ---------------------------------------------------------------------------- */

/* Inserts `doc` (a JSON object). If doc has no "id" one is generated and set on doc; "version" is
 * set to 1 on doc. On RZ_CONFLICT nothing is written. *id_out (may be NULL) points into doc. */
rz_status_t rz_store_insert(rz_sess_t *s, const char *coll, json_t *doc, const char **id_out);

/* Fetches one document by id: RZ_OK with *out set, or RZ_NOT_FOUND. */
rz_status_t rz_store_get(rz_sess_t *s, const char *coll, const char *id, json_t **out);

typedef enum {
    RZ_EQ, /* field == value (value may be JSON null: field missing or null) */
    RZ_NE, /* field != value (a missing field is != any non-null value) */
    RZ_IN, /* value is a JSON array; field equals one of its items */
    RZ_LT,
    RZ_LTE,
    RZ_GT,
    RZ_GTE,        /* ranges; a missing field never matches */
    RZ_PREFIX,     /* string field starts with value (byte-wise, exact case) */
    RZ_CONTAINS_CI /* string field contains value, ASCII letters folded, other bytes exact;
                      value is never a pattern (%, _, regex metacharacters are literal) */
} rz_op_t;

typedef struct {
    const char *field; /* dotted path; "id" is the document id */
    rz_op_t op;
    json_t *value; /* borrowed */
} rz_cond_t;

typedef struct {
    const rz_cond_t *all; /* AND of these */
    int nall;
    const rz_cond_t *any; /* and (OR of these), when nany > 0; used for `q` */
    int nany;
    const char *sort; /* dotted path or NULL (then by id); ties always broken by id */
    int sort_desc;    /* 1: descending (ties by id descending too) */
    long skip;        /* >= 0 */
    long limit;       /* 0 = no limit */
    int want_total;   /* 1: fill *total with the count of matches ignoring skip/limit */
} rz_query_t;

/* Finds documents: *out is a new JSON array (possibly empty). *total (if want_total and total not
 * NULL) is the number of matches before skip/limit. Documents missing the sort field sort first
 * ascending (as null) on both backends. */
rz_status_t rz_store_find(rz_sess_t *s, const char *coll, const rz_query_t *q, json_t **out,
                          long *total);

#define RZ_PROJECTION_MAX 8

/* How much of the matches a reader needs (rz_store_find_opt); all zero = rz_store_find. */
typedef struct {
    const char *const *fields; /* NULL: whole documents; else a projection: a NULL-terminated list
                                  of 1..RZ_PROJECTION_MAX distinct top-level field names (no
                                  dots; not "id" or "version"): each document then holds "id"
                                  and those of these fields it has, as stored, nothing else */
    int unordered;             /* 1: matches in any order, so the store sorts nothing (the
                                  query's sort must be NULL and its skip 0) */
} rz_find_opt_t;

/* rz_store_find reading only what `opt` asks for (opt may be NULL). Projected documents are
 * partial views for reading: never write them back. RZ_INVALID for a bad projection or an
 * unordered query with a sort or a skip. */
rz_status_t rz_store_find_opt(rz_sess_t *s, const char *coll, const rz_query_t *q,
                              const rz_find_opt_t *opt, json_t **out, long *total);

/* Convenience: the first match of `all` conditions or RZ_NOT_FOUND. */
rz_status_t rz_store_find_one(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                              json_t **out);

/* Counts matches of a query (skip/limit/sort ignored). */
rz_status_t rz_store_count(rz_sess_t *s, const char *coll, const rz_query_t *q, long *count);

typedef struct {
    json_t *set;   /* object: dotted path -> new value (NULL = none) */
    json_t *unset; /* array of dotted paths to remove (NULL = none) */
    json_t *inc;   /* object: dotted path -> integer to add (NULL = none); missing counts as 0 */
} rz_update_t;

/* Updates one document and bumps its "version". When expected_version >= 0 the update applies only
 * if the stored version equals it (RZ_VERSION_MISMATCH otherwise). *out (may be NULL) receives the
 * document after the update. RZ_NOT_FOUND if no such id; RZ_CONFLICT (nothing written) on a unique
 * index violation. "id" and "version" cannot be set. */
rz_status_t rz_store_update(rz_sess_t *s, const char *coll, const char *id, const rz_update_t *u,
                            int64_t expected_version, json_t **out);

/* Deletes one document: RZ_OK or RZ_NOT_FOUND. */
rz_status_t rz_store_delete(rz_sess_t *s, const char *coll, const char *id);

/* Deletes every match of the `all` conditions; *deleted (may be NULL) gets the count. */
rz_status_t rz_store_delete_many(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                                 long *deleted);

/* Atomically increments the named counter (created at 0) and returns the new value (1, 2, ...).
 * Inside a unit of work the increment commits or rolls back with it, so numbering is gapless when
 * the unit of work also names the key "counter:<name>". */
rz_status_t rz_store_counter_next(rz_sess_t *s, const char *name, int64_t *out);

/* --- unit of work ------------------------------------------------------------------------- */

/* Starts the unit of work serialised on `keys` (may be 0 keys: then it only groups the writes).
 * Keys are copied. RZ_UNAVAILABLE if the keys or the store could not be had within 5 s.
 * Nesting is not allowed (RZ_INVALID). */
rz_status_t rz_store_begin(rz_sess_t *s, const char *const *keys, int nkeys);

/* Commits every write since rz_store_begin, then releases the keys. On failure everything is rolled
 * back and RZ_UNAVAILABLE / RZ_CONFLICT / RZ_ERROR is returned. */
rz_status_t rz_store_commit(rz_sess_t *s);

/* Discards every write since rz_store_begin and releases the keys. Safe to call when no unit of
 * work is open. */
void rz_store_rollback(rz_sess_t *s);

/* 1 while a unit of work is open on this session. */
int rz_store_in_uow(const rz_sess_t *s);

#endif
