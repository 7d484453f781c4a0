/* test_outbox.c: the outbox suite against RZ_TEST_STORE_URI: enqueue, claims across processes,
 * backoff, final failures and notifications, job leases, purge, SMTP end to end (aiosmtpd). */
#include "test_outbox.h"
#include "test_store.h"

#include <apr_hash.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "services/rz_jobs.h"
#include "core/rz_mail.h"
#include "services/rz_notify.h"
#include "services/rz_outbox.h"
#include "core/rz_time.h"

static fx_t O; /* this suite's fixture */

#define OB_IS(call, want)                                                                          \
    do {                                                                                           \
        rz_status_t rv_ = (call);                                                                  \
        ck_assert_msg(rv_ == (want), "%s returned %s, want %s (%s)", #call, rz_status_name(rv_),   \
                      rz_status_name(want), rz_store_last_error(O.s));                             \
    } while (0)
#define OB_OK(call) OB_IS(call, RZ_OK)

/* ---- fixture and helpers -------------------------------------------------------------------- */

/* The collections and indexes this suite needs (the real list goes into a migration). */
static rz_status_t ensure_all(rz_sess_t *s)
{
    static const rz_index_def_t outbox_idx[] = {
        {"outbox_status_next", {"status", "nextAttemptAt", NULL}, 0},
        {"outbox_status_lease", {"status", "leaseUntil", NULL}, 0},
        {"outbox_status_sent", {"status", "sentAt", NULL}, 0},
    };
    static const rz_index_def_t notif_idx[] = {
        {"notifications_user_created", {"userId", "createdAt", NULL}, 0},
        {"notifications_read", {"readAt", NULL}, 0},
    };
    static const rz_index_def_t jobs_idx[] = {{"job_leases_job", {"job", NULL}, 1}};
    static const char *const plain[] = {"users", "idempotency", "refresh_sessions",
                                        "revoked_tokens", "reset_tokens"};
    rz_status_t rv;
    size_t i;

    if ((rv = rz_store_ensure_collection(s, RZ_OUTBOX_COLL, outbox_idx, 3)) != RZ_OK
        || (rv = rz_store_ensure_collection(s, RZ_NOTIFY_COLL, notif_idx, 2)) != RZ_OK
        || (rv = rz_store_ensure_collection(s, RZ_JOBS_COLL, jobs_idx, 1)) != RZ_OK) {
        return rv;
    }
    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        if ((rv = rz_store_ensure_collection(s, plain[i], NULL, 0)) != RZ_OK) {
            return rv;
        }
    }
    return RZ_OK;
}

static void ob_open(fx_t *f)
{
    const char *err = NULL;

    ck_assert_int_eq(apr_pool_create(&f->pool, NULL), APR_SUCCESS);
    ck_assert_msg(rz_store_open(&f->st, g_uri, f->pool, &err) == RZ_OK, "open: %s", err);
    ck_assert_int_eq(rz_store_session(&f->s, f->st, f->pool), RZ_OK);
}

/* Closes the fixture's store before a fork (a MongoDB client pool runs threads whose locks a child
 * would inherit) and reopens it afterwards. */
static void ob_close_for_fork(void)
{
    apr_pool_destroy(O.pool);
    memset(&O, 0, sizeof(O));
}

static void ob_setup(void)
{
    json_t *jnull = json_null();
    rz_cond_t any = {"status", RZ_NE, jnull};

    rz_clock_set_offset(0);
    ob_open(&O);
    OB_OK(ensure_all(O.s));
    /* the outbox is shared by every email of the store: start each test from an empty one */
    OB_OK(rz_store_delete_many(O.s, RZ_OUTBOX_COLL, &any, 1, NULL));
}

static void ob_teardown(void)
{
    rz_clock_set_offset(0);
    apr_pool_destroy(O.pool);
    memset(&O, 0, sizeof(O));
}

