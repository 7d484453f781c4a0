/* fuzz_json.c: libFuzzer harness of the JSON body parser (SPEC 2.1) and the validation toolkit
 * (rz_validate: every field type, CREATE and PATCH modes, merge patch, canonical form). */
#include "fuzz_common.h"

#include "core/rz_json.h"
#include "core/rz_validate.h"

static const char *const colours[] = {"red", "green", "blue", NULL};

/* An extra rule, as domain schemas use them. */
static const char *no_zero(apr_pool_t *pool, const json_t *value)
{
    return json_is_integer(value) && json_integer_value(value) == 0 ? "must not be 0" : NULL;
}

static const rz_field_t point_fields[] = {
    {.name = "lat", .type = RZ_T_NUMBER, .dmin = -90, .dmax = 90, .max = 7},
    {.name = "lng", .type = RZ_T_NUMBER, .dmin = -180, .dmax = 180, .max = 7},
    {.name = "label", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 20},
    {.name = NULL}};

static const rz_field_t point_item = {.name = "", .type = RZ_T_OBJECT, .fields = point_fields};
static const rz_field_t tag_item = {.name = "", .type = RZ_T_STRING, .min = 1, .max = 20};

static const rz_field_t inner_fields[] = {
    {.name = "points", .type = RZ_T_ARRAY, .max = 5, .items = &point_item},
    {.name = "deep", .type = RZ_T_OBJECT, .fields = point_fields},
    {.name = NULL}};

static const rz_field_t schema[] = {
    {.name = "name", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "text", .type = RZ_T_STRING},
    {.name = "count", .type = RZ_T_INT, .min = -5, .max = 10, .check = no_zero},
    {.name = "big", .type = RZ_T_INT},
    {.name = "amount", .type = RZ_T_MONEY},
    {.name = "ratio", .type = RZ_T_NUMBER, .dmin = 0, .dmax = 1, .max = 2},
    {.name = "flag", .type = RZ_T_BOOL},
    {.name = "colour", .type = RZ_T_ENUM, .enums = colours},
    {.name = "day", .type = RZ_T_DATE},
    {.name = "when", .type = RZ_T_DATETIME},
    {.name = "either", .type = RZ_T_DATE_OR_DATETIME},
    {.name = "at", .type = RZ_T_HHMM},
    {.name = "email", .type = RZ_T_EMAIL},
    {.name = "phone", .type = RZ_T_PHONE},
    {.name = "ref", .type = RZ_T_ID},
    {.name = "country", .type = RZ_T_COUNTRY},
    {.name = "tags", .type = RZ_T_ARRAY, .min = 1, .max = 3, .items = &tag_item},
    {.name = "inner", .type = RZ_T_OBJECT, .fields = inner_fields},
    {.name = "owner", .flags = RZ_SERVER},
    {.name = NULL}};

static const char *const ignored[] = {"establishmentId", NULL};

/* Validates `in` in `mode`; a result is an object, and details exist exactly when it is NULL. */
static json_t *validate(apr_pool_t *p, const json_t *in, rz_vmode_t mode, const char *country)
{
    rz_vctx_t v;
    json_t *out;

    rz_vctx_init(&v, p);
    v.country = country;
    v.ignore = ignored;
    out = rz_validate(&v, schema, in, mode);
    FZ_CHECK(out ? json_is_object(out) && rz_v_ok(&v) : !rz_v_ok(&v));
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_pool();
    const char *why = NULL, *canon, *again;
    json_t *body, *reparsed, *out, *merged;
    size_t len;

    body = rz_json_parse_body(p, (const char *)data, size, &why);
    if (!body) {
        FZ_CHECK(why != NULL);
        apr_pool_destroy(p);
        return 0;
    }
    FZ_CHECK(json_is_object(body) && rz_json_depth(body) <= RZ_JSON_MAX_DEPTH);
    /* the canonical form parses back to a value with the same canonical form (SPEC 8.1) */
    canon = rz_json_canonical(p, body);
    reparsed = rz_json_parse_body(p, canon, strlen(canon), &why);
    FZ_CHECK(reparsed != NULL);
    again = rz_json_canonical(p, reparsed);
    FZ_CHECK(strcmp(canon, again) == 0);
    FZ_CHECK(rz_json_dump(p, body, &len) != NULL);

    out = validate(p, body, RZ_V_CREATE, size % 2 ? "BI" : "FR");
    if (out) {
        /* a normalised document validates again to itself */
        json_t *twice = validate(p, out, RZ_V_CREATE, size % 2 ? "BI" : "FR");
        FZ_CHECK(twice && json_equal(twice, out));
    }
    validate(p, body, RZ_V_PATCH, "BI");
    merged = rz_merge_patch(p, out ? out : body, body);
    FZ_CHECK(merged && json_is_object(merged));
    validate(p, merged, RZ_V_CREATE, "BI");
    rz_json_path_get(body, "inner.deep.label");
    apr_pool_destroy(p);
    return 0;
}
