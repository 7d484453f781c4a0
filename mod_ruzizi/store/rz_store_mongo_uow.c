/* rz_store_mongo_uow.c: MongoDB unit of work: key leases in _leases, then a transaction. */
#include "store/rz_store_mongo_priv.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Why both a lease and a transaction (DESIGN.md section 3): jongodb does not detect write
 * conflicts between concurrent transactions, so the lease (an atomic conditional upsert, which
 * every server serialises) is what makes two units of work on one key take turns. Inside the
 * transaction each lease document is written too, so on a real mongod a unit of work whose lease
 * was lost (expired, stolen) also meets a write conflict instead of committing blindly. */

#define COMMIT_TRIES 3

mongoc_client_session_t *rz_mongo_txn(rz_sess_t *s)
{
    rz_mongo_uow_t *u = s->uow;

    return u && u->open ? u->cs : NULL;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Copies keys into s->pool, sorted (a global lock order: no deadlock) and deduplicated. */
static void set_keys(rz_sess_t *s, rz_mongo_uow_t *u, const char *const *keys, int nkeys)
{
    int i, n = 0;

    u->keys = apr_pcalloc(s->pool, sizeof(char *) * (size_t)(nkeys > 0 ? nkeys : 1));
    for (i = 0; i < nkeys; i++) {
        u->keys[i] = apr_pstrdup(s->pool, keys[i]);
    }
    qsort(u->keys, (size_t)nkeys, sizeof(char *), cmp_keys);
    for (i = 0; i < nkeys; i++) {
        if (n == 0 || strcmp(u->keys[n - 1], u->keys[i]) != 0) {
            u->keys[n++] = u->keys[i];
        }
    }
    u->nkeys = n;
    u->ntaken = 0;
}

/* A fresh owner id per unit of work: an ObjectId (unique across hosts; libbson re-seeds it after
 * fork) and, as cheap insurance, the pid. */
static void new_owner(rz_mongo_uow_t *u)
{
    bson_oid_t oid;
    char hex[25];

    bson_oid_init(&oid, NULL);
    bson_oid_to_string(&oid, hex);
    apr_snprintf(u->owner, sizeof(u->owner), "%s-%ld", hex, (long)getpid());
    u->seed ^= (unsigned)getpid() ^ (unsigned)bson_get_monotonic_time() ^ (unsigned)oid.bytes[11];
}

/* --- leases ----------------------------------------------------------------------------------- */

/* A lease document: {_id: key, owner, expiresAt, claim, claimUntil} (times in ms since the epoch).
 * The claim makes waiting fair: a waiter that lost a race marks itself as next; while its claim is
 * fresh nobody else may take the free lease, so the owner that just released it cannot take it
 * straight back in a loop (without it one process in six was seen to starve past 5 s). A waiter
 * refreshes its claim on every poll; a dead waiter's claim lapses after CLAIM_MS. */
#define CLAIM_MS 250

static int64_t now_ms(void)
{
    return apr_time_as_msec(apr_time_now());
}

/* Appends, under `key`, {$or: [{field: {$exists: false}}, {field: me}, {until: {$lt: now}}]}:
 * "field is free for me". */
static void append_free(bson_t *parent, const char *key, const char *field, const char *until,
                        const char *me, int64_t now)
{
    bson_t doc, arr, c, e;

    bson_append_document_begin(parent, key, -1, &doc);
    bson_append_array_begin(&doc, "$or", -1, &arr);
    bson_append_document_begin(&arr, "0", -1, &c);
    bson_append_document_begin(&c, field, -1, &e);
    BSON_APPEND_BOOL(&e, "$exists", false);
    bson_append_document_end(&c, &e);
    bson_append_document_end(&arr, &c);
    bson_append_document_begin(&arr, "1", -1, &c);
    BSON_APPEND_UTF8(&c, field, me);
    bson_append_document_end(&arr, &c);
    bson_append_document_begin(&arr, "2", -1, &c);
    bson_append_document_begin(&c, until, -1, &e);
    BSON_APPEND_INT64(&e, "$lt", now);
    bson_append_document_end(&c, &e);
    bson_append_document_end(&arr, &c);
    bson_append_array_end(&doc, &arr);
    bson_append_document_end(parent, &doc);
}

/* One attempt: {_id: key, owner free, claim free or mine} -> $set {owner: me, expiresAt: now +
 * 30 s}, $unset claim, upsert. A lease held (or claimed) by another makes the upsert insert a
 * second document with the same _id: duplicate key (RZ_CONFLICT). */
static rz_status_t try_lease(rz_sess_t *s, rz_mongo_uow_t *u, const char *key)
{
    int64_t now = now_ms();
    bson_t q = BSON_INITIALIZER;
    bson_t upd = BSON_INITIALIZER;
    bson_t arr, set, unset, reply;
    bson_t *value = NULL;
    rz_status_t st;

    BSON_APPEND_UTF8(&q, "_id", key);
    bson_append_array_begin(&q, "$and", -1, &arr);
    append_free(&arr, "0", "owner", "expiresAt", u->owner, now);
    append_free(&arr, "1", "claim", "claimUntil", u->owner, now);
    bson_append_array_end(&q, &arr);
    bson_append_document_begin(&upd, "$set", -1, &set);
    BSON_APPEND_UTF8(&set, "owner", u->owner);
    BSON_APPEND_INT64(&set, "expiresAt", now + RZ_MONGO_LEASE_MS);
    bson_append_document_end(&upd, &set);
    bson_append_document_begin(&upd, "$unset", -1, &unset);
    BSON_APPEND_UTF8(&unset, "claim", "");
    BSON_APPEND_UTF8(&unset, "claimUntil", "");
    bson_append_document_end(&upd, &unset);
    st = rz_mongo_find_and_modify(s, RZ_MONGO_LEASES, "lease", &q, &upd, 1, &reply, &value);
    if (st == RZ_OK && !value) {
        st = rz_mongo_err(s, RZ_ERROR, "mongodb lease: upsert returned no document");
    }
    if (value) {
        bson_destroy(value);
    }
    bson_destroy(&reply);
    bson_destroy(&upd);
    bson_destroy(&q);
    return st;
}

/* Marks this unit of work as the next taker of `key` (no-op while another fresh claim stands),
 * or with give_up, withdraws its claim. Best effort: the claim only orders waiters. */
static void claim_lease(rz_sess_t *s, rz_mongo_uow_t *u, const char *key, int give_up)
{
    mongoc_collection_t *c = rz_mongo_coll(s, RZ_MONGO_LEASES);
    bson_t q = BSON_INITIALIZER;
    bson_t upd = BSON_INITIALIZER;
    bson_t arr, set, unset;
    int64_t now = now_ms();

    BSON_APPEND_UTF8(&q, "_id", key);
    if (give_up) {
        BSON_APPEND_UTF8(&q, "claim", u->owner);
        bson_append_document_begin(&upd, "$unset", -1, &unset);
        BSON_APPEND_UTF8(&unset, "claim", "");
        BSON_APPEND_UTF8(&unset, "claimUntil", "");
        bson_append_document_end(&upd, &unset);
    } else {
        bson_append_array_begin(&q, "$and", -1, &arr);
        append_free(&arr, "0", "claim", "claimUntil", u->owner, now);
        bson_append_array_end(&q, &arr);
        bson_append_document_begin(&upd, "$set", -1, &set);
        BSON_APPEND_UTF8(&set, "claim", u->owner);
        BSON_APPEND_INT64(&set, "claimUntil", now + CLAIM_MS);
        bson_append_document_end(&upd, &set);
    }
    mongoc_collection_update_one(c, &q, &upd, NULL, NULL, NULL);
    bson_destroy(&upd);
    bson_destroy(&q);
    mongoc_collection_destroy(c);
}

/* Takes the lease on `key`, polling every 1..5 ms (jittered) while another owner holds it, until
 * `deadline` (monotonic microseconds) -> RZ_UNAVAILABLE. */
static rz_status_t take_lease(rz_sess_t *s, rz_mongo_uow_t *u, const char *key, int64_t deadline)
{
    rz_status_t st;

    for (;;) {
        st = try_lease(s, u, key);
        if (st != RZ_CONFLICT) {
            return st;
        }
        s->conflict_index = NULL;
        if (bson_get_monotonic_time() >= deadline) {
            claim_lease(s, u, key, 1);
            return rz_mongo_err(s, RZ_UNAVAILABLE, "mongodb: key busy for %d ms", RZ_MONGO_WAIT_MS);
        }
        claim_lease(s, u, key, 0);
        usleep(1000 + (useconds_t)(rand_r(&u->seed) % 4001));
    }
}

/* Releases one lease: deleted when nobody waits, else only vacated (the claim stays).
 * Returns 0, or -1 when the server could not be reached. */
static int release_lease(rz_mongo_uow_t *u, mongoc_collection_t *c, const char *key)
{
    bson_t q = BSON_INITIALIZER;
    bson_t upd = BSON_INITIALIZER;
    bson_t claim, set, unset, reply;
    bson_iter_t it;
    int ok, deleted = 0;

    BSON_APPEND_UTF8(&q, "_id", key);
    BSON_APPEND_UTF8(&q, "owner", u->owner);
    bson_append_document_begin(&q, "claim", -1, &claim);
    BSON_APPEND_BOOL(&claim, "$exists", false);
    bson_append_document_end(&q, &claim);
    ok = mongoc_collection_delete_one(c, &q, NULL, &reply, NULL);
    if (ok) {
        deleted = bson_iter_init_find(&it, &reply, "deletedCount") && bson_iter_as_int64(&it) > 0;
    }
    bson_destroy(&reply);
    if (ok && !deleted) {
        bson_reinit(&q);
        BSON_APPEND_UTF8(&q, "_id", key);
        BSON_APPEND_UTF8(&q, "owner", u->owner);
        bson_append_document_begin(&upd, "$unset", -1, &unset);
        BSON_APPEND_UTF8(&unset, "owner", "");
        bson_append_document_end(&upd, &unset);
        bson_append_document_begin(&upd, "$set", -1, &set);
        BSON_APPEND_INT64(&set, "expiresAt", 0);
        bson_append_document_end(&upd, &set);
        ok = mongoc_collection_update_one(c, &q, &upd, NULL, NULL, NULL);
    }
    bson_destroy(&upd);
    bson_destroy(&q);
    return ok ? 0 : -1;
}

/* Best effort, outside any transaction: a lease left behind expires after 30 s anyway, so after
 * the first failure (server gone) the rest are left to expire rather than each waiting out its
 * own timeout. */
static void release_leases(rz_sess_t *s, rz_mongo_uow_t *u)
{
    mongoc_collection_t *c;
    int i;

    if (u->ntaken == 0) {
        return;
    }
    c = rz_mongo_coll(s, RZ_MONGO_LEASES);
    for (i = u->ntaken - 1; i >= 0; i--) {
        if (release_lease(u, c, u->keys[i]) != 0) {
            break;
        }
    }
    mongoc_collection_destroy(c);
    u->ntaken = 0;
}

/* --- transaction ------------------------------------------------------------------------------ */

static rz_status_t start_txn(rz_sess_t *s, rz_mongo_uow_t *u)
{
    rz_mongo_conn_t *c = s->conn;
    mongoc_transaction_opt_t *to = mongoc_transaction_opts_new();
    mongoc_write_concern_t *wc = mongoc_write_concern_new();
    bson_error_t e;
    rz_status_t st = RZ_OK;

    mongoc_write_concern_set_w(wc, MONGOC_WRITE_CONCERN_W_MAJORITY);
    mongoc_write_concern_set_journal(wc, true);
    mongoc_write_concern_set_wtimeout_int64(wc, RZ_MONGO_WAIT_MS);
    mongoc_transaction_opts_set_write_concern(to, wc);
    mongoc_transaction_opts_set_max_commit_time_ms(to, RZ_MONGO_WAIT_MS);
    u->cs = mongoc_client_start_session(c->client, NULL, &e);
    if (!u->cs) {
        st = rz_mongo_fail(s, "start session", &e, NULL);
    } else if (!mongoc_client_session_start_transaction(u->cs, to, &e)) {
        st = rz_mongo_fail(s, "start transaction", &e, NULL);
    }
    mongoc_write_concern_destroy(wc);
    mongoc_transaction_opts_destroy(to);
    return st;
}

/* Writes one lease document inside the transaction ({_id, owner: me} $inc gen): a real mongod
 * then sees a write conflict if anyone else touched it; matching nothing means the lease was lost.
 */
static rz_status_t touch_lease(rz_sess_t *s, rz_mongo_uow_t *u, mongoc_collection_t *c,
                               const char *key)
{
    bson_t q = BSON_INITIALIZER;
    bson_t upd = BSON_INITIALIZER;
    bson_t opts = BSON_INITIALIZER;
    bson_t inc, reply;
    bson_iter_t it;
    bson_error_t e;
    rz_status_t st;

    BSON_APPEND_UTF8(&q, "_id", key);
    BSON_APPEND_UTF8(&q, "owner", u->owner);
    bson_append_document_begin(&upd, "$inc", -1, &inc);
    BSON_APPEND_INT64(&inc, "gen", 1);
    bson_append_document_end(&upd, &inc);
    if ((st = rz_mongo_opts(s, &opts)) != RZ_OK) {
        goto done;
    }
    if (!mongoc_collection_update_one(c, &q, &upd, &opts, &reply, &e)) {
        st = rz_mongo_fail(s, "lease write", &e, &reply);
    } else if (!bson_iter_init_find(&it, &reply, "matchedCount") || bson_iter_as_int64(&it) != 1) {
        st = rz_mongo_err(s, RZ_UNAVAILABLE, "mongodb: lease on a key was lost");
    }
    bson_destroy(&reply);
done:
    bson_destroy(&opts);
    bson_destroy(&upd);
    bson_destroy(&q);
    return st;
}

static rz_status_t touch_leases(rz_sess_t *s, rz_mongo_uow_t *u)
{
    mongoc_collection_t *c = rz_mongo_coll(s, RZ_MONGO_LEASES);
    rz_status_t st = RZ_OK;
    int i;

    for (i = 0; i < u->nkeys && st == RZ_OK; i++) {
        st = touch_lease(s, u, c, u->keys[i]);
    }
    mongoc_collection_destroy(c);
    return st;
}

/* --- begin / commit / rollback ---------------------------------------------------------------- */

rz_status_t rz_mongo_begin(rz_sess_t *s, const char *const *keys, int nkeys)
{
    rz_mongo_uow_t *u = s->uow;
    int64_t deadline = bson_get_monotonic_time() + (int64_t)RZ_MONGO_WAIT_MS * 1000;
    rz_status_t st = RZ_OK;
    int i;

    if (u->open || u->cs) {
        return rz_mongo_err(s, RZ_INVALID, "mongodb: a unit of work is already open");
    }
    set_keys(s, u, keys, nkeys);
    new_owner(u);
    u->failed = RZ_OK;
    u->failed_index = NULL;
    for (i = 0; i < u->nkeys && st == RZ_OK; i++) {
        st = take_lease(s, u, u->keys[i], deadline);
        if (st == RZ_OK) {
            u->ntaken = i + 1;
        }
    }
    if (st == RZ_OK) {
        st = start_txn(s, u);
    }
    if (st == RZ_OK) {
        u->open = 1;
        st = touch_leases(s, u);
    }
    if (st != RZ_OK) {
        const char *err = s->err;
        rz_mongo_rollback(s);
        s->err = err;
    }
    return st;
}

/* Commits; the driver retries a retryable commit once, we retry an
 * UnknownTransactionCommitResult a few more times (commit is idempotent). */
static rz_status_t commit_txn(rz_sess_t *s, rz_mongo_uow_t *u)
{
    bson_t reply;
    bson_error_t e;
    int attempt;

    for (attempt = 1;; attempt++) {
        if (mongoc_client_session_commit_transaction(u->cs, &reply, &e)) {
            bson_destroy(&reply);
            return RZ_OK;
        }
        if (attempt >= COMMIT_TRIES
            || !mongoc_error_has_label(&reply, "UnknownTransactionCommitResult")) {
            break;
        }
        bson_destroy(&reply);
    }
    {
        rz_status_t st = rz_mongo_fail(s, "commit", &e, &reply);
        if (st == RZ_ERROR && mongoc_error_has_label(&reply, "UnknownTransactionCommitResult")) {
            st = RZ_UNAVAILABLE;
        }
        bson_destroy(&reply);
        return st == RZ_CONFLICT || st == RZ_UNAVAILABLE ? st : RZ_ERROR;
    }
}

rz_status_t rz_mongo_commit(rz_sess_t *s)
{
    rz_mongo_uow_t *u = s->uow;
    rz_status_t st;

    if (!u->open || !u->cs) {
        return rz_mongo_err(s, RZ_INVALID, "mongodb: no unit of work is open");
    }
    if (u->failed) {
        st = u->failed == RZ_CONFLICT || u->failed == RZ_UNAVAILABLE ? u->failed : RZ_ERROR;
        s->conflict_index = u->failed_index;
        rz_mongo_err(s, st, "mongodb: not committed: a call of the unit of work failed (%s)",
                     rz_status_name(u->failed));
        rz_mongo_rollback(s);
        return st;
    }
    st = commit_txn(s, u);
    mongoc_client_session_destroy(u->cs); /* aborts the transaction if the commit failed */
    u->cs = NULL;
    u->open = 0;
    release_leases(s, u);
    return st;
}

void rz_mongo_rollback(rz_sess_t *s)
{
    rz_mongo_uow_t *u = s->uow;
    bson_error_t e;

    if (!u) {
        return;
    }
    if (u->cs) {
        if (mongoc_client_session_in_transaction(u->cs)) {
            mongoc_client_session_abort_transaction(u->cs, &e);
        }
        mongoc_client_session_destroy(u->cs);
        u->cs = NULL;
    }
    u->open = 0;
    release_leases(s, u);
}