static const char *uniq_name(const char *base)
{
    return apr_psprintf(O.pool, "%s_%08x", base, (unsigned)randombytes_random());
}

static json_t *own(json_t *v)
{
    return rz_json_pool_own(O.pool, v);
}

static const char *stamp_at(int64_t t)
{
    char buf[21];

    rz_timestamp_format(t, buf);
    return apr_pstrdup(O.pool, buf);
}

static long count_eq(const char *coll, const char *field, const char *value)
{
    json_t *v = own(json_string(value));
    rz_cond_t c = {field, RZ_EQ, v};
    rz_query_t q;
    long n = -1;

    memset(&q, 0, sizeof(q));
    q.all = &c;
    q.nall = 1;
    OB_OK(rz_store_count(O.s, coll, &q, &n));
    return n;
}

static json_t *get_email(const char *id)
{
    json_t *doc = NULL;

    OB_OK(rz_store_get(O.s, RZ_OUTBOX_COLL, id, &doc));
    return doc;
}

static json_t *reset_vars(void)
{
    return own(json_pack("{s:s, s:i}", "resetUrl",
                         "https://ruzizi.example/reset-password?token=abc", "validMinutes", 30));
}

/* Enqueues a password_reset email tagged with entityId `tag` (outside a unit of work). */
static void enqueue_tagged(const char *tag)
{
    OB_OK(rz_outbox_enqueue(O.s, "User@Example.com", "en", "password_reset", reset_vars(), "user",
                            tag));
}

/* Claims exactly one email (the only due one) and returns it. */
static json_t *claim_one(void)
{
    json_t *batch = NULL;

    OB_OK(rz_outbox_claim(O.s, "test-owner", 5, &batch));
    ck_assert_int_eq(json_array_size(batch), 1);
    return json_array_get(batch, 0);
}

/* Waits (bounded, 20 s) for a child; returns its exit status or -1. */
static int wait_child(pid_t pid)
{
    int st, i;

    for (i = 0; i < 2000; i++) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        }
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return -1;
}

/* Reads everything from fd into buf (cap bytes, NUL-terminated; bounded by the buffer). */
static void read_all(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    ssize_t n;

    while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0) {
        len += (size_t)n;
    }
    buf[len] = '\0';
}

/* ---- enqueue and claim ---------------------------------------------------------------------- */

START_TEST(test_enqueue_commit_and_rollback)
{
    const char *tag = uniq_name("ent"), *tag2 = uniq_name("ent");
    json_t *batch, *doc;

    OB_OK(rz_store_begin(O.s, NULL, 0));
    enqueue_tagged(tag);
    rz_store_rollback(O.s);
    ck_assert_int_eq(count_eq(RZ_OUTBOX_COLL, "entityId", tag), 0);

    OB_OK(rz_store_begin(O.s, NULL, 0));
    enqueue_tagged(tag2);
    OB_OK(rz_store_commit(O.s));
    ck_assert_int_eq(count_eq(RZ_OUTBOX_COLL, "entityId", tag2), 1);
    OB_OK(rz_outbox_claim(O.s, "o1", 5, &batch));
    ck_assert_int_eq(json_array_size(batch), 1);
    doc = json_array_get(batch, 0);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "to")), "user@example.com");
    ck_assert_str_eq(json_string_value(json_object_get(doc, "subject")), "Password reset");
    ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "sending");
    ck_assert_str_eq(json_string_value(json_object_get(doc, "leaseOwner")), "o1");
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "attempts")), 0);
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(doc, "bodyText")), "30 minutes"));
    /* claimed, its lease running: nobody else gets it */
    OB_OK(rz_outbox_claim(O.s, "o2", 5, &batch));
    ck_assert_int_eq(json_array_size(batch), 0);
    /* bad input is refused before any write */
    OB_IS(rz_outbox_enqueue(O.s, "not-an-email", "en", "password_reset", reset_vars(), NULL, NULL),
          RZ_INVALID);
    OB_IS(rz_outbox_enqueue(O.s, "a@example.com", "de", "password_reset", reset_vars(), NULL, NULL),
          RZ_INVALID);
}
END_TEST

