/* test_store.c: the store conformance suite, run against RZ_TEST_STORE_URI (default: SQLite in a
 * temp dir). */
#include "test_outbox.h"
#include "test_store.h"

#include <apr_general.h>
#include <mongoc/mongoc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/rz_id.h"

const char *g_uri;
int g_is_sqlite;
int g_is_jongodb;
fx_t F;

/* ---- helpers (shared with test_store_conc.c) ------------------------------------------------- */

json_t *J(const char *text)
{
    char *t = apr_pstrdup(F.pool, text), *p;
    json_error_t e;
    json_t *v;

    for (p = t; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    v = json_loads(t, JSON_DECODE_ANY, &e);
    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, e.text);
    return rz_json_pool_own(F.pool, v);
}

const char *uniq(apr_pool_t *p, const char *base)
{
    return apr_psprintf(p, "%s_%08x", base, (unsigned)randombytes_random());
}

void fx_open(fx_t *f)
{
    const char *err = NULL;

    ck_assert_int_eq(apr_pool_create(&f->pool, NULL), APR_SUCCESS);
    RZ_IS(rz_store_open(&f->st, g_uri, f->pool, &err), RZ_OK);
    RZ_IS(rz_store_session(&f->s, f->st, f->pool), RZ_OK);
}

void fx_close(fx_t *f)
{
    apr_pool_destroy(f->pool);
    memset(f, 0, sizeof(*f));
}

static void setup(void)
{
    fx_open(&F);
}

static void teardown(void)
{
    fx_close(&F);
}

json_t *P(json_t *v)
{
    return rz_json_pool_own(F.pool, v);
}

json_t *JS(const char *str)
{
    return P(json_string(str));
}

const char *ins(const char *coll, json_t *doc)
{
    const char *id;

    RZ_OK_(rz_store_insert(F.s, coll, doc, &id));
    return apr_pstrdup(F.pool, id);
}

/* The "k" values of the matches, sorted by k, as "1,2,3". */
static const char *ks(const char *coll, const rz_cond_t *all, int nall, const rz_cond_t *any,
                      int nany)
{
    rz_query_t q = {all, nall, any, nany, "k", 0, 0, 0, 0};
    json_t *arr, *d;
    size_t i;
    char *out = "";

    RZ_OK_(rz_store_find(F.s, coll, &q, &arr, NULL));
    json_array_foreach (arr, i, d) {
        out = apr_psprintf(F.pool, "%s%s%ld", out, i ? "," : "",
                           (long)json_integer_value(json_object_get(d, "k")));
    }
    return out;
}

static const char *k1(const char *coll, const char *field, rz_op_t op, json_t *v)
{
    rz_cond_t c = {field, op, v};
    return ks(coll, &c, 1, NULL, 0);
}

long count_all(const char *coll)
{
    rz_query_t q = {0};
    long n = -1;

    RZ_OK_(rz_store_count(F.s, coll, &q, &n));
    return n;
}

static void seed(const char *coll, const char *const *docs)
{
    for (; *docs; docs++) {
        ins(coll, J(*docs));
    }
}

/* ---- opening, ids, basic documents ---------------------------------------------------------- */

START_TEST(test_open_and_backend)
{
    rz_store_t *st = NULL;
    const char *err = NULL;

    ck_assert_int_eq(rz_store_open(&st, "postgres://x/y", F.pool, &err), RZ_INVALID);
    ck_assert(err && err[0]);
    err = NULL;
    ck_assert_int_eq(rz_store_open(&st, "sqlite:", F.pool, &err), RZ_INVALID);
    ck_assert(err && err[0]);
    ck_assert_str_eq(rz_store_backend(F.st), g_is_sqlite ? "sqlite" : "mongodb");
    RZ_OK_(rz_store_ping(F.s, 2000));
    err = NULL;
    RZ_OK_(rz_store_check(F.s, &err));
    ck_assert_int_eq(rz_store_in_uow(F.s), 0);
    ck_assert_ptr_null(rz_store_conflict_index(F.s));
}
END_TEST

