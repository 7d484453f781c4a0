/* test_store_uow.c: store conformance: units of work, cross-process serialisation, SQLite
 * specifics. */
#include "test_store.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCHILD 6

sqlite3 *rz_store_sqlite_db(rz_sess_t *s); /* test hook defined in rz_store_sqlite.c */

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static json_t *get_ok(rz_sess_t *s, const char *coll, const char *id)
{
    json_t *d = NULL;
    rz_status_t rv = rz_store_get(s, coll, id, &d);

    ck_assert_msg(rv == RZ_OK, "get %s: %s (%s)", id, rz_status_name(rv), rz_store_last_error(s));
    return d;
}

static json_int_t field_int(const json_t *d, const char *f)
{
    return json_integer_value(json_object_get(d, f));
}

static long count_in(rz_sess_t *s, const char *coll)
{
    rz_query_t q = {0};
    long n = -1;

    ck_assert_int_eq(rz_store_count(s, coll, &q, &n), RZ_OK);
    return n;
}

/* ---- units of work in one process ----------------------------------------------------------- */

START_TEST(test_uow_commit)
{
    const char *c = uniq(F.pool, "uowc"), *cnt = uniq(F.pool, "uowc"), *ida, *idb, *idc;
    const char *keys[] = {"accommodation:x", "invoice:y", "accommodation:x"};
    rz_update_t u = {J("{'name':'b2'}"), NULL, NULL};
    rz_cond_t isa = {"name", RZ_EQ, J("'a'")};
    apr_pool_t *p2;
    rz_sess_t *s2;
    json_t *d;
    int64_t v;

    idb = ins(c, J("{'name':'b'}"));
    idc = ins(c, J("{'name':'c'}"));
    RZ_OK_(rz_store_counter_next(F.s, cnt, &v));
    ck_assert_int_eq(v, 1);
    ck_assert_int_eq(apr_pool_create(&p2, F.pool), APR_SUCCESS);
    RZ_OK_(rz_store_session(&s2, F.st, p2));

    RZ_OK_(rz_store_begin(F.s, keys, 3));
    ck_assert_int_eq(rz_store_in_uow(F.s), 1);
    ida = ins(c, J("{'name':'a'}"));
    RZ_OK_(rz_store_update(F.s, c, idb, &u, 1, NULL));
    RZ_OK_(rz_store_delete(F.s, c, idc));
    RZ_OK_(rz_store_counter_next(F.s, cnt, &v));
    ck_assert_int_eq(v, 2);
    /* reads inside the unit of work see its writes */
    get_ok(F.s, c, ida);
    ck_assert_int_eq(field_int(get_ok(F.s, c, idb), "version"), 2);
    RZ_IS(rz_store_get(F.s, c, idc, &d), RZ_NOT_FOUND);
    ck_assert_int_eq(count_in(F.s, c), 2);
    RZ_OK_(rz_store_find_one(F.s, c, &isa, 1, &d));
    /* another session does not see them before the commit */
    RZ_IS(rz_store_get(s2, c, ida, &d), RZ_NOT_FOUND);
    ck_assert_int_eq(field_int(get_ok(s2, c, idb), "version"), 1);
    get_ok(s2, c, idc);

    RZ_OK_(rz_store_commit(F.s));
    ck_assert_int_eq(rz_store_in_uow(F.s), 0);
    get_ok(s2, c, ida);
    ck_assert_int_eq(field_int(get_ok(s2, c, idb), "version"), 2);
    RZ_IS(rz_store_get(s2, c, idc, &d), RZ_NOT_FOUND);
    RZ_OK_(rz_store_counter_next(s2, cnt, &v));
    ck_assert_int_eq(v, 3);

    /* a unit of work without keys only groups the writes */
    RZ_OK_(rz_store_begin(F.s, NULL, 0));
    ida = ins(c, J("{'name':'k0'}"));
    RZ_OK_(rz_store_commit(F.s));
    get_ok(s2, c, ida);
    apr_pool_destroy(p2);
}
END_TEST

