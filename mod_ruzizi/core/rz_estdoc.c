/* rz_estdoc.c: the stored Establishment (SPEC 4.3): schema, defaults, cross-field rules, folded
 * keys and the PayrollSettings defaults (4.19); httpd-free, shared by the API and ruzizi-ctl
 * seed-demo. */
#include "core/rz_estdoc.h"

#include <apr_strings.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_text.h"
#include "core/rz_time.h"

/* ---- schema (SPEC 4.3) ------------------------------------------------------------------------
 */

static const char *check_utc_offset(apr_pool_t *p, const json_t *v)
{
    int m;
    return rz_utc_offset_parse(json_string_value(v), &m) == 0
               ? NULL
               : "must be +HH:MM or -HH:MM within -12:00..+14:00, minutes 00, 30 or 45";
}

static const char *check_day_start(apr_pool_t *p, const json_t *v)
{
    int m = 0;
    rz_hhmm_parse(json_string_value(v), &m);
    return m <= 12 * 60 ? NULL : "must be between 00:00 and 12:00";
}

static const char *check_prefix(apr_pool_t *p, const json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = strlen(s), i;

    for (i = 0; i < n; i++) {
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) {
            break;
        }
    }
    return n >= 1 && n <= 10 && i == n ? NULL : "must match ^[A-Z0-9]{1,10}$";
}

static const char *check_https(apr_pool_t *p, const json_t *v)
{
    const char *s = json_string_value(v);

    if (strncmp(s, "https://", 8) != 0 || strlen(s) < 9 || strpbrk(s, " \t\r\n")) {
        return "must be an https:// URL";
    }
    return NULL;
}

static const char *const currency_enums[] = {"BIF", "USD", "EUR", NULL};
static const char *const lang_enums[] = {"fr", "en", NULL};

static const rz_field_t location_fields[] = {
    {.name = "city", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 100},
    {.name = "address", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 200},
    {.name = "country", .type = RZ_T_COUNTRY},
    {.name = "lat", .type = RZ_T_NUMBER, .flags = RZ_REQ, .dmin = -90, .dmax = 90, .max = 7},
    {.name = "lng", .type = RZ_T_NUMBER, .flags = RZ_REQ, .dmin = -180, .dmax = 180, .max = 7},
    {.name = NULL},
};

static const rz_field_t phone_item = {.name = "phone", .type = RZ_T_PHONE};

static const rz_field_t contacts_fields[] = {
    {.name = "phones",
     .type = RZ_T_ARRAY,
     .flags = RZ_REQ,
     .min = 1,
     .max = 5,
     .items = &phone_item},
    {.name = "email", .type = RZ_T_EMAIL, .flags = RZ_REQ},
    {.name = "website", .type = RZ_T_STRING, .min = 1, .max = 200, .check = check_https},
    {.name = NULL},
};

static const rz_field_t service_item = {
    .name = "service", .type = RZ_T_STRING, .min = 1, .max = 50};
static const rz_field_t image_item = {.name = "image", .type = RZ_T_ID};

static const rz_field_t discount_fields[] = {
    {.name = "minNights", .type = RZ_T_INT, .flags = RZ_REQ, .min = 2, .max = 365},
    {.name = "percentBps", .type = RZ_T_INT, .flags = RZ_REQ, .min = 1, .max = 5000},
    {.name = NULL},
};
static const rz_field_t discount_item = {
    .name = "tier", .type = RZ_T_OBJECT, .fields = discount_fields};

static const rz_field_t weekday_item = {.name = "day", .type = RZ_T_INT, .min = 1, .max = 7};
static const rz_field_t holiday_item = {.name = "day", .type = RZ_T_DATE};

static const rz_field_t hr_fields[] = {
    {.name = "workWeek", .type = RZ_T_ARRAY, .min = 1, .max = 7, .items = &weekday_item},
    {.name = "workdayStart", .type = RZ_T_HHMM},
    {.name = "lateGraceMinutes", .type = RZ_T_INT, .min = 0, .max = 240},
    {.name = "publicHolidays", .type = RZ_T_ARRAY, .max = 60, .items = &holiday_item},
    {.name = NULL},
};

