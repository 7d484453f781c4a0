/* rz_store_mongo_uow.c: MongoDB unit of work: key leases in _leases, then a transaction. */
#include "store/rz_store_mongo_priv.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
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

/* 8 hex digits naming this machine: an FNV-1a hash of the kernel's boot id and the host name
 * (computed once per process; containers of one host share the boot id, not the host name). */
static const char *machine_tag(void)
{
    static char tag[9];
    char buf[320] = "", host[256] = "";
    unsigned int h = 2166136261u;
    FILE *f;
    size_t i;

    if (tag[0]) {
        return tag;
    }
    if ((f = fopen("/proc/sys/kernel/random/boot_id", "r")) != NULL) {
        if (!fgets(buf, 64, f)) {
            buf[0] = '\0';
        }
        fclose(f);
    }
    gethostname(host, sizeof(host) - 1);
    apr_cpystrn(buf + strlen(buf), host, sizeof(buf) - strlen(buf));
    for (i = 0; buf[i]; i++) {
        h = (h ^ (unsigned char)buf[i]) * 16777619u;
    }
    apr_snprintf(tag, sizeof(tag), "%08x", h);
    return tag;
}

/* 1 when a lease owner id names a process of this machine that no longer exists (killed): its
 * leases need not run out their 30 s. Owners of other machines are never judged. */
