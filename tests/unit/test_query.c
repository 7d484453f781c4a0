/* test_query.c: unit tests of query parsing and the pagination, sort, q and filter readers. */
#include <apr_pools.h>
#include <apr_strings.h>
#include <check.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_query.h"
#include "unit_suites.h"

static apr_pool_t *pool;
static rz_vctx_t v;
static apr_table_t *q;

static const char *const allowed[] = {"page", "limit",    "sort", "q", "status", "from",
                                      "to",   "isActive", "ref",  "n", NULL};
static const char *const statuses[] = {"pending", "accepted", "cancelled", NULL};
static const char *const sortable[] = {"createdAt", "name", NULL};

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    rz_vctx_init(&v, pool);
    q = NULL;
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static const char *msg(const char *field)
{
    size_t i;
    json_t *d;

    json_array_foreach (v.details, i, d) {
        if (strcmp(json_string_value(json_object_get(d, "field")), field) == 0) {
            return json_string_value(json_object_get(d, "message"));
        }
    }
    return NULL;
}

/* Parses `args` into q with a fresh context; returns the rc. */
static int parse(const char *args)
{
    rz_vctx_init(&v, pool);
    return rz_query_parse(&v, args, allowed, &q);
}

static void parses_to(const char *args, const char *name, const char *value)
{
    ck_assert_msg(parse(args) == 0, "%.200s: %.500s", args, rz_json_dump(pool, v.details, NULL));
    ck_assert_str_eq(apr_table_get(q, name), value);
}

static void parse_fails(const char *args, const char *field, const char *message)
{
    ck_assert_msg(parse(args) == -1, "accepted: %.200s", args);
    ck_assert_msg(msg(field) && strcmp(msg(field), message) == 0, "%.200s: %.500s", args,
                  rz_json_dump(pool, v.details, NULL));
}

/* n copies of unit, in pool. */
static char *repeat(const char *unit, int n)
{
    size_t len = strlen(unit);
    char *s = apr_palloc(pool, len * (size_t)n + 1);
    int i;

    /* linear: the long strings of the limit tests stay cheap under sanitizers */
    for (i = 0; i < n; i++) {
        memcpy(s + len * (size_t)i, unit, len);
    }
    s[len * (size_t)n] = '\0';
    return s;
}

START_TEST(empty_query)
{
    ck_assert_int_eq(parse(NULL), 0);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(apr_table_elts(q)->nelts, 0);
    ck_assert_int_eq(parse(""), 0);
    ck_assert_int_eq(apr_table_elts(q)->nelts, 0);
}
END_TEST

START_TEST(decoding)
{
    parses_to("page=2&limit=10", "limit", "10");
    parses_to("q=caf%C3%A9", "q", "caf\xc3\xa9");
    parses_to("q=caf%c3%a9", "q", "caf\xc3\xa9");
    parses_to("q=a+b", "q", "a+b");
    parses_to("q=a%2Bb%20c", "q", "a+b c");
    parses_to("from=2026-11-25T07:00:00+02:00", "from", "2026-11-25T07:00:00+02:00");
    parses_to("q=a=b", "q", "a=b");
    parses_to("q", "q", "");
    parses_to("q=", "q", "");
    parses_to("&&q=x&", "q", "x");
    parses_to("%71=x", "q", "x");
    parses_to("q=%E2%82%AC%F0%9F%98%80", "q", "\xe2\x82\xac\xf0\x9f\x98\x80");
}
END_TEST

START_TEST(bad_encoding)
{
    parse_fails("q=%zz", "q", "invalid encoding");
    parse_fails("q=%4", "q", "invalid encoding");
    parse_fails("q=%", "q", "invalid encoding");
    parse_fails("q=a%", "q", "invalid encoding");
    parse_fails("q=%00", "q", "invalid encoding");
    parse_fails("q=%FF", "q", "invalid encoding");
    parse_fails("q=%C3", "q", "invalid encoding");
    parse_fails("q=%C0%AF", "q", "invalid encoding");
    parse_fails("q=%ED%A0%80", "q", "invalid encoding");
    parse_fails("q=%F4%90%80%80", "q", "invalid encoding");
    parse_fails("q=\xff", "q", "invalid encoding");
    parse_fails("%zz=1", "query", "invalid encoding");
    parse_fails("q%00=1", "query", "invalid encoding");
}
END_TEST

