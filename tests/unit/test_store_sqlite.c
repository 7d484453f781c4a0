/* test_store_sqlite.c: store tests of the SQLite backend's machinery: the statement cache of each
 * connection, the connection pool (apr_reslist), and the schema state kept per store. */
#include "test_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/rz_migrations.h"

/* test hooks defined in store/rz_store_sqlite_conn.c and _stmt.c */
sqlite3 *rz_store_sqlite_db(rz_sess_t *s);
int rz_store_sqlite_stmt_stats(rz_sess_t *s, unsigned long *hits, unsigned long *misses,
                               int *cached);

typedef struct {
    unsigned long hits, misses;
    int cached;
} stats_t;

static stats_t stats(rz_sess_t *s)
{
    stats_t st;

    ck_assert_int_eq(rz_store_sqlite_stmt_stats(s, &st.hits, &st.misses, &st.cached), 0);
    return st;
}

/* 1 when a statement of the session's connection is still running (holding a read snapshot). */
static int any_busy(rz_sess_t *s)
{
    sqlite3 *db = rz_store_sqlite_db(s);
    sqlite3_stmt *st = NULL;

    while ((st = sqlite3_next_stmt(db, st)) != NULL) {
        if (sqlite3_stmt_busy(st)) {
            return 1;
        }
    }
    return 0;
}

START_TEST(test_sqlite_statements_are_reused)
{
    const char *c = uniq(F.pool, "stc"), *id = ins(c, J("{'k':1}"));
    json_t *d;
    stats_t a, b;
    int i;

    RZ_OK_(rz_store_get(F.s, c, id, &d)); /* prepares (or finds) the get of c */
    a = stats(F.s);
    for (i = 0; i < 5; i++) {
        RZ_OK_(rz_store_get(F.s, c, id, &d));
        ck_assert_int_eq(json_integer_value(json_object_get(d, "k")), 1);
    }
    b = stats(F.s);
    ck_assert_uint_eq(b.misses, a.misses); /* nothing prepared again */
    ck_assert_uint_eq(b.hits, a.hits + 5);
    ck_assert_int_eq(b.cached, a.cached);
    /* every statement was reset after use: no read snapshot stays open between calls */
    ck_assert_int_eq(any_busy(F.s), 0);
    ck_assert_int_eq(sqlite3_get_autocommit(rz_store_sqlite_db(F.s)), 1);
}
END_TEST

/* A cached statement never answers from an old snapshot: another connection's commit is seen. */
START_TEST(test_sqlite_cached_reads_see_new_commits)
{
    const char *c = uniq(F.pool, "fresh"), *id = ins(c, J("{'n':1}"));
    rz_update_t u = {J("{'n':2}"), NULL, NULL};
    rz_query_t q = {NULL, 0, NULL, 0, "n", 0, 0, 10, 1};
    apr_pool_t *p2;
    rz_sess_t *s2;
    json_t *d, *arr;
    long total = 0;

    RZ_OK_(rz_store_get(F.s, c, id, &d));
    RZ_OK_(rz_store_find(F.s, c, &q, &arr, &total));
    ck_assert_int_eq(apr_pool_create(&p2, F.pool), APR_SUCCESS);
    RZ_OK_(rz_store_session(&s2, F.st, p2));
    ck_assert_ptr_ne(rz_store_sqlite_db(s2), rz_store_sqlite_db(F.s));
    RZ_OK_(rz_store_update(s2, c, id, &u, -1, NULL));
    ck_assert_int_eq(rz_store_insert(s2, c, J("{'n':3}"), NULL), RZ_OK);
    RZ_OK_(rz_store_get(F.s, c, id, &d));
    ck_assert_int_eq(json_integer_value(json_object_get(d, "n")), 2);
    RZ_OK_(rz_store_find(F.s, c, &q, &arr, &total));
    ck_assert_int_eq(total, 2);
    ck_assert_int_eq(json_array_size(arr), 2);
    apr_pool_destroy(p2);
}
END_TEST

/* Pages differ only in bound LIMIT/OFFSET values: one cached statement serves them all. */
START_TEST(test_sqlite_pages_share_a_statement)
{
    const char *c = uniq(F.pool, "pages");
    rz_query_t q = {NULL, 0, NULL, 0, "k", 0, 0, 2, 0};
    json_t *arr;
    stats_t a, b;
    long skip;
    int i;

    for (i = 0; i < 7; i++) {
        ins(c, P(json_pack("{s:i}", "k", i)));
    }
    RZ_OK_(rz_store_find(F.s, c, &q, &arr, NULL));
    a = stats(F.s);
    for (skip = 2; skip < 8; skip += 2) {
        q.skip = skip;
        RZ_OK_(rz_store_find(F.s, c, &q, &arr, NULL));
        ck_assert_int_eq(json_array_size(arr), skip < 6 ? 2 : 1);
        ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, 0), "k")), skip);
    }
    b = stats(F.s);
    ck_assert_uint_eq(b.misses, a.misses);
    ck_assert_uint_eq(b.hits, a.hits + 3);
}
END_TEST