/* Child of the claim race: claims in small batches until nothing is left; writes ids to fd. */
static void claim_child(int fd, int start_fd, const char *owner)
{
    fx_t f;
    json_t *batch, *d;
    size_t i;
    char go;
    int empty = 0, rounds = 0;

    ob_open(&f);
    if (read(start_fd, &go, 1) != 1) {
        _exit(3);
    }
    while (empty < 3 && rounds++ < 500) {
        rz_status_t rv = rz_outbox_claim(f.s, owner, 3, &batch);
        if (rv != RZ_OK) {
            fprintf(stderr, "%s: claim: %s (%s)\n", owner, rz_status_name(rv),
                    rz_store_last_error(f.s));
            _exit(2);
        }
        empty = json_array_size(batch) ? 0 : empty + 1;
        json_array_foreach (batch, i, d) {
            const char *id = json_string_value(json_object_get(d, "id"));
            if (write(fd, id, strlen(id)) < 0 || write(fd, "\n", 1) < 0) {
                _exit(4);
            }
        }
    }
    _exit(0);
}

START_TEST(test_claim_two_processes_never_overlap)
{
    enum { N = 40 };
    int out[2][2], start[2], i;
    pid_t pid[2];
    static char ids[2][4096];
    char *tok, *save;
    apr_hash_t *seen;
    int total = 0;

    for (i = 0; i < N; i++) {
        enqueue_tagged(uniq_name("race"));
    }
    ob_close_for_fork();
    ck_assert_int_eq(pipe(start), 0);
    for (i = 0; i < 2; i++) {
        ck_assert_int_eq(pipe(out[i]), 0);
        if ((pid[i] = fork()) == 0) {
            close(out[i][0]);
            close(start[1]);
            claim_child(out[i][1], start[0], i ? "proc-b" : "proc-a");
        }
        close(out[i][1]);
    }
    ck_assert_int_eq(write(start[1], "gg", 2), 2); /* both start together */
    for (i = 0; i < 2; i++) {
        read_all(out[i][0], ids[i], sizeof(ids[i]));
        close(out[i][0]);
        ck_assert_int_eq(wait_child(pid[i]), 0);
    }
    ob_open(&O);
    seen = apr_hash_make(O.pool);
    for (i = 0; i < 2; i++) {
        for (tok = apr_strtok(ids[i], "\n", &save); tok; tok = apr_strtok(NULL, "\n", &save)) {
            ck_assert_msg(!apr_hash_get(seen, tok, APR_HASH_KEY_STRING), "%s claimed twice", tok);
            apr_hash_set(seen, tok, APR_HASH_KEY_STRING, "1");
            total++;
        }
    }
    ck_assert_int_eq(total, N);
    ck_assert_int_eq(count_eq(RZ_OUTBOX_COLL, "status", "sending"), N);
    close(start[0]);
    close(start[1]);
}
END_TEST

START_TEST(test_expired_lease_is_reclaimed)
{
    json_t *doc, *batch;

    enqueue_tagged(uniq_name("lease"));
    doc = claim_one();
    rz_clock_set_offset(RZ_OUTBOX_LEASE_S + 1);
    OB_OK(rz_outbox_claim(O.s, "other", 5, &batch));
    ck_assert_int_eq(json_array_size(batch), 1);
    /* the first claimer lost it: its mark is refused, the email is not marked twice */
    OB_IS(rz_outbox_mark_sent(O.s, doc), RZ_VERSION_MISMATCH);
    OB_OK(rz_outbox_mark_sent(O.s, json_array_get(batch, 0)));
    doc = get_email(json_string_value(json_object_get(doc, "id")));
    ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "sent");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(doc, "sentAt")));
}
END_TEST

