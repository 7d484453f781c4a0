/* test_audit.c: the audit trail (services/rz_audit.h) against RZ_TEST_STORE_URI, a fresh store per
 * test. */
#include <apr_pools.h>
#include <apr_strings.h>
#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "services/rz_audit.h"
#include "core/rz_json.h"
#include "store/rz_store.h"

Suite *audit_suite(void);

#define ZERO64 "0000000000000000000000000000000000000000000000000000000000000000"
#define NPROC 4
#define PER_PROC 25

/* ---- fixture: a fresh store per test (the collection name "audit" is fixed) ----------------- */

static char g_auri[512]; /* this test's store URI */
static char g_adir[64];  /* its SQLite temp dir, or "" for MongoDB */
static apr_pool_t *g_ap; /* fixture pool: store, session, JSON */
static rz_sess_t *g_as;

static const char *store_err(void)
{
    return g_as ? rz_store_last_error(g_as) : "(no session)";
}

#define A_IS(call, want)                                                                           \
    do {                                                                                           \
        rz_status_t rv_ = (call);                                                                  \
        ck_assert_msg(rv_ == (want), "%s returned %s, want %s (%s)", #call, rz_status_name(rv_),   \
                      rz_status_name(want), store_err());                                          \
    } while (0)
#define A_OK(call) A_IS(call, RZ_OK)

/* "mongodb://h:p/db?opts" -> the same URI with database "audit_<8 hex>". */
static void mongo_fresh_uri(const char *base)
{
    const char *hosts = strstr(base, "://"), *slash, *q;

    hosts = hosts ? hosts + 3 : base;
    slash = strchr(hosts, '/');
    q = strchr(hosts, '?');
    if (!slash || (q && slash > q)) {
        slash = q ? q : hosts + strlen(hosts);
        q = slash;
    } else if (!q) {
        q = slash + strlen(slash);
    }
    snprintf(g_auri, sizeof(g_auri), "%.*s/audit_%08x%s", (int)(slash - base), base,
             (unsigned)randombytes_random(), q);
}