START_TEST(test_insert_ids)
{
    const char *c = uniq(F.pool, "ins"), *id1, *id2, *id;
    json_t *d = J("{'name':'A','n':42,'r':1.5,'neg':-7,'b':true,'z':null,"
                  "'nested':{'x':[1,'two',{'y':3}]},'u':'Ngozi \u00e9 \u65e5\u672c'}");
    json_t *got;
    char buf[RZ_ID_LEN + 1];
    long secs;
    int i;

    id1 = ins(c, d);
    ck_assert_uint_eq(strlen(id1), 24);
    for (i = 0; i < 24; i++) {
        ck_assert_msg(strchr("0123456789abcdef", id1[i]) != NULL, "id %s not lowercase hex", id1);
    }
    secs = strtol(apr_pstrndup(F.pool, id1, 8), NULL, 16);
    ck_assert_msg(labs(secs - (long)time(NULL)) < 120, "id time part %ld is not now", secs);
    ck_assert_str_eq(json_string_value(json_object_get(d, "id")), id1);
    ck_assert_int_eq(json_integer_value(json_object_get(d, "version")), 1);
    RZ_OK_(rz_store_get(F.s, c, id1, &got));
    ck_assert_msg(json_equal(got, d), "round trip differs: %s", rz_json_dump(F.pool, got, NULL));
    ck_assert(json_is_integer(json_object_get(got, "n")));
    ck_assert(json_is_integer(json_object_get(got, "version")));
    ck_assert(json_is_real(json_object_get(got, "r")));
    ck_assert(json_is_null(json_object_get(got, "z")));

    id2 = ins(c, J("{'name':'B','version':7}"));
    ck_assert_str_ne(id1, id2);
    RZ_OK_(rz_store_get(F.s, c, id2, &got));
    ck_assert_int_eq(json_integer_value(json_object_get(got, "version")), 1);

    rz_id_new(buf);
    RZ_OK_(rz_store_insert(F.s, c, P(json_pack("{s:s,s:s}", "id", buf, "name", "C")), &id));
    ck_assert_str_eq(id, buf);
    RZ_OK_(rz_store_get(F.s, c, buf, &got));
    ck_assert_str_eq(json_string_value(json_object_get(got, "name")), "C");
    /* same id again: conflict, nothing written */
    RZ_IS(rz_store_insert(F.s, c, P(json_pack("{s:s,s:s}", "id", buf, "name", "D")), NULL),
          RZ_CONFLICT);
    RZ_OK_(rz_store_get(F.s, c, buf, &got));
    ck_assert_str_eq(json_string_value(json_object_get(got, "name")), "C");
    ck_assert_int_eq(count_all(c), 3);
    RZ_IS(rz_store_insert(F.s, c, J("{'id':'ABCDEF'}"), NULL), RZ_INVALID);
    RZ_IS(rz_store_insert(F.s, c, J("{'id':42}"), NULL), RZ_INVALID);
    RZ_IS(rz_store_insert(F.s, c, J("[1,2]"), NULL), RZ_INVALID);
    ck_assert_int_eq(count_all(c), 3);
}
END_TEST

START_TEST(test_missing)
{
    const char *c = uniq(F.pool, "miss"), *never = uniq(F.pool, "never");
    rz_query_t q = {0};
    rz_update_t u = {J("{'a':1}"), NULL, NULL};
    json_t *got, *arr;
    long total = -1, n = -1;
    char buf[RZ_ID_LEN + 1];

    q.want_total = 1;
    rz_id_new(buf);
    ins(c, J("{'a':0}"));
    RZ_IS(rz_store_get(F.s, c, buf, &got), RZ_NOT_FOUND);
    ck_assert_ptr_null(got);
    RZ_IS(rz_store_get(F.s, c, "not-an-id", &got), RZ_NOT_FOUND);
    RZ_IS(rz_store_get(F.s, never, buf, &got), RZ_NOT_FOUND);
    RZ_OK_(rz_store_find(F.s, never, &q, &arr, &total));
    ck_assert_uint_eq(json_array_size(arr), 0);
    ck_assert_int_eq(total, 0);
    RZ_OK_(rz_store_count(F.s, never, &q, &n));
    ck_assert_int_eq(n, 0);
    RZ_IS(rz_store_update(F.s, c, buf, &u, -1, NULL), RZ_NOT_FOUND);
    RZ_IS(rz_store_update(F.s, never, buf, &u, -1, NULL), RZ_NOT_FOUND);
    RZ_IS(rz_store_delete(F.s, c, buf), RZ_NOT_FOUND);
    RZ_IS(rz_store_delete(F.s, never, buf), RZ_NOT_FOUND);
    RZ_OK_(rz_store_delete_many(F.s, never, NULL, 0, &n));
    ck_assert_int_eq(n, 0);
    RZ_IS(rz_store_find_one(F.s, never, NULL, 0, &got), RZ_NOT_FOUND);
    /* a first insert creates the collection on both backends */
    ins(never, J("{'a':1}"));
    ck_assert_int_eq(count_all(never), 1);
}
END_TEST

