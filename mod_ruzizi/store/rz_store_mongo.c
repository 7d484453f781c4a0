/* rz_store_mongo.c: the MongoDB store backend: opening, sessions, checks, schema, error mapping. */
#include "store/rz_store_mongo_priv.h"

#include <apr_strings.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t mongo_once = PTHREAD_ONCE_INIT;

/* The driver's own log goes to stderr (the httpd error log): keep warnings and errors, drop its
 * debug and info chatter (server monitoring noise on every failed heartbeat). */
static void log_handler(mongoc_log_level_t level, const char *domain, const char *message,
                        void *data)
{
    /* endSessions at pool shutdown is a courtesy some wire-compatible servers (the test server
     * among them) do not implement: the sessions simply expire there. Not worth a warning. */
    if (level <= MONGOC_LOG_LEVEL_WARNING && !(message && strstr(message, "\"endSessions\""))) {
        mongoc_log_default_handler(level, domain, message, data);
    }
}

static void mongo_init_once(void)
{
    mongoc_init();
    mongoc_log_set_handler(log_handler, NULL);
}

/* --- errors ---------------------------------------------------------------------------------- */

rz_status_t rz_mongo_err(rz_sess_t *s, rz_status_t st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    s->err = apr_pvsprintf(s->pool, fmt, ap);
    va_end(ap);
    return st;
}

/* Server codes that mean "try again later" rather than "your request is wrong". */
static int transient_code(uint32_t code)
{
    static const uint32_t codes[] = {
        6,     /* HostUnreachable */
        7,     /* HostNotFound */
        24,    /* LockTimeout */
        46,    /* LockBusy */
        50,    /* MaxTimeMSExpired */
        89,    /* NetworkTimeout */
        91,    /* ShutdownInProgress */
        112,   /* WriteConflict */
        189,   /* PrimarySteppedDown */
        251,   /* NoSuchTransaction */
        262,   /* ExceededTimeLimit */
        9001,  /* SocketException */
        10107, /* NotWritablePrimary */
        11600, /* InterruptedAtShutdown */
        11602, /* InterruptedDueToReplStateChange */
        13435, /* NotPrimaryNoSecondaryOk */
        13436, /* NotPrimaryOrSecondary */
    };
    size_t i;

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (codes[i] == code) {
            return 1;
        }
    }
    return 0;
}

static int is_dup_key(const bson_error_t *e)
{
    return e->code == 11000 || e->code == 11001 || e->code == 12582
           || strncmp(e->message, "E11000", 6) == 0 || strstr(e->message, " E11000 ") != NULL;
}

/* "... index: NAME dup key: {...}" -> NAME (in s->pool), or NULL. */
static const char *dup_index_name(rz_sess_t *s, const char *msg)
{
    const char *p = strstr(msg, "index: ");
    size_t n;

    if (!p) {
        return NULL;
    }
    p += 7;
    n = strcspn(p, " ");
    if (n == 4 && strncmp(p, "_id_", 4) == 0) {
        return "id"; /* the document id, named as the SQLite backend names it */
    }
    return n ? apr_pstrndup(s->pool, p, n) : NULL;
}

rz_status_t rz_mongo_fail(rz_sess_t *s, const char *what, const bson_error_t *e,
                          const bson_t *reply)
{
    rz_mongo_uow_t *u = s->uow;
    rz_status_t st = RZ_ERROR;

    if (is_dup_key(e)) {
        /* the message carries the duplicate value (personal data): keep only the index name */
        s->conflict_index = dup_index_name(s, e->message);
        st = rz_mongo_err(s, RZ_CONFLICT, "mongodb %s: duplicate key on index %s", what,
                          s->conflict_index ? s->conflict_index : "?");
        goto done;
    }
    if (e->domain == MONGOC_ERROR_SERVER_SELECTION || e->domain == MONGOC_ERROR_STREAM
        || e->domain == MONGOC_ERROR_WRITE_CONCERN
        || (e->domain == MONGOC_ERROR_SERVER && transient_code(e->code))
        || (reply && mongoc_error_has_label(reply, "TransientTransactionError"))) {
        st = RZ_UNAVAILABLE;
    }
    rz_mongo_err(s, st, "mongodb %s: %.200s (domain %u, code %u)", what, e->message, e->domain,
                 e->code);
done:
    if (rz_mongo_txn(s) && !u->failed) {
        u->failed = st;
        u->failed_index = s->conflict_index;
    }
    return st;
}