static void choose_uri(void)
{
    const char *env = getenv("RZ_TEST_STORE_URI");

    g_adir[0] = '\0';
    if (env && strncmp(env, "mongodb", 7) == 0) {
        mongo_fresh_uri(env);
        return;
    }
    snprintf(g_adir, sizeof(g_adir), "/tmp/rz_test_audit.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(g_adir));
    snprintf(g_auri, sizeof(g_auri), "sqlite:%s/audit.db", g_adir);
}

/* Opens the store at g_auri in a new g_ap and ensures the audit collection. */
static void a_open(void)
{
    rz_store_t *st;
    const char *err = NULL;

    ck_assert_int_eq(apr_pool_create(&g_ap, NULL), APR_SUCCESS);
    A_OK(rz_store_open(&st, g_auri, g_ap, &err));
    A_OK(rz_store_session(&g_as, st, g_ap));
    A_OK(rz_store_ensure_collection(g_as, RZ_AUDIT_COLL, rz_audit_indexes, RZ_AUDIT_NINDEX));
}

static void a_close(void)
{
    if (g_ap) {
        apr_pool_destroy(g_ap);
    }
    g_ap = NULL;
    g_as = NULL;
}

static void setup(void)
{
    choose_uri();
    a_open();
}

static void teardown(void)
{
    static const char *const files[] = {"audit.db", "audit.db-wal", "audit.db-shm", NULL};
    char path[128];
    int i;

    if (g_as && !g_adir[0]) {
        rz_store_delete_many(g_as, RZ_AUDIT_COLL, NULL, 0, NULL); /* leave real servers tidy */
    }
    a_close();
    for (i = 0; g_adir[0] && files[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", g_adir, files[i]);
        unlink(path);
    }
    if (g_adir[0]) {
        rmdir(g_adir);
    }
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* JSON from text with ' for " (owned by g_ap). */
static json_t *J(const char *text)
{
    char *t = apr_pstrdup(g_ap, text), *p;
    json_error_t e;
    json_t *v;

    for (p = t; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    v = json_loads(t, JSON_DECODE_ANY, &e);
    ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, e.text);
    return rz_json_pool_own(g_ap, v);
}

/* Asserts that changes equals the expected JSON (text with '). */
static void changes_eq(const json_t *got, const char *want)
{
    char *g = json_dumps(got, JSON_COMPACT);

    ck_assert_msg(json_equal((json_t *)got, J(want)), "changes %s, want %s", g, want);
    free(g);
}

/* The test's own hash of a stored entry: SHA-256(prevHash LF canonical(entry - hash - id -
 * version)), canonical written out with the jansson flags of SPEC 8.1. */
static void expected_hash(const json_t *entry, char hex[65])
{
    json_t *c = json_deep_copy(entry);
    unsigned char d[crypto_hash_sha256_BYTES];
    const char *prev = json_string_value(json_object_get(entry, "prevHash"));
    char *canon, *msg;

    json_object_del(c, "hash");
    json_object_del(c, "id");
    json_object_del(c, "version");
    ck_assert_int_eq(json_object_size(c), 14);
    canon =
        json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17));
    msg = apr_pstrcat(g_ap, prev, "\n", canon, NULL);
    crypto_hash_sha256(d, (const unsigned char *)msg, strlen(msg));
    sodium_bin2hex(hex, 65, d, sizeof(d));
    free(canon);
    json_decref(c);
}

static const rz_actor_t actor = {"5f0c3a9e1b2d4c6e8fa0b1c2", "manager", "192.0.2.7", "curl/8.0",
                                 "0123456789abcdef0123456789abcdef"};

/* One unit of work naming RZ_AUDIT_KEY with n appends; returns the last entry appended. */
static json_t *append_n(rz_sess_t *s, int n)
{
    const char *keys[] = {RZ_AUDIT_KEY};
    json_t *e = NULL;
    int i;

    A_OK(rz_store_begin(s, keys, 1));
    for (i = 0; i < n; i++) {
        A_OK(rz_audit_append(s, &actor, "booking.update", "booking", "aaaaaaaaaaaaaaaaaaaaaaaa",
                             "bbbbbbbbbbbbbbbbbbbbbbbb",
                             J("[{'field':'status','old':'a','new':'b'}]"), J("{'n':1}"), &e));
    }
    A_OK(rz_store_commit(s));
    return e;
}

/* All entries by ascending seq. */
static json_t *all_entries(void)
{
    rz_query_t q = {NULL, 0, NULL, 0, "seq", 0, 0, 0, 0};
    json_t *out = NULL;

    A_OK(rz_store_find(g_as, RZ_AUDIT_COLL, &q, &out, NULL));
    return out;
}

static json_t *entry_at(json_int_t seq)
{
    json_t *v = rz_json_pool_own(g_ap, json_integer(seq)), *e = NULL;
    rz_cond_t c = {"seq", RZ_EQ, v};

    A_OK(rz_store_find_one(g_as, RZ_AUDIT_COLL, &c, 1, &e));
    return e;
}

static void set_field(json_int_t seq, const char *field, json_t *value)
{
    rz_update_t u = {NULL, NULL, NULL};

    u.set = rz_json_pool_own(g_ap, json_object());
    json_object_set(u.set, field, value);
    A_OK(rz_store_update(g_as, RZ_AUDIT_COLL,
                         json_string_value(json_object_get(entry_at(seq), "id")), &u, -1, NULL));
}

/* Verifies from from_seq and compares {valid, checked, firstInvalidSeq, reason}. */
static json_t *verify_is(int64_t from_seq, int valid, long checked, long bad, const char *reason)
{
    json_t *r = NULL;
    char *text;

    A_OK(rz_audit_verify(g_as, from_seq, &r));
    text = json_dumps(r, JSON_COMPACT);
    ck_assert_msg(
        json_is_boolean(json_object_get(r, "valid"))
            && json_is_true(json_object_get(r, "valid")) == valid
            && json_integer_value(json_object_get(r, "checked")) == checked
            && (valid ? json_is_null(json_object_get(r, "firstInvalidSeq"))
                      : json_integer_value(json_object_get(r, "firstInvalidSeq")) == bad)
            && (valid ? json_is_null(json_object_get(r, "reason"))
                      : strcmp(json_string_value(json_object_get(r, "reason")), reason) == 0),
        "verify(%lld) = %s; want valid %d checked %ld firstInvalidSeq %ld reason %s",
        (long long)from_seq, text, valid, checked, bad, reason ? reason : "null");
    free(text);
    ck_assert_int_eq(json_object_size(r), 6);
    return r;
}

/* ---- changes -------------------------------------------------------------------------------- */

START_TEST(test_changes_create)
{
    json_t *c =
        rz_audit_changes(g_ap, NULL,
                         J("{'id':'x1','name':'A','location':{'city':'Bujumbura','zip':'1'},"
                           "'tags':['a','b'],'empty':{},'nul':null,'n':2,'ok':true,"
                           "'version':1,'updatedAt':'2026-01-01T00:00:00Z'}"));

    changes_eq(c, "[{'field':'empty','old':null,'new':{}},{'field':'id','old':null,'new':'x1'},"
                  "{'field':'location.city','old':null,'new':'Bujumbura'},"
                  "{'field':'location.zip','old':null,'new':'1'},{'field':'n','old':null,'new':2},"
                  "{'field':'name','old':null,'new':'A'},{'field':'ok','old':null,'new':true},"
                  "{'field':'tags','old':null,'new':['a','b']}]");
}
END_TEST

START_TEST(test_changes_update)
{
    json_t *b = J("{'name':'A','loc':{'city':'X','zip':'1','geo':{'lat':1}},'tags':['a','b'],"
                  "'gone':5,'same':{'k':[1,{'z':1}]},'kind':{'a':1},'version':3,"
                  "'updatedAt':'2026-01-01T00:00:00Z','nul':null}");
    json_t *a = J("{'name':'A','loc':{'city':'Y','zip':'1','geo':{'lat':2}},'tags':['a','c'],"
                  "'same':{'k':[1,{'z':1}]},'kind':7,'added':{'x':{'y':'z'}},'version':4,"
                  "'updatedAt':'2026-02-01T00:00:00Z'}");

    changes_eq(rz_audit_changes(g_ap, b, a),
               "[{'field':'added.x.y','old':null,'new':'z'},{'field':'gone','old':5,'new':null},"
               "{'field':'kind','old':{'a':1},'new':7},{'field':'loc.city','old':'X','new':'Y'},"
               "{'field':'loc.geo.lat','old':1,'new':2},"
               "{'field':'tags','old':['a','b'],'new':['a','c']}]");
    changes_eq(rz_audit_changes(g_ap, b, b), "[]");
    /* nested bookkeeping names are ordinary fields; an integer and a real differ */
    changes_eq(
        rz_audit_changes(g_ap, J("{'s':{'version':1},'r':1}"), J("{'s':{'version':2},'r':1.5}")),
        "[{'field':'r','old':1,'new':1.5},{'field':'s.version','old':1,'new':2}]");
}
END_TEST

START_TEST(test_changes_delete)
{
    changes_eq(rz_audit_changes(g_ap, J("{'a':1,'b':{'c':'d'},'e':[],'version':9}"), NULL),
               "[{'field':'a','old':1,'new':null},{'field':'b.c','old':'d','new':null},"
               "{'field':'e','old':[],'new':null}]");
    ck_assert_ptr_null(rz_audit_changes(g_ap, NULL, NULL));
    ck_assert_ptr_null(rz_audit_changes(g_ap, J("[1]"), NULL));
    ck_assert_ptr_null(rz_audit_changes(g_ap, NULL, J("'x'")));
}
END_TEST

START_TEST(test_changes_redaction)
{
    static const char *const names[] = {"password",     "currentPassword",
                                        "newPassword",  "passwordHash",
                                        "token",        "tokenHash",
                                        "refreshToken", "accessToken",
                                        "clientSecret", "apiKey",
                                        "Key",          "key",
                                        "secret",       NULL};
    json_t *after = J("{'monkey':'m','keyboard':'k','secretary':'s','keys':['a']}"), *c, *item;
    size_t i;

    for (i = 0; names[i]; i++) {
        json_object_set_new(after, names[i], json_string("s3cr3t"));
    }
    json_object_set_new(after, "smtp",
                        json_pack("{s:s, s:s}", "passwordHash", "$argon", "host", "h"));
    json_object_set_new(after, "signingKey", json_pack("{s:s}", "k", "v"));
    json_object_set_new(after, "resetToken", json_null());
    c = rz_audit_changes(g_ap, NULL, after);
    json_array_foreach (c, i, item) {
        const char *f = json_string_value(json_object_get(item, "field"));
        const char *last = strrchr(f, '.') ? strrchr(f, '.') + 1 : f;
        int secret = 0, k;

        for (k = 0; names[k]; k++) {
            secret |= strcmp(last, names[k]) == 0;
        }
        secret |= strcmp(f, "signingKey") == 0;
        ck_assert_msg(json_is_null(json_object_get(item, "old")), "%s old", f);
        ck_assert_msg(
            !secret || strcmp(json_string_value(json_object_get(item, "new")), "[REDACTED]") == 0,
            "%s not redacted", f);
        ck_assert_msg(secret || !json_equal(json_object_get(item, "new"), J("'[REDACTED]'")),
                      "%s redacted", f);
    }
    /* 13 names + smtp.host + smtp.passwordHash + signingKey (whole) + 4 ordinary; null skipped */
    ck_assert_int_eq(json_array_size(c), 13 + 2 + 1 + 4);
    /* an update of a secret is listed, both sides redacted; a secret cleared shows null */
    changes_eq(rz_audit_changes(g_ap, J("{'passwordHash':'a','webhookSecret':'x'}"),
                                J("{'passwordHash':'b'}")),
               "[{'field':'passwordHash','old':'[REDACTED]','new':'[REDACTED]'},"
               "{'field':'webhookSecret','old':'[REDACTED]','new':null}]");
}
END_TEST

START_TEST(test_changes_limits)
{
    json_t *big = rz_json_pool_own(g_ap, json_object()), *c, *v;
    char *longs = apr_palloc(g_ap, 1500 * 2 + 1), key[16];
    int i;

    for (i = 0; i < 150; i++) {
        snprintf(key, sizeof(key), "f%03d", i);
        json_object_set_new(big, key, json_integer(i));
    }
    c = rz_audit_changes(g_ap, NULL, big);
    ck_assert_int_eq(json_array_size(c), 100);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(c, 99), "field")), "f099");

    for (i = 0; i < 1500; i++) {
        memcpy(longs + 2 * i, "\xc3\xa9", 2); /* U+00E9, 2 bytes */
    }
    longs[3000] = '\0';
    v = rz_json_pool_own(g_ap, json_pack("{s:s, s:[s]}", "s", longs, "arr", longs));
    c = rz_audit_changes(g_ap, NULL, v);
    ck_assert_int_eq(json_array_size(c), 2);
    ck_assert_uint_eq(
        json_string_length(json_array_get(json_object_get(json_array_get(c, 0), "new"), 0)), 2000);
    ck_assert_uint_eq(json_string_length(json_object_get(json_array_get(c, 1), "new")), 2000);
}
END_TEST