/* ---- failures ------------------------------------------------------------------------------- */

START_TEST(test_backoff_schedule)
{
    static const int64_t want_min[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360, 360, 360};
    json_t *doc;
    const char *id;
    int64_t t0, next;
    int i;

    for (i = 0; i < 14; i++) {
        ck_assert_int_eq(rz_outbox_backoff_s(i + 1), want_min[i] * 60);
    }
    ck_assert_int_eq(rz_outbox_backoff_s(1000), 6 * 3600);
    enqueue_tagged(uniq_name("backoff"));
    for (i = 0; i < 14; i++) {
        doc = claim_one();
        id = json_string_value(json_object_get(doc, "id"));
        t0 = rz_now();
        OB_OK(rz_outbox_mark_failed_attempt(O.s, doc, "421 try later", 0));
        doc = get_email(id);
        ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "pending");
        ck_assert_int_eq(json_integer_value(json_object_get(doc, "attempts")), i + 1);
        ck_assert_int_eq(
            rz_datetime_parse(json_string_value(json_object_get(doc, "nextAttemptAt")), &next), 0);
        ck_assert_msg(next - t0 >= want_min[i] * 60 && next - t0 <= want_min[i] * 60 + 2,
                      "attempt %d: next in %lld s", i + 1, (long long)(next - t0));
        /* not due before its time, due after */
        rz_clock_set_offset(next - time(NULL) - 5);
        {
            json_t *batch;
            OB_OK(rz_outbox_claim(O.s, "early", 5, &batch));
            ck_assert_int_eq(json_array_size(batch), 0);
        }
        rz_clock_set_offset(next - time(NULL) + 1);
    }
    /* the 15th failure is final */
    doc = claim_one();
    OB_OK(rz_outbox_mark_failed_attempt(O.s, doc, "421 try later", 0));
    doc = get_email(json_string_value(json_object_get(doc, "id")));
    ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "failed");
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "attempts")), 15);
}
END_TEST

static const char *add_user(const char *role, const char *est, int active)
{
    const char *id;
    json_t *doc =
        own(json_pack("{s:s, s:s, s:o, s:b, s:s, s:s}", "email",
                      apr_psprintf(O.pool, "%s@example.com", uniq_name("u")), "role", role,
                      "establishmentId", est ? json_string(est) : json_null(), "isActive", active,
                      "preferredLanguage", "fr", "createdAt", stamp_at(rz_now())));

    OB_OK(rz_store_insert(O.s, "users", doc, &id));
    return apr_pstrdup(O.pool, id);
}

static long count_active(const char *role)
{
    json_t *jr = own(json_string(role)), *jt = json_true();
    rz_cond_t c[2] = {{"role", RZ_EQ, jr}, {"isActive", RZ_EQ, jt}};
    rz_query_t q;
    long n = -1;

    memset(&q, 0, sizeof(q));
    q.all = c;
    q.nall = 2;
    OB_OK(rz_store_count(O.s, "users", &q, &n));
    return n;
}