/* --- helpers used by the other files ------------------------------------------------------- */

mongoc_collection_t *rz_mongo_coll(rz_sess_t *s, const char *coll)
{
    rz_mongo_conn_t *c = s->conn;

    return mongoc_client_get_collection(c->client, c->m->db, coll);
}

rz_status_t rz_mongo_opts(rz_sess_t *s, bson_t *opts)
{
    mongoc_client_session_t *cs = rz_mongo_txn(s);
    rz_mongo_uow_t *u = s->uow;
    bson_error_t e;

    if (cs && u->failed) {
        return rz_mongo_err(s, RZ_INVALID,
                            "mongodb: the unit of work failed earlier (%s): "
                            "roll it back",
                            rz_status_name(u->failed));
    }
    if (cs && !mongoc_client_session_append(cs, opts, &e)) {
        return rz_mongo_fail(s, "session", &e, NULL);
    }
    return RZ_OK;
}

/* --- open ----------------------------------------------------------------------------------- */

static void default_int(mongoc_uri_t *uri, const char *opt, int32_t value)
{
    if (!mongoc_uri_has_option(uri, opt)) {
        mongoc_uri_set_option_as_int32(uri, opt, value);
    }
}

/* Bounded waits unless the URI chose its own; durable writes (SPEC 8.9: w majority, journal). */
static void apply_defaults(mongoc_uri_t *uri)
{
    mongoc_write_concern_t *wc = mongoc_write_concern_new();
    mongoc_read_concern_t *rc;

    default_int(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 3000);
    default_int(uri, MONGOC_URI_CONNECTTIMEOUTMS, 3000);
    default_int(uri, MONGOC_URI_SOCKETTIMEOUTMS, 5000);
    default_int(uri, MONGOC_URI_WAITQUEUETIMEOUTMS, RZ_MONGO_WAIT_MS);
    if (!mongoc_uri_get_appname(uri)) {
        mongoc_uri_set_appname(uri, "mod_ruzizi");
    }
    mongoc_write_concern_set_w(wc, MONGOC_WRITE_CONCERN_W_MAJORITY);
    mongoc_write_concern_set_journal(wc, true);
    mongoc_write_concern_set_wtimeout_int64(wc, RZ_MONGO_WAIT_MS);
    mongoc_uri_set_write_concern(uri, wc);
    mongoc_write_concern_destroy(wc);
    if (!mongoc_uri_has_option(uri, MONGOC_URI_READCONCERNLEVEL)) {
        rc = mongoc_read_concern_new();
        mongoc_read_concern_set_level(rc, MONGOC_READ_CONCERN_LEVEL_MAJORITY);
        mongoc_uri_set_read_concern(uri, rc);
        mongoc_read_concern_destroy(rc);
    }
}

static apr_status_t store_cleanup(void *data)
{
    rz_mongo_t *m = data;

    /* a pool created by another process (the parent before a fork) belongs to it: never destroy
     * it here, its background thread does not exist in this process */
    if (m->pool && m->pool_pid == getpid()) {
        mongoc_client_pool_destroy(m->pool);
    }
    m->pool = NULL;
    mongoc_uri_destroy(m->uri);
    pthread_mutex_destroy(&m->lock);
    return APR_SUCCESS;
}

/* Parses the URI and prepares the store; does no I/O (the client pool is created lazily). */
static rz_status_t mongo_open(rz_store_t *st, const char *uri, const char **err)
{
    rz_mongo_t *m;
    bson_error_t e;
    const char *db;

    pthread_once(&mongo_once, mongo_init_once);
    m = apr_pcalloc(st->pool, sizeof(*m));
    m->uri = mongoc_uri_new_with_error(uri, &e);
    if (!m->uri) {
        /* the driver's message may quote the URI: never pass it on (credentials) */
        *err = "invalid MongoDB URI (not shown: it may contain credentials)";
        return RZ_INVALID;
    }
    apply_defaults(m->uri);
    db = mongoc_uri_get_database(m->uri);
    m->db = apr_pstrdup(st->pool, db && *db ? db : "ruzizi");
    pthread_mutex_init(&m->lock, NULL);
    st->impl = m;
    apr_pool_cleanup_register(st->pool, m, store_cleanup, apr_pool_cleanup_null);
    return RZ_OK;
}

/* --- sessions --------------------------------------------------------------------------------- */