/* ---- append --------------------------------------------------------------------------------- */

START_TEST(test_append_chain)
{
    const char *keys[] = {RZ_AUDIT_KEY};
    char *ua = apr_palloc(g_ap, 301), *meta_big = apr_palloc(g_ap, 2100), hex[65];
    rz_actor_t pub = {NULL, "public", NULL, NULL, NULL};
    json_t *e1 = NULL, *e2 = NULL, *e3 = NULL, *all, *e, *r;
    size_t i;

    memset(ua, 'u', 300);
    ua[300] = '\0';
    memset(meta_big, 'm', 2099);
    meta_big[2099] = '\0';
    pub.user_agent = ua;
    A_OK(rz_store_begin(g_as, keys, 1));
    A_OK(rz_audit_append(g_as, &actor, "client.create", "client", "cccccccccccccccccccccccc",
                         "bbbbbbbbbbbbbbbbbbbbbbbb",
                         rz_audit_changes(g_ap, NULL, J("{'name':'Ana','password':'x'}")), NULL,
                         &e1));
    A_OK(rz_audit_append(g_as, &pub, "auth.login_failed", "user", NULL, NULL, NULL,
                         J("{'email':'a@b.bi','note':'caf\\u00e9'}"), &e2));
    A_OK(rz_audit_append(g_as, &pub, "booking.create", "booking", "dddddddddddddddddddddddd", NULL,
                         NULL, rz_json_pool_own(g_ap, json_pack("{s:s}", "big", meta_big)), &e3));
    A_OK(rz_store_commit(g_as));
    ck_assert_int_eq(json_integer_value(json_object_get(e1, "seq")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(e3, "seq")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(e1, "prevHash")), ZERO64);
    ck_assert_uint_eq(json_string_length(json_object_get(e1, "at")), 20);
    ck_assert(json_is_null(json_object_get(e2, "actorId")));
    ck_assert(json_is_null(json_object_get(e2, "entityId")));
    ck_assert(json_is_null(json_object_get(e2, "establishmentId")));
    ck_assert(json_is_null(json_object_get(e2, "ip")));
    ck_assert(json_equal(json_object_get(e2, "changes"), J("[]")));
    ck_assert(json_equal(json_object_get(e3, "meta"), J("{'truncated':true}")));
    ck_assert_uint_eq(json_string_length(json_object_get(e3, "userAgent")), 256);

    all = all_entries();
    ck_assert_int_eq(json_array_size(all), 3);
    json_array_foreach (all, i, e) {
        ck_assert_int_eq(json_integer_value(json_object_get(e, "seq")), (json_int_t)i + 1);
        ck_assert_uint_eq(json_object_size(e), 17); /* 15 fields + id + version */
        ck_assert_str_eq(
            json_string_value(json_object_get(e, "prevHash")),
            i == 0 ? ZERO64
                   : json_string_value(json_object_get(json_array_get(all, i - 1), "hash")));
        expected_hash(e, hex);
        ck_assert_str_eq(json_string_value(json_object_get(e, "hash")), hex);
    }
    ck_assert(json_equal(json_object_get(json_array_get(all, 0), "changes"),
                         J("[{'field':'name','old':null,'new':'Ana'},"
                           "{'field':'password','old':null,'new':'[REDACTED]'}]")));
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(json_array_get(all, 1), "meta"), "note")),
        "caf\xc3\xa9");
    r = verify_is(1, 1, 3, 0, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "headSeq")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(r, "headHash")),
                     json_string_value(json_object_get(e3, "hash")));
    /* a second unit of work continues the chain */
    e = append_n(g_as, 2);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "seq")), 5);
    verify_is(1, 1, 5, 0, NULL);
}
END_TEST