START_TEST(test_validation)
{
    const char *c = uniq(F.pool, "val"), *id;
    static const char *const bad_colls[] = {"Users", "1abc", "a-b", "", "a.b", "a b", NULL};
    static const char *const bad_paths[] = {"a..b", ".a", "a.", "a b", "$where", "a-b", "", NULL};
    static const char *const bad_updates[] = {"{'id':'x'}",      "{'version':3}", "{'id.x':1}",
                                              "{'version.x':1}", "{'a b':1}",     NULL};
    char c64[65];
    json_t *got, *arr;
    int64_t n;
    int i;

    id = ins(c, J("{'a':1,'b':{'c':2}}"));
    for (i = 0; bad_colls[i]; i++) {
        RZ_IS(rz_store_ensure_collection(F.s, bad_colls[i], NULL, 0), RZ_INVALID);
        RZ_IS(rz_store_get(F.s, bad_colls[i], id, &got), RZ_INVALID);
    }
    memset(c64, 'a', 64);
    c64[64] = '\0';
    RZ_IS(rz_store_ensure_collection(F.s, c64, NULL, 0), RZ_INVALID);
    for (i = 0; bad_paths[i]; i++) {
        rz_cond_t cond = {bad_paths[i], RZ_EQ, J("1")};
        rz_query_t q = {&cond, 1, NULL, 0, NULL, 0, 0, 0, 0};
        rz_query_t qs = {NULL, 0, NULL, 0, bad_paths[i], 0, 0, 0, 0};
        RZ_IS(rz_store_find(F.s, c, &q, &arr, NULL), RZ_INVALID);
        RZ_IS(rz_store_find(F.s, c, &qs, &arr, NULL), RZ_INVALID);
    }
    {
        rz_cond_t conds[] = {{"a", RZ_IN, J("1")},          {"a", RZ_IN, J("[[1]]")},
                             {"a", RZ_CONTAINS_CI, J("1")}, {"a", RZ_PREFIX, J("null")},
                             {"a", RZ_LT, J("true")},       {"a", RZ_GTE, J("null")},
                             {"a", RZ_EQ, J("{'x':1}")},    {"a", RZ_EQ, NULL}};
        for (i = 0; i < (int)(sizeof(conds) / sizeof(conds[0])); i++) {
            rz_query_t q = {&conds[i], 1, NULL, 0, NULL, 0, 0, 0, 0};
            RZ_IS(rz_store_find(F.s, c, &q, &arr, NULL), RZ_INVALID);
        }
    }
    {
        rz_query_t q = {NULL, 0, NULL, 0, NULL, 0, -1, 0, 0};
        RZ_IS(rz_store_find(F.s, c, &q, &arr, NULL), RZ_INVALID);
    }
    for (i = 0; bad_updates[i]; i++) {
        rz_update_t u = {J(bad_updates[i]), NULL, NULL};
        RZ_IS(rz_store_update(F.s, c, id, &u, -1, NULL), RZ_INVALID);
    }
    {
        rz_update_t u1 = {NULL, J("['id']"), NULL}, u2 = {NULL, NULL, J("{'version':1}")};
        rz_update_t u3 = {NULL, NULL, NULL}, u4 = {J("{}"), J("[]"), J("{}")};
        rz_update_t u5 = {NULL, NULL, J("{'a':1.5}")}, u6 = {J("{'b':1}"), J("['b.c']"), NULL};
        rz_update_t u7 = {J("{'b.c':1}"), NULL, J("{'b.c':1}")}, u8 = {NULL, J("[1]"), NULL};
        rz_update_t *us[] = {&u1, &u2, &u3, &u4, &u5, &u6, &u7, &u8};
        for (i = 0; i < 8; i++) {
            RZ_IS(rz_store_update(F.s, c, id, us[i], -1, NULL), RZ_INVALID);
        }
    }
    RZ_OK_(rz_store_get(F.s, c, id, &got));
    ck_assert_int_eq(json_integer_value(json_object_get(got, "version")), 1);
    RZ_IS(rz_store_counter_next(F.s, "", &n), RZ_INVALID);
    RZ_IS(rz_store_commit(F.s), RZ_INVALID);
    rz_store_rollback(F.s); /* no uow: harmless */
    RZ_OK_(rz_store_begin(F.s, NULL, 0));
    RZ_IS(rz_store_begin(F.s, NULL, 0), RZ_INVALID);
    ck_assert_int_eq(rz_store_in_uow(F.s), 1);
    rz_store_rollback(F.s);
    ck_assert_int_eq(rz_store_in_uow(F.s), 0);
}
END_TEST