START_TEST(unknown_and_repeated)
{
    parse_fails("foo=1", "foo", "unknown parameter");
    parse_fails("page=1&Page=2", "Page", "unknown parameter");
    parse_fails("q=a&q=b", "q", "repeated parameter");
    parse_fails("q=a&page=1&q=a", "q", "repeated parameter");
    parse_fails("q&q", "q", "repeated parameter");
    /* every problem is listed */
    ck_assert_int_eq(parse("x=1&y=2&q=1&q=2"), -1);
    ck_assert_uint_eq(json_array_size(v.details), 3);
}
END_TEST

START_TEST(length_limit)
{
    const char *at_limit = apr_pstrcat(pool, "q=", repeat("a", RZ_QUERY_MAX_BYTES - 2), NULL);
    const char *over = apr_pstrcat(pool, at_limit, "a", NULL);

    ck_assert_uint_eq(strlen(at_limit), 2048);
    ck_assert_int_eq(parse(at_limit), 0);
    parse_fails(over, "query", "must be at most 2048 bytes");
}
END_TEST

START_TEST(pagination_params)
{
    rz_page_t p;

    parse("");
    ck_assert_int_eq(rz_query_page(&v, q, &p), 0);
    ck_assert_int_eq(p.page, 1);
    ck_assert_int_eq(p.limit, 20);
    parse("page=1&limit=1");
    ck_assert_int_eq(rz_query_page(&v, q, &p), 0);
    ck_assert_int_eq(p.page, 1);
    ck_assert_int_eq(p.limit, 1);
    parse("page=7&limit=100");
    ck_assert_int_eq(rz_query_page(&v, q, &p), 0);
    ck_assert_int_eq(p.page, 7);
    ck_assert_int_eq(p.limit, 100);
    parse("limit=101");
    ck_assert_int_eq(rz_query_page(&v, q, &p), 0);
    ck_assert_int_eq(p.limit, 100);
    parse("limit=99999999999999999999999");
    ck_assert_int_eq(rz_query_page(&v, q, &p), 0);
    ck_assert_int_eq(p.limit, 100);
    parse("page=1000000000");
    ck_assert_int_eq(rz_query_page(&v, q, &p), 0);
    ck_assert_int_eq(p.page, 1000000000);
}
END_TEST

START_TEST(pagination_params_invalid)
{
    static const char *cases[][3] = {
        {"page=0", "page", "must be at least 1"},
        {"page=-1", "page", "must be at least 1"},
        {"page=abc", "page", "must be an integer"},
        {"page=1.5", "page", "must be an integer"},
        {"page=1e2", "page", "must be an integer"},
        {"page=%2B1", "page", "must be an integer"},
        {"page=1000000001", "page", "must be at most 1000000000"},
        {"page=99999999999999999999999", "page", "must be at most 1000000000"},
        {"limit=0", "limit", "must be at least 1"},
        {"limit=-5", "limit", "must be at least 1"},
        {"limit=ten", "limit", "must be an integer"},
        {"limit=20.0", "limit", "must be an integer"},
    };
    size_t i;
    rz_page_t p;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_int_eq(parse(cases[i][0]), 0);
        ck_assert_msg(rz_query_page(&v, q, &p) == -1, "accepted %s", cases[i][0]);
        ck_assert_msg(msg(cases[i][1]) && strcmp(msg(cases[i][1]), cases[i][2]) == 0, "%s: %s",
                      cases[i][0], rz_json_dump(pool, v.details, NULL));
    }
    parse("page=0&limit=0");
    ck_assert_int_eq(rz_query_page(&v, q, &p), -1);
    ck_assert_uint_eq(json_array_size(v.details), 2);
}
END_TEST

