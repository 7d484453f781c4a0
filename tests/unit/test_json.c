/* test_json.c: unit tests of the body rules and canonical form of rz_json.c (SPEC 2.1, 8.1). */
#include <apr_pools.h>
#include <apr_strings.h>
#include <check.h>
#include <string.h>

#include "core/rz_json.h"
#include "unit_suites.h"

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* Parses a NUL-terminated body; *why gets the reason on failure. */
static json_t *parse(const char *body, const char **why)
{
    *why = NULL;
    return rz_json_parse_body(pool, body, strlen(body), why);
}

static void assert_rejected(const char *body)
{
    const char *why;
    json_t *v = parse(body, &why);

    ck_assert_msg(v == NULL, "body accepted: %s", body);
    ck_assert_ptr_nonnull(why);
}

static void assert_accepted(const char *body)
{
    const char *why;
    json_t *v = parse(body, &why);

    ck_assert_msg(v != NULL, "body rejected (%s): %s", why ? why : "?", body);
    ck_assert(json_is_object(v));
}

/* {"a":{"a":...{}...}} with `depth` objects in total. */
static char *nested_objects(int depth)
{
    char *s = "";
    int i;

    for (i = 1; i < depth; i++) {
        s = apr_pstrcat(pool, s, "{\"a\":", NULL);
    }
    s = apr_pstrcat(pool, s, "{}", NULL);
    for (i = 1; i < depth; i++) {
        s = apr_pstrcat(pool, s, "}", NULL);
    }
    return s;
}

/* {"a":[[...[1]...]]}: one object holding depth-1 arrays. */
static char *nested_arrays(int depth)
{
    char *s = "{\"a\":";
    int i;

    for (i = 1; i < depth; i++) {
        s = apr_pstrcat(pool, s, "[", NULL);
    }
    s = apr_pstrcat(pool, s, "1", NULL);
    for (i = 1; i < depth; i++) {
        s = apr_pstrcat(pool, s, "]", NULL);
    }
    return apr_pstrcat(pool, s, "}", NULL);
}

START_TEST(empty_body_is_empty_object)
{
    const char *why = NULL;
    json_t *v = rz_json_parse_body(pool, "", 0, &why);

    ck_assert_ptr_nonnull(v);
    ck_assert(json_is_object(v));
    ck_assert_uint_eq(json_object_size(v), 0);
}
END_TEST

START_TEST(top_level_must_be_object)
{
    const char *why;

    assert_rejected("[]");
    assert_rejected("[{\"a\":1}]");
    assert_rejected("\"x\"");
    assert_rejected("1");
    assert_rejected("null");
    assert_rejected("true");
    ck_assert_ptr_null(parse("[1]", &why));
    ck_assert_str_eq(why, "top level must be an object");
    assert_accepted("{}");
    assert_accepted(" {\"a\":1} \n");
}
END_TEST

START_TEST(duplicate_keys)
{
    const char *why;

    ck_assert_ptr_null(parse("{\"a\":1,\"a\":2}", &why));
    ck_assert_str_eq(why, "duplicate object key");
    assert_rejected("{\"x\":{\"b\":1,\"b\":1}}");
    assert_rejected("{\"x\":[{\"b\":1,\"b\":null}]}");
    assert_accepted("{\"a\":1,\"b\":{\"a\":2}}");
}
END_TEST

START_TEST(depth_limit)
{
    const char *why;

    ck_assert_int_eq(rz_json_depth(rz_json_pool_own(pool, json_pack("{s:o}", "a", json_object()))),
                     2);
    assert_accepted(nested_objects(1));
    assert_accepted(nested_objects(RZ_JSON_MAX_DEPTH));
    ck_assert_ptr_null(parse(nested_objects(RZ_JSON_MAX_DEPTH + 1), &why));
    ck_assert_str_eq(why, "nesting deeper than 32");
    assert_accepted(nested_arrays(RZ_JSON_MAX_DEPTH));
    assert_rejected(nested_arrays(RZ_JSON_MAX_DEPTH + 1));
    assert_rejected(nested_objects(200));
}
END_TEST

START_TEST(invalid_utf8)
{
    assert_rejected("{\"a\":\"\xff\"}");
    assert_rejected("{\"a\":\"\xc0\xaf\"}");     /* overlong '/' */
    assert_rejected("{\"a\":\"\xed\xa0\x80\"}"); /* UTF-16 surrogate encoded in UTF-8 */
    assert_rejected("{\"a\":\"\xc3\"}");         /* truncated sequence */
    assert_rejected("{\"\xfe\":1}");             /* in a key */
    assert_rejected("{\"a\":\"\\ud800\"}");      /* lone surrogate escape */
    assert_accepted("{\"a\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}");
    assert_accepted("{\"a\":\"\\ud83d\\ude00\"}");
}
END_TEST

START_TEST(nan_infinity)
{
    assert_rejected("{\"a\":NaN}");
    assert_rejected("{\"a\":Infinity}");
    assert_rejected("{\"a\":-Infinity}");
    assert_rejected("{\"a\":1e400}"); /* overflows a double */
    assert_accepted("{\"a\":1.5e300}");
}
END_TEST

START_TEST(nul_and_controls)
{
    const char *why;
    json_t *v;

    assert_rejected("{\"a\":\"x\\u0000y\"}");
    assert_rejected("{\"a\\u0000\":1}");
    /* other C0 controls parse here and are refused by validation */
    v = parse("{\"a\":\"x\\u0001y\"}", &why);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(json_string_value(json_object_get(v, "a")), "x\001y");
    /* a raw NUL byte inside the buffer */
    ck_assert_ptr_null(rz_json_parse_body(pool, "{\"a\":\"x\0\"}", 9, &why));
}
END_TEST

