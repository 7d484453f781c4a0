/* test_store_write.c: store conformance: update (set/unset/inc, compare-and-set), delete, counters,
 * migrations. */
#include "test_store.h"

#include <string.h>

#include "store/rz_migrations.h"

/* ---- update, delete, counters --------------------------------------------------------------- */

START_TEST(test_update)
{
    const char *c = uniq(F.pool, "upd"), *id;
    json_t *out, *got, *before;
    rz_update_t u = {NULL, NULL, NULL};

    id = ins(c, J("{'name':'a','addr':{'city':'X','zip':'1'},'n':5,'r':0.5,'tags':['a']}"));
    u.set = J("{'name':'b','addr.city':'Y','new.deep.x':1,'nul':null}");
    RZ_OK_(rz_store_update(F.s, c, id, &u, -1, &out));
    ck_assert_int_eq(json_integer_value(json_object_get(out, "version")), 2);
    ck_assert_str_eq(json_string_value(json_object_get(out, "name")), "b");
    ck_assert_str_eq(json_string_value(rz_json_path_get(out, "addr.city")), "Y");
    ck_assert_str_eq(json_string_value(rz_json_path_get(out, "addr.zip")), "1");
    ck_assert_int_eq(json_integer_value(rz_json_path_get(out, "new.deep.x")), 1);
    ck_assert(json_is_null(json_object_get(out, "nul")));
    ck_assert_str_eq(json_string_value(json_object_get(out, "id")), id);
    RZ_OK_(rz_store_get(F.s, c, id, &got));
    ck_assert(json_equal(got, out));

    u.set = NULL;
    u.unset = J("['addr.zip','missing.path','tags','nothing']");
    RZ_OK_(rz_store_update(F.s, c, id, &u, -1, &out));
    ck_assert_int_eq(json_integer_value(json_object_get(out, "version")), 3);
    ck_assert_ptr_null(rz_json_path_get(out, "addr.zip"));
    ck_assert_str_eq(json_string_value(rz_json_path_get(out, "addr.city")), "Y");
    ck_assert_ptr_null(json_object_get(out, "tags"));

    u.unset = NULL;
    u.inc = J("{'n':3,'cnt':2,'addr.visits':-1,'r':1}");
    RZ_OK_(rz_store_update(F.s, c, id, &u, -1, &out));
    ck_assert_int_eq(json_integer_value(json_object_get(out, "version")), 4);
    ck_assert(json_is_integer(json_object_get(out, "n")));
    ck_assert_int_eq(json_integer_value(json_object_get(out, "n")), 8);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "cnt")), 2);
    ck_assert_int_eq(json_integer_value(rz_json_path_get(out, "addr.visits")), -1);
    ck_assert(json_real_value(json_object_get(out, "r")) == 1.5);

    /* all three at once, whole-object replacement, no out */
    u.set = J("{'addr':{'c':1},'name':'c'}");
    u.unset = J("['new']");
    u.inc = J("{'n':-8}");
    RZ_OK_(rz_store_update(F.s, c, id, &u, 4, NULL));
    RZ_OK_(rz_store_get(F.s, c, id, &got));
    ck_assert(json_equal(json_object_get(got, "addr"), J("{'c':1}")));
    ck_assert_ptr_null(json_object_get(got, "new"));
    ck_assert_int_eq(json_integer_value(json_object_get(got, "n")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(got, "version")), 5);

    /* compare-and-set */
    before = got;
    u.set = J("{'name':'stale'}");
    u.unset = u.inc = NULL;
    RZ_IS(rz_store_update(F.s, c, id, &u, 4, &out), RZ_VERSION_MISMATCH);
    RZ_IS(rz_store_update(F.s, c, id, &u, 6, &out), RZ_VERSION_MISMATCH);
    RZ_OK_(rz_store_get(F.s, c, id, &got));
    ck_assert(json_equal(got, before));
    u.set = J("{'name':'fresh'}");
    RZ_OK_(rz_store_update(F.s, c, id, &u, 5, &out));
    ck_assert_int_eq(json_integer_value(json_object_get(out, "version")), 6);
    ck_assert_str_eq(json_string_value(json_object_get(out, "name")), "fresh");
}
END_TEST

