/* rz_store_impl.h: the backend vtable behind rz_store.h; only store/ includes this. */
#ifndef RZ_STORE_IMPL_H
#define RZ_STORE_IMPL_H

#include "store/rz_store.h"

/* Every backend fills one of these. rz_store.c validates arguments, assigns ids and versions where
 * the contract says so, keeps the uow flag, and forwards. Backend functions may assume:
 *  - coll is a valid collection name ([a-z_][a-z0-9_]{0,62});
 *  - field paths are valid ([A-Za-z_][A-Za-z0-9_]* segments joined by '.');
 *  - insert: doc has "id" (24 hex) and "version" already set;
 *  - update: at least one of set/unset/inc is non-empty, none touches "id" or "version".
 * Backends must set s->err (apr_pstrdup into s->pool) on failure, and s->conflict_index on
 * RZ_CONFLICT. Documents and arrays returned through out-parameters (get, find, update) are new
 * references that rz_store.c takes over (it registers them on s->pool): backends must not
 * register them themselves. */
typedef struct rz_store_ops_t {
    const char *name; /* "sqlite" | "mongodb" */
    rz_status_t (*open)(rz_store_t *st, const char *uri, const char **err);
    rz_status_t (*session)(rz_sess_t *s); /* acquire s->conn; release via s->pool cleanup */
    rz_status_t (*ping)(rz_sess_t *s, int timeout_ms);
    rz_status_t (*check)(rz_sess_t *s, const char **err);
    rz_status_t (*ensure_collection)(rz_sess_t *s, const char *coll, const rz_index_def_t *idx,
                                     int nidx);
    rz_status_t (*insert)(rz_sess_t *s, const char *coll, json_t *doc);
    rz_status_t (*get)(rz_sess_t *s, const char *coll, const char *id, json_t **out);
    rz_status_t (*find)(rz_sess_t *s, const char *coll, const rz_query_t *q,
                        const rz_find_opt_t *opt, json_t **out, long *total); /* opt not NULL */
    rz_status_t (*count)(rz_sess_t *s, const char *coll, const rz_query_t *q, long *count);
    rz_status_t (*update)(rz_sess_t *s, const char *coll, const char *id, const rz_update_t *u,
                          int64_t expected_version, json_t **out);
    rz_status_t (*delete_one)(rz_sess_t *s, const char *coll, const char *id);
    rz_status_t (*delete_many)(rz_sess_t *s, const char *coll, const rz_cond_t *all, int nall,
                               long *deleted);
    rz_status_t (*counter_next)(rz_sess_t *s, const char *name, int64_t *out);
    rz_status_t (*begin)(rz_sess_t *s, const char *const *keys, int nkeys);
    rz_status_t (*commit)(rz_sess_t *s);
    void (*rollback)(rz_sess_t *s);
} rz_store_ops_t;

struct rz_store_t {
    apr_pool_t *pool;
    const rz_store_ops_t *ops;
    const char *uri; /* as given; never logged for mongodb (credentials) */
    void *impl;      /* backend state (connection pool, file path, ...) */
    /* what this process knows of the store's schema (rz_migrations_require), atomics */
    volatile apr_uint32_t schema_state;      /* 0 unknown, 1 current, 2 behind */
    volatile apr_uint32_t schema_checked_at; /* rz_now() seconds, low 32 bits */
    volatile apr_uint32_t schema_reported;   /* 1 once "behind" was reported to a caller */
};

struct rz_sess_t {
    apr_pool_t *pool;
    rz_store_t *st;
    void *conn;                 /* backend connection leased for this session */
    int in_uow;                 /* maintained by rz_store.c */
    const char *err;            /* last error message */
    const char *conflict_index; /* after RZ_CONFLICT */
    void *uow;                  /* backend unit-of-work state (held leases, mongoc session, ...) */
};

extern const rz_store_ops_t rz_store_sqlite_ops;
extern const rz_store_ops_t rz_store_mongo_ops;

#endif
