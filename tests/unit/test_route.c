/* test_route.c: unit tests of route matching over a given table (core/rz_route_match): literal
 * beats {id}, HEAD, 404/405 with Allow, path parameters, segment limits, and the SPEC 2.1
 * raw-path rules. */
#include <apr_pools.h>
#include <check.h>
#include <string.h>

#include "core/rz_route_match.h"
#include "unit_suites.h"

typedef struct {
    int tag; /* rows may hold anything else: the matcher reads method and pattern only */
    const char *pattern;
    const char *method;
} row_t;

static const row_t rows[] = {
    {1, "/api/users", "GET"},
    {2, "/api/users", "POST"},
    {3, "/api/users/stats", "GET"},
    {4, "/api/users/{id}", "GET"},
    {5, "/api/users/{id}", "PATCH"},
    {6, "/api/images/{id}/{size}", "GET"},
    {7, "/api/images/{id}/{size}", "DELETE"},
    {8, "/api/{kind}/{id}/notes", "POST"},
};

static apr_pool_t *pool;
static const rz_route_table_t table =
    RZ_ROUTE_TABLE(rows, (int)(sizeof(rows) / sizeof(rows[0])), row_t);
static const char *params[RZ_MAX_SEGMENTS], *allow;
static int nparams, status;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* The tag of the row matched, or -status. */
static int match(const char *method, const char *path)
{
    int i = rz_route_match(pool, &table, method, path, params, &nparams, &status, &allow);

    return i < 0 ? -status : rows[i].tag;
}

START_TEST(literal_beats_parameter)
{
    ck_assert_int_eq(match("GET", "/api/users/stats"), 3);
    ck_assert_int_eq(nparams, 0);
    ck_assert_int_eq(match("GET", "/api/users/65a0b0c0d0e0f00112233445"), 4);
    ck_assert_int_eq(nparams, 1);
    ck_assert_str_eq(params[0], "65a0b0c0d0e0f00112233445");
    ck_assert_int_eq(status, 200);
    /* "notes" is literal in row 8 only: the leftmost literal wins over later ones */
    ck_assert_int_eq(match("POST", "/api/users/x/notes"), 8);
    ck_assert_int_eq(nparams, 2);
    ck_assert_str_eq(params[0], "users");
    ck_assert_str_eq(params[1], "x");
}
END_TEST

START_TEST(methods_head_and_405)
{
    ck_assert_int_eq(match("HEAD", "/api/users"), 1);
    ck_assert_int_eq(match("POST", "/api/users"), 2);
    ck_assert_int_eq(match("DELETE", "/api/users"), -405);
    ck_assert_str_eq(allow, "GET, HEAD, POST");
    ck_assert_int_eq(match("PUT", "/api/images/a/small"), -405);
    ck_assert_str_eq(allow, "GET, HEAD, DELETE");
    ck_assert_int_eq(match("DELETE", "/api/images/a/small"), 7);
    ck_assert_str_eq(params[1], "small");
    /* the best pattern decides: stats has GET only, though {id} has PATCH */
    ck_assert_int_eq(match("PATCH", "/api/users/stats"), -405);
    ck_assert_str_eq(allow, "GET, HEAD");
}
END_TEST

START_TEST(not_found)
{
    ck_assert_int_eq(match("GET", "/api/nothing"), -404);
    ck_assert_ptr_null(allow);
    ck_assert_int_eq(match("GET", "/api/users/a/b/c"), -404);
    ck_assert_int_eq(match("GET", "/api"), -404);
    ck_assert_int_eq(match("GET", ""), -404);
    /* more than RZ_MAX_SEGMENTS segments: 404 whatever the table */
    ck_assert_int_eq(match("GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m"), -404);
    /* empty segments are skipped (the raw-path rules refuse them earlier) */
    ck_assert_int_eq(match("GET", "/api//users"), 1);
}
END_TEST

START_TEST(raw_path_rules)
{
    ck_assert_int_eq(rz_route_raw_path_rejected("/api"), 0);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/users/stats"), 0);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/users/"), 1);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api//users"), 1);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/users%2Fx"), 1);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/users%2fx"), 1);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/users%00"), 1);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/./users"), 1);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/%2e%2E/users"), 1);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/.%2e"), 1);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/...%2e"), 0);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/%2e%2e%2e%2e%2e%2e%2e%2e"), 0);
    ck_assert_int_eq(rz_route_raw_path_rejected("/api/a%2"), 0);
    ck_assert_int_eq(rz_route_raw_path_rejected(""), 0);
    ck_assert_int_eq(rz_route_raw_path_rejected(NULL), 0);
}
END_TEST

Suite *route_suite(void)
{
    Suite *s = suite_create("route");
    TCase *tc = tcase_create("route");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, literal_beats_parameter);
    tcase_add_test(tc, methods_head_and_405);
    tcase_add_test(tc, not_found);
    tcase_add_test(tc, raw_path_rules);
    suite_add_tcase(s, tc);
    return s;
}