START_TEST(test_delete)
{
    const char *c = uniq(F.pool, "del"), *ids[6];
    rz_cond_t ga = {"g", RZ_EQ, J("'a'")}, gz = {"g", RZ_EQ, J("'zz'")};
    json_t *got;
    long n = -1;

    ids[0] = ins(c, J("{'g':'a'}"));
    ids[1] = ins(c, J("{'g':'a'}"));
    ids[2] = ins(c, J("{'g':'b'}"));
    ids[3] = ins(c, J("{'g':'c'}"));
    ids[4] = ins(c, J("{'h':1}"));
    ids[5] = ins(c, J("{'g':'b'}"));
    RZ_OK_(rz_store_delete(F.s, c, ids[3]));
    RZ_IS(rz_store_get(F.s, c, ids[3], &got), RZ_NOT_FOUND);
    RZ_IS(rz_store_delete(F.s, c, ids[3]), RZ_NOT_FOUND);
    ck_assert_int_eq(count_all(c), 5);
    RZ_OK_(rz_store_delete_many(F.s, c, &ga, 1, &n));
    ck_assert_int_eq(n, 2);
    RZ_IS(rz_store_get(F.s, c, ids[0], &got), RZ_NOT_FOUND);
    RZ_IS(rz_store_get(F.s, c, ids[1], &got), RZ_NOT_FOUND);
    RZ_OK_(rz_store_get(F.s, c, ids[2], &got));
    RZ_OK_(rz_store_delete_many(F.s, c, &gz, 1, &n));
    ck_assert_int_eq(n, 0);
    RZ_OK_(rz_store_delete_many(F.s, c, &ga, 1, NULL));
    ck_assert_int_eq(count_all(c), 3);
    RZ_OK_(rz_store_delete_many(F.s, c, NULL, 0, &n));
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(count_all(c), 0);
}
END_TEST

START_TEST(test_counters)
{
    const char *a = uniq(F.pool, "invoice:est:2026"), *b = uniq(F.pool, "employee");
    int64_t v;
    int i;

    for (i = 1; i <= 5; i++) {
        RZ_OK_(rz_store_counter_next(F.s, a, &v));
        ck_assert_int_eq(v, i);
    }
    RZ_OK_(rz_store_counter_next(F.s, b, &v));
    ck_assert_int_eq(v, 1);
    RZ_OK_(rz_store_counter_next(F.s, a, &v));
    ck_assert_int_eq(v, 6);
}
END_TEST

START_TEST(test_migrations)
{
    int applied = -1, cur = -1;
    const char *err = NULL;
    rz_cond_t one = {"number", RZ_EQ, J("1")};
    json_t *rec;

    RZ_OK_(rz_migrations_run(F.s, &applied, &err));
    ck_assert_int_ge(applied, 0);
    RZ_OK_(rz_migrations_current(F.s, &cur));
    ck_assert_int_eq(cur, RZ_SCHEMA_VERSION);
    RZ_OK_(rz_migrations_run(F.s, &applied, &err));
    ck_assert_int_eq(applied, 0);
    RZ_OK_(rz_store_find_one(F.s, "_migrations", &one, 1, &rec));
    ck_assert_str_eq(json_string_value(json_object_get(rec, "name")), "foundation");
    ck_assert_uint_eq(json_string_length(json_object_get(rec, "appliedAt")), 20);
}
END_TEST

void store_add_write_tests(TCase *tc)
{
    tcase_add_test(tc, test_update);
    tcase_add_test(tc, test_delete);
    tcase_add_test(tc, test_counters);
    tcase_add_test(tc, test_migrations);
}