START_TEST(test_uow_rollback)
{
    const char *c = uniq(F.pool, "uowr"), *cnt = uniq(F.pool, "uowr"), *ida, *idb, *idc;
    const char *keys[] = {"accommodation:r"};
    rz_update_t u = {J("{'name':'b2'}"), NULL, J("{'n':5}")};
    json_t *d;
    int64_t v;

    idb = ins(c, J("{'name':'b','n':1}"));
    idc = ins(c, J("{'name':'c'}"));
    RZ_OK_(rz_store_counter_next(F.s, cnt, &v));
    RZ_OK_(rz_store_begin(F.s, keys, 1));
    ida = ins(c, J("{'name':'a'}"));
    RZ_OK_(rz_store_update(F.s, c, idb, &u, -1, NULL));
    RZ_OK_(rz_store_delete(F.s, c, idc));
    RZ_OK_(rz_store_counter_next(F.s, cnt, &v));
    ck_assert_int_eq(v, 2);
    rz_store_rollback(F.s);
    ck_assert_int_eq(rz_store_in_uow(F.s), 0);
    rz_store_rollback(F.s);
    RZ_IS(rz_store_get(F.s, c, ida, &d), RZ_NOT_FOUND);
    d = get_ok(F.s, c, idb);
    ck_assert_int_eq(field_int(d, "version"), 1);
    ck_assert_int_eq(field_int(d, "n"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(d, "name")), "b");
    get_ok(F.s, c, idc);
    ck_assert_int_eq(count_in(F.s, c), 2);
    RZ_OK_(rz_store_counter_next(F.s, cnt, &v));
    ck_assert_int_eq(v, 2); /* the rolled-back increment left no gap */
    /* the session is usable for a new unit of work */
    RZ_OK_(rz_store_begin(F.s, keys, 1));
    ida = ins(c, J("{'name':'a2'}"));
    RZ_OK_(rz_store_commit(F.s));
    get_ok(F.s, c, ida);
}
END_TEST

START_TEST(test_uow_pool_cleanup)
{
    const char *c = uniq(F.pool, "uowp"), *cnt = uniq(F.pool, "uowp"), *idg, *id;
    const char *keys[] = {"accommodation:p"};
    apr_pool_t *sp;
    rz_sess_t *s2;
    json_t *d;
    int64_t v;
    double t0;

    ins(c, J("{'name':'keep'}"));
    ck_assert_int_eq(apr_pool_create(&sp, F.pool), APR_SUCCESS);
    RZ_OK_(rz_store_session(&s2, F.st, sp));
    RZ_OK_(rz_store_begin(s2, keys, 1));
    ck_assert_int_eq(rz_store_insert(s2, c, J("{'name':'ghost'}"), &id), RZ_OK);
    idg = apr_pstrdup(F.pool, id);
    ck_assert_int_eq(rz_store_counter_next(s2, cnt, &v), RZ_OK);
    apr_pool_destroy(sp); /* no commit, no rollback: the cleanup must roll back */
    RZ_IS(rz_store_get(F.s, c, idg, &d), RZ_NOT_FOUND);
    ck_assert_int_eq(count_in(F.s, c), 1);
    /* the keys and the store are free again at once */
    t0 = now_s();
    ck_assert_int_eq(apr_pool_create(&sp, F.pool), APR_SUCCESS);
    RZ_OK_(rz_store_session(&s2, F.st, sp));
    ck_assert_int_eq(rz_store_begin(s2, keys, 1), RZ_OK);
    ck_assert_int_eq(rz_store_insert(s2, c, J("{'name':'real'}"), NULL), RZ_OK);
    ck_assert_int_eq(rz_store_commit(s2), RZ_OK);
    ck_assert_msg(now_s() - t0 < 3.0, "a new unit of work waited %.1f s", now_s() - t0);
    apr_pool_destroy(sp);
    ck_assert_int_eq(count_in(F.s, c), 2);
    RZ_OK_(rz_store_counter_next(F.s, cnt, &v));
    ck_assert_int_eq(v, 1);
}
END_TEST

/* ---- several processes ---------------------------------------------------------------------- */

typedef int (*child_fn)(rz_sess_t *s, int idx, const void *arg, int *unavail);

/* Classifies a status inside a child's loop: 0 go on, 1 skip the iteration (RZ_UNAVAILABLE,
 * counted, never retried), -1 fail. The unit of work is rolled back unless 0. */
static int step(rz_sess_t *s, rz_status_t rv, const char *what, int idx, int *unavail)
{
    if (rv == RZ_OK) {
        return 0;
    }
    fprintf(stderr, "child %d: %s: %s (%s)\n", idx, what, rz_status_name(rv),
            rz_store_last_error(s));
    rz_store_rollback(s);
    if (rv == RZ_UNAVAILABLE) {
        (*unavail)++;
        return 1;
    }
    return -1;
}