START_TEST(test_unique)
{
    const char *c = uniq(F.pool, "uq");
    const char *ie = apr_pstrcat(F.pool, c, "_email", NULL),
               *iab = apr_pstrcat(F.pool, c, "_ab", NULL);
    rz_index_def_t idx[] = {{ie, {"email", NULL}, 1},
                            {iab, {"a", "b.c", NULL}, 1},
                            {apr_pstrcat(F.pool, c, "_city", NULL), {"city", NULL}, 0}};
    rz_update_t u = {NULL, NULL, NULL};
    const char *id2;
    json_t *got;

    RZ_OK_(rz_store_ensure_collection(F.s, c, idx, 3));
    RZ_OK_(rz_store_ensure_collection(F.s, c, idx, 3)); /* idempotent */
    ins(c, J("{'email':'x@y.z','city':'K'}"));
    RZ_IS(rz_store_insert(F.s, c, J("{'email':'x@y.z','city':'L'}"), NULL), RZ_CONFLICT);
    ck_assert_ptr_nonnull(rz_store_conflict_index(F.s));
    ck_assert_str_eq(rz_store_conflict_index(F.s), ie);
    ck_assert_int_eq(count_all(c), 1);
    ck_assert_ptr_null(rz_store_conflict_index(F.s)); /* reset by the next call */
    ins(c, J("{'email':'X@y.z'}"));                   /* byte-exact */
    /* documents missing a unique field do not collide; a plain index allows duplicates */
    ins(c, J("{'city':'K'}"));
    ins(c, J("{'city':'K'}"));
    ins(c, J("{'a':1,'b':{'c':1}}"));
    ins(c, J("{'a':1,'b':{'c':2}}"));
    ins(c, J("{'a':2}"));
    ins(c, J("{'a':2}"));
    RZ_IS(rz_store_insert(F.s, c, J("{'a':1,'b':{'c':1},'email':'new@x.y'}"), NULL), RZ_CONFLICT);
    ck_assert_str_eq(rz_store_conflict_index(F.s), iab);
    ck_assert_int_eq(count_all(c), 8);
    /* an update that would collide writes nothing */
    id2 = ins(c, J("{'email':'other@y.z','n':1}"));
    u.set = J("{'email':'x@y.z','n':2}");
    RZ_IS(rz_store_update(F.s, c, id2, &u, -1, NULL), RZ_CONFLICT);
    ck_assert_str_eq(rz_store_conflict_index(F.s), ie);
    RZ_OK_(rz_store_get(F.s, c, id2, &got));
    ck_assert_int_eq(json_integer_value(json_object_get(got, "version")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(got, "n")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(got, "email")), "other@y.z");
    /* freeing the value lets another document take it */
    u.set = NULL;
    u.unset = J("['email']");
    RZ_OK_(rz_store_update(F.s, c, id2, &u, -1, NULL));
    ins(c, J("{'email':'other@y.z'}"));
}
END_TEST

/* ---- filters -------------------------------------------------------------------------------- */

START_TEST(test_filter_eq_ne_null)
{
    const char *c = uniq(F.pool, "feq");
    static const char *const docs[] = {"{'k':1,'v':'x'}",
                                       "{'k':2,'v':null}",
                                       "{'k':3}",
                                       "{'k':4,'v':''}",
                                       "{'k':5,'v':0}",
                                       "{'k':6,'v':false}",
                                       "{'k':7,'v':'X'}",
                                       "{'k':8,'v':{'w':1}}",
                                       "{'k':9,'v':2.0}",
                                       "{'k':10,'v':true}",
                                       "{'k':11,'v':'0'}",
                                       "{'k':12,'v':1}",
                                       NULL};

    seed(c, docs);
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("null")), "2,3");
    ck_assert_str_eq(k1(c, "v", RZ_NE, J("null")), "1,4,5,6,7,8,9,10,11,12");
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("'x'")), "1");
    ck_assert_str_eq(k1(c, "v", RZ_NE, J("'x'")), "2,3,4,5,6,7,8,9,10,11,12");
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("0")), "5");
    ck_assert_str_eq(k1(c, "v", RZ_NE, J("0")), "1,2,3,4,6,7,8,9,10,11,12");
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("false")), "6");
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("true")), "10");
    ck_assert_str_eq(k1(c, "v", RZ_NE, J("true")), "1,2,3,4,5,6,7,8,9,11,12");
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("1")), "12");
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("''")), "4");
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("'0'")), "11");
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("2")), "9");
    ck_assert_str_eq(k1(c, "v", RZ_EQ, J("2.0")), "9");
    ck_assert_str_eq(k1(c, "v.w", RZ_EQ, J("1")), "8");
    ck_assert_str_eq(k1(c, "v.w", RZ_EQ, J("null")), "1,2,3,4,5,6,7,9,10,11,12");
    ck_assert_str_eq(k1(c, "nope", RZ_EQ, J("null")), "1,2,3,4,5,6,7,8,9,10,11,12");
    ck_assert_str_eq(k1(c, "nope", RZ_NE, J("null")), "");
    ck_assert_str_eq(k1(c, "v", RZ_IN, J("['x',0,null]")), "1,2,3,5");
    ck_assert_str_eq(k1(c, "v", RZ_IN, J("[true,'X']")), "7,10");
    ck_assert_str_eq(k1(c, "v", RZ_IN, J("[2]")), "9");
    ck_assert_str_eq(k1(c, "v", RZ_IN, J("[]")), "");
}
END_TEST

