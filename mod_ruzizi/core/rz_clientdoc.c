/* rz_clientdoc.c: the stored Client (SPEC 4.6): schema, defaults, the contact and corporate rules,
 * the birth-date check and the folded email key; httpd-free. */
#include "core/rz_clientdoc.h"

#include <apr_strings.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_text.h"
#include "core/rz_time.h"

const char *const rz_client_id_types[] = {"national_id", "passport", "driving_license", "other",
                                          NULL};
const char *const rz_client_genders[] = {"male", "female", "other", NULL};
const char *const rz_client_classes[] = {"regular", "walkin", "corporate", NULL};
const char *const rz_client_languages[] = {"fr", "en", NULL};

/* ---- the birth date ---------------------------------------------------------------------------
 */

#define RZ_LATEST_UTC_OFFSET (14 * 3600) /* UTC+14: where the calendar day starts first */

static int digits(const char *s, int n, int *out)
{
    int i, v = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

const char *rz_check_birth_date(apr_pool_t *p, const json_t *v)
{
    const char *s = json_string_value(v);
    int y, m, d, yy, mm, dd;
    int64_t days, today;

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) != 0
        || digits(s + 5, 2, &m) != 0 || digits(s + 8, 2, &d) != 0 || m < 1 || m > 12 || d < 1
        || d > 31) {
        return "must be a valid date (YYYY-MM-DD)";
    }
    days = rz_days_from_civil(y, m, d);
    rz_civil_from_days(days, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d) { /* 2023-02-29, 2024-04-31 */
        return "must be a valid date (YYYY-MM-DD)";
    }
    if (days < rz_days_from_civil(1900, 1, 1)) {
        return "must not be before 1900-01-01";
    }
    today = (rz_now() + RZ_LATEST_UTC_OFFSET) / 86400;
    if (days > today) {
        return "must not be in the future";
    }
    return NULL;
}

/* ---- schema (SPEC 4.6, personalInfo as Booking.clientInfo of 4.5) ------------------------------
 */

static const rz_field_t personal_fields[] = {
    {.name = "firstName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "lastName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "email", .type = RZ_T_EMAIL},
    {.name = "phone", .type = RZ_T_PHONE},
    {.name = "idType", .type = RZ_T_ENUM, .enums = rz_client_id_types},
    {.name = "idNumber", .type = RZ_T_STRING, .min = 1, .max = 50},
    {.name = "nationality", .type = RZ_T_COUNTRY},
    {.name = "dateOfBirth", .type = RZ_T_STRING, .check = rz_check_birth_date},
    {.name = "gender", .type = RZ_T_ENUM, .enums = rz_client_genders},
    {.name = "address", .type = RZ_T_STRING, .min = 1, .max = 200},
    {.name = "city", .type = RZ_T_STRING, .min = 1, .max = 100},
    {.name = "country", .type = RZ_T_COUNTRY},
    {.name = NULL},
};

static const rz_field_t preference_item = {
    .name = "preference", .type = RZ_T_STRING, .min = 1, .max = 100};