static int owner_dead_here(const char *owner)
{
    const char *dash = strrchr(owner, '-'), *at = strrchr(owner, '@');
    long pid;

    if (!dash || !at || at < dash || strcmp(at + 1, machine_tag()) != 0) {
        return 0;
    }
    pid = strtol(dash + 1, NULL, 10);
    return pid > 1 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* A fresh owner id per unit of work: an ObjectId (unique across hosts; libbson re-seeds it after
 * fork), the pid and the machine's tag, so that a waiter on the same machine can tell that the
 * holder died (owner_dead_here). */
static void new_owner(rz_mongo_uow_t *u)
{
    bson_oid_t oid;
    char hex[25];

    bson_oid_init(&oid, NULL);
    bson_oid_to_string(&oid, hex);
    apr_snprintf(u->owner, sizeof(u->owner), "%s-%ld@%s", hex, (long)getpid(), machine_tag());
    u->seed ^= (unsigned)getpid() ^ (unsigned)bson_get_monotonic_time() ^ (unsigned)oid.bytes[11];
}

/* --- leases ----------------------------------------------------------------------------------- */

/* A lease is a document {_id: key, owner, expiresAt} (ms since the epoch) in _leases that exists
 * only while someone holds the key: taking it is an insert (a duplicate _id means "held"), giving
 * it up a delete by owner. Only inserts are trusted to decide between rivals: jongodb applies a
 * conditional update or findAndModify on an existing document without re-checking the condition,
 * so two callers can both "win" it, and it may answer "no document" to an upsert that did write
 * (both seen under load). Every other write to a lease document is made by its owner only (extend,
 * hand over, delete, the $inc inside the transaction), or removes an expired one.
 *
 * Fairness: a waiter that finds the key busy competes for the single claim {_id: key, owner,
 * expiresAt} in _lease_claims (also by insert) and, holding it, polls the lease quickly while the
 * others poll only the claim, slowly. A holder that finds a fresh claim when it releases hands the
 * lease over to the claimer (owner := claimer, short expiry) instead of deleting it, so it cannot
 * take the key straight back in a loop; the claimer extends the lease to the full term when it sees
 * it. A dead claimer's claim lapses after CLAIM_MS, a handover it never took up after HANDOFF_MS,
 * a dead holder's lease after RZ_MONGO_LEASE_MS; an expired lease is deleted (by owner and expiry)
 * and re-taken by the next poll of the claimer. */
#define CLAIM_MS 250
#define HANDOFF_MS 1000

static int64_t now_ms(void)
{
    return apr_time_as_msec(apr_time_now());
}

static int is_dup(const bson_error_t *e)
{
    return e->code == 11000 || e->code == 11001 || strstr(e->message, "E11000") != NULL;
}

typedef struct {
    char owner[sizeof(((rz_mongo_uow_t *)0)->owner)];
    int64_t exp;
} lock_doc_t;

/* Inserts {_id: id, owner, expiresAt: exp}. 1 inserted, 0 duplicate _id, -1 error (e set). */
static int lock_insert(mongoc_collection_t *c, const char *id, const char *owner, int64_t exp,
                       bson_error_t *e)
{
    bson_t d = BSON_INITIALIZER;
    bson_t reply;
    int rc;

    BSON_APPEND_UTF8(&d, "_id", id);
    BSON_APPEND_UTF8(&d, "owner", owner);
    BSON_APPEND_INT64(&d, "expiresAt", exp);
    rc = mongoc_collection_insert_one(c, &d, NULL, &reply, e) ? 1 : is_dup(e) ? 0 : -1;
    bson_destroy(&reply);
    bson_destroy(&d);
    return rc;
}

/* Reads document id. 1 found (*l set), 0 absent, -1 error (e set). */
static int lock_read(mongoc_collection_t *c, const char *id, lock_doc_t *l, bson_error_t *e)
{
    bson_t q = BSON_INITIALIZER;
    bson_t opts = BSON_INITIALIZER;
    mongoc_cursor_t *cur;
    const bson_t *d;
    bson_iter_t it;
    int rc = 0;

    memset(l, 0, sizeof(*l));
    BSON_APPEND_UTF8(&q, "_id", id);
    BSON_APPEND_INT64(&opts, "limit", 1);
    cur = mongoc_collection_find_with_opts(c, &q, &opts, NULL);
    if (mongoc_cursor_next(cur, &d)) {
        rc = 1;
        if (bson_iter_init_find(&it, d, "owner") && BSON_ITER_HOLDS_UTF8(&it)) {
            apr_cpystrn(l->owner, bson_iter_utf8(&it, NULL), sizeof(l->owner));
        }
        if (bson_iter_init_find(&it, d, "expiresAt") && BSON_ITER_HOLDS_NUMBER(&it)) {
            l->exp = bson_iter_as_int64(&it);
        }
    } else if (mongoc_cursor_error(cur, e)) {
        rc = -1;
    }
    mongoc_cursor_destroy(cur);
    bson_destroy(&opts);
    bson_destroy(&q);
    return rc;
}

/* {_id: id, owner: from} -> {owner: to, expiresAt: exp}. 1 matched, 0 not, -1 error (e set). */
static int lock_set(mongoc_collection_t *c, const char *id, const char *from, const char *to,
                    int64_t exp, bson_error_t *e)
{
    bson_t q = BSON_INITIALIZER;
    bson_t upd = BSON_INITIALIZER;
    bson_t set, reply;
    bson_iter_t it;
    int rc = -1;

    BSON_APPEND_UTF8(&q, "_id", id);
    BSON_APPEND_UTF8(&q, "owner", from);
    bson_append_document_begin(&upd, "$set", -1, &set);
    BSON_APPEND_UTF8(&set, "owner", to);
    BSON_APPEND_INT64(&set, "expiresAt", exp);
    bson_append_document_end(&upd, &set);
    if (mongoc_collection_update_one(c, &q, &upd, NULL, &reply, e)) {
        rc = bson_iter_init_find(&it, &reply, "matchedCount") && bson_iter_as_int64(&it) > 0;
    }
    bson_destroy(&reply);
    bson_destroy(&upd);
    bson_destroy(&q);
    return rc;
}

/* Deletes {_id: id, owner[, expiresAt: exp when exp >= 0]}. 0 done (deleted or not), -1 error. */
static int lock_delete(mongoc_collection_t *c, const char *id, const char *owner, int64_t exp,
                       bson_error_t *e)
{
    bson_t q = BSON_INITIALIZER;
    int ok;

    BSON_APPEND_UTF8(&q, "_id", id);
    BSON_APPEND_UTF8(&q, "owner", owner);
    if (exp >= 0) {
        BSON_APPEND_INT64(&q, "expiresAt", exp);
    }
    ok = mongoc_collection_delete_one(c, &q, NULL, NULL, e);
    bson_destroy(&q);
    return ok ? 0 : -1;
}

enum { LEASE_TAKEN, LEASE_BUSY, LEASE_ERROR };

/* One attempt at the lease on key: insert first, or (read_first, a waiter that already found it
 * busy) read first and insert only when it is gone or expired. A lease already owned by us (handed
 * over, or our own insert whose answer was lost) is extended to the full term and taken. */
static int lease_attempt(mongoc_collection_t *lc, rz_mongo_uow_t *u, const char *key,
                         int read_first, bson_error_t *e)
{
    lock_doc_t l;
    int rc, tries;

    for (tries = 0; tries < 3; tries++) {
        if (!read_first || tries > 0) {
            rc = lock_insert(lc, key, u->owner, now_ms() + RZ_MONGO_LEASE_MS, e);
            if (rc != 0) {
                return rc > 0 ? LEASE_TAKEN : LEASE_ERROR;
            }
        }
        read_first = 0;
        if ((rc = lock_read(lc, key, &l, e)) < 0) {
            return LEASE_ERROR;
        }
        if (rc == 0) {
            continue; /* released since: insert again */
        }
        if (strcmp(l.owner, u->owner) == 0) {
            rc = lock_set(lc, key, u->owner, u->owner, now_ms() + RZ_MONGO_LEASE_MS, e);
            return rc < 0 ? LEASE_ERROR : rc ? LEASE_TAKEN : LEASE_BUSY;
        }
        if (l.exp >= now_ms() && !owner_dead_here(l.owner)) {
            return LEASE_BUSY;
        }
        if (lock_delete(lc, key, l.owner, l.exp, e) < 0) { /* expired or dead: take it over */
            return LEASE_ERROR;
        }
    }
    return LEASE_BUSY;
}

/* Waiter side of the claim: 1 we hold it (now or already), 0 another waiter does, -1 error. */
static int claim_step(mongoc_collection_t *cc, rz_mongo_uow_t *u, const char *key, int claimed,
                      int64_t *claim_exp, bson_error_t *e)
{
    int64_t now = now_ms();
    lock_doc_t l;
    int rc;

    if (claimed) { /* refresh when half its term is gone */
        if (*claim_exp - now > CLAIM_MS / 2) {
            return 1;
        }
        rc = lock_set(cc, key, u->owner, u->owner, now + CLAIM_MS, e);
        if (rc > 0) {
            *claim_exp = now + CLAIM_MS;
        }
        return rc;
    }
    if ((rc = lock_read(cc, key, &l, e)) < 0) {
        return -1;
    }
    if (rc == 1 && l.exp >= now && strcmp(l.owner, u->owner) != 0 && !owner_dead_here(l.owner)) {
        return 0;
    }
    if (rc == 1 && lock_delete(cc, key, l.owner, l.exp, e) < 0) { /* lapsed (or stale: ours) */
        return -1;
    }
    rc = lock_insert(cc, key, u->owner, now + CLAIM_MS, e);
    if (rc > 0) {
        *claim_exp = now + CLAIM_MS;
    }
    return rc;
}

/* Takes the lease on `key`, waiting until `deadline` (monotonic microseconds) -> RZ_UNAVAILABLE.
 * On any failure the caller still releases the key: a lease may have been written for us. */
static rz_status_t take_lease(rz_sess_t *s, rz_mongo_uow_t *u, const char *key, int64_t deadline)
{
    mongoc_collection_t *lc = rz_mongo_coll(s, RZ_MONGO_LEASES);
    mongoc_collection_t *cc = rz_mongo_coll(s, RZ_MONGO_CLAIMS);
    rz_status_t st = RZ_OK;
    int64_t claim_exp = 0;
    int claimed = 0, first = 1, rc;
    useconds_t nap = 10000;
    bson_error_t e;

    for (;;) {
        if (first || claimed) {
            rc = lease_attempt(lc, u, key, !first, &e);
            if (rc == LEASE_TAKEN) {
                break;
            }
            if (rc == LEASE_ERROR) {
                st = rz_mongo_fail(s, "lease", &e, NULL);
                break;
            }
            first = 0;
        }
        if (bson_get_monotonic_time() >= deadline) {
            st = rz_mongo_err(s, RZ_UNAVAILABLE, "mongodb: key %s busy for %d ms", key,
                              RZ_MONGO_WAIT_MS);
            break;
        }
        rc = claim_step(cc, u, key, claimed, &claim_exp, &e);
        if (rc < 0) {
            st = rz_mongo_fail(s, "lease claim", &e, NULL);
            break;
        }
        if (rc > 0 && !claimed) {
            claimed = 1;
            continue; /* try the lease at once */
        }
        claimed = rc;
        if (claimed) { /* next in line: poll the lease every 3..7 ms */
            usleep(3000 + (useconds_t)(rand_r(&u->seed) % 4001));
        } else { /* poll the claim, backing off to 20..60 ms: a single-threaded server must
                  * still have time for the holder's own commit */
            usleep(nap / 2 + (useconds_t)(rand_r(&u->seed) % (nap + 1)));
            nap = nap < 40000 ? nap * 2 : 40000;
        }
    }
    if (claimed) {
        lock_delete(cc, key, u->owner, -1, &e);
    }
    if (st != RZ_OK) {
        s->conflict_index = NULL;
    }
    mongoc_collection_destroy(cc);
    mongoc_collection_destroy(lc);
    return st;
}

/* Releases the lease on `key` if we hold it: handed over to a waiter holding a fresh claim, else
 * deleted. Returns 0, or -1 when the server could not be reached. */
static int release_lease(rz_mongo_uow_t *u, mongoc_collection_t *lc, mongoc_collection_t *cc,
                         const char *key)
{
    lock_doc_t l;
    bson_error_t e;
    int rc;

    if ((rc = lock_read(cc, key, &l, &e)) < 0) {
        return -1;
    }
    if (rc == 1 && l.exp >= now_ms() && strcmp(l.owner, u->owner) != 0) {
        rc = lock_set(lc, key, u->owner, l.owner, now_ms() + HANDOFF_MS, &e);
        if (rc != 0) {
            return rc > 0 ? 0 : -1;
        }
    }
    return lock_delete(lc, key, u->owner, -1, &e);
}

/* Best effort, outside any transaction: a lease left behind expires after 30 s anyway, so after
 * the first failure (server gone) the rest are left to expire rather than each waiting out its
 * own timeout. */
static void release_leases(rz_sess_t *s, rz_mongo_uow_t *u)
{
    mongoc_collection_t *lc, *cc;
    int i;

    if (u->ntaken == 0) {
        return;
    }
    lc = rz_mongo_coll(s, RZ_MONGO_LEASES);
    cc = rz_mongo_coll(s, RZ_MONGO_CLAIMS);
    for (i = u->ntaken - 1; i >= 0; i--) {
        if (release_lease(u, lc, cc, u->keys[i]) != 0) {
            break;
        }
    }
    mongoc_collection_destroy(cc);
    mongoc_collection_destroy(lc);
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

/* Aborts and forgets the transaction, keeping the leases. */
static void end_txn(rz_mongo_uow_t *u)
{
    bson_error_t e;

    if (u->cs) {
        if (mongoc_client_session_in_transaction(u->cs)) {
            mongoc_client_session_abort_transaction(u->cs, &e);
        }
        mongoc_client_session_destroy(u->cs);
        u->cs = NULL;
    }
    u->open = 0;
}

/* 1 when every lease of the unit of work is still held by it (read outside any transaction). */
static int leases_still_ours(rz_sess_t *s, rz_mongo_uow_t *u)
{
    mongoc_collection_t *lc = rz_mongo_coll(s, RZ_MONGO_LEASES);
    lock_doc_t l;
    bson_error_t e;
    int i, ok = 1;

    for (i = 0; i < u->ntaken && ok; i++) {
        ok = lock_read(lc, u->keys[i], &l, &e) == 1 && strcmp(l.owner, u->owner) == 0;
    }
    mongoc_collection_destroy(lc);
    return ok;
}

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
        u->ntaken = i + 1; /* counted before the attempt: a failed one may still have written it */
        st = take_lease(s, u, u->keys[i], deadline);
    }
    for (i = 0; st == RZ_OK; i++) {
        st = start_txn(s, u);
        if (st == RZ_OK) {
            u->open = 1;
            st = touch_leases(s, u);
        }
        if (st != RZ_UNAVAILABLE || i >= 2 || !leases_still_ours(s, u)) {
            break;
        }
        /* the test server's transaction, loaded, sometimes misses a lease inserted just before
         * (seen): the leases are still ours, so a fresh transaction is tried */
        end_txn(u);
        usleep(5000 + (useconds_t)(rand_r(&u->seed) % 5001));
        st = RZ_OK;
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

    if (!u) {
        return;
    }
    end_txn(u);
    release_leases(s, u);
}