START_TEST(bom_and_trailing_garbage)
{
    assert_rejected("\xef\xbb\xbf{}");
    assert_rejected("{} x");
    assert_rejected("{}{}");
    assert_rejected("{\"a\":1},");
    assert_rejected("{\"a\":1");
    assert_rejected("   ");
    assert_accepted("{}\r\n\t ");
}
END_TEST

START_TEST(safe_integer_range)
{
    const char *why;
    json_t *v;

    v = parse("{\"a\":9007199254740991,\"b\":-9007199254740991}", &why);
    ck_assert_ptr_nonnull(v);
    ck_assert(json_integer_value(json_object_get(v, "a")) == RZ_JSON_MAX_SAFE_INT);
    ck_assert(json_integer_value(json_object_get(v, "b")) == -RZ_JSON_MAX_SAFE_INT);
    ck_assert_ptr_null(parse("{\"a\":9007199254740992}", &why));
    ck_assert_str_eq(why, "integer out of range (beyond +-(2^53-1))");
    assert_rejected("{\"a\":-9007199254740992}");
    assert_rejected("{\"a\":[1,{\"b\":9007199254740992}]}");
    assert_rejected("{\"a\":99999999999999999999999}"); /* beyond int64 */
    /* a real is not an integer: parsing keeps it, money validation refuses it */
    assert_accepted("{\"a\":9007199254740992.0}");
}
END_TEST

START_TEST(canonical_form)
{
    json_t *a = rz_json_pool_own(pool, json_object());
    json_t *b = rz_json_pool_own(pool, json_object());
    const char *why;
    json_t *p;

    json_object_set_new(a, "b", json_integer(1));
    json_object_set_new(a, "a", json_pack("{s:s, s:i}", "d", "\xc3\xa9\xf0\x9f\x98\x80", "c", 2));
    json_object_set_new(b, "a", json_pack("{s:i, s:s}", "c", 2, "d", "\xc3\xa9\xf0\x9f\x98\x80"));
    json_object_set_new(b, "b", json_integer(1));
    ck_assert_str_eq(rz_json_canonical(pool, a), rz_json_canonical(pool, b));
    /* SPEC 8.1 defines the form by jansson's flags: \uXXXX escapes come out in uppercase hex */
    ck_assert_str_eq(rz_json_canonical(pool, a),
                     "{\"a\":{\"c\":2,\"d\":\"\\u00E9\\uD83D\\uDE00\"},\"b\":1}");
    /* keys sort by bytes: uppercase before lowercase, shorter prefix first */
    p = parse("{\"ab\":0,\"a\":1,\"B\":[true,null,0.1]}", &why);
    ck_assert_str_eq(rz_json_canonical(pool, p),
                     "{\"B\":[true,null,0.10000000000000001],\"a\":1,\"ab\":0}");
    ck_assert_ptr_null(rz_json_canonical(pool, NULL));
    ck_assert_str_eq(rz_json_canonical(pool, rz_json_pool_own(pool, json_string("x"))), "\"x\"");
}
END_TEST

START_TEST(dump_output)
{
    json_t *o = rz_json_pool_own(pool, json_object());
    size_t len = 0;
    const char *s;

    json_object_set_new(o, "z", json_real(73.45));
    json_object_set_new(o, "a", json_string("\xc3\xa9"));
    s = rz_json_dump(pool, o, &len);
    ck_assert_str_eq(s, "{\"z\":73.45,\"a\":\"\xc3\xa9\"}");
    ck_assert_uint_eq(len, strlen(s));
}
END_TEST

START_TEST(depth_helper)
{
    const char *why;

    ck_assert_int_eq(rz_json_depth(rz_json_pool_own(pool, json_integer(1))), 0);
    ck_assert_int_eq(rz_json_depth(parse("{}", &why)), 1);
    ck_assert_int_eq(rz_json_depth(parse("{\"a\":[1,{\"b\":[]}]}", &why)), 4);
}
END_TEST

START_TEST(dotted_paths)
{
    json_t *root = rz_json_pool_own(pool, json_object());

    ck_assert_int_eq(rz_json_path_set_new(root, "a.b.c", json_integer(7)), 0);
    ck_assert_int_eq(json_integer_value(rz_json_path_get(root, "a.b.c")), 7);
    ck_assert(json_is_object(rz_json_path_get(root, "a.b")));
    ck_assert_ptr_null(rz_json_path_get(root, "a.x"));
    ck_assert_ptr_null(rz_json_path_get(root, "a..b"));
    ck_assert_int_eq(rz_json_path_set_new(root, "a.b.c.d", json_integer(1)), -1);
    ck_assert_int_eq(rz_json_path_set_new(root, "", json_integer(1)), -1);
}
END_TEST

Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("body");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, empty_body_is_empty_object);
    tcase_add_test(tc, top_level_must_be_object);
    tcase_add_test(tc, duplicate_keys);
    tcase_add_test(tc, depth_limit);
    tcase_add_test(tc, invalid_utf8);
    tcase_add_test(tc, nan_infinity);
    tcase_add_test(tc, nul_and_controls);
    tcase_add_test(tc, bom_and_trailing_garbage);
    tcase_add_test(tc, safe_integer_range);
    tcase_add_test(tc, canonical_form);
    tcase_add_test(tc, dump_output);
    tcase_add_test(tc, depth_helper);
    tcase_add_test(tc, dotted_paths);
    suite_add_tcase(s, tc);
    return s;
}