START_TEST(test_filter_ranges)
{
    const char *c = uniq(F.pool, "frg");
    static const char *const docs[] = {"{'k':1,'n':1}",
                                       "{'k':2,'n':2.5}",
                                       "{'k':3,'n':3}",
                                       "{'k':4,'n':'4'}",
                                       "{'k':5}",
                                       "{'k':6,'n':null}",
                                       "{'k':7,'n':-1}",
                                       "{'k':8,'n':true}",
                                       "{'k':9,'s':'2026-01-01T00:00:00Z'}",
                                       "{'k':10,'s':'2026-06-01T00:00:00Z'}",
                                       "{'k':11,'s':'2025-12-31T23:59:59Z'}",
                                       "{'k':12,'n':9007199254740991}",
                                       NULL};
    rz_cond_t two[] = {{"n", RZ_GT, J("-5")}, {"n", RZ_LT, J("3")}};

    seed(c, docs);
    ck_assert_str_eq(k1(c, "n", RZ_GT, J("1")), "2,3,12");
    ck_assert_str_eq(k1(c, "n", RZ_GTE, J("1")), "1,2,3,12");
    ck_assert_str_eq(k1(c, "n", RZ_LT, J("3")), "1,2,7");
    ck_assert_str_eq(k1(c, "n", RZ_LTE, J("2.5")), "1,2,7");
    ck_assert_str_eq(k1(c, "n", RZ_GT, J("9007199254740990")), "12");
    ck_assert_str_eq(k1(c, "n", RZ_GT, J("''")), "4");
    ck_assert_str_eq(ks(c, two, 2, NULL, 0), "1,2,7");
    ck_assert_str_eq(k1(c, "s", RZ_GTE, J("'2026-01-01T00:00:00Z'")), "9,10");
    ck_assert_str_eq(k1(c, "s", RZ_LT, J("'2026-01-01T00:00:00Z'")), "11");
    ck_assert_str_eq(k1(c, "s", RZ_GT, J("0")), "");
}
END_TEST

START_TEST(test_filter_prefix)
{
    const char *c = uniq(F.pool, "fpx");
    static const char *const docs[] = {"{'k':1,'s':'abc'}",     "{'k':2,'s':'ab'}",
                                       "{'k':3,'s':'Abc'}",     "{'k':4,'s':'xabc'}",
                                       "{'k':5,'s':'a%c'}",     "{'k':6,'s':'a_c'}",
                                       "{'k':7,'s':'\u00e9a'}", "{'k':8,'s':'\u00c9a'}",
                                       "{'k':9,'s':'a'}",       "{'k':10}",
                                       "{'k':11,'s':5}",        "{'k':12,'s':'a.c'}",
                                       "{'k':13,'s':'a*c'}",    "{'k':14,'s':'a[c'}",
                                       "{'k':15,'s':'a\\\\c'}", NULL};

    seed(c, docs);
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'ab'")), "1,2");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'a'")), "1,2,5,6,9,12,13,14,15");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'a%'")), "5");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'a_'")), "6");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'a.'")), "12");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'a*'")), "13");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'a['")), "14");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'a\\\\'")), "15");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'\u00e9'")), "7");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'\u00c9'")), "8");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("''")), "1,2,3,4,5,6,7,8,9,12,13,14,15");
    ck_assert_str_eq(k1(c, "s", RZ_PREFIX, J("'abcd'")), "");
}
END_TEST

/* Reference for contains-ci: ASCII letters folded, every other byte exact. */
static int ref_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle), h = strlen(hay), i, j;

    for (i = 0; i + n <= h; i++) {
        for (j = 0; j < n; j++) {
            unsigned char a = (unsigned char)hay[i + j], b = (unsigned char)needle[j];
            a = (a >= 'A' && a <= 'Z') ? (unsigned char)(a + 32) : a;
            b = (b >= 'A' && b <= 'Z') ? (unsigned char)(b + 32) : b;
            if (a != b) {
                break;
            }
        }
        if (j == n) {
            return 1;
        }
    }
    return 0;
}

