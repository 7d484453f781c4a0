/* test_validate.c: unit tests of the schema validator (types, modes, paths), RFC 7396 merge. */
#include <apr_pools.h>
#include <apr_strings.h>
#include <check.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_validate.h"
#include "unit_suites.h"

static apr_pool_t *pool;
static rz_vctx_t v;

static const char *const statuses[] = {"pending", "accepted", "cancelled", NULL};

static const char *no_x(apr_pool_t *p, const json_t *value)
{
    return strchr(json_string_value(value), 'X') ? "must not contain X" : NULL;
}

static const rz_field_t geo_fields[] = {
    {.name = "zone", .type = RZ_T_STRING, .flags = RZ_REQ, .max = 5},
    {.name = NULL},
};

static const rz_field_t location_fields[] = {
    {.name = "city", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 100},
    {.name = "country", .type = RZ_T_COUNTRY},
    {.name = "lat", .type = RZ_T_NUMBER, .flags = RZ_REQ, .max = 7, .dmin = -90, .dmax = 90},
    {.name = "geo", .type = RZ_T_OBJECT, .fields = geo_fields},
    {.name = "geohash", .type = RZ_T_STRING, .flags = RZ_SERVER},
    {.name = NULL},
};

static const rz_field_t item_fields[] = {
    {.name = "sku", .type = RZ_T_STRING, .flags = RZ_REQ, .max = 20},
    {.name = "quantity", .type = RZ_T_INT, .flags = RZ_REQ, .min = 1, .max = 99},
    {.name = "unitPrice", .type = RZ_T_MONEY},
    {.name = NULL},
};

static const rz_field_t item_desc = {.name = "item", .type = RZ_T_OBJECT, .fields = item_fields};
static const rz_field_t tag_desc = {.name = "tag", .type = RZ_T_STRING, .max = 10};
static const rz_field_t day_desc = {.name = "day", .type = RZ_T_DATE};