static int child_main(child_fn fn, const void *arg, int idx, int startfd)
{
    apr_pool_t *p;
    rz_store_t *st;
    rz_sess_t *s;
    const char *err = NULL;
    int unavail = 0, rc;
    char b;

    if (read(startfd, &b, 1) < 0) { /* EOF when the parent has forked everyone */
        return 1;
    }
    if (apr_pool_create(&p, NULL) != APR_SUCCESS || rz_store_open(&st, g_uri, p, &err) != RZ_OK
        || rz_store_session(&s, st, p) != RZ_OK) {
        fprintf(stderr, "child %d: cannot open the store: %s\n", idx, err ? err : "session");
        return 1;
    }
    rc = fn(s, idx, arg, &unavail);
    if (unavail) {
        fprintf(stderr, "child %d: %d x RZ_UNAVAILABLE\n", idx, unavail);
    }
    apr_pool_destroy(p);
    return rc ? 1 : unavail ? 2 : 0;
}

/* Forks NCHILD processes that each open their own store, releases them together, and asserts
 * that all succeeded without a single RZ_UNAVAILABLE. No store may be open in the caller. */
static void run_children(child_fn fn, const void *arg)
{
    int pfd[2], i, status, failed = 0, unavail = 0;
    pid_t pids[NCHILD];

    ck_assert_int_eq(pipe(pfd), 0);
    for (i = 0; i < NCHILD; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            close(pfd[1]);
            _exit(child_main(fn, arg, i, pfd[0]));
        }
    }
    close(pfd[0]);
    close(pfd[1]);
    for (i = 0; i < NCHILD; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) == 1) {
            failed++;
        } else if (WEXITSTATUS(status) == 2) {
            unavail++;
        }
    }
    ck_assert_msg(failed == 0 && unavail == 0,
                  "%d children failed, %d hit RZ_UNAVAILABLE (details on stderr)", failed, unavail);
}

typedef struct {
    char coll[64];
    char id[64];
    char key[96];
} conc_arg_t;

/* (a) read-modify-write of one document under a key: no increment may be lost */
static int child_rmw(rz_sess_t *s, int idx, const void *arg, int *unavail)
{
    const conc_arg_t *a = arg;
    const char *keys[] = {a->key};
    int i, r;

    for (i = 0; i < 50; i++) {
        rz_update_t u = {NULL, NULL, NULL};
        json_t *d = NULL;
        rz_status_t rv;

        if ((r = step(s, rz_store_begin(s, keys, 1), "begin", idx, unavail)) != 0
            || (r = step(s, rz_store_get(s, a->coll, a->id, &d), "get", idx, unavail)) != 0) {
            if (r < 0) {
                return 1;
            }
            continue;
        }
        u.set = json_pack("{s:I}", "value", field_int(d, "value") + 1);
        /* compare-and-set too: a version mismatch would mean the key did not serialise */
        rv = rz_store_update(s, a->coll, a->id, &u, field_int(d, "version"), NULL);
        json_decref(u.set);
        if ((r = step(s, rv, "update", idx, unavail)) != 0
            || (r = step(s, rz_store_commit(s), "commit", idx, unavail)) != 0) {
            if (r < 0) {
                return 1;
            }
        }
    }
    return 0;
}

START_TEST(test_conc_read_modify_write)
{
    conc_arg_t a;
    json_t *d;

    fx_open(&F);
    snprintf(a.coll, sizeof(a.coll), "%s", uniq(F.pool, "crmw"));
    snprintf(a.key, sizeof(a.key), "counter:%s", a.coll);
    snprintf(a.id, sizeof(a.id), "%s", ins(a.coll, J("{'value':0}")));
    fx_close(&F); /* nothing open across fork */
    run_children(child_rmw, &a);
    fx_open(&F);
    d = get_ok(F.s, a.coll, a.id);
    ck_assert_int_eq(field_int(d, "value"), NCHILD * 50);
    ck_assert_int_eq(field_int(d, "version"), NCHILD * 50 + 1);
    fx_close(&F);
}
END_TEST