static const rz_field_t est_schema[] = {
    {.name = "name", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 100},
    {.name = "description", .type = RZ_T_STRING, .min = 1, .max = 5000},
    {.name = "location", .type = RZ_T_OBJECT, .flags = RZ_REQ, .fields = location_fields},
    {.name = "contacts", .type = RZ_T_OBJECT, .flags = RZ_REQ, .fields = contacts_fields},
    {.name = "services", .type = RZ_T_ARRAY, .max = 50, .items = &service_item},
    {.name = "images", .type = RZ_T_ARRAY, .max = 20, .items = &image_item},
    {.name = "utcOffset", .type = RZ_T_STRING, .min = 1, .max = 6, .check = check_utc_offset},
    {.name = "businessDayStart", .type = RZ_T_HHMM, .check = check_day_start},
    {.name = "checkInTime", .type = RZ_T_HHMM},
    {.name = "checkOutTime", .type = RZ_T_HHMM},
    {.name = "currency", .type = RZ_T_ENUM, .enums = currency_enums},
    {.name = "vatRateBps", .type = RZ_T_INT, .min = 0, .max = 10000},
    {.name = "invoicePrefix", .type = RZ_T_STRING, .min = 1, .max = 10, .check = check_prefix},
    {.name = "creditNotePrefix", .type = RZ_T_STRING, .min = 1, .max = 10, .check = check_prefix},
    {.name = "longStayDiscounts", .type = RZ_T_ARRAY, .max = 10, .items = &discount_item},
    {.name = "pendingTtlHours", .type = RZ_T_INT, .min = 0, .max = 720},
    {.name = "autoNoShow", .type = RZ_T_BOOL},
    {.name = "defaultLanguage", .type = RZ_T_ENUM, .enums = lang_enums},
    {.name = "hrSettings", .type = RZ_T_OBJECT, .fields = hr_fields},
    {.name = "isActive", .type = RZ_T_BOOL},
    {.name = "payrollSettings", .type = RZ_T_OBJECT, .flags = RZ_SERVER},
    {.name = "accommodationCount", .type = RZ_T_INT, .flags = RZ_SERVER},
    {.name = "pricingModes", .type = RZ_T_ARRAY, .flags = RZ_SERVER},
    {.name = NULL},
};

/* ---- defaults and cross-field rules -----------------------------------------------------------
 */

/* Sets obj.key = value (stolen) unless obj already has a value there. */
static void dflt(json_t *obj, const char *key, json_t *value)
{
    if (!json_object_get(obj, key)) {
        json_object_set_new(obj, key, value);
    } else {
        json_decref(value);
    }
}

static void apply_defaults(json_t *e)
{
    json_t *hr;

    dflt(e, "description", json_null());
    dflt(json_object_get(e, "location"), "country", json_string("BI"));
    dflt(json_object_get(e, "contacts"), "website", json_null());
    dflt(e, "services", json_array());
    dflt(e, "images", json_array());
    dflt(e, "utcOffset", json_string("+02:00"));
    dflt(e, "businessDayStart", json_string("06:00"));
    dflt(e, "checkInTime", json_string("14:00"));
    dflt(e, "checkOutTime", json_string("11:00"));
    dflt(e, "currency", json_string("BIF"));
    dflt(e, "vatRateBps", json_integer(1800));
    dflt(e, "invoicePrefix", json_string("INV"));
    dflt(e, "creditNotePrefix", json_string("CN"));
    dflt(e, "longStayDiscounts",
         json_pack("[{s:i,s:i},{s:i,s:i},{s:i,s:i}]", "minNights", 7, "percentBps", 500,
                   "minNights", 14, "percentBps", 1000, "minNights", 30, "percentBps", 1500));
    dflt(e, "pendingTtlHours", json_integer(48));
    dflt(e, "autoNoShow", json_true());
    dflt(e, "defaultLanguage", json_string("fr"));
    dflt(e, "hrSettings", json_object());
    hr = json_object_get(e, "hrSettings");
    dflt(hr, "workWeek", json_pack("[i,i,i,i,i]", 1, 2, 3, 4, 5));
    dflt(hr, "workdayStart", json_string("08:00"));
    dflt(hr, "lateGraceMinutes", json_integer(15));
    dflt(hr, "publicHolidays", json_array());
    dflt(e, "isActive", json_true());
}

static int minutes_of(const json_t *e, const char *key)
{
    int m = 0;
    rz_hhmm_parse(json_string_value(json_object_get(e, key)), &m);
    return m;
}