START_TEST(test_filter_contains_ci)
{
    const char *c = uniq(F.pool, "fci");
    static const char *const hay[] = {"Hello World",
                                      "50% off",
                                      "a_b",
                                      "aXb",
                                      "x.y",
                                      "xzy",
                                      "x*y",
                                      "(a)",
                                      "\xc3\x89mile",
                                      "\xc3\xa9mile",
                                      "[x]",
                                      "\xc3\x80"
                                      "B",
                                      "^$",
                                      "a+b",
                                      "a|b",
                                      "x?y",
                                      "back\\slash",
                                      "100%",
                                      "\xe6\x97\xa5\xe6\x9c\xac",
                                      NULL};
    static const char *const needles[] = {"WORLD",
                                          "world",
                                          "o w",
                                          "%",
                                          "_",
                                          "a_b",
                                          ".",
                                          "x.y",
                                          "*",
                                          "(a)",
                                          "\xc3\xa9",
                                          "\xc3\x89",
                                          "\xc3\x89MILE",
                                          "\xc3\xa0"
                                          "b",
                                          "\xc3\x80"
                                          "b",
                                          "[x]",
                                          "^$",
                                          "+",
                                          "|",
                                          "?",
                                          "\\",
                                          "",
                                          "x",
                                          "0%",
                                          ".*",
                                          "\xe6\x97\xa5",
                                          "%_",
                                          NULL};
    int i, j;

    for (i = 0; hay[i]; i++) {
        ins(c, P(json_pack("{s:i,s:s}", "k", i + 1, "s", hay[i])));
    }
    ins(c, J("{'k':100}"));
    ins(c, J("{'k':101,'s':42}"));
    for (j = 0; needles[j]; j++) {
        char *want = "";
        for (i = 0; hay[i]; i++) {
            if (ref_contains_ci(hay[i], needles[j])) {
                want = apr_psprintf(F.pool, "%s%s%d", want, want[0] ? "," : "", i + 1);
            }
        }
        ck_assert_msg(strcmp(k1(c, "s", RZ_CONTAINS_CI, JS(needles[j])), want) == 0,
                      "contains_ci '%s': got %s want %s", needles[j],
                      k1(c, "s", RZ_CONTAINS_CI, JS(needles[j])), want);
    }
    /* spelled out: non-ASCII letters are matched exactly, ASCII ones folded */
    ck_assert_str_eq(k1(c, "s", RZ_CONTAINS_CI, JS("\xc3\xa9")), "10");
    ck_assert_str_eq(k1(c, "s", RZ_CONTAINS_CI, JS("\xc3\x89MILE")), "9");
    ck_assert_str_eq(k1(c, "s", RZ_CONTAINS_CI, JS("%")), "2,18");
}
END_TEST

START_TEST(test_filter_any_and_id)
{
    const char *c = uniq(F.pool, "fany"), *ids[6];
    rz_cond_t all[] = {{"k", RZ_GTE, J("2")}};
    rz_cond_t any[] = {{"name", RZ_CONTAINS_CI, J("'ann'")}, {"email", RZ_CONTAINS_CI, J("'ann'")}};
    json_t *idarr;
    int i;

    ids[0] = ins(c, J("{'k':1,'name':'Ann','email':'a@x'}"));
    ids[1] = ins(c, J("{'k':2,'name':'Joanna','email':'j@x'}"));
    ids[2] = ins(c, J("{'k':3,'name':'Bob','email':'ANNE@x'}"));
    ids[3] = ins(c, J("{'k':4,'name':'Carl','email':'c@x'}"));
    ids[4] = ins(c, J("{'k':5,'name':'Dan'}"));
    ids[5] = ins(c, J("{'k':6,'name':'HANNAH','email':'h@x'}"));
    ck_assert_str_eq(ks(c, all, 1, any, 2), "2,3,6");
    ck_assert_str_eq(ks(c, NULL, 0, any, 2), "1,2,3,6");
    ck_assert_str_eq(k1(c, "id", RZ_EQ, JS(ids[3])), "4");
    ck_assert_str_eq(k1(c, "id", RZ_NE, JS(ids[3])), "1,2,3,5,6");
    ck_assert_str_eq(k1(c, "id", RZ_EQ, J("'nope'")), "");
    idarr = rz_json_pool_own(F.pool, json_pack("[s,s,s]", ids[0], ids[4], "0123"));
    ck_assert_str_eq(k1(c, "id", RZ_IN, idarr), "1,5");
    ck_assert_str_eq(k1(c, "id", RZ_PREFIX, JS(apr_pstrndup(F.pool, ids[2], 23))), "3");
    for (i = 0; i < 6; i++) {
        json_t *got;
        rz_cond_t byid = {"id", RZ_EQ, JS(ids[i])};
        RZ_OK_(rz_store_find_one(F.s, c, &byid, 1, &got));
        ck_assert_int_eq(json_integer_value(json_object_get(got, "k")), i + 1);
    }
}
END_TEST

/* ---- sort, paging, find_one ----------------------------------------------------------------- */

typedef struct {
    const char *id;
    int cls; /* 0 null/missing, 1 number, 2 string */
    double num;
    const char *str;
} sortkey_t;

static int sortkey_cmp(const void *a, const void *b)
{
    const sortkey_t *x = a, *y = b;

    if (x->cls != y->cls) {
        return x->cls - y->cls;
    }
    if (x->cls == 1 && x->num != y->num) {
        return x->num < y->num ? -1 : 1;
    }
    if (x->cls == 2 && strcmp(x->str, y->str) != 0) {
        return strcmp(x->str, y->str);
    }
    return strcmp(x->id, y->id);
}