static const rz_field_t schema[] = {
    {.name = "name", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "notes", .type = RZ_T_STRING},
    {.name = "code", .type = RZ_T_STRING, .min = 3, .max = 8, .check = no_x},
    {.name = "status", .type = RZ_T_ENUM, .enums = statuses},
    {.name = "count", .type = RZ_T_INT, .min = -5, .max = 10},
    {.name = "anyInt", .type = RZ_T_INT},
    {.name = "price", .type = RZ_T_MONEY},
    {.name = "deposit", .type = RZ_T_MONEY, .min = 100},
    {.name = "ratio", .type = RZ_T_NUMBER, .max = 2, .dmin = 0, .dmax = 1},
    {.name = "anyNumber", .type = RZ_T_NUMBER},
    {.name = "active", .type = RZ_T_BOOL},
    {.name = "day", .type = RZ_T_DATE},
    {.name = "at", .type = RZ_T_DATETIME},
    {.name = "checkIn", .type = RZ_T_DATE_OR_DATETIME},
    {.name = "time", .type = RZ_T_HHMM},
    {.name = "email", .type = RZ_T_EMAIL},
    {.name = "phone", .type = RZ_T_PHONE},
    {.name = "ref", .type = RZ_T_ID},
    {.name = "country", .type = RZ_T_COUNTRY},
    {.name = "location", .type = RZ_T_OBJECT, .fields = location_fields},
    {.name = "items", .type = RZ_T_ARRAY, .items = &item_desc, .max = 3},
    {.name = "tags", .type = RZ_T_ARRAY, .items = &tag_desc},
    {.name = "days", .type = RZ_T_ARRAY, .items = &day_desc, .min = 1, .max = 2},
    {.name = "establishmentId", .type = RZ_T_ID},
    {.name = "version", .type = RZ_T_INT, .flags = RZ_SERVER},
    {.name = NULL},
};

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    rz_vctx_init(&v, pool);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* Loads JSON written with single quotes (no apostrophes inside strings) into a pool-owned value. */
static json_t *J(const char *text)
{
    char *s = apr_pstrdup(pool, text), *p;
    json_error_t err;
    json_t *j;

    for (p = s; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    j = json_loads(s, JSON_DECODE_ANY, &err);
    ck_assert_msg(j != NULL, "bad test JSON %s: %s", s, err.text);
    return rz_json_pool_own(pool, j);
}

/* Message of the first detail on `field`, or NULL. */
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

static json_t *run(rz_vmode_t mode, const char *text)
{
    rz_vctx_init(&v, pool);
    return rz_validate(&v, schema, J(text), mode);
}

/* Validates `text` (with the required name added unless it names one) and expects success. */
static json_t *ok(rz_vmode_t mode, const char *text)
{
    json_t *out = run(mode, text);

    ck_assert_msg(out != NULL && json_array_size(v.details) == 0, "%.200s -> %.500s", text,
                  rz_json_dump(pool, v.details, NULL));
    return out;
}

/* Expects exactly one detail, on `field` with `message`, and a NULL result. */
static void fails(rz_vmode_t mode, const char *text, const char *field, const char *message)
{
    json_t *out = run(mode, text);
    const char *got = msg(field);

    ck_assert_msg(out == NULL, "accepted: %.200s", text);
    ck_assert_msg(got && strcmp(got, message) == 0 && json_array_size(v.details) == 1,
                  "%.200s: expected %s: %s, got %.500s", text, field, message,
                  rz_json_dump(pool, v.details, NULL));
}

static const char *str_of(json_t *o, const char *path)
{
    json_t *x = rz_json_path_get(o, path);

    return json_is_string(x) ? json_string_value(x) : NULL;
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

/* A JSON string literal (single-quoted for J) of n copies of unit. */
static const char *qrep(const char *unit, int n)
{
    return apr_pstrcat(pool, "'", repeat(unit, n), "'", NULL);
}

static const char *obj(const char *name, const char *value)
{
    return apr_psprintf(pool, "{'name':'n','%s':%s}", name, value);
}

/* ---- presence, null and modes ------------------------------------------------------------ */

START_TEST(minimal_create)
{
    json_t *out = ok(RZ_V_CREATE, "{'name':'Ana'}");

    ck_assert_uint_eq(json_object_size(out), 1);
    ck_assert_str_eq(str_of(out, "name"), "Ana");
}
END_TEST

START_TEST(required_rules)
{
    fails(RZ_V_CREATE, "{}", "name", "required");
    fails(RZ_V_CREATE, "{'name':null}", "name", "must not be null");
    fails(RZ_V_CREATE, "{'name':' \\u00a0\\t '}", "name", "required");
    fails(RZ_V_CREATE, "{'name':''}", "name", "required");
    ok(RZ_V_PATCH, "{}");
    fails(RZ_V_PATCH, "{'name':null}", "name", "must not be null");
    fails(RZ_V_PATCH, "{'name':'   '}", "name", "required");
}
END_TEST

START_TEST(optional_null_and_empty)
{
    json_t *out = ok(RZ_V_CREATE, "{'name':'n','notes':null,'price':null,'location':null}");

    ck_assert_uint_eq(json_object_size(out), 1);
    out = ok(RZ_V_PATCH, "{'notes':null,'price':null,'location':null,'items':null}");
    ck_assert_uint_eq(json_object_size(out), 4);
    ck_assert(json_is_null(json_object_get(out, "notes")));
    ck_assert(json_is_null(json_object_get(out, "location")));
    ck_assert(json_is_null(json_object_get(out, "items")));
    /* an empty string counts as absent in both modes */
    out = ok(RZ_V_CREATE, "{'name':'n','notes':'  ','email':'','status':' '}");
    ck_assert_uint_eq(json_object_size(out), 1);
    out = ok(RZ_V_PATCH, "{'notes':'\\u3000','day':''}");
    ck_assert_uint_eq(json_object_size(out), 0);
}
END_TEST

START_TEST(non_object_input)
{
    rz_vctx_init(&v, pool);
    ck_assert_ptr_null(rz_validate(&v, schema, J("[1]"), RZ_V_CREATE));
    ck_assert_str_eq(msg(""), "must be an object");
    rz_vctx_init(&v, pool);
    ck_assert_ptr_null(rz_validate(&v, schema, NULL, RZ_V_PATCH));
    ck_assert_str_eq(msg(""), "must be an object");
}
END_TEST

START_TEST(collects_every_problem)
{
    json_t *out = run(RZ_V_CREATE, "{'count':11,'bogus':1,'price':1.5,'items':[{'sku':''}]}");

    ck_assert_ptr_null(out);
    ck_assert_uint_eq(json_array_size(v.details), 6);
    ck_assert_str_eq(msg("name"), "required");
    ck_assert_str_eq(msg("count"), "must be at most 10");
    ck_assert_str_eq(msg("bogus"), "unknown field");
    ck_assert_str_eq(msg("price"), "must be an integer");
    ck_assert_str_eq(msg("items.0.sku"), "required");
    ck_assert_str_eq(msg("items.0.quantity"), "required");
}
END_TEST

START_TEST(result_ignores_earlier_details)
{
    rz_vctx_init(&v, pool);
    rz_v_fail(&v, "other", "something");
    ck_assert_int_eq(rz_v_ok(&v), 0);
    ck_assert_ptr_nonnull(rz_validate(&v, schema, J("{'name':'a'}"), RZ_V_CREATE));
    ck_assert_uint_eq(json_array_size(v.details), 1);
    ck_assert_ptr_null(rz_validate(&v, schema, J("{}"), RZ_V_CREATE));
    ck_assert_uint_eq(json_array_size(v.details), 2);
}
END_TEST

START_TEST(output_in_schema_order)
{
    json_t *out = ok(RZ_V_CREATE, "{'active':true,'count':1,'name':'n'}");

    ck_assert_str_eq(rz_json_dump(pool, out, NULL), "{\"name\":\"n\",\"count\":1,\"active\":true}");
}
END_TEST

/* ---- unknown and ignored fields ---------------------------------------------------------- */

START_TEST(unknown_fields_at_depth)
{
    fails(RZ_V_CREATE, "{'name':'n','nme':'x'}", "nme", "unknown field");
    fails(RZ_V_CREATE, "{'name':'n','location':{'city':'c','lat':1,'zip':'1'}}", "location.zip",
          "unknown field");
    fails(RZ_V_PATCH, "{'location':{'geo':{'zone':'a','x':1}}}", "location.geo.x", "unknown field");
    fails(RZ_V_CREATE,
          "{'name':'n','items':[{'sku':'a','quantity':1},{'sku':'b','quantity':2,"
          "'bogus':null}]}",
          "items.1.bogus", "unknown field");
    fails(RZ_V_CREATE, "{'name':'n','Name':'n'}", "Name", "unknown field");
}
END_TEST

START_TEST(ignored_fields)
{
    static const char *const ignore[] = {"establishmentId", "clientHint", NULL};
    json_t *out = ok(RZ_V_CREATE, "{'name':'n','id':'x','createdAt':1,'updatedAt':null,"
                                  "'version':'junk','location':{'city':'c','lat':0,'id':5,"
                                  "'createdAt':'x','geohash':'abc'},"
                                  "'items':[{'sku':'a','quantity':1,'updatedAt':2}]}");

    ck_assert_ptr_null(json_object_get(out, "id"));
    ck_assert_ptr_null(json_object_get(out, "version"));
    ck_assert_ptr_null(rz_json_path_get(out, "location.id"));
    ck_assert_ptr_null(rz_json_path_get(out, "location.geohash"));
    ck_assert_uint_eq(json_object_size(json_array_get(json_object_get(out, "items"), 0)), 2);
    /* v->ignore: top level only, wins over the schema */
    rz_vctx_init(&v, pool);
    v.ignore = ignore;
    out = rz_validate(&v, schema, J("{'name':'n','establishmentId':'bad','clientHint':1}"),
                      RZ_V_CREATE);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_null(json_object_get(out, "establishmentId"));
    rz_vctx_init(&v, pool);
    v.ignore = ignore;
    ck_assert_ptr_null(rz_validate(
        &v, schema, J("{'name':'n','location':{'city':'c','lat':0,'clientHint':1}}"), RZ_V_CREATE));
    ck_assert_str_eq(msg("location.clientHint"), "unknown field");
    /* without the ignore list establishmentId is an ordinary input */
    fails(RZ_V_CREATE, "{'name':'n','establishmentId':'bad'}", "establishmentId",
          "must be a valid id");
}
END_TEST

START_TEST(required_ignored_name_not_required)
{
    static const rz_field_t s2[] = {
        {.name = "establishmentId", .type = RZ_T_ID, .flags = RZ_REQ},
        {.name = "title", .type = RZ_T_STRING, .flags = RZ_REQ},
        {.name = NULL},
    };
    static const char *const ignore[] = {"establishmentId", NULL};

    rz_vctx_init(&v, pool);
    v.ignore = ignore;
    ck_assert_ptr_nonnull(rz_validate(&v, s2, J("{'title':'t'}"), RZ_V_CREATE));
    rz_vctx_init(&v, pool);
    ck_assert_ptr_null(rz_validate(&v, s2, J("{'title':'t'}"), RZ_V_CREATE));
    ck_assert_str_eq(msg("establishmentId"), "required");
}
END_TEST

/* ---- strings ----------------------------------------------------------------------------- */

START_TEST(string_trim_and_type)
{
    json_t *out = ok(RZ_V_CREATE, "{'name':'\\u00a0\\u3000 Ana  Maria\\u2003\\n'}");

    ck_assert_str_eq(str_of(out, "name"), "Ana  Maria");
    fails(RZ_V_CREATE, "{'name':5}", "name", "must be a string");
    fails(RZ_V_CREATE, "{'name':true}", "name", "must be a string");
    fails(RZ_V_CREATE, "{'name':['a']}", "name", "must be a string");
}
END_TEST

START_TEST(string_lengths)
{
    ok(RZ_V_CREATE, apr_psprintf(pool, "{'name':%s}", qrep("\\u00e9", 50)));
    fails(RZ_V_CREATE, apr_psprintf(pool, "{'name':%s}", qrep("\\u00e9", 51)), "name",
          "must be at most 50 characters");
    ok(RZ_V_CREATE, apr_psprintf(pool, "{'name':%s}", qrep("\\ud83d\\ude00", 50)));
    /* default limit 1..10,000 code points */
    ok(RZ_V_CREATE, obj("notes", qrep("a", 10000)));
    fails(RZ_V_CREATE, obj("notes", qrep("a", 10001)), "notes", "must be at most 10000 characters");
    ok(RZ_V_CREATE, obj("notes", qrep("\\u20ac", 10000)));
    /* explicit minimum, measured after trimming */
    ok(RZ_V_CREATE, obj("code", "'abc'"));
    fails(RZ_V_CREATE, obj("code", "' ab '"), "code", "must be at least 3 characters");
    ok(RZ_V_CREATE, obj("code", "'abcdefgh'"));
    fails(RZ_V_CREATE, obj("code", "'abcdefghi'"), "code", "must be at most 8 characters");
}
END_TEST

START_TEST(string_controls)
{
    json_t *out;

    fails(RZ_V_CREATE, obj("notes", "'a\\u0001b'"), "notes", "contains a control character");
    fails(RZ_V_CREATE, obj("notes", "'a\\u001fb'"), "notes", "contains a control character");
    fails(RZ_V_CREATE, obj("notes", "'a\\u007fb'"), "notes", "contains a control character");
    fails(RZ_V_CREATE, obj("notes", "'a\\u000bb'"), "notes", "contains a control character");
    out = ok(RZ_V_CREATE, obj("notes", "'a\\tb\\nc\\r\\nd'"));
    ck_assert_str_eq(str_of(out, "notes"), "a\tb\nc\r\nd");
    /* VT and FF are White_Space: trimmed at the ends before the check */
    out = ok(RZ_V_CREATE, obj("notes", "'\\u000bab\\u000c'"));
    ck_assert_str_eq(str_of(out, "notes"), "ab");
    fails(RZ_V_CREATE, obj("email", "'a\\u0001@b.c'"), "email", "contains a control character");
}
END_TEST

START_TEST(check_callback)
{
    fails(RZ_V_CREATE, obj("code", "'abXd'"), "code", "must not contain X");
    /* the check sees the normalised value, and is not run when the type check failed */
    fails(RZ_V_CREATE, obj("code", "'aX'"), "code", "must be at least 3 characters");
    ok(RZ_V_PATCH, "{'code':null}");
}
END_TEST

START_TEST(enums)
{
    json_t *out = ok(RZ_V_CREATE, obj("status", "' accepted '"));

    ck_assert_str_eq(str_of(out, "status"), "accepted");
    fails(RZ_V_CREATE, obj("status", "'Accepted'"), "status",
          "must be one of: pending, accepted, cancelled");
    fails(RZ_V_CREATE, obj("status", "'x'"), "status",
          "must be one of: pending, accepted, cancelled");
    fails(RZ_V_CREATE, obj("status", "1"), "status", "must be a string");
}
END_TEST

/* ---- numbers ----------------------------------------------------------------------------- */

START_TEST(integers)
{
    json_t *out = ok(RZ_V_CREATE, obj("count", "-5"));

    ck_assert_int_eq(json_integer_value(json_object_get(out, "count")), -5);
    ok(RZ_V_CREATE, obj("count", "10"));
    fails(RZ_V_CREATE, obj("count", "-6"), "count", "must be at least -5");
    fails(RZ_V_CREATE, obj("count", "11"), "count", "must be at most 10");
    fails(RZ_V_CREATE, obj("count", "1.0"), "count", "must be an integer");
    fails(RZ_V_CREATE, obj("count", "'1'"), "count", "must be an integer");
    fails(RZ_V_CREATE, obj("count", "true"), "count", "must be an integer");
    out = ok(RZ_V_CREATE, obj("anyInt", "9007199254740991"));
    ck_assert(json_integer_value(json_object_get(out, "anyInt")) == RZ_JSON_MAX_SAFE_INT);
    ok(RZ_V_CREATE, obj("anyInt", "-9007199254740991"));
    /* reached only by a value not from rz_json_parse_body */
    fails(RZ_V_CREATE, obj("anyInt", "9007199254740992"), "anyInt",
          "must be at most 9007199254740991");
}
END_TEST

START_TEST(money)
{
    json_t *out = ok(RZ_V_CREATE, obj("price", "0"));

    ck_assert_int_eq(json_integer_value(json_object_get(out, "price")), 0);
    ok(RZ_V_CREATE, obj("price", "1000000000000"));
    fails(RZ_V_CREATE, obj("price", "1000000000001"), "price", "must be at most 1000000000000");
    fails(RZ_V_CREATE, obj("price", "-1"), "price", "must be at least 0");
    fails(RZ_V_CREATE, obj("price", "100.0"), "price", "must be an integer");
    fails(RZ_V_CREATE, obj("price", "1e3"), "price", "must be an integer");
    fails(RZ_V_CREATE, obj("price", "1E3"), "price", "must be an integer");
    fails(RZ_V_CREATE, obj("price", "0.5"), "price", "must be an integer");
    fails(RZ_V_CREATE, obj("price", "'100'"), "price", "must be an integer");
    /* a minimum with no maximum keeps the default maximum */
    fails(RZ_V_CREATE, obj("deposit", "99"), "deposit", "must be at least 100");
    ok(RZ_V_CREATE, obj("deposit", "100"));
    ok(RZ_V_CREATE, obj("deposit", "1000000000000"));
    fails(RZ_V_CREATE, obj("deposit", "1000000000001"), "deposit", "must be at most 1000000000000");
}
END_TEST

START_TEST(numbers)
{
    json_t *out = ok(RZ_V_CREATE, obj("ratio", "0.25"));

    ck_assert(json_is_real(json_object_get(out, "ratio")));
    ck_assert(json_real_value(json_object_get(out, "ratio")) == 0.25);
    out = ok(RZ_V_CREATE, obj("ratio", "1"));
    ck_assert(json_is_integer(json_object_get(out, "ratio")));
    ok(RZ_V_CREATE, obj("ratio", "0"));
    ok(RZ_V_CREATE, obj("ratio", "0.99"));
    fails(RZ_V_CREATE, obj("ratio", "1.01"), "ratio", "must be at most 1");
    fails(RZ_V_CREATE, obj("ratio", "-0.01"), "ratio", "must be at least 0");
    fails(RZ_V_CREATE, obj("ratio", "0.255"), "ratio", "must have at most 2 decimals");
    fails(RZ_V_CREATE, obj("ratio", "'0.5'"), "ratio", "must be a number");
    ok(RZ_V_CREATE, obj("anyNumber", "-1e300"));
    ok(RZ_V_CREATE, obj("anyNumber", "123.456789123"));
    ok(RZ_V_CREATE, "{'name':'n','location':{'city':'c','lat':-89.1234567}}");
    ok(RZ_V_CREATE, "{'name':'n','location':{'city':'c','lat':90}}");
    ok(RZ_V_CREATE, "{'name':'n','location':{'city':'c','lat':-90.0}}");
    fails(RZ_V_CREATE, "{'name':'n','location':{'city':'c','lat':-89.12345678}}", "location.lat",
          "must have at most 7 decimals");
    fails(RZ_V_CREATE, "{'name':'n','location':{'city':'c','lat':90.0000001}}", "location.lat",
          "must be at most 90");
    fails(RZ_V_CREATE, "{'name':'n','location':{'city':'c','lat':-90.5}}", "location.lat",
          "must be at least -90");
}
END_TEST

START_TEST(booleans)
{
    json_t *out = ok(RZ_V_CREATE, obj("active", "false"));

    ck_assert(json_is_false(json_object_get(out, "active")));
    fails(RZ_V_CREATE, obj("active", "'true'"), "active", "must be a boolean");
    fails(RZ_V_CREATE, obj("active", "1"), "active", "must be a boolean");
}
END_TEST

/* ---- formats ----------------------------------------------------------------------------- */

START_TEST(dates)
{
    json_t *out = ok(RZ_V_CREATE, obj("day", "' 2024-02-29 '"));

    ck_assert_str_eq(str_of(out, "day"), "2024-02-29");
    ok(RZ_V_CREATE, obj("day", "'2000-01-01'"));
    ok(RZ_V_CREATE, obj("day", "'2100-12-31'"));
    fails(RZ_V_CREATE, obj("day", "'1999-12-31'"), "day", "must be a valid date (YYYY-MM-DD)");
    fails(RZ_V_CREATE, obj("day", "'2101-01-01'"), "day", "must be a valid date (YYYY-MM-DD)");
    fails(RZ_V_CREATE, obj("day", "'2026-02-29'"), "day", "must be a valid date (YYYY-MM-DD)");
    fails(RZ_V_CREATE, obj("day", "'2026-02-30'"), "day", "must be a valid date (YYYY-MM-DD)");
    fails(RZ_V_CREATE, obj("day", "'2026-2-3'"), "day", "must be a valid date (YYYY-MM-DD)");
    fails(RZ_V_CREATE, obj("day", "20260203"), "day", "must be a string");
}
END_TEST

START_TEST(datetimes)
{
    json_t *out = ok(RZ_V_CREATE, obj("at", "'2026-11-25T07:00:30.987+02:00'"));

    ck_assert_str_eq(str_of(out, "at"), "2026-11-25T05:00:30Z");
    out = ok(RZ_V_CREATE, obj("at", "'2026-01-01T00:30-01:00'"));
    ck_assert_str_eq(str_of(out, "at"), "2026-01-01T01:30:00Z");
    fails(RZ_V_CREATE, obj("at", "'2026-11-25T07:00:00'"), "at",
          "must be an RFC 3339 datetime with offset");
    fails(RZ_V_CREATE, obj("at", "'2026-11-25'"), "at", "must be an RFC 3339 datetime with offset");
    fails(RZ_V_CREATE, obj("at", "'2026-11-25T07:00:00+25:00'"), "at",
          "must be an RFC 3339 datetime with offset");
}
END_TEST

START_TEST(date_or_datetime)
{
    json_t *out = ok(RZ_V_CREATE, obj("checkIn", "'2026-12-01'"));

    ck_assert_str_eq(str_of(out, "checkIn"), "2026-12-01");
    out = ok(RZ_V_CREATE, obj("checkIn", "'2026-12-01T14:00:00+02:00'"));
    ck_assert_str_eq(str_of(out, "checkIn"), "2026-12-01T12:00:00Z");
    fails(RZ_V_CREATE, obj("checkIn", "'2026-12-32'"), "checkIn",
          "must be a valid date (YYYY-MM-DD)");
    fails(RZ_V_CREATE, obj("checkIn", "'2026-12-01T14:00'"), "checkIn",
          "must be an RFC 3339 datetime with offset");
}
END_TEST

START_TEST(hhmm_field)
{
    ok(RZ_V_CREATE, obj("time", "'00:00'"));
    ok(RZ_V_CREATE, obj("time", "'23:59'"));
    fails(RZ_V_CREATE, obj("time", "'24:00'"), "time", "must be HH:MM");
    fails(RZ_V_CREATE, obj("time", "'9:00'"), "time", "must be HH:MM");
    fails(RZ_V_CREATE, obj("time", "'12:60'"), "time", "must be HH:MM");
}
END_TEST

START_TEST(email_field)
{
    json_t *out = ok(RZ_V_CREATE, obj("email", "' Ana.B@Example.COM '"));

    ck_assert_str_eq(str_of(out, "email"), "ana.b@example.com");
    fails(RZ_V_CREATE, obj("email", "'ana@example'"), "email", "must be a valid email");
    fails(RZ_V_CREATE, obj("email", "'a b@example.com'"), "email", "must be a valid email");
}
END_TEST

START_TEST(phone_field)
{
    json_t *out = ok(RZ_V_CREATE, obj("phone", "'79 00 00 00'"));

    ck_assert_str_eq(str_of(out, "phone"), "+25779000000");
    rz_vctx_init(&v, pool);
    v.country = "FR";
    out = rz_validate(&v, schema, J(obj("phone", "'06 12 34 56 78'")), RZ_V_CREATE);
    ck_assert_str_eq(str_of(out, "phone"), "+33612345678");
    rz_vctx_init(&v, pool);
    v.country = "ZZ";
    ck_assert_ptr_null(rz_validate(&v, schema, J(obj("phone", "'79000000'")), RZ_V_CREATE));
    ck_assert_str_eq(msg("phone"), "must be a valid phone number");
    fails(RZ_V_CREATE, obj("phone", "'+1234567'"), "phone", "must be a valid phone number");
}
END_TEST

START_TEST(id_and_country)
{
    ok(RZ_V_CREATE, obj("ref", "'0123456789abcdef01234567'"));
    fails(RZ_V_CREATE, obj("ref", "'0123456789ABCDEF01234567'"), "ref", "must be a valid id");
    fails(RZ_V_CREATE, obj("ref", "'0123456789abcdef0123456'"), "ref", "must be a valid id");
    fails(RZ_V_CREATE, obj("ref", "'0123456789abcdef012345678'"), "ref", "must be a valid id");
    ok(RZ_V_CREATE, obj("country", "'RW'"));
    fails(RZ_V_CREATE, obj("country", "'rw'"), "country", "must be an ISO 3166-1 alpha-2 code");
    fails(RZ_V_CREATE, obj("country", "'XX'"), "country", "must be an ISO 3166-1 alpha-2 code");
    fails(RZ_V_CREATE, obj("country", "'RWA'"), "country", "must be an ISO 3166-1 alpha-2 code");
}
END_TEST

/* ---- nested objects and arrays ----------------------------------------------------------- */

START_TEST(nested_objects)
{
    json_t *out = ok(RZ_V_CREATE, "{'name':'n','location':{'city':' Bujumbura ','lat':-3.38,"
                                  "'geo':{'zone':'a'}}}");

    ck_assert_str_eq(str_of(out, "location.city"), "Bujumbura");
    ck_assert_str_eq(str_of(out, "location.geo.zone"), "a");
    fails(RZ_V_CREATE, "{'name':'n','location':{'lat':1}}", "location.city", "required");
    fails(RZ_V_CREATE, "{'name':'n','location':{'city':'c','lat':1,'geo':{}}}", "location.geo.zone",
          "required");
    fails(RZ_V_CREATE, "{'name':'n','location':'x'}", "location", "must be an object");
    fails(RZ_V_CREATE, "{'name':'n','location':[]}", "location", "must be an object");
    /* PATCH: nested objects are patches too */
    out = ok(RZ_V_PATCH, "{'location':{'country':'RW'}}");
    ck_assert_uint_eq(json_object_size(json_object_get(out, "location")), 1);
    out = ok(RZ_V_PATCH, "{'location':{'country':null}}");
    ck_assert(json_is_null(rz_json_path_get(out, "location.country")));
    fails(RZ_V_PATCH, "{'location':{'city':null}}", "location.city", "must not be null");
    fails(RZ_V_PATCH, "{'location':{'geo':{'zone':'toolong'}}}", "location.geo.zone",
          "must be at most 5 characters");
}
END_TEST

START_TEST(arrays)
{
    json_t *out = ok(RZ_V_CREATE, "{'name':'n','items':[{'sku':' a ','quantity':1},"
                                  "{'sku':'b','quantity':99,'unitPrice':500}]}");

    ck_assert_uint_eq(json_array_size(json_object_get(out, "items")), 2);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(json_object_get(out, "items"), 0), "sku")),
        "a");
    fails(RZ_V_CREATE,
          "{'name':'n','items':[{'sku':'a','quantity':1},{'sku':'b','quantity':1},"
          "{'sku':'c','quantity':100}]}",
          "items.2.quantity", "must be at most 99");
    fails(RZ_V_CREATE, "{'name':'n','items':{}}", "items", "must be an array");
    fails(RZ_V_CREATE, "{'name':'n','items':[1]}", "items.0", "must be an object");
    fails(RZ_V_CREATE, "{'name':'n','items':[null]}", "items.0", "must not be null");
    fails(RZ_V_CREATE, "{'name':'n','tags':['ok','  ']}", "tags.1", "required");
    fails(RZ_V_CREATE, "{'name':'n','tags':['12345678901']}", "tags.0",
          "must be at most 10 characters");
    fails(RZ_V_CREATE, "{'name':'n','days':['2026-01-01','2026-13-01']}", "days.1",
          "must be a valid date (YYYY-MM-DD)");
    ok(RZ_V_CREATE, "{'name':'n','items':[]}");
    /* items of an array are whole values, validated as on create even in a PATCH */
    fails(RZ_V_PATCH, "{'items':[{'sku':'a'}]}", "items.0.quantity", "required");
}
END_TEST