START_TEST(test_permanent_failure_notifies_super_admins)
{
    const char *sa1 = add_user("super_admin", NULL, 1), *sa2 = add_user("super_admin", NULL, 1);
    const char *off = add_user("super_admin", NULL, 0), *est = uniq_name("est");
    json_t *doc, *notes, *n, *jid;
    rz_cond_t c[2];
    rz_query_t q;
    const char *id;
    size_t i;
    int hit1 = 0, hit2 = 0;

    add_user("manager", est, 1);
    enqueue_tagged(uniq_name("perm"));
    doc = claim_one();
    id = json_string_value(json_object_get(doc, "id"));
    OB_OK(rz_outbox_mark_failed_attempt(O.s, doc, "550 5.1.1 mailbox unavailable", 1));
    doc = get_email(id);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "failed");
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "attempts")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "lastError")),
                     "550 5.1.1 mailbox unavailable");

    jid = own(json_string(id));
    c[0] = (rz_cond_t){"data.entityId", RZ_EQ, jid};
    c[1] = (rz_cond_t){"type", RZ_EQ, own(json_string("email_failed"))};
    memset(&q, 0, sizeof(q));
    q.all = c;
    q.nall = 2;
    OB_OK(rz_store_find(O.s, RZ_NOTIFY_COLL, &q, &notes, NULL));
    ck_assert_int_eq((long)json_array_size(notes), count_active("super_admin"));
    json_array_foreach (notes, i, n) {
        const char *uid = json_string_value(json_object_get(n, "userId"));
        hit1 += strcmp(uid, sa1) == 0;
        hit2 += strcmp(uid, sa2) == 0;
        ck_assert_str_ne(uid, off);
        ck_assert(json_is_false(json_object_get(n, "read")));
        ck_assert(json_is_null(json_object_get(n, "readAt")));
        ck_assert(json_is_null(json_object_get(n, "establishmentId")));
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(n, "data"), "entity")),
                         "outbox");
    }
    ck_assert_int_eq(hit1, 1);
    ck_assert_int_eq(hit2, 1);
}
END_TEST

START_TEST(test_notify_role_scopes)
{
    const char *est = uniq_name("est"), *m1 = add_user("manager", est, 1);
    const char *tag = uniq_name("exp");
    json_t *data = own(json_pack("{s:s, s:s}", "entity", "expense", "entityId", tag));
    int n = -1;

    add_user("manager", est, 1);
    add_user("manager", est, 0);
    add_user("manager", uniq_name("other"), 1);
    add_user("staff", est, 1);
    OB_OK(rz_notify_role(O.s, est, "manager", m1, "expense_submitted", "Expense submitted",
                         "A new expense waits for approval.", data, &n));
    ck_assert_int_eq(n, 1); /* two active managers here, minus the creator */
    ck_assert_int_eq(count_eq(RZ_NOTIFY_COLL, "data.entityId", tag), 1);
    OB_OK(rz_notify_role(O.s, est, "staff", NULL, "booking_new", "New booking", "RZ-AB12-CD34",
                         data, &n));
    ck_assert_int_eq(n, 1);
    OB_IS(rz_notify_user(O.s, m1, est, "no_such_type", "t", "m", NULL), RZ_INVALID);
}
END_TEST

/* ---- job leases ----------------------------------------------------------------------------- */

/* Child of the lease race: waits for the start byte, tries once, exits 10 + acquired. */
static void lease_child(int start_fd, const char *job, int k)
{
    fx_t f;
    char go;
    int acquired = 0;
    rz_status_t rv;

    ob_open(&f);
    if (read(start_fd, &go, 1) != 1) {
        _exit(3);
    }
    rv = rz_job_try_lease(f.s, job, apr_psprintf(f.pool, "proc-%d", k), 60, &acquired);
    if (rv != RZ_OK) {
        fprintf(stderr, "proc-%d: try_lease: %s (%s)\n", k, rz_status_name(rv),
                rz_store_last_error(f.s));
        _exit(2);
    }
    _exit(10 + acquired);
}

/* Runs 4 processes racing for `job`; returns how many acquired it. */
static int race_for(const char *job)
{
    int start[2], i, won = 0, rc;
    pid_t pid[4];

    ob_close_for_fork();
    ck_assert_int_eq(pipe(start), 0);
    for (i = 0; i < 4; i++) {
        if ((pid[i] = fork()) == 0) {
            close(start[1]);
            lease_child(start[0], job, i);
        }
    }
    ck_assert_int_eq(write(start[1], "gggg", 4), 4);
    for (i = 0; i < 4; i++) {
        rc = wait_child(pid[i]);
        ck_assert_msg(rc == 10 || rc == 11, "child %d exited %d", i, rc);
        won += rc == 11;
    }
    close(start[0]);
    close(start[1]);
    ob_open(&O);
    return won;
}