/* (b) check-then-insert under a key: one document per slot */
static int child_slots(rz_sess_t *s, int idx, const void *arg, int *unavail)
{
    const conc_arg_t *a = arg;
    const char *keys[] = {a->key};
    int slot, r;

    for (slot = 0; slot < 20; slot++) {
        json_t *v = json_integer(slot);
        rz_cond_t c = {"slot", RZ_EQ, v};
        rz_query_t q = {&c, 1, NULL, 0, NULL, 0, 0, 0, 0};
        long n = -1;

        r = step(s, rz_store_begin(s, keys, 1), "begin", idx, unavail);
        if (r == 0) {
            r = step(s, rz_store_count(s, a->coll, &q, &n), "count", idx, unavail);
        }
        usleep(1000); /* widen the window between the check and the insert */
        if (r == 0 && n == 0) {
            json_t *doc = json_pack("{s:i,s:i}", "slot", slot, "child", idx);
            r = step(s, rz_store_insert(s, a->coll, doc, NULL), "insert", idx, unavail);
            json_decref(doc);
        }
        if (r == 0) {
            r = step(s, rz_store_commit(s), "commit", idx, unavail);
        }
        json_decref(v);
        if (r < 0) {
            return 1;
        }
    }
    return 0;
}

START_TEST(test_conc_check_then_insert)
{
    conc_arg_t a;
    int slot;

    fx_open(&F);
    snprintf(a.coll, sizeof(a.coll), "%s", uniq(F.pool, "cslot"));
    snprintf(a.key, sizeof(a.key), "accommodation:%s", a.coll);
    fx_close(&F);
    run_children(child_slots, &a);
    fx_open(&F);
    for (slot = 0; slot < 20; slot++) {
        rz_cond_t c = {"slot", RZ_EQ, json_integer(slot)};
        rz_query_t q = {&c, 1, NULL, 0, NULL, 0, 0, 0, 0};
        long n = -1;
        RZ_OK_(rz_store_count(F.s, a.coll, &q, &n));
        json_decref(c.value);
        ck_assert_msg(n == 1, "slot %d has %ld documents", slot, n);
    }
    ck_assert_int_eq(count_in(F.s, a.coll), 20);
    fx_close(&F);
}
END_TEST

/* (c) numbering inside units of work: some roll back; the committed numbers have no gap */
static int child_numbers(rz_sess_t *s, int idx, const void *arg, int *unavail)
{
    const conc_arg_t *a = arg;
    const char *keys[] = {a->key};
    int i, r;

    for (i = 0; i < 10; i++) {
        int64_t v = 0;

        r = step(s, rz_store_begin(s, keys, 1), "begin", idx, unavail);
        if (r == 0) {
            r = step(s, rz_store_counter_next(s, a->id, &v), "counter_next", idx, unavail);
        }
        if (r == 0) {
            json_t *doc = json_pack("{s:I,s:i,s:i}", "n", (json_int_t)v, "child", idx, "i", i);
            usleep(500);
            r = step(s, rz_store_insert(s, a->coll, doc, NULL), "insert", idx, unavail);
            json_decref(doc);
        }
        if (r == 0 && i % 4 == 3) {
            rz_store_rollback(s);
        } else if (r == 0) {
            r = step(s, rz_store_commit(s), "commit", idx, unavail);
        }
        if (r < 0) {
            return 1;
        }
    }
    return 0;
}

START_TEST(test_conc_counter_gapless)
{
    rz_query_t q = {NULL, 0, NULL, 0, "n", 0, 0, 0, 0};
    conc_arg_t a;
    json_t *arr, *d;
    size_t i;

    fx_open(&F);
    snprintf(a.coll, sizeof(a.coll), "%s", uniq(F.pool, "cnum"));
    snprintf(a.id, sizeof(a.id), "%s", uniq(F.pool, "invoice:e:2026")); /* the counter name */
    snprintf(a.key, sizeof(a.key), "counter:%s", a.id);
    fx_close(&F);
    run_children(child_numbers, &a);
    fx_open(&F);
    RZ_OK_(rz_store_find(F.s, a.coll, &q, &arr, NULL));
    ck_assert_uint_eq(json_array_size(arr), NCHILD * 8); /* i = 3 and 7 rolled back */
    json_array_foreach (arr, i, d) {
        ck_assert_msg(field_int(d, "n") == (json_int_t)i + 1, "position %zu holds number %lld", i,
                      (long long)field_int(d, "n"));
    }
    fx_close(&F);
}
END_TEST