START_TEST(array_sizes)
{
    const char *it = "{'sku':'a','quantity':1}";
    const char *three = apr_psprintf(pool, "[%s,%s,%s]", it, it, it);
    const char *four = apr_psprintf(pool, "[%s,%s,%s,%s]", it, it, it, it);
    const char *tags999 = repeat("'t',", 999);
    const char *tags1000 = apr_pstrcat(pool, "[", tags999, "'t']", NULL);
    const char *tags1001 = apr_pstrcat(pool, "[", tags999, "'t','t']", NULL);

    ok(RZ_V_CREATE, obj("items", three));
    fails(RZ_V_CREATE, obj("items", four), "items", "must have at most 3 items");
    ok(RZ_V_CREATE, obj("tags", tags1000));
    fails(RZ_V_CREATE, obj("tags", tags1001), "tags", "must have at most 1000 items");
    fails(RZ_V_CREATE, obj("days", "[]"), "days", "must have at least 1 items");
    ok(RZ_V_CREATE, obj("days", "['2026-01-01']"));
    ok(RZ_V_CREATE, obj("days", "['2026-01-01','2026-01-02']"));
    fails(RZ_V_CREATE, obj("days", "['2026-01-01','2026-01-02','2026-01-03']"), "days",
          "must have at most 2 items");
}
END_TEST