START_TEST(test_job_lease_race_and_expiry)
{
    char job[64]; /* outlives the fixture's pool, which is closed around each fork */
    json_t *doc;
    int acquired;

    apr_cpystrn(job, uniq_name("job"), sizeof(job));
    ck_assert_int_eq(race_for(job), 1); /* first use: the document is created by the race */
    OB_OK(rz_job_try_lease(O.s, job, "late", 60, &acquired));
    ck_assert_int_eq(acquired, 0);
    rz_clock_set_offset(61); /* the lease expires: exactly one of four takes it over */
    ck_assert_int_eq(race_for(job), 1);
    rz_clock_set_offset(122);
    OB_OK(rz_job_try_lease(O.s, job, "me", 60, &acquired));
    ck_assert_int_eq(acquired, 1);
    OB_IS(rz_job_renew(O.s, job, "proc-0", 60), RZ_VERSION_MISMATCH);
    OB_OK(rz_job_renew(O.s, job, "me", 60));
    OB_IS(rz_job_release(O.s, job, "proc-1", "ok"), RZ_VERSION_MISMATCH);
    OB_OK(rz_job_release(O.s, job, "me", "ok: 3 sent"));
    OB_OK(rz_job_get(O.s, job, &doc));
    ck_assert(json_is_null(json_object_get(doc, "owner")));
    ck_assert_str_eq(json_string_value(json_object_get(doc, "lastResult")), "ok: 3 sent");
    ck_assert_int_eq(rz_job_due(doc, rz_now() + 5, 10), 0);
    ck_assert_int_eq(rz_job_due(doc, rz_now() + 10, 10), 1);
    ck_assert_int_eq(rz_job_due(NULL, rz_now(), 10), 1);
    OB_OK(rz_job_try_lease(O.s, job, "next", 60, &acquired)); /* free again at once */
    ck_assert_int_eq(acquired, 1);
}
END_TEST

/* ---- purge ---------------------------------------------------------------------------------- */

static void put(const char *coll, const char *tag, const char *field, const char *value,
                const char *status)
{
    json_t *doc =
        own(json_pack("{s:s, s:o}", "tag", tag, field, value ? json_string(value) : json_null()));

    if (status) {
        json_object_set_new(doc, "status", json_string(status));
    }
    OB_OK(rz_store_insert(O.s, coll, doc, NULL));
}

START_TEST(test_purge_removes_exactly_the_expired)
{
    const char *tag = uniq_name("purge");
    int64_t now = rz_now(), day = 86400;
    json_t *counts = NULL;

    put("idempotency", tag, "expiresAt", stamp_at(now - 3600), NULL);
    put("idempotency", tag, "expiresAt", stamp_at(now + 3600), NULL);
    put("refresh_sessions", tag, "expiresAt", stamp_at(now - 31 * day), NULL);
    put("refresh_sessions", tag, "expiresAt", stamp_at(now - 29 * day), NULL);
    put("revoked_tokens", tag, "expiresAt", stamp_at(now - 1), NULL);
    put("revoked_tokens", tag, "expiresAt", stamp_at(now + 60), NULL);
    put("reset_tokens", tag, "expiresAt", stamp_at(now - 1), NULL);
    put("reset_tokens", tag, "expiresAt", stamp_at(now + 600), NULL);
    put(RZ_OUTBOX_COLL, tag, "sentAt", stamp_at(now - 31 * day), "sent");
    put(RZ_OUTBOX_COLL, tag, "sentAt", stamp_at(now - 29 * day), "sent");
    put(RZ_OUTBOX_COLL, tag, "sentAt", NULL, "failed");
    put(RZ_NOTIFY_COLL, tag, "readAt", stamp_at(now - 181 * day), NULL);
    put(RZ_NOTIFY_COLL, tag, "readAt", stamp_at(now - 179 * day), NULL);
    put(RZ_NOTIFY_COLL, tag, "readAt", NULL, NULL);

    OB_OK(rz_purge_run(O.s, now, &counts));
    ck_assert_int_eq(count_eq("idempotency", "tag", tag), 1);
    ck_assert_int_eq(count_eq("refresh_sessions", "tag", tag), 1);
    ck_assert_int_eq(count_eq("revoked_tokens", "tag", tag), 1);
    ck_assert_int_eq(count_eq("reset_tokens", "tag", tag), 1);
    ck_assert_int_eq(count_eq(RZ_OUTBOX_COLL, "tag", tag), 2);
    ck_assert_int_eq(count_eq(RZ_NOTIFY_COLL, "tag", tag), 2);
    ck_assert_int_ge(json_integer_value(json_object_get(counts, "outbox")), 1);
    ck_assert_int_ge(json_integer_value(json_object_get(counts, "notifications")), 1);
    json_decref(counts);
    OB_OK(rz_purge_run(O.s, now, NULL)); /* idempotent */
    ck_assert_int_eq(count_eq(RZ_NOTIFY_COLL, "tag", tag), 2);
}
END_TEST