/* (d) many short units of work on one key, back to back: every one gets its turn within the 5 s
 * bound (no RZ_UNAVAILABLE, no RZ_ERROR), never two at once (a shared-memory witness), and no
 * increment is lost. Most are empty (the fastest hand-over of the key, the hardest case for the
 * MongoDB lease); every 4th increments a counter; every 8th of those rolls back instead. */
#define STORM_UOWS 100
#define STORM_RMW(i) ((i) % 4 == 0)
#define STORM_ROLLBACK(i) ((i) % 32 == 28)

typedef struct {
    conc_arg_t a;
    volatile int *inside; /* MAP_SHARED: units of work running now, all processes */
    volatile int *overlaps;
} storm_arg_t;

static int child_storm(rz_sess_t *s, int idx, const void *arg, int *unavail)
{
    const storm_arg_t *sa = arg;
    const char *keys[] = {sa->a.key};
    int i, r;

    for (i = 0; i < STORM_UOWS; i++) {
        rz_update_t u = {NULL, NULL, NULL};
        json_t *d = NULL;

        if ((r = step(s, rz_store_begin(s, keys, 1), "begin", idx, unavail)) != 0) {
            if (r < 0) {
                return 1;
            }
            continue;
        }
        if (__sync_add_and_fetch(sa->inside, 1) != 1) {
            __sync_add_and_fetch(sa->overlaps, 1);
        }
        r = 0;
        if (STORM_RMW(i)) {
            r = step(s, rz_store_get(s, sa->a.coll, sa->a.id, &d), "get", idx, unavail);
        }
        if (r == 0 && STORM_RMW(i)) {
            /* no version guard: only the lease keeps this read-modify-write whole */
            u.set = json_pack("{s:I}", "value", field_int(d, "value") + 1);
            r = step(s, rz_store_update(s, sa->a.coll, sa->a.id, &u, -1, NULL), "update", idx,
                     unavail);
            json_decref(u.set);
        }
        __sync_sub_and_fetch(sa->inside, 1);
        if (r == 0 && STORM_ROLLBACK(i)) {
            rz_store_rollback(s);
        } else if (r == 0) {
            r = step(s, rz_store_commit(s), "commit", idx, unavail);
        }
        if (r < 0) {
            return 1;
        }
    }
    return 0;
}