START_TEST(validate_value_direct)
{
    static const rz_field_t f = {.name = "qty", .type = RZ_T_INT, .min = 1, .max = 3};
    json_t *out;

    rz_vctx_init(&v, pool);
    out = rz_validate_value(&v, &f, J("2"), "lines.4.qty", RZ_V_CREATE);
    ck_assert_int_eq(json_integer_value(out), 2);
    ck_assert_ptr_null(rz_validate_value(&v, &f, J("4"), "lines.4.qty", RZ_V_CREATE));
    ck_assert_str_eq(msg("lines.4.qty"), "must be at most 3");
    ck_assert_ptr_null(rz_validate_value(&v, &f, J("null"), "x", RZ_V_PATCH));
    ck_assert_str_eq(msg("x"), "must not be null");
}
END_TEST

/* ---- merge patch ------------------------------------------------------------------------- */

START_TEST(merge_patch_rfc7396)
{
    /* the test cases of RFC 7396 appendix A */
    static const char *cases[][3] = {
        {"{'a':'b'}", "{'a':'c'}", "{'a':'c'}"},
        {"{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}"},
        {"{'a':'b'}", "{'a':null}", "{}"},
        {"{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}"},
        {"{'a':['b']}", "{'a':'c'}", "{'a':'c'}"},
        {"{'a':'c'}", "{'a':['b']}", "{'a':['b']}"},
        {"{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}"},
        {"{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}"},
        {"['a','b']", "['c','d']", "['c','d']"},
        {"{'a':'b'}", "['c']", "['c']"},
        {"{'a':'foo'}", "null", "null"},
        {"{'a':'foo'}", "'bar'", "'bar'"},
        {"{'e':null}", "{'a':1}", "{'e':null,'a':1}"},
        {"[1,2]", "{'a':'b','c':null}", "{'a':'b'}"},
        {"{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *target = J(cases[i][0]);
        const char *before = rz_json_canonical(pool, target);
        json_t *got = rz_merge_patch(pool, target, J(cases[i][1]));
        ck_assert_msg(json_equal(got, J(cases[i][2])), "case %u: got %s", (unsigned)i,
                      rz_json_canonical(pool, got));
        /* the target itself is never modified */
        ck_assert_str_eq(rz_json_canonical(pool, target), before);
    }
}
END_TEST

START_TEST(merge_patch_deep_copy)
{
    json_t *target = J("{'a':{'b':[1,2]},'c':1}");
    json_t *got = rz_merge_patch(pool, target, J("{'c':2}"));

    json_array_append_new(json_object_get(json_object_get(got, "a"), "b"), json_integer(3));
    ck_assert_uint_eq(json_array_size(rz_json_path_get(target, "a.b")), 2);
    got = rz_merge_patch(pool, NULL, J("{'x':{'y':null,'z':1}}"));
    ck_assert(json_equal(got, J("{'x':{'z':1}}")));
}
END_TEST

Suite *validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("validate");
    TCase *tm = tcase_create("merge");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, minimal_create);
    tcase_add_test(tc, required_rules);
    tcase_add_test(tc, optional_null_and_empty);
    tcase_add_test(tc, non_object_input);
    tcase_add_test(tc, collects_every_problem);
    tcase_add_test(tc, result_ignores_earlier_details);
    tcase_add_test(tc, output_in_schema_order);
    tcase_add_test(tc, unknown_fields_at_depth);
    tcase_add_test(tc, ignored_fields);
    tcase_add_test(tc, required_ignored_name_not_required);
    tcase_add_test(tc, string_trim_and_type);
    tcase_add_test(tc, string_lengths);
    tcase_add_test(tc, string_controls);
    tcase_add_test(tc, check_callback);
    tcase_add_test(tc, enums);
    tcase_add_test(tc, integers);
    tcase_add_test(tc, money);
    tcase_add_test(tc, numbers);
    tcase_add_test(tc, booleans);
    tcase_add_test(tc, dates);
    tcase_add_test(tc, datetimes);
    tcase_add_test(tc, date_or_datetime);
    tcase_add_test(tc, hhmm_field);
    tcase_add_test(tc, email_field);
    tcase_add_test(tc, phone_field);
    tcase_add_test(tc, id_and_country);
    tcase_add_test(tc, nested_objects);
    tcase_add_test(tc, arrays);
    tcase_add_test(tc, array_sizes);
    tcase_add_test(tc, validate_value_direct);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(tm, setup, teardown);
    tcase_add_test(tm, merge_patch_rfc7396);
    tcase_add_test(tm, merge_patch_deep_copy);
    suite_add_tcase(s, tm);
    return s;
}