/* The ids of a find with the given sort, joined by ','. */
static const char *sorted_ids(const char *coll, const char *sort, int desc)
{
    rz_query_t q = {NULL, 0, NULL, 0, sort, desc, 0, 0, 0};
    json_t *arr, *d;
    size_t i;
    char *out = "";

    RZ_OK_(rz_store_find(F.s, coll, &q, &arr, NULL));
    json_array_foreach (arr, i, d) {
        out = apr_pstrcat(F.pool, out, i ? "," : "", json_string_value(json_object_get(d, "id")),
                          NULL);
    }
    return out;
}

static const char *expected_ids(sortkey_t *keys, int n, int desc)
{
    char *out = "";
    int i;

    qsort(keys, n, sizeof(*keys), sortkey_cmp);
    for (i = 0; i < n; i++) {
        out = apr_pstrcat(F.pool, out, i ? "," : "", keys[desc ? n - 1 - i : i].id, NULL);
    }
    return out;
}

START_TEST(test_sort)
{
    const char *c = uniq(F.pool, "srt");
    static const char *const docs[] = {"{'s':3,'t':'b'}",
                                       "{'s':1,'t':'a'}",
                                       "{'s':2,'t':'B'}",
                                       "{'t':'c'}",
                                       "{'t':'d'}",
                                       "{'s':2,'t':'a'}",
                                       "{'s':1.5,'t':'a'}",
                                       "{'s':-4}",
                                       "{'s':2,'t':'\u00e9'}",
                                       "{}",
                                       "{'s':7,'t':'z'}",
                                       "{'s':7,'t':'z'}",
                                       "{'s':7,'t':'z'}",
                                       "{'s':7,'t':'z'}",
                                       NULL};
    sortkey_t bys[32], byt[32], byid[32];
    int i, n = 0;

    for (i = 0; docs[i]; i++, n++) {
        json_t *d = J(docs[i]), *s, *t;
        const char *id = ins(c, d);
        s = json_object_get(d, "s");
        t = json_object_get(d, "t");
        bys[i] = (sortkey_t){id, json_is_number(s) ? 1 : 0, json_number_value(s), NULL};
        byt[i] = (sortkey_t){id, json_is_string(t) ? 2 : 0, 0, json_string_value(t)};
        byid[i] = (sortkey_t){id, 2, 0, id};
    }
    ck_assert_str_eq(sorted_ids(c, "s", 0), expected_ids(bys, n, 0));
    ck_assert_str_eq(sorted_ids(c, "s", 1), expected_ids(bys, n, 1));
    ck_assert_str_eq(sorted_ids(c, "t", 0), expected_ids(byt, n, 0));
    ck_assert_str_eq(sorted_ids(c, "t", 1), expected_ids(byt, n, 1));
    ck_assert_str_eq(sorted_ids(c, NULL, 0), expected_ids(byid, n, 0));
    ck_assert_str_eq(sorted_ids(c, NULL, 1), expected_ids(byid, n, 1));
    ck_assert_str_eq(sorted_ids(c, "id", 1), expected_ids(byid, n, 1));
}
END_TEST

/* An explicit null and a missing field sort as equals (ties by id), as on real MongoDB. */
START_TEST(test_sort_null_equals_missing)
{
    const char *c = uniq(F.pool, "srtn");
    static const char *const docs[] = {"{'s':null}", "{}", "{'s':1}", "{'s':null}", "{'t':1}",
                                       "{'s':null}", "{}", "{'s':1}", NULL};
    sortkey_t bys[16];
    int i;

    for (i = 0; docs[i]; i++) {
        json_t *d = J(docs[i]), *s = json_object_get(d, "s");
        const char *id = ins(c, d);
        bys[i] = (sortkey_t){id, json_is_number(s) ? 1 : 0, json_number_value(s), NULL};
    }
    ck_assert_str_eq(sorted_ids(c, "s", 0), expected_ids(bys, i, 0));
    ck_assert_str_eq(sorted_ids(c, "s", 1), expected_ids(bys, i, 1));
}
END_TEST