START_TEST(test_conc_lease_storm)
{
    storm_arg_t sa;
    volatile int *shm;
    double t0 = now_s();
    json_t *d;
    int i, expected = 0;

    for (i = 0; i < STORM_UOWS; i++) {
        expected += STORM_RMW(i) && !STORM_ROLLBACK(i);
    }
    shm = mmap(NULL, sizeof(int) * 2, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert(shm != MAP_FAILED);
    shm[0] = shm[1] = 0;
    sa.inside = shm;
    sa.overlaps = shm + 1;
    fx_open(&F);
    snprintf(sa.a.coll, sizeof(sa.a.coll), "%s", uniq(F.pool, "cstorm"));
    snprintf(sa.a.key, sizeof(sa.a.key), "accommodation:%s", sa.a.coll);
    snprintf(sa.a.id, sizeof(sa.a.id), "%s", ins(sa.a.coll, J("{'value':0}")));
    fx_close(&F);
    run_children(child_storm, &sa);
    ck_assert_msg(shm[1] == 0, "%d units of work ran while another held the key", shm[1]);
    fx_open(&F);
    d = get_ok(F.s, sa.a.coll, sa.a.id);
    ck_assert_int_eq(field_int(d, "value"), NCHILD * expected);
    fx_close(&F);
    fprintf(stderr, "test_conc_lease_storm: %d units of work in %.1f s\n", NCHILD * STORM_UOWS,
            now_s() - t0);
    munmap((void *)shm, sizeof(int) * 2);
}
END_TEST

/* ---- SQLite only ---------------------------------------------------------------------------- */

static long pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long v = -1;

    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) {
        v = sqlite3_column_type(st, 0) == SQLITE_TEXT
                ? (strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0 ? 1 : 0)
                : sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

START_TEST(test_sqlite_pragmas)
{
    apr_pool_t *p2;
    rz_sess_t *s2;
    rz_sess_t *ss[2];
    int i;

    ck_assert_int_eq(apr_pool_create(&p2, F.pool), APR_SUCCESS);
    RZ_OK_(rz_store_session(&s2, F.st, p2)); /* a second, freshly opened connection */
    ss[0] = F.s;
    ss[1] = s2;
    for (i = 0; i < 2; i++) {
        sqlite3 *db = rz_store_sqlite_db(ss[i]);
        ck_assert_ptr_nonnull(db);
        ck_assert_int_eq(pragma_int(db, "PRAGMA journal_mode"), 1); /* "wal" */
        ck_assert_int_eq(pragma_int(db, "PRAGMA synchronous"), 2);  /* FULL */
        /* the 5 s lock wait is a wall-clock busy handler (see test_sqlite_busy_writer) */
        ck_assert_int_eq(pragma_int(db, "PRAGMA foreign_keys"), 0);
    }
    ck_assert_ptr_ne(rz_store_sqlite_db(F.s), rz_store_sqlite_db(s2));
}
END_TEST

/* Holds BEGIN IMMEDIATE on the store file in another process: writers give up after 5 s. */
START_TEST(test_sqlite_busy_writer)
{
    const char *c;
    const char *keys[] = {"accommodation:busy"};
    int pfd[2], status;
    pid_t pid;
    double t0, el;
    char b;

    ck_assert_int_eq(pipe(pfd), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        sqlite3 *db;
        close(pfd[0]);
        if (sqlite3_open(g_uri + 7, &db) != SQLITE_OK
            || sqlite3_exec(db, "PRAGMA journal_mode=WAL; BEGIN IMMEDIATE", NULL, NULL, NULL)
                   != SQLITE_OK) {
            _exit(1);
        }
        if (write(pfd[1], "x", 1) != 1) {
            _exit(1);
        }
        sleep(20);
        _exit(0);
    }
    close(pfd[1]);
    ck_assert_int_eq(read(pfd[0], &b, 1), 1);
    fx_open(&F);
    c = uniq(F.pool, "busy");
    t0 = now_s();
    RZ_IS(rz_store_insert(F.s, c, J("{'a':1}"), NULL), RZ_UNAVAILABLE);
    el = now_s() - t0;
    ck_assert_msg(el >= 4.5 && el < 8.0, "insert gave up after %.2f s", el);
    t0 = now_s();
    RZ_IS(rz_store_begin(F.s, keys, 1), RZ_UNAVAILABLE);
    el = now_s() - t0;
    ck_assert_msg(el >= 4.5 && el < 8.0, "begin gave up after %.2f s", el);
    ck_assert_int_eq(rz_store_in_uow(F.s), 0);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    ins(c, J("{'a':2}"));
    ck_assert_int_eq(count_in(F.s, c), 1);
    fx_close(&F);
}
END_TEST

static void skip(const char *name, const char *why)
{
    fprintf(stderr, "SKIP %s: %s\n", name, why);
}

void store_add_uow_tests(Suite *s, void (*setup)(void), void (*teardown)(void))
{
    TCase *uow = tcase_create("unit_of_work");
    TCase *conc = tcase_create("concurrency");
    TCase *sq, *sqb;

    tcase_add_checked_fixture(uow, setup, teardown);
    tcase_set_timeout(uow, 60);
    tcase_add_test(uow, test_uow_commit);
    tcase_add_test(uow, test_uow_rollback);
    tcase_add_test(uow, test_uow_pool_cleanup);
    suite_add_tcase(s, uow);

    tcase_set_timeout(conc, 180);
    tcase_add_test(conc, test_conc_read_modify_write);
    tcase_add_test(conc, test_conc_check_then_insert);
    tcase_add_test(conc, test_conc_counter_gapless);
    tcase_add_test(conc, test_conc_lease_storm);
    suite_add_tcase(s, conc);

    if (!g_is_sqlite) {
        skip("test_sqlite_pragmas", "SQLite-only (store URI is not sqlite:)");
        skip("test_sqlite_busy_writer", "SQLite-only (store URI is not sqlite:)");
        return;
    }
    sq = tcase_create("sqlite_fixture");
    sqb = tcase_create("sqlite_busy");
    tcase_add_checked_fixture(sq, setup, teardown);
    tcase_add_test(sq, test_sqlite_pragmas);
    suite_add_tcase(s, sq);
    tcase_set_timeout(sqb, 40);
    tcase_add_test(sqb, test_sqlite_busy_writer);
    suite_add_tcase(s, sqb);
}