/* ---- SMTP end to end (Debian's aiosmtpd as the sink) ---------------------------------------- */

static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static int port_answers(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    close(fd);
    return ok;
}

/* Starts the sink on port, delivering into maildir `dir`; waits (<= 15 s) until it answers. */
static pid_t start_sink(int port, const char *dir)
{
    char listen[32];
    pid_t pid;
    int i;

    snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
    if ((pid = fork()) == 0) {
        execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen, "-c",
              "aiosmtpd.handlers.Mailbox", dir, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 150 && !port_answers(port); i++) {
        usleep(100000);
    }
    ck_assert_msg(port_answers(port), "aiosmtpd did not start on %d", port);
    return pid;
}

static void stop_sink(pid_t pid)
{
    kill(pid, SIGTERM);
    if (wait_child(pid) == -1) {
        kill(pid, SIGKILL);
    }
}

/* The maildir parsed by Python's email package: "count\nsubject\nbody" of the message to `to`. */
static char *read_maildir(const char *dir, const char *to)
{
    const char *cmd = apr_psprintf(
        O.pool,
        "PYTHONIOENCODING=utf-8 /usr/bin/python3 -c 'import sys, glob, email, email.policy\n"
        "fs = glob.glob(sys.argv[1] + \"/new/*\")\n"
        "ms = [email.message_from_binary_file(open(f, \"rb\"), policy=email.policy.default) "
        "for f in fs]\n"
        "sys.stdout.write(str(len(fs)) + \"\\n\")\n"
        "for m in ms:\n"
        "    if m[\"to\"] == sys.argv[2]: sys.stdout.write(m[\"subject\"] + \"\\n\" + "
        "m.get_content())' %s %s",
        dir, to);
    FILE *f = popen(cmd, "r");
    char buf[16384];
    size_t n;

    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    pclose(f);
    return apr_pstrdup(O.pool, buf);
}