START_TEST(test_paging_and_find_one)
{
    const char *c = uniq(F.pool, "pg"), *first = NULL;
    rz_cond_t tag = {"tag", RZ_EQ, J("'even'")}, gt = {"k", RZ_GT, J("7")};
    rz_query_t q = {NULL, 0, NULL, 0, "k", 0, 3, 4, 1};
    json_t *arr, *got;
    long total = -1, n = -1;
    int i;

    for (i = 10; i >= 1; i--) {
        const char *id = ins(c, P(json_pack("{s:i,s:s}", "k", i, "tag", i % 2 ? "odd" : "even")));
        if (i % 2 == 0 && (!first || strcmp(id, first) < 0)) {
            first = id;
        }
    }
    ck_assert_str_eq(ks(c, NULL, 0, NULL, 0), "1,2,3,4,5,6,7,8,9,10");
    RZ_OK_(rz_store_find(F.s, c, &q, &arr, &total));
    ck_assert_uint_eq(json_array_size(arr), 4);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, 0), "k")), 4);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, 3), "k")), 7);
    ck_assert_int_eq(total, 10);
    q.skip = 8;
    q.limit = 5;
    RZ_OK_(rz_store_find(F.s, c, &q, &arr, &total));
    ck_assert_uint_eq(json_array_size(arr), 2);
    ck_assert_int_eq(total, 10);
    q.skip = 20;
    RZ_OK_(rz_store_find(F.s, c, &q, &arr, &total));
    ck_assert_uint_eq(json_array_size(arr), 0);
    ck_assert_int_eq(total, 10);
    q.sort_desc = 1;
    q.skip = 1;
    q.limit = 2;
    q.all = &tag;
    q.nall = 1;
    RZ_OK_(rz_store_find(F.s, c, &q, &arr, &total));
    ck_assert_uint_eq(json_array_size(arr), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(arr, 0), "k")), 8);
    ck_assert_int_eq(total, 5);
    q.want_total = 0;
    total = -5;
    RZ_OK_(rz_store_find(F.s, c, &q, &arr, &total));
    ck_assert_int_eq(total, -5);
    q.all = &gt;
    RZ_OK_(rz_store_count(F.s, c, &q, &n)); /* skip/limit ignored */
    ck_assert_int_eq(n, 3);
    RZ_OK_(rz_store_find_one(F.s, c, &tag, 1, &got));
    ck_assert_str_eq(json_string_value(json_object_get(got, "id")), first);
    gt.value = J("70");
    RZ_IS(rz_store_find_one(F.s, c, &gt, 1, &got), RZ_NOT_FOUND);
    ck_assert_ptr_null(got);
}
END_TEST

/* ---- suite and main ------------------------------------------------------------------------- */

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("conformance");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_open_and_backend);
    tcase_add_test(tc, test_insert_ids);
    tcase_add_test(tc, test_missing);
    tcase_add_test(tc, test_validation);
    tcase_add_test(tc, test_unique);
    tcase_add_test(tc, test_filter_eq_ne_null);
    tcase_add_test(tc, test_filter_ranges);
    tcase_add_test(tc, test_filter_prefix);
    tcase_add_test(tc, test_filter_contains_ci);
    tcase_add_test(tc, test_filter_any_and_id);
    tcase_add_test(tc, test_sort);
    if (g_is_jongodb) {
        fprintf(stderr, "SKIP test_sort_null_equals_missing: jongodb sorts a missing field before "
                        "an explicit null (real MongoDB and SQLite treat them as equal)\n");
    } else {
        tcase_add_test(tc, test_sort_null_equals_missing);
    }
    tcase_add_test(tc, test_paging_and_find_one);
    store_add_write_tests(tc);
    store_add_read_tests(tc);
    suite_add_tcase(s, tc);
    store_add_uow_tests(s, setup, teardown);
    store_add_sqlite_tests(s, setup, teardown);
    return s;
}

static char g_tmpdir[64];

static void remove_tmpdir(void)
{
    static const char *const files[] = {"store.db", "store.db-wal", "store.db-shm", NULL};
    char path[128];
    int i;

    for (i = 0; files[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", g_tmpdir, files[i]);
        unlink(path);
    }
    rmdir(g_tmpdir);
}

Suite *audit_suite(void); /* tests/unit/test_audit.c */

int main(void)
{
    SRunner *sr;
    int failed;

    apr_initialize();
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 2;
    }
    g_uri = getenv("RZ_TEST_STORE_URI");
    if (!g_uri || !g_uri[0]) {
        snprintf(g_tmpdir, sizeof(g_tmpdir), "/tmp/rz_test_store.XXXXXX");
        if (!mkdtemp(g_tmpdir)) {
            perror("mkdtemp");
            return 2;
        }
        static char uri[96];
        snprintf(uri, sizeof(uri), "sqlite:%s/store.db", g_tmpdir);
        g_uri = uri;
    }
    g_is_sqlite = strncmp(g_uri, "sqlite:", 7) == 0;
    /* the jongodb test server announces itself in the replica set name scripts/test uses */
    g_is_jongodb = strstr(g_uri, "replicaSet=jongodb") != NULL;
    if (!g_is_sqlite) {
        mongoc_init(); /* idempotent; the backend may rely on the caller (child_init) for it */
    }
    fprintf(stderr, "test_store: backend %s (%s)\n", g_is_sqlite ? "sqlite" : "mongodb",
            g_is_sqlite ? g_uri : "URI not shown");
    sr = srunner_create(store_suite());
    srunner_add_suite(sr, audit_suite());  /* the audit hash chain on the same store */
    srunner_add_suite(sr, outbox_suite()); /* outbox, notifications, job leases, SMTP */
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (g_tmpdir[0]) {
        remove_tmpdir();
    }
    if (!g_is_sqlite) {
        mongoc_cleanup();
    }
    apr_terminate();
    return failed == 0 ? 0 : 1;
}
