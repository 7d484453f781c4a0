/* test_store_read.c: store conformance: reads that take less than whole documents in order
 * (rz_store_find_opt: a projection of top-level fields, matches in any order). */
#include "test_store.h"

#include <stdlib.h>
#include <string.h>

static const char *const shapes[] = {
    "{'a':'x','n':5,'r':0.5,'t':true,'f':false,'z':null,'o':{'p':[1,{'q':'w'}],'e':{}},"
    "'arr':[1,'2',null],'other':'not asked'}",
    "{'a':'caf\u00e9 \\\"q\\\" \\\\ \\n','n':-9007199254740993,'r':1e300,'t':false,'o':[],"
    "'arr':{}}",
    "{'n':0,'other':1}", "{}", NULL};

/* `doc` restricted to "id" and the `fields` it has. */
static json_t *picked(const json_t *doc, const char *const *fields)
{
    json_t *out = P(json_object()), *v;
    int i;

    json_object_set(out, "id", json_object_get(doc, "id"));
    for (i = 0; fields[i]; i++) {
        if ((v = json_object_get(doc, fields[i])) != NULL) {
            json_object_set(out, fields[i], v);
        }
    }
    return out;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The ids of `arr`, sorted, as "id,id,...". */
static const char *id_set(const json_t *arr)
{
    const char *ids[16], *out = "";
    size_t i, n = json_array_size(arr);

    ck_assert_uint_le(n, 16);
    for (i = 0; i < n; i++) {
        ids[i] = json_string_value(json_object_get(json_array_get(arr, i), "id"));
        ck_assert_ptr_nonnull(ids[i]);
    }
    qsort(ids, n, sizeof(ids[0]), cmp_str);
    for (i = 0; i < n; i++) {
        out = apr_pstrcat(F.pool, out, i ? "," : "", ids[i], NULL);
    }
    return out;
}

/* Every projected document is its stored document restricted to id and the asked fields present,
 * with the same JSON types (integer stays integer, null stays null, nested values whole). */
START_TEST(test_projection_values)
{
    static const char *const fields[] = {"a", "n", "r", "t", "f", "z", "o", "arr", NULL};
    const char *c = uniq(F.pool, "prj");
    rz_find_opt_t opt = {fields, 0};
    rz_query_t q;
    json_t *whole, *part, *doc;
    size_t i;
    int k;

    for (k = 0; shapes[k]; k++) {
        ins(c, J(shapes[k]));
    }
    memset(&q, 0, sizeof(q));
    RZ_OK_(rz_store_find(F.s, c, &q, &whole, NULL));
    RZ_OK_(rz_store_find_opt(F.s, c, &q, &opt, &part, NULL));
    ck_assert_uint_eq(json_array_size(whole), (size_t)k);
    ck_assert_uint_eq(json_array_size(part), (size_t)k);
    json_array_foreach (whole, i, doc) { /* same order: both sorted by id */
        json_t *want = picked(doc, fields), *got = json_array_get(part, i);
        char *w = json_dumps(want, JSON_SORT_KEYS), *g = json_dumps(got, JSON_SORT_KEYS);
        ck_assert_msg(json_equal(want, got), "projection %s, want %s", g, w);
        free(w);
        free(g);
        ck_assert_ptr_null(json_object_get(got, "version"));
        ck_assert_ptr_null(json_object_get(got, "other"));
    }
}
END_TEST

/* A projection keeps the query's filter, sort, skip, limit and total. */
START_TEST(test_projection_with_query)
{
    static const char *const fields[] = {"k", NULL};
    const char *c = uniq(F.pool, "prq");
    rz_find_opt_t opt = {fields, 0};
    rz_cond_t gt = {"k", RZ_GT, J("2")};
    rz_query_t q;
    json_t *arr;
    long total = -1;
    int i;

    for (i = 1; i <= 6; i++) {
        ins(c, P(json_pack("{s:i,s:s}", "k", 7 - i, "pad", "x")));
    }
    memset(&q, 0, sizeof(q));
    q.all = &gt;
    q.nall = 1;
    q.sort = "k";
    q.sort_desc = 1;
    q.skip = 1;
    q.limit = 2;
    q.want_total = 1;
    RZ_OK_(rz_store_find_opt(F.s, c, &q, &opt, &arr, &total));
    ck_assert_int_eq(total, 4);
    ck_assert_uint_eq(json_array_size(arr), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, 0), "k")), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, 1), "k")), 4);
    ck_assert_uint_eq(json_object_size(json_array_get(arr, 0)), 2); /* id and k */
}
END_TEST