START_TEST(test_append_invalid)
{
    const char *keys[] = {RZ_AUDIT_KEY};
    rz_actor_t bad = actor;
    long n = -1;
    rz_query_t q = {NULL, 0, NULL, 0, NULL, 0, 0, 0, 0};
    json_t *r = NULL;

    A_IS(rz_audit_append(g_as, &actor, "x.create", "x", NULL, NULL, NULL, NULL, NULL), RZ_INVALID);
    A_OK(rz_store_begin(g_as, keys, 1));
    bad.actor_role = "admin";
    A_IS(rz_audit_append(g_as, &bad, "x.create", "x", NULL, NULL, NULL, NULL, NULL), RZ_INVALID);
    A_IS(rz_audit_append(g_as, &actor, "x.create", "x", NULL, NULL, J("{}"), NULL, NULL),
         RZ_INVALID);
    A_IS(rz_audit_append(g_as, &actor, "x.create", "x", NULL, NULL, NULL, J("[]"), NULL),
         RZ_INVALID);
    A_IS(rz_audit_append(g_as, &actor, NULL, "x", NULL, NULL, NULL, NULL, NULL), RZ_INVALID);
    rz_store_rollback(g_as);
    A_OK(rz_store_count(g_as, RZ_AUDIT_COLL, &q, &n));
    ck_assert_int_eq(n, 0);
    A_IS(rz_audit_verify(g_as, 0, &r), RZ_INVALID);
}
END_TEST