/* Distinct SQL texts (IN lists of 1..200 items) keep the cache at its bound, oldest dropped. */
START_TEST(test_sqlite_cache_is_bounded)
{
    const char *c = uniq(F.pool, "bound");
    rz_cond_t in = {"k", RZ_IN, NULL};
    json_t *arr, *list = P(json_array());
    stats_t a, b;
    int i;

    ins(c, J("{'k':0}"));
    for (i = 0; i < 200; i++) {
        json_array_append_new(list, json_integer(i));
        in.value = list;
        RZ_OK_(rz_store_find_one(F.s, c, &in, 1, &arr));
        b = stats(F.s);
        ck_assert_int_le(b.cached, 128);
    }
    ck_assert_int_eq(b.cached, 128);
    /* the one-item list was dropped long ago: asking it again prepares it again */
    a = stats(F.s);
    in.value = J("[0]");
    RZ_OK_(rz_store_find_one(F.s, c, &in, 1, &arr));
    b = stats(F.s);
    ck_assert_uint_eq(b.misses, a.misses + 1);
}
END_TEST

/* A session's connection goes back to the store's pool, statements and all, when its pool ends. */
START_TEST(test_sqlite_connections_are_pooled)
{
    const char *c = uniq(F.pool, "pool"), *id = ins(c, J("{'k':1}"));
    apr_pool_t *p2, *p3;
    rz_sess_t *s2, *s3;
    sqlite3 *db;
    json_t *d;
    stats_t a, b;

    ck_assert_int_eq(apr_pool_create(&p2, F.pool), APR_SUCCESS);
    RZ_OK_(rz_store_session(&s2, F.st, p2));
    db = rz_store_sqlite_db(s2);
    RZ_OK_(rz_store_get(s2, c, id, &d));
    a = stats(s2);
    apr_pool_destroy(p2);
    ck_assert_int_eq(apr_pool_create(&p3, F.pool), APR_SUCCESS);
    RZ_OK_(rz_store_session(&s3, F.st, p3));
    ck_assert_ptr_eq(rz_store_sqlite_db(s3), db); /* the idle one, not a new connection */
    RZ_OK_(rz_store_get(s3, c, id, &d));
    b = stats(s3);
    ck_assert_uint_eq(b.misses, a.misses);
    ck_assert_uint_eq(b.hits, a.hits + 1);
    apr_pool_destroy(p3);
}
END_TEST

/* A unit of work left open by a session's pool is rolled back before the connection is reused. */
START_TEST(test_sqlite_pooled_connection_is_clean)
{
    const char *c = uniq(F.pool, "clean");
    apr_pool_t *p2, *p3;
    rz_sess_t *s2, *s3;

    ck_assert_int_eq(apr_pool_create(&p2, F.pool), APR_SUCCESS);
    RZ_OK_(rz_store_session(&s2, F.st, p2));
    RZ_OK_(rz_store_begin(s2, NULL, 0));
    ck_assert_int_eq(rz_store_insert(s2, c, J("{'k':1}"), NULL), RZ_OK);
    apr_pool_destroy(p2);
    ck_assert_int_eq(apr_pool_create(&p3, F.pool), APR_SUCCESS);
    RZ_OK_(rz_store_session(&s3, F.st, p3));
    ck_assert_int_eq(sqlite3_get_autocommit(rz_store_sqlite_db(s3)), 1);
    ck_assert_int_eq(any_busy(s3), 0);
    ck_assert_int_eq(count_all(c), 0);
    apr_pool_destroy(p3);
}
END_TEST

static void remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", NULL};
    char buf[512];
    int i;

    for (i = 0; suffix[i]; i++) {
        snprintf(buf, sizeof(buf), "%s%s", path, suffix[i]);
        unlink(buf);
    }
}

/* Two stores in one process: each has its own schema state (the first one found current does not
 * mark the other current, and one found behind does not stop the other). */
START_TEST(test_schema_state_is_per_store)
{
    const char *other_uri = apr_psprintf(F.pool, "%s.other-%d.db", g_uri, (int)getpid());
    const char *err = NULL;
    rz_store_t *other;
    rz_sess_t *so;
    int version, first, i;

    RZ_OK_(rz_migrations_run(F.s, NULL, &err));
    RZ_OK_(rz_store_open(&other, other_uri, F.pool, &err));
    RZ_OK_(rz_store_session(&so, other, F.pool));
    for (i = 0; i < 2; i++) { /* the current store first, then the other */
        RZ_OK_(rz_migrations_require(F.s, &version, &first));
        ck_assert_int_eq(first, 0);
        ck_assert_int_eq(rz_migrations_require(so, &version, &first), RZ_SCHEMA_BEHIND);
        ck_assert_int_eq(first, i == 0); /* reported once */
        if (i == 0) {
            ck_assert_int_eq(version, 0);
        }
    }
    RZ_OK_(rz_migrations_require(F.s, &version, &first));
    ck_assert_int_eq(version, -1); /* remembered, not asked again */
    remove_db(other_uri + 7);
}
END_TEST

void store_add_sqlite_tests(Suite *s, void (*setup)(void), void (*teardown)(void))
{
    TCase *tc;

    if (!g_is_sqlite) {
        fprintf(stderr, "SKIP test_store_sqlite.c (statement cache, connection pool, schema "
                        "state of two stores): SQLite-only (store URI is not sqlite:)\n");
        return;
    }
    tc = tcase_create("sqlite_machinery");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sqlite_statements_are_reused);
    tcase_add_test(tc, test_sqlite_cached_reads_see_new_commits);
    tcase_add_test(tc, test_sqlite_pages_share_a_statement);
    tcase_add_test(tc, test_sqlite_cache_is_bounded);
    tcase_add_test(tc, test_sqlite_connections_are_pooled);
    tcase_add_test(tc, test_sqlite_pooled_connection_is_clean);
    tcase_add_test(tc, test_schema_state_is_per_store);
    suite_add_tcase(s, tc);
}