static mongoc_client_pool_t *get_pool(rz_mongo_t *m)
{
    mongoc_client_pool_t *p;

    pthread_mutex_lock(&m->lock);
    if (m->pool && m->pool_pid != getpid()) {
        m->pool = NULL; /* inherited across fork: unusable here, and not ours to destroy */
    }
    if (!m->pool) {
        m->pool = mongoc_client_pool_new(m->uri);
        if (m->pool) {
            mongoc_client_pool_set_error_api(m->pool, MONGOC_ERROR_API_VERSION_2);
            m->pool_pid = getpid();
        }
    }
    p = m->pool;
    pthread_mutex_unlock(&m->lock);
    return p;
}

static apr_status_t session_cleanup(void *data)
{
    rz_sess_t *s = data;
    rz_mongo_conn_t *c = s->conn;

    rz_mongo_rollback(s); /* no-op unless a unit of work was left open */
    if (c && c->client) {
        mongoc_client_pool_push(c->m->pool, c->client);
        c->client = NULL;
    }
    return APR_SUCCESS;
}

/* Pops a client (bounded by waitQueueTimeoutMS = 5 s) for the life of s->pool. */
static rz_status_t mongo_session(rz_sess_t *s)
{
    rz_mongo_t *m = s->st->impl;
    mongoc_client_pool_t *pool = get_pool(m);
    rz_mongo_conn_t *c;

    if (!pool) {
        return rz_mongo_err(s, RZ_ERROR, "mongodb: cannot create the client pool");
    }
    c = apr_pcalloc(s->pool, sizeof(*c));
    c->m = m;
    c->client = mongoc_client_pool_pop(pool);
    if (!c->client) {
        return rz_mongo_err(s, RZ_UNAVAILABLE, "mongodb: no free connection within %d ms",
                            RZ_MONGO_WAIT_MS);
    }
    s->conn = c;
    s->uow = apr_pcalloc(s->pool, sizeof(rz_mongo_uow_t));
    apr_pool_cleanup_register(s->pool, s, session_cleanup, apr_pool_cleanup_null);
    return RZ_OK;
}

/* --- ping / check ---------------------------------------------------------------------------- */

/* Runs {name: 1} on admin; *code (may be NULL) gets the server error code. */
static rz_status_t admin_command(rz_sess_t *s, const char *name, int timeout_ms, bson_t *reply,
                                 uint32_t *code)
{
    rz_mongo_conn_t *c = s->conn;
    bson_t cmd = BSON_INITIALIZER;
    bson_t opts = BSON_INITIALIZER;
    bson_error_t e;
    rz_status_t st = RZ_OK;

    BSON_APPEND_INT32(&cmd, name, 1);
    if (timeout_ms > 0) {
        BSON_APPEND_INT64(&opts, "maxTimeMS", timeout_ms);
    }
    if (!mongoc_client_command_with_opts(c->client, "admin", &cmd, NULL, &opts, reply, &e)) {
        if (code) {
            *code = e.domain == MONGOC_ERROR_SERVER ? e.code : 0;
        }
        st = rz_mongo_fail(s, name, &e, reply);
        if (st == RZ_ERROR) {
            st = RZ_UNAVAILABLE; /* a server that cannot answer ping/hello is not usable */
        }
    }
    bson_destroy(&cmd);
    bson_destroy(&opts);
    return st;
}

/* Round trip within the URI's bounds (server selection 3 s, socket 5 s) and maxTimeMS. */
static rz_status_t mongo_ping(rz_sess_t *s, int timeout_ms)
{
    bson_t reply;
    rz_status_t st = admin_command(s, "ping", timeout_ms, &reply, NULL);

    bson_destroy(&reply);
    return st;
}

/* Transactions need a replica set (one member is fine): `hello` must report a setName. */
static rz_status_t mongo_check(rz_sess_t *s, const char **err)
{
    bson_t reply;
    bson_iter_t it;
    uint32_t code = 0;
    rz_status_t st = admin_command(s, "hello", 0, &reply, &code);

    if (st != RZ_OK && code == 59 /* CommandNotFound: a server older than 4.4.2 */) {
        bson_destroy(&reply);
        st = admin_command(s, "isMaster", 0, &reply, NULL);
    }
    if (st == RZ_OK && !bson_iter_init_find(&it, &reply, "setName")) {
        st = rz_mongo_err(s, RZ_INVALID,
                          "MongoDB is not a replica set: transactions need one "
                          "(a single-member replica set is fine)");
    }
    bson_destroy(&reply);
    *err = s->err;
    return st;
}