START_TEST(sort_param)
{
    const char *field = NULL;
    int desc = -1;

    parse("");
    ck_assert_int_eq(rz_query_sort(&v, q, sortable, "-createdAt", &field, &desc), 0);
    ck_assert_str_eq(field, "createdAt");
    ck_assert_int_eq(desc, 1);
    parse("sort=name");
    ck_assert_int_eq(rz_query_sort(&v, q, sortable, "-createdAt", &field, &desc), 0);
    ck_assert_str_eq(field, "name");
    ck_assert_int_eq(desc, 0);
    parse("sort=-name");
    ck_assert_int_eq(rz_query_sort(&v, q, sortable, "-createdAt", &field, &desc), 0);
    ck_assert_str_eq(field, "name");
    ck_assert_int_eq(desc, 1);
    parse("sort=createdAt");
    ck_assert_int_eq(rz_query_sort(&v, q, sortable, "name", &field, &desc), 0);
    ck_assert_int_eq(desc, 0);
    parse("");
    ck_assert_int_eq(rz_query_sort(&v, q, sortable, NULL, &field, &desc), 0);
    ck_assert_ptr_null(field);
    ck_assert_int_eq(rz_v_ok(&v), 1);
}
END_TEST

START_TEST(sort_param_invalid)
{
    static const char *bad[] = {"sort=bogus",          "sort=--name",  "sort=-", "sort=Name",
                                "sort=name,createdAt", "sort=%2Bname", NULL};
    const char *field;
    int desc, i;

    for (i = 0; bad[i]; i++) {
        ck_assert_int_eq(parse(bad[i]), 0);
        ck_assert_msg(rz_query_sort(&v, q, sortable, "-createdAt", &field, &desc) == -1,
                      "accepted %s", bad[i]);
        ck_assert_ptr_nonnull(msg("sort"));
    }
}
END_TEST

START_TEST(q_param)
{
    const char *out = "unset";

    parse("");
    ck_assert_int_eq(rz_query_q(&v, q, &out), 0);
    ck_assert_ptr_null(out);
    parse("q=%20%20");
    ck_assert_int_eq(rz_query_q(&v, q, &out), 0);
    ck_assert_ptr_null(out);
    parse("q=%20Ana%C2%A0");
    ck_assert_int_eq(rz_query_q(&v, q, &out), 0);
    ck_assert_str_eq(out, "Ana");
    parse(apr_pstrcat(pool, "q=", repeat("%C3%A9", 100), NULL));
    ck_assert_int_eq(rz_query_q(&v, q, &out), 0);
    ck_assert_str_eq(out, repeat("\xc3\xa9", 100));
    parse(apr_pstrcat(pool, "q=", repeat("%C3%A9", 101), NULL));
    ck_assert_int_eq(rz_query_q(&v, q, &out), -1);
    ck_assert_str_eq(msg("q"), "must be at most 100 characters");
    parse(apr_pstrcat(pool, "q=%20", repeat("a", 100), "%20", NULL));
    ck_assert_int_eq(rz_query_q(&v, q, &out), 0);
    parse("q=a%01b");
    ck_assert_int_eq(rz_query_q(&v, q, &out), -1);
    ck_assert_str_eq(msg("q"), "contains a control character");
    parse("q=.*%5B");
    ck_assert_int_eq(rz_query_q(&v, q, &out), 0);
    ck_assert_str_eq(out, ".*[");
}
END_TEST

START_TEST(bool_param)
{
    int b = -1;

    parse("");
    ck_assert_int_eq(rz_query_bool(&v, q, "isActive", &b), 0);
    ck_assert_int_eq(b, -1);
    parse("isActive=true");
    ck_assert_int_eq(rz_query_bool(&v, q, "isActive", &b), 0);
    ck_assert_int_eq(b, 1);
    parse("isActive=false");
    ck_assert_int_eq(rz_query_bool(&v, q, "isActive", &b), 0);
    ck_assert_int_eq(b, 0);
    parse("isActive=TRUE");
    ck_assert_int_eq(rz_query_bool(&v, q, "isActive", &b), -1);
    ck_assert_str_eq(msg("isActive"), "must be a boolean");
    parse("isActive=1");
    ck_assert_int_eq(rz_query_bool(&v, q, "isActive", &b), -1);
}
END_TEST