START_TEST(test_append_rollback)
{
    const char *keys[] = {RZ_AUDIT_KEY};
    json_t *e = NULL;

    append_n(g_as, 1);
    A_OK(rz_store_begin(g_as, keys, 1));
    A_OK(rz_audit_append(g_as, &actor, "x.update", "x", NULL, NULL, NULL, NULL, &e));
    ck_assert_int_eq(json_integer_value(json_object_get(e, "seq")), 2);
    rz_store_rollback(g_as);
    ck_assert_uint_eq(json_array_size(all_entries()), 1);
    e = append_n(g_as, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "seq")), 2);
    verify_is(1, 1, 2, 0, NULL);
}
END_TEST

/* ---- verify --------------------------------------------------------------------------------- */

START_TEST(test_verify_empty)
{
    json_t *r = verify_is(1, 1, 0, 0, NULL);

    ck_assert(json_equal(r, J("{'valid':true,'checked':0,'headSeq':0,'headHash':null,"
                              "'firstInvalidSeq':null,'reason':null}")));
    verify_is(7, 1, 0, 0, NULL);
}
END_TEST

START_TEST(test_tamper_changes)
{
    json_t *r;

    append_n(g_as, 5);
    set_field(3, "changes", J("[]"));
    r = verify_is(1, 0, 2, 3, "hash");
    ck_assert_int_eq(json_integer_value(json_object_get(r, "headSeq")), 5);
    ck_assert_str_eq(json_string_value(json_object_get(r, "headHash")),
                     json_string_value(json_object_get(entry_at(5), "hash")));
    verify_is(4, 1, 2, 0, NULL); /* entry 3's stored hash still links entry 4 */
}
END_TEST