/* --- schema ----------------------------------------------------------------------------------- */

/* `create` is absent from some wire-compatible servers (jongodb) and answers NamespaceExists when
 * the collection is there: both are fine, createIndexes or the first insert creates it. */
static rz_status_t create_collection(rz_sess_t *s, const char *coll)
{
    rz_mongo_conn_t *c = s->conn;
    mongoc_database_t *db = mongoc_client_get_database(c->client, c->m->db);
    bson_t cmd = BSON_INITIALIZER;
    bson_t reply;
    bson_error_t e;
    rz_status_t st = RZ_OK;

    BSON_APPEND_UTF8(&cmd, "create", coll);
    if (!mongoc_database_write_command_with_opts(db, &cmd, NULL, &reply, &e)
        && e.code != 48 /* NamespaceExists */ && e.code != 59 /* CommandNotFound */) {
        st = rz_mongo_fail(s, "create", &e, &reply);
    }
    bson_destroy(&reply);
    bson_destroy(&cmd);
    mongoc_database_destroy(db);
    return st;
}

/* One index spec. A unique index covers only documents that have every field
 * (partialFilterExpression $exists), so documents missing a field do not collide. */
static void append_index(bson_t *arr, const char *key, const rz_index_def_t *d)
{
    bson_t spec, keys, partial, cond;
    int i;

    bson_append_document_begin(arr, key, -1, &spec);
    bson_append_document_begin(&spec, "key", -1, &keys);
    for (i = 0; i < 4 && d->fields[i]; i++) {
        BSON_APPEND_INT32(&keys, rz_mongo_path(d->fields[i]), 1);
    }
    bson_append_document_end(&spec, &keys);
    BSON_APPEND_UTF8(&spec, "name", d->name);
    if (d->unique) {
        BSON_APPEND_BOOL(&spec, "unique", true);
        bson_append_document_begin(&spec, "partialFilterExpression", -1, &partial);
        for (i = 0; i < 4 && d->fields[i]; i++) {
            bson_append_document_begin(&partial, rz_mongo_path(d->fields[i]), -1, &cond);
            BSON_APPEND_BOOL(&cond, "$exists", true);
            bson_append_document_end(&partial, &cond);
        }
        bson_append_document_end(&spec, &partial);
    }
    bson_append_document_end(arr, &spec);
}

/* Creates the collection and its indexes (idempotent: createIndexes ignores identical indexes). */
static rz_status_t mongo_ensure_collection(rz_sess_t *s, const char *coll,
                                           const rz_index_def_t *idx, int nidx)
{
    rz_mongo_conn_t *c = s->conn;
    mongoc_database_t *db = NULL;
    bson_t cmd = BSON_INITIALIZER;
    bson_t arr, reply = BSON_INITIALIZER;
    bson_error_t e;
    char buf[16];
    const char *key;
    rz_status_t st;
    int i;

    st = create_collection(s, coll);
    if (st != RZ_OK || nidx <= 0) {
        goto done;
    }
    BSON_APPEND_UTF8(&cmd, "createIndexes", coll);
    bson_append_array_begin(&cmd, "indexes", -1, &arr);
    for (i = 0; i < nidx; i++) {
        bson_uint32_to_string((uint32_t)i, &key, buf, sizeof(buf));
        append_index(&arr, key, &idx[i]);
    }
    bson_append_array_end(&cmd, &arr);
    db = mongoc_client_get_database(c->client, c->m->db);
    bson_destroy(&reply);
    if (!mongoc_database_write_command_with_opts(db, &cmd, NULL, &reply, &e)) {
        st = rz_mongo_fail(s, "createIndexes", &e, &reply);
    }
done:
    bson_destroy(&reply);
    bson_destroy(&cmd);
    if (db) {
        mongoc_database_destroy(db);
    }
    return st;
}

/* The backend table (rz_store_impl.h): rz_store.c validates arguments and forwards here. */
const rz_store_ops_t rz_store_mongo_ops = {
    "mongodb",
    mongo_open,
    mongo_session,
    mongo_ping,
    mongo_check,
    mongo_ensure_collection,
    rz_mongo_insert,
    rz_mongo_get,
    rz_mongo_find,
    rz_mongo_count,
    rz_mongo_update,
    rz_mongo_delete_one,
    rz_mongo_delete_many,
    rz_mongo_counter_next,
    rz_mongo_begin,
    rz_mongo_commit,
    rz_mongo_rollback,
};