/* Reports items of `arr` whose `key` (or the item itself when key is NULL) repeats. */
static void check_distinct(rz_vctx_t *v, const json_t *arr, const char *key, const char *path,
                           const char *msg)
{
    size_t i, j;

    for (i = 0; i < json_array_size(arr); i++) {
        const json_t *a = json_array_get(arr, i);
        for (j = 0; j < i; j++) {
            const json_t *b = json_array_get(arr, j);
            if (json_equal(key ? json_object_get(a, key) : a, key ? json_object_get(b, key) : b)) {
                rz_v_fail(v,
                          key ? apr_psprintf(v->pool, "%s.%" APR_SIZE_T_FMT ".%s", path, i, key)
                              : apr_psprintf(v->pool, "%s.%" APR_SIZE_T_FMT, path, i),
                          msg);
                break;
            }
        }
    }
}

static void cross_checks(rz_vctx_t *v, const json_t *e)
{
    int start = minutes_of(e, "businessDayStart"), in = minutes_of(e, "checkInTime"),
        out = minutes_of(e, "checkOutTime");

    if (in < start) {
        rz_v_fail(v, "checkInTime", "must not be before businessDayStart");
    }
    if (out < start) {
        rz_v_fail(v, "checkOutTime", "must not be before businessDayStart");
    } else if (out > in) {
        rz_v_fail(v, "checkOutTime", "must not be after checkInTime");
    }
    check_distinct(v, json_object_get(e, "longStayDiscounts"), "minNights", "longStayDiscounts",
                   "must be distinct");
    check_distinct(v, json_object_get(json_object_get(e, "hrSettings"), "workWeek"), NULL,
                   "hrSettings.workWeek", "must be distinct");
}

json_t *rz_est_validate(rz_vctx_t *v, const json_t *in)
{
    const char *country = json_string_value(rz_json_path_get(in, "location.country"));
    json_t *out;

    v->country = country && rz_country_valid(country) ? country : "BI";
    if (!(out = rz_validate(v, est_schema, in, RZ_V_CREATE))) {
        return NULL;
    }
    apply_defaults(out);
    cross_checks(v, out);
    return rz_v_ok(v) ? out : NULL;
}

json_t *rz_est_check_patch(rz_vctx_t *v, const json_t *patch)
{
    const char *country = json_string_value(rz_json_path_get(patch, "location.country"));

    v->country = country && rz_country_valid(country) ? country : "BI";
    return rz_validate(v, est_schema, patch, RZ_V_PATCH);
}

json_t *rz_est_writable(apr_pool_t *p, const json_t *stored)
{
    json_t *out = json_object();
    const rz_field_t *f;

    for (f = est_schema; f->name; f++) {
        json_t *val = json_object_get(stored, f->name);
        if (!(f->flags & RZ_SERVER) && val && !json_is_null(val)) {
            json_object_set_new(out, f->name, json_deep_copy(val));
        }
    }
    return rz_json_pool_own(p, out);
}

json_t *rz_payroll_settings_defaults(const char *currency)
{
    json_t *brackets;

    if (!currency || strcmp(currency, "BIF") == 0) {
        brackets = json_pack("[{s:i,s:i},{s:i,s:i},{s:n,s:i}]", "upTo", 150000, "rateBps", 0,
                             "upTo", 300000, "rateBps", 2000, "upTo", "rateBps", 3000);
    } else {
        brackets = json_pack("[{s:n,s:i}]", "upTo", "rateBps", 0);
    }
    return json_pack(
        "{s:i, s:i, s:i, s:[], s:[{s:s,s:s,s:s,s:i,s:s,s:n,s:b},{s:s,s:s,s:s,s:i,s:s,s:n,s:b},"
        "{s:s,s:s,s:s,s:i,s:s,s:n,s:b}], s:o}",
        "workingDaysPerMonth", 22, "hoursPerDay", 8, "overtimeMultiplierBps", 15000,
        "allowanceRules", "deductionRules", "code", "HEALTH", "label", "Health insurance", "basis",
        "base", "rateBps", 500, "appliesTo", "healthInsurance", "ceiling", "preTax", 0, "code",
        "RETIREMENT", "label", "Retirement plan", "basis", "base", "rateBps", 1000, "appliesTo",
        "retirementPlan", "ceiling", "preTax", 0, "code", "SOCIAL_SECURITY", "label",
        "Social security", "basis", "base", "rateBps", 800, "appliesTo", "always", "ceiling",
        "preTax", 0, "incomeTaxBrackets", brackets);
}

void rz_est_set_keys(apr_pool_t *p, json_t *e)
{
    json_object_set_new(
        e, "nameKey", json_string(rz_text_fold(p, json_string_value(json_object_get(e, "name")))));
    json_object_set_new(
        e, "cityKey",
        json_string(rz_text_fold(p, json_string_value(rz_json_path_get(e, "location.city")))));
}