START_TEST(test_tamper_action)
{
    append_n(g_as, 5);
    set_field(5, "action", J("'booking.delete'"));
    verify_is(1, 0, 4, 5, "hash");
}
END_TEST

START_TEST(test_tamper_gap)
{
    append_n(g_as, 5);
    A_OK(rz_store_delete(g_as, RZ_AUDIT_COLL,
                         json_string_value(json_object_get(entry_at(3), "id"))));
    verify_is(1, 0, 2, 4, "gap");
    verify_is(4, 0, 0, 4, "gap"); /* the anchor (seq 3) is missing */
    verify_is(5, 1, 1, 0, NULL);
}
END_TEST

START_TEST(test_tamper_link)
{
    json_t *e;
    char hex[65];

    append_n(g_as, 5);
    e = json_deep_copy(entry_at(3));
    json_object_set_new(e, "prevHash", json_string(apr_pstrcat(g_ap, "ab", ZERO64 + 2, NULL)));
    expected_hash(e, hex);
    set_field(3, "prevHash", json_object_get(e, "prevHash"));
    set_field(3, "hash", rz_json_pool_own(g_ap, json_string(hex)));
    json_decref(e);
    verify_is(1, 0, 2, 3, "link");
    verify_is(3, 0, 0, 3, "link");
    verify_is(4, 0, 0, 4, "link"); /* entry 4 no longer links to the rewritten 3 */
}
END_TEST

/* Writes a chain of n entries directly through the store (single writes, no unit of work), hashed
 * by the test's own expected_hash: cheap on test servers whose reads inside transactions are
 * linear in the collection size, and a cross-check of the hash definition. */
