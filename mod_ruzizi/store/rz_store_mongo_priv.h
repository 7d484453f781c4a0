/* rz_store_mongo_priv.h: state and helpers shared by the MongoDB backend files. */
#ifndef RZ_STORE_MONGO_PRIV_H
#define RZ_STORE_MONGO_PRIV_H

#include <mongoc/mongoc.h>
#include <pthread.h>
#include <sys/types.h>

#include "store/rz_store_impl.h"

#define RZ_MONGO_WAIT_MS 5000   /* every store wait (pool, leases) is bounded by this */
#define RZ_MONGO_LEASE_MS 30000 /* lease expiry: well above the 5 s bound */
#define RZ_MONGO_LEASES "_leases"
#define RZ_MONGO_CLAIMS "_lease_claims" /* the next waiter for a key (fairness) */
#define RZ_MONGO_COUNTERS "_counters"

/* Per-store state (st->impl). The client pool is created by the first session, in the process
 * that uses it: the httpd parent never touches MongoDB. */
typedef struct {
    mongoc_uri_t *uri;    /* with the bounded timeouts and concerns applied */
    const char *db;       /* database name, in st->pool */
    pthread_mutex_t lock; /* guards the lazy creation of pool */
    mongoc_client_pool_t *pool;
    pid_t pool_pid; /* process that created pool (only it may destroy it) */
} rz_mongo_t;

/* Unit-of-work state (s->uow), allocated once per session. */
typedef struct {
    mongoc_client_session_t *cs; /* non-NULL while a transaction is open */
    char owner[48];              /* this unit of work's lease owner id */
    const char **keys;           /* sorted, deduplicated, copied into s->pool */
    int nkeys;
    int ntaken;               /* leases held or maybe held: keys[0 .. ntaken-1] */
    int open;                 /* 1 between begin and commit/rollback */
    unsigned seed;            /* rand_r state for the retry jitter */
    rz_status_t failed;       /* a call failed inside the transaction: only rollback remains */
    const char *failed_index; /* its conflict index, if any */
} rz_mongo_uow_t;

/* Per-session connection (s->conn). */
typedef struct {
    rz_mongo_t *m;
    mongoc_client_t *client;
} rz_mongo_conn_t;

/* --- rz_store_mongo.c --- */

/* Maps a driver/server error to a status and sets s->err (and s->conflict_index on a duplicate
 * key). `reply` (may be NULL) is checked for the TransientTransactionError label. `what` names the
 * operation for the log. Never copies document contents (E11000 messages carry key values).
 * Inside a unit of work it also marks the unit of work failed: mongod aborts a transaction on a
 * failed write, so the backend behaves that way on every server (jongodb would carry on). */
rz_status_t rz_mongo_fail(rz_sess_t *s, const char *what, const bson_error_t *e,
                          const bson_t *reply);

/* Sets s->err to a formatted message in s->pool and returns st. */
rz_status_t rz_mongo_err(rz_sess_t *s, rz_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A collection handle of the session's client (destroy with mongoc_collection_destroy). */
mongoc_collection_t *rz_mongo_coll(rz_sess_t *s, const char *coll);

/* Appends the unit of work's session to `opts` when one is open, so that the operation belongs to
 * the transaction. Returns RZ_OK, RZ_INVALID when the unit of work already failed (see
 * rz_mongo_fail), or another error status (s->err set). */
rz_status_t rz_mongo_opts(rz_sess_t *s, bson_t *opts);

/* --- rz_store_mongo_bson.c --- */

/* Appends a JSON value to b under `key`: integers as int64, reals as double, objects and arrays
 * recursively. Returns 0, or -1 if libbson refused (key or nesting). */
int rz_mongo_append_json(bson_t *b, const char *key, const json_t *v);

/* Converts a document: "id" becomes "_id" (first). Returns 0 or -1. */
int rz_mongo_doc_to_bson(bson_t *out, const json_t *doc);

/* Converts a stored document back: "_id" becomes "id" (first), int32/int64 -> JSON integer,
 * double -> JSON real. Returns a new reference (not pool-owned) or NULL. */
json_t *rz_mongo_bson_to_doc(const bson_t *b);

/* Builds the filter for `all` AND (any OR ...). Returns RZ_OK or RZ_INVALID (s->err set). */
rz_status_t rz_mongo_filter(rz_sess_t *s, bson_t *out, const rz_cond_t *all, int nall,
                            const rz_cond_t *any, int nany);

/* "id" -> "_id"; other paths unchanged. */
const char *rz_mongo_path(const char *field);

/* --- rz_store_mongo_docs.c: document operations (the ops table entries) --- */
rz_status_t rz_mongo_insert(rz_sess_t *s, const char *coll, json_t *doc);
rz_status_t rz_mongo_get(rz_sess_t *s, const char *coll, const char *id, json_t **out);
rz_status_t rz_mongo_find(rz_sess_t *s, const char *coll, const rz_query_t *q,
                          const rz_find_opt_t *opt, json_t **out, long *total);
rz_status_t rz_mongo_count(rz_sess_t *s, const char *coll, const rz_query_t *q, long *count);
rz_status_t rz_mongo_update(rz_sess_t *s, const char *coll, const char *id, const rz_update_t *u,
                            int64_t expected_version, json_t **out);
rz_status_t rz_mongo_delete_one(rz_sess_t *s, const char *coll, const char *id);
rz_status_t rz_mongo_delete_many(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                                 long *deleted);
rz_status_t rz_mongo_counter_next(rz_sess_t *s, const char *name, int64_t *out);

/* findAndModify(query, update, new: true[, upsert]) in the open transaction if any. reply is always
 * initialised (bson_destroy it); *value is a new copy of the resulting document (bson_destroy it)
 * or NULL when nothing matched. */
rz_status_t rz_mongo_find_and_modify(rz_sess_t *s, const char *coll, const char *what,
                                     const bson_t *query, const bson_t *update, int upsert,
                                     bson_t *reply, bson_t **value);

/* --- rz_store_mongo_uow.c: unit of work (leases + transaction) --- */
rz_status_t rz_mongo_begin(rz_sess_t *s, const char *const *keys, int nkeys);
rz_status_t rz_mongo_commit(rz_sess_t *s);
void rz_mongo_rollback(rz_sess_t *s);

/* The open transaction's session, or NULL outside a unit of work. */
mongoc_client_session_t *rz_mongo_txn(rz_sess_t *s);

#endif