/* Unordered: the same matches as the ordered query (a limit takes that many of them); with or
 * without a projection. */
START_TEST(test_unordered)
{
    static const char *const fields[] = {"k", NULL};
    const char *c = uniq(F.pool, "uno"), *all;
    rz_find_opt_t any = {NULL, 1}, any_k = {fields, 1};
    rz_cond_t odd = {"tag", RZ_EQ, J("'odd'")};
    rz_query_t q;
    json_t *ordered, *arr;
    size_t i;

    for (i = 0; i < 9; i++) {
        ins(c, P(json_pack("{s:i,s:s}", "k", (int)i, "tag", i % 2 ? "odd" : "even")));
    }
    memset(&q, 0, sizeof(q));
    q.all = &odd;
    q.nall = 1;
    RZ_OK_(rz_store_find(F.s, c, &q, &ordered, NULL));
    ck_assert_uint_eq(json_array_size(ordered), 4);
    all = id_set(ordered);
    RZ_OK_(rz_store_find_opt(F.s, c, &q, &any, &arr, NULL));
    ck_assert_str_eq(id_set(arr), all);
    json_array_foreach (arr, i, ordered) {
        ck_assert_str_eq(json_string_value(json_object_get(ordered, "tag")), "odd");
    }
    RZ_OK_(rz_store_find_opt(F.s, c, &q, &any_k, &arr, NULL));
    ck_assert_str_eq(id_set(arr), all);
    ck_assert_ptr_null(json_object_get(json_array_get(arr, 0), "tag"));
    q.limit = 3;
    RZ_OK_(rz_store_find_opt(F.s, c, &q, &any, &arr, NULL));
    ck_assert_uint_eq(json_array_size(arr), 3);
}
END_TEST

START_TEST(test_find_opt_validation)
{
    static const char *const dotted[] = {"a.b", NULL}, *const id[] = {"id", NULL},
                             *const version[] = {"version", NULL}, *const none[] = {NULL},
                             *const twice[] = {"a", "b", "a", NULL}, *const nine[] = {"a", "b", "c",
                                                                                      "d", "e", "f",
                                                                                      "g", "h", "i",
                                                                                      NULL},
                             *const bad[] = {"1a", NULL}, *const eight[] = {"a", "b", "c", "d", "e",
                                                                            "f", "g", "h", NULL};
    const char *const *invalid[] = {dotted, id, version, none, twice, nine, bad, NULL};
    const char *c = uniq(F.pool, "fov");
    rz_find_opt_t opt = {NULL, 0};
    rz_query_t q;
    json_t *arr;
    int i;

    ins(c, J("{'a':1}"));
    memset(&q, 0, sizeof(q));
    for (i = 0; invalid[i]; i++) {
        opt.fields = invalid[i];
        RZ_IS(rz_store_find_opt(F.s, c, &q, &opt, &arr, NULL), RZ_INVALID);
        ck_assert_ptr_null(arr);
    }
    opt.fields = eight;
    RZ_OK_(rz_store_find_opt(F.s, c, &q, &opt, &arr, NULL));
    ck_assert_uint_eq(json_array_size(arr), 1);
    opt.fields = NULL;
    opt.unordered = 1;
    q.sort = "a";
    RZ_IS(rz_store_find_opt(F.s, c, &q, &opt, &arr, NULL), RZ_INVALID);
    q.sort = NULL;
    q.skip = 1;
    RZ_IS(rz_store_find_opt(F.s, c, &q, &opt, &arr, NULL), RZ_INVALID);
    q.skip = 0;
    RZ_OK_(rz_store_find_opt(F.s, c, &q, NULL, &arr, NULL)); /* NULL opt: whole documents */
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, 0), "version")), 1);
}
END_TEST

void store_add_read_tests(TCase *tc)
{
    tcase_add_test(tc, test_projection_values);
    tcase_add_test(tc, test_projection_with_query);
    tcase_add_test(tc, test_unordered);
    tcase_add_test(tc, test_find_opt_validation);
}