START_TEST(test_smtp_end_to_end)
{
    int port = free_port(), sent = -1, failed = -1;
    char tmpl[] = "/tmp/rz_outbox_smtp.XXXXXX", err[256];
    const char *dir, *subject, *body, *tag = uniq_name("smtp");
    rz_smtp_conf_t conf = {NULL, NULL, NULL, "noreply@ruzizi.test", NULL, 5};
    json_t *vars =
        own(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s}", "guestName",
                      "Aline Ndayishimiye", "bookingCode", "RZ-AB12-CD34", "establishmentName",
                      "Hôtel du Lac", "accommodationName", "Chambre 12", "checkInDate",
                      "2026-11-25", "checkOutDate", "2026-11-27", "checkInTime", "14:00",
                      "checkOutTime", "11:00", "numberOfGuests", 2, "total", 494000, "currency",
                      "BIF", "lookupUrl", "https://ruzizi.example/booking?code=RZ-AB12-CD34"));
    json_t *doc;
    char *got;
    pid_t sink;

    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    dir = apr_pstrcat(O.pool, tmpl, "/mbox", NULL);
    conf.url = apr_psprintf(O.pool, "smtp://127.0.0.1:%d", port);
    ck_assert_int_eq(rz_mail_render(O.pool, "booking_confirmed", "fr", vars, &subject, &body),
                     RZ_OK);
    OB_OK(rz_outbox_enqueue(O.s, "guest@example.com", "fr", "booking_confirmed", vars, "booking",
                            tag));

    /* relay down: a temporary failure, the email waits with attempts 1 */
    OB_OK(rz_outbox_deliver_batch(O.s, &conf, &sent, &failed));
    ck_assert_int_eq(sent, 0);
    ck_assert_int_eq(failed, 1);
    ck_assert_int_eq(count_eq(RZ_OUTBOX_COLL, "status", "pending"), 1);
    OB_OK(rz_store_find_one(O.s, RZ_OUTBOX_COLL,
                            &(rz_cond_t){"entityId", RZ_EQ, own(json_string(tag))}, 1, &doc));
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "attempts")), 1);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(doc, "lastError")));

    /* relay back: delivered once its retry time comes, and only once */
    sink = start_sink(port, dir);
    OB_OK(rz_outbox_deliver_batch(O.s, &conf, &sent, &failed));
    ck_assert_int_eq(sent + failed, 0); /* not due yet */
    rz_clock_set_offset(61);
    OB_OK(rz_outbox_deliver_batch(O.s, &conf, &sent, &failed));
    ck_assert_int_eq(sent, 1);
    ck_assert_int_eq(failed, 0);
    rz_clock_set_offset(4000);
    OB_OK(rz_outbox_deliver_batch(O.s, &conf, &sent, &failed));
    ck_assert_int_eq(sent + failed, 0);
    ck_assert_int_eq(count_eq(RZ_OUTBOX_COLL, "status", "sent"), 1);
    /* a direct send too (the second message in the box) */
    ck_assert_int_eq(
        rz_smtp_send(&conf, "other@example.com", "Plain subject", "Hello\n", err, sizeof(err)),
        RZ_SMTP_SENT);
    stop_sink(sink);

    got = read_maildir(dir, "guest@example.com");
    ck_assert_str_eq(got, apr_pstrcat(O.pool, "2\n", subject, "\n", body, NULL));
    ck_assert_str_eq(subject, "Réservation confirmée – RZ-AB12-CD34");
    ck_assert_ptr_nonnull(strstr(got, "Hôtel du Lac"));
    ck_assert_int_eq(system(apr_psprintf(O.pool, "rm -rf %s", tmpl)), 0);
}
END_TEST

/* ---- suite ---------------------------------------------------------------------------------- */

Suite *outbox_suite(void)
{
    Suite *s = suite_create("outbox");
    TCase *tc = tcase_create("outbox");

    outbox_add_mail_tests(s);
    tcase_add_checked_fixture(tc, ob_setup, ob_teardown);
    tcase_set_timeout(tc, 180); /* slow under sanitizers and a loaded jongodb */
    tcase_add_test(tc, test_enqueue_commit_and_rollback);
    tcase_add_test(tc, test_claim_two_processes_never_overlap);
    tcase_add_test(tc, test_expired_lease_is_reclaimed);
    tcase_add_test(tc, test_backoff_schedule);
    tcase_add_test(tc, test_permanent_failure_notifies_super_admins);
    tcase_add_test(tc, test_notify_role_scopes);
    tcase_add_test(tc, test_job_lease_race_and_expiry);
    tcase_add_test(tc, test_purge_removes_exactly_the_expired);
    tcase_add_test(tc, test_smtp_end_to_end);
    suite_add_tcase(s, tc);
    return s;
}