static const rz_field_t client_schema[] = {
    {.name = "establishmentId", .type = RZ_T_ID, .flags = RZ_REQ},
    {.name = "personalInfo", .type = RZ_T_OBJECT, .flags = RZ_REQ, .fields = personal_fields},
    {.name = "classification", .type = RZ_T_ENUM, .enums = rz_client_classes},
    {.name = "companyName", .type = RZ_T_STRING, .min = 1, .max = 100},
    {.name = "preferences", .type = RZ_T_ARRAY, .max = 20, .items = &preference_item},
    {.name = "preferredLanguage", .type = RZ_T_ENUM, .enums = rz_client_languages},
    {.name = "marketingOptIn", .type = RZ_T_BOOL},
    {.name = "notes", .type = RZ_T_STRING, .min = 1, .max = 2000},
    /* server-owned (S): accepted and dropped, so a form may send a read client back */
    {.name = "totalStays", .type = RZ_T_INT, .flags = RZ_SERVER},
    {.name = "totalSpent", .type = RZ_T_MONEY, .flags = RZ_SERVER},
    {.name = "lastStayAt", .type = RZ_T_DATETIME, .flags = RZ_SERVER},
    {.name = "outstandingBalance", .type = RZ_T_MONEY, .flags = RZ_SERVER},
    {.name = "createdBy", .type = RZ_T_ID, .flags = RZ_SERVER},
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

/* Every personalInfo member present, in schema order, absent ones null. New reference. */
static json_t *personal_complete(const json_t *src)
{
    json_t *out = json_object();
    const rz_field_t *f;

    for (f = personal_fields; f->name; f++) {
        json_t *val = json_object_get(src, f->name);
        json_object_set_new(out, f->name, val ? json_deep_copy(val) : json_null());
    }
    return out;
}

/* The writable fields in schema order with their defaults. New reference. */
static json_t *with_defaults(const json_t *in, const char *language)
{
    json_t *c = json_object();
    const rz_field_t *f;

    for (f = client_schema; f->name; f++) {
        json_t *val = json_object_get(in, f->name);
        if (f->flags & RZ_SERVER) {
            continue;
        }
        if (strcmp(f->name, "personalInfo") == 0) {
            json_object_set_new(c, f->name, personal_complete(val));
        } else if (val && !json_is_null(val)) {
            json_object_set(c, f->name, val);
        }
    }
    dflt(c, "classification", json_string("regular"));
    dflt(c, "companyName", json_null());
    dflt(c, "preferences", json_array());
    dflt(c, "preferredLanguage", json_string(language ? language : "fr"));
    dflt(c, "marketingOptIn", json_false());
    dflt(c, "notes", json_null());
    return c;
}

static void cross_checks(rz_vctx_t *v, const json_t *c)
{
    const json_t *pi = json_object_get(c, "personalInfo");
    const char *cls = rz_json_str(c, "classification");

    if (!rz_json_str(pi, "email") && !rz_json_str(pi, "phone")) {
        rz_v_fail(v, "personalInfo.email", "email or phone is required");
    }
    if (cls && strcmp(cls, "corporate") == 0 && !rz_json_str(c, "companyName")) {
        rz_v_fail(v, "companyName", "required when classification is corporate");
    }
}

json_t *rz_client_validate(rz_vctx_t *v, const json_t *in, const char *language)
{
    json_t *out, *c;

    if (!(out = rz_validate(v, client_schema, in, RZ_V_CREATE))) {
        return NULL;
    }
    c = rz_json_pool_own(v->pool, with_defaults(out, language));
    cross_checks(v, c);
    return rz_v_ok(v) ? c : NULL;
}

json_t *rz_client_check_patch(rz_vctx_t *v, const json_t *patch)
{
    return rz_validate(v, client_schema, patch, RZ_V_PATCH);
}

json_t *rz_client_writable(apr_pool_t *p, const json_t *stored)
{
    json_t *out = json_object(), *val, *pi;
    const rz_field_t *f;
    const char *key;

    for (f = client_schema; f->name; f++) {
        if (f->flags & RZ_SERVER) {
            continue;
        }
        val = json_object_get(stored, f->name);
        if (val && !json_is_null(val) && !json_is_object(val)) {
            json_object_set_new(out, f->name, json_deep_copy(val));
        }
    }
    pi = json_object();
    json_object_foreach ((json_t *)json_object_get(stored, "personalInfo"), key, val) {
        if (!json_is_null(val)) {
            json_object_set_new(pi, key, json_deep_copy(val));
        }
    }
    json_object_set_new(out, "personalInfo", pi);
    return rz_json_pool_own(p, out);
}

const char *rz_client_set_key(apr_pool_t *p, json_t *c)
{
    const char *email = json_string_value(rz_json_path_get(c, "personalInfo.email"));
    const char *key;

    if (!email) {
        json_object_del(c, "emailKey");
        return NULL;
    }
    key = rz_text_fold(p, email);
    json_object_set_new(c, "emailKey", json_string(key));
    return key;
}

void rz_client_init_server_fields(apr_pool_t *p, json_t *c, const char *created_by, const char *now)
{
    json_object_set_new(c, "totalStays", json_integer(0));
    json_object_set_new(c, "totalSpent", json_integer(0));
    json_object_set_new(c, "lastStayAt", json_null());
    json_object_set_new(c, "createdBy", created_by ? json_string(created_by) : json_null());
    json_object_set_new(c, "createdAt", json_string(now));
    json_object_set_new(c, "updatedAt", json_string(now));
    rz_client_set_key(p, c);
}

json_t *rz_client_from_info(apr_pool_t *p, const char *est, const json_t *client_info,
                            const char *classification, const char *language, int opt_in,
                            const char *now)
{
    json_t *in = json_object(), *c;
    const json_t *company = json_object_get(client_info, "companyName");

    json_object_set_new(in, "establishmentId", json_string(est));
    json_object_set_new(in, "personalInfo", personal_complete(client_info));
    json_object_set_new(in, "classification",
                        json_string(classification ? classification : "regular"));
    if (json_is_string(company)) {
        json_object_set(in, "companyName", (json_t *)company);
    }
    json_object_set_new(in, "marketingOptIn", json_boolean(opt_in));
    c = rz_json_pool_own(p, with_defaults(in, language));
    json_decref(in);
    rz_client_init_server_fields(p, c, NULL, now);
    return c;
}

json_t *rz_client_audit_doc(apr_pool_t *p, const json_t *c)
{
    json_t *out;

    if (!c) {
        return NULL;
    }
    out = json_deep_copy(c);
    json_object_del(out, "emailKey");
    json_object_del(out, "version");
    return rz_json_pool_own(p, out);
}