static void build_chain(int n)
{
    char prev[65] = ZERO64, hex[65];
    json_int_t seq;

    for (seq = 1; seq <= n; seq++) {
        json_t *e =
            json_pack("{s:I, s:s, s:n, s:s, s:n, s:s, s:s, s:n, s:[], s:{}, s:n, s:n, s:n, "
                      "s:s}",
                      "seq", seq, "at", "2026-11-25T10:00:00Z", "actorId", "actorRole", "system",
                      "establishmentId", "action", "job.run", "entity", "job", "entityId",
                      "changes", "meta", "ip", "userAgent", "requestId", "prevHash", prev);

        expected_hash(e, hex);
        json_object_set_new(e, "hash", json_string(hex));
        A_OK(rz_store_insert(g_as, RZ_AUDIT_COLL, e, NULL));
        json_decref(e);
        memcpy(prev, hex, sizeof(prev));
    }
}

START_TEST(test_verify_pages)
{
    build_chain(1100);
    verify_is(1, 1, 1100, 0, NULL);
    verify_is(600, 1, 501, 0, NULL);
    set_field(1000, "meta", J("{'n':2}"));
    verify_is(1, 0, 999, 1000, "hash");
}
END_TEST

/* ---- concurrency ---------------------------------------------------------------------------- */

static int child_append(int idx)
{
    const char *keys[] = {RZ_AUDIT_KEY};
    apr_pool_t *p;
    rz_store_t *st;
    rz_sess_t *s;
    const char *err = NULL;
    rz_actor_t a = {NULL, "system", NULL, NULL, NULL};
    rz_status_t rv = RZ_OK;
    int i;

    if (apr_pool_create(&p, NULL) != APR_SUCCESS || rz_store_open(&st, g_auri, p, &err) != RZ_OK
        || rz_store_session(&s, st, p) != RZ_OK) {
        fprintf(stderr, "audit child %d: cannot open the store: %s\n", idx, err ? err : "session");
        return 1;
    }
    for (i = 0; i < PER_PROC && rv == RZ_OK; i++) {
        rv = rz_store_begin(s, keys, 1);
        if (rv == RZ_OK) {
            rv = rz_audit_append(s, &a, "job.run", "job", NULL, NULL, NULL, NULL, NULL);
        }
        rv = rv == RZ_OK ? rz_store_commit(s) : rv;
        if (rv != RZ_OK) {
            fprintf(stderr, "audit child %d, append %d: %s (%s)\n", idx, i, rz_status_name(rv),
                    rz_store_last_error(s));
            rz_store_rollback(s);
        }
    }
    apr_pool_destroy(p);
    return rv == RZ_OK ? 0 : 1;
}

START_TEST(test_concurrent_appends)
{
    pid_t pids[NPROC];
    int i, status, failed = 0;
    json_t *all, *e;
    size_t k;

    a_close(); /* nothing open across fork */
    for (i = 0; i < NPROC; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            _exit(child_append(i));
        }
    }
    for (i = 0; i < NPROC; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    a_open();
    ck_assert_msg(failed == 0, "%d children failed (details on stderr)", failed);
    all = all_entries();
    ck_assert_uint_eq(json_array_size(all), NPROC * PER_PROC);
    json_array_foreach (all, k, e) {
        ck_assert_int_eq(json_integer_value(json_object_get(e, "seq")), (json_int_t)k + 1);
    }
    verify_is(1, 1, NPROC * PER_PROC, 0, NULL);
}
END_TEST

/* ---- suite ---------------------------------------------------------------------------------- */

Suite *audit_suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("audit");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_changes_create);
    tcase_add_test(tc, test_changes_update);
    tcase_add_test(tc, test_changes_delete);
    tcase_add_test(tc, test_changes_redaction);
    tcase_add_test(tc, test_changes_limits);
    tcase_add_test(tc, test_append_chain);
    tcase_add_test(tc, test_append_invalid);
    tcase_add_test(tc, test_append_rollback);
    tcase_add_test(tc, test_verify_empty);
    tcase_add_test(tc, test_tamper_changes);
    tcase_add_test(tc, test_tamper_action);
    tcase_add_test(tc, test_tamper_gap);
    tcase_add_test(tc, test_tamper_link);
    tcase_add_test(tc, test_verify_pages);
    tcase_add_test(tc, test_concurrent_appends);
    suite_add_tcase(s, tc);
    return s;
}