START_TEST(int_param)
{
    long n = -99;

    parse("");
    ck_assert_int_eq(rz_query_int(&v, q, "n", 0, 10, &n), 0);
    ck_assert_int_eq(n, -99);
    parse("n=0");
    ck_assert_int_eq(rz_query_int(&v, q, "n", 0, 10, &n), 0);
    ck_assert_int_eq(n, 0);
    parse("n=10");
    ck_assert_int_eq(rz_query_int(&v, q, "n", 0, 10, &n), 0);
    ck_assert_int_eq(n, 10);
    parse("n=11");
    ck_assert_int_eq(rz_query_int(&v, q, "n", 0, 10, &n), -1);
    ck_assert_str_eq(msg("n"), "must be at most 10");
    parse("n=-1");
    ck_assert_int_eq(rz_query_int(&v, q, "n", 0, 10, &n), -1);
    ck_assert_str_eq(msg("n"), "must be at least 0");
    parse("n=5x");
    ck_assert_int_eq(rz_query_int(&v, q, "n", 0, 10, &n), -1);
    ck_assert_str_eq(msg("n"), "must be an integer");
    ck_assert_int_eq(n, 10);
}
END_TEST

START_TEST(id_and_date_params)
{
    const char *s = NULL;

    parse("ref=0123456789abcdef01234567&from=2026-02-28");
    ck_assert_int_eq(rz_query_id(&v, q, "ref", &s), 0);
    ck_assert_str_eq(s, "0123456789abcdef01234567");
    ck_assert_int_eq(rz_query_date(&v, q, "from", &s), 0);
    ck_assert_str_eq(s, "2026-02-28");
    parse("ref=0123456789ABCDEF01234567&from=2026-02-29");
    ck_assert_int_eq(rz_query_id(&v, q, "ref", &s), -1);
    ck_assert_str_eq(msg("ref"), "must be a valid id");
    ck_assert_int_eq(rz_query_date(&v, q, "from", &s), -1);
    ck_assert_str_eq(msg("from"), "must be a valid date (YYYY-MM-DD)");
    parse("from=2101-01-01");
    ck_assert_int_eq(rz_query_date(&v, q, "from", &s), -1);
    parse("from=2100-12-31");
    ck_assert_int_eq(rz_query_date(&v, q, "from", &s), 0);
    s = NULL;
    parse("");
    ck_assert_int_eq(rz_query_id(&v, q, "ref", &s), 0);
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(enum_list_param)
{
    json_t *out = NULL;

    parse("status=pending,accepted");
    ck_assert_int_eq(rz_query_enum_list(&v, q, "status", statuses, &out), 0);
    ck_assert_uint_eq(json_array_size(out), 2);
    ck_assert_str_eq(json_string_value(json_array_get(out, 1)), "accepted");
    parse("status=cancelled");
    ck_assert_int_eq(rz_query_enum_list(&v, q, "status", statuses, &out), 0);
    ck_assert_uint_eq(json_array_size(out), 1);
    parse("status=pending%2Caccepted");
    ck_assert_int_eq(rz_query_enum_list(&v, q, "status", statuses, &out), 0);
    ck_assert_uint_eq(json_array_size(out), 2);
    parse("status=pending,bogus");
    ck_assert_int_eq(rz_query_enum_list(&v, q, "status", statuses, &out), -1);
    ck_assert_str_eq(msg("status"), "must be one of: pending, accepted, cancelled");
    parse("status=pending,");
    ck_assert_int_eq(rz_query_enum_list(&v, q, "status", statuses, &out), -1);
    parse("status=pend");
    ck_assert_int_eq(rz_query_enum_list(&v, q, "status", statuses, &out), -1);
}
END_TEST

START_TEST(date_range)
{
    rz_vctx_init(&v, pool);
    ck_assert_int_eq(rz_query_date_range(&v, "2026-01-01", "2026-01-02", "to"), 0);
    ck_assert_int_eq(rz_query_date_range(&v, "2026-01-01", "2026-01-01", "to"), 0);
    ck_assert_int_eq(rz_query_date_range(&v, NULL, "2026-01-01", "to"), 0);
    ck_assert_int_eq(rz_query_date_range(&v, "2026-01-01", NULL, "to"), 0);
    ck_assert_int_eq(rz_v_ok(&v), 1);
    ck_assert_int_eq(rz_query_date_range(&v, "2026-01-02", "2026-01-01", "checkInTo"), -1);
    ck_assert_ptr_nonnull(msg("checkInTo"));
    ck_assert_int_eq(rz_query_date_range(&v, "2027-01-01", "2026-12-31", "to"), -1);
}
END_TEST

/* Expected totalPages computed the slow way: the smallest n with n * limit >= total. */
static long pages_slow(long total, long limit)
{
    long n = 0;

    while (n * limit < total) {
        n++;
    }
    return n;
}

START_TEST(pagination_object)
{
    static const long totals[] = {0, 1, 19, 20, 21, 57, 60, 61, 100, 101, 1000};
    static const long limits[] = {1, 20, 100};
    static const long pages[] = {1, 2, 3, 4, 50};
    size_t i, j, k;

    for (i = 0; i < sizeof(totals) / sizeof(totals[0]); i++) {
        for (j = 0; j < sizeof(limits) / sizeof(limits[0]); j++) {
            for (k = 0; k < sizeof(pages) / sizeof(pages[0]); k++) {
                rz_page_t p = {pages[k], limits[j]};
                json_t *o = rz_pagination_json(pool, &p, totals[i]);
                long tp = pages_slow(totals[i], limits[j]);
                ck_assert_uint_eq(json_object_size(o), 6);
                ck_assert_int_eq(json_integer_value(json_object_get(o, "page")), p.page);
                ck_assert_int_eq(json_integer_value(json_object_get(o, "limit")), p.limit);
                ck_assert_int_eq(json_integer_value(json_object_get(o, "total")), totals[i]);
                ck_assert_int_eq(json_integer_value(json_object_get(o, "totalPages")), tp);
                ck_assert(json_is_true(json_object_get(o, "hasNextPage")) == (p.page < tp));
                ck_assert(json_is_true(json_object_get(o, "hasPrevPage")) == (p.page > 1));
                ck_assert(json_is_boolean(json_object_get(o, "hasNextPage")));
            }
        }
    }
}
END_TEST

START_TEST(pagination_example)
{
    rz_page_t p = {1, 20};

    ck_assert_str_eq(rz_json_dump(pool, rz_pagination_json(pool, &p, 57), NULL),
                     "{\"page\":1,\"limit\":20,\"total\":57,\"totalPages\":3,\"hasNextPage\":true,"
                     "\"hasPrevPage\":false}");
}
END_TEST

Suite *query_suite(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("query");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, empty_query);
    tcase_add_test(tc, decoding);
    tcase_add_test(tc, bad_encoding);
    tcase_add_test(tc, unknown_and_repeated);
    tcase_add_test(tc, length_limit);
    tcase_add_test(tc, pagination_params);
    tcase_add_test(tc, pagination_params_invalid);
    tcase_add_test(tc, sort_param);
    tcase_add_test(tc, sort_param_invalid);
    tcase_add_test(tc, q_param);
    tcase_add_test(tc, bool_param);
    tcase_add_test(tc, int_param);
    tcase_add_test(tc, id_and_date_params);
    tcase_add_test(tc, enum_list_param);
    tcase_add_test(tc, date_range);
    tcase_add_test(tc, pagination_object);
    tcase_add_test(tc, pagination_example);
    suite_add_tcase(s, tc);
    return s;
}
