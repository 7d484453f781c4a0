/* rz_bkinput.c: booking input (SPEC 4.5): the create, patch and merged schemas with their
 * cross-field rules, and the writable fields of a stored booking; pure (no store, no httpd). */
#include "core/rz_bkinput.h"

#include <apr_strings.h>
#include <string.h>

#include "core/rz_clientdoc.h"
#include "core/rz_json.h"
#include "core/rz_time.h"

static const char *const booking_types[] = {"onsite", "walkin", NULL};
static const char *const initial_statuses[] = {"pending", "accepted", "confirmed", NULL};
static const char *const languages[] = {"fr", "en", NULL};

/* SPEC 4.5 clientInfo; dateOfBirth is a real birth date (rz_clientdoc.h). */
static const rz_field_t client_info_fields[] = {
    {.name = "firstName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "lastName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "email", .type = RZ_T_EMAIL},
    {.name = "phone", .type = RZ_T_PHONE},
    {.name = "idType", .type = RZ_T_ENUM, .enums = rz_client_id_types},
    {.name = "idNumber", .type = RZ_T_STRING, .min = 1, .max = 50},
    {.name = "nationality", .type = RZ_T_COUNTRY},
    {.name = "dateOfBirth", .type = RZ_T_STRING, .min = 1, .max = 10, .check = rz_check_birth_date},
    {.name = "gender", .type = RZ_T_ENUM, .enums = rz_client_genders},
    {.name = "address", .type = RZ_T_STRING, .min = 1, .max = 200},
    {.name = "city", .type = RZ_T_STRING, .min = 1, .max = 100},
    {.name = "country", .type = RZ_T_COUNTRY},
    {.name = "companyName", .type = RZ_T_STRING, .min = 1, .max = 100},
    {.name = NULL}};

static const rz_field_t guest_fields[] = {
    {.name = "firstName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "lastName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "isMinor", .type = RZ_T_BOOL},
    {.name = NULL}};
static const rz_field_t guest_item = {.name = "", .type = RZ_T_OBJECT, .fields = guest_fields};

/* Server-owned fields of SPEC 4.5, accepted and dropped on every route. */
#define RZ_BK_SERVER_FIELDS                                                                        \
    {.name = "bookingCode", .flags = RZ_SERVER}, {.name = "clientId", .flags = RZ_SERVER},         \
        {.name = "status", .flags = RZ_SERVER}, {.name = "paymentStatus", .flags = RZ_SERVER},     \
        {.name = "checkInDate", .flags = RZ_SERVER}, {.name = "checkOutDate", .flags = RZ_SERVER}, \
        {.name = "nights", .flags = RZ_SERVER}, {.name = "pricing", .flags = RZ_SERVER},           \
        {.name = "invoiceId", .flags = RZ_SERVER}, {.name = "expiresAt", .flags = RZ_SERVER},      \
        {.name = "cancelReason", .flags = RZ_SERVER}, {.name = "checkedInAt", .flags = RZ_SERVER}, \
        {.name = "checkedOutAt", .flags = RZ_SERVER},                                              \
        {.name = "statusHistory", .flags = RZ_SERVER},                                             \
    {                                                                                              \
        .name = "createdBy", .flags = RZ_SERVER                                                    \
    }

/* The fields both routes share. */
#define RZ_BK_COMMON_FIELDS                                                                        \
    {.name = "accommodationId", .type = RZ_T_ID, .flags = RZ_REQ},                                 \
        {.name = "checkIn", .type = RZ_T_DATE_OR_DATETIME},                                        \
        {.name = "checkOut", .type = RZ_T_DATE_OR_DATETIME, .flags = RZ_REQ},                      \
        {.name = "numberOfGuests", .type = RZ_T_INT, .flags = RZ_REQ, .min = 1, .max = 50},        \
        {.name = "clientInfo",                                                                     \
         .type = RZ_T_OBJECT,                                                                      \
         .flags = RZ_REQ,                                                                          \
         .fields = client_info_fields},                                                            \
        {.name = "additionalGuests", .type = RZ_T_ARRAY, .max = 49, .items = &guest_item},         \
        {.name = "arrivalTime", .type = RZ_T_HHMM},                                                \
        {.name = "specialRequests", .type = RZ_T_STRING, .min = 1, .max = 1000},                   \
        {.name = "language", .type = RZ_T_ENUM, .enums = languages},                               \
    {                                                                                              \
        .name = "marketingOptIn", .type = RZ_T_BOOL                                                \
    }

static const rz_field_t backoffice_schema[] = {
    RZ_BK_COMMON_FIELDS,
    {.name = "bookingType", .type = RZ_T_ENUM, .enums = booking_types},
    {.name = "initialStatus", .type = RZ_T_ENUM, .enums = initial_statuses},
    {.name = "notes", .type = RZ_T_STRING, .min = 1, .max = 2000},
    {.name = "establishmentId", .flags = RZ_SERVER}, /* the unit's (SPEC 4.5) */
    RZ_BK_SERVER_FIELDS,
    {.name = NULL}};

/* Public route: establishmentId is an input, notes are not accepted, bookingType is S. */
static const rz_field_t public_schema[] = {
    RZ_BK_COMMON_FIELDS,
    {.name = "establishmentId", .type = RZ_T_ID, .flags = RZ_REQ},
    {.name = "bookingType", .flags = RZ_SERVER},
    RZ_BK_SERVER_FIELDS,
    {.name = NULL}};

/* PATCH: the writable fields (which of them a state allows is decided by the handler). */
static const rz_field_t patch_schema[] = {
    RZ_BK_COMMON_FIELDS,
    {.name = "notes", .type = RZ_T_STRING, .min = 1, .max = 2000},
    {.name = "establishmentId", .flags = RZ_SERVER},
    {.name = "bookingType", .flags = RZ_SERVER},
    {.name = "initialStatus", .flags = RZ_SERVER},
    RZ_BK_SERVER_FIELDS,
    {.name = NULL}};

static const char *const client_info_names[] = {
    "firstName",   "lastName", "email",   "phone", "idType",  "idNumber",    "nationality",
    "dateOfBirth", "gender",   "address", "city",  "country", "companyName", NULL};

/* Every clientInfo member present, null when absent (SPEC 2.2 output rule, stored as output). */
static void complete_client_info(json_t *ci)
{
    int i;

    for (i = 0; client_info_names[i]; i++) {
        if (!json_object_get(ci, client_info_names[i])) {
            json_object_set_new(ci, client_info_names[i], json_null());
        }
    }
}

static void set_default(json_t *in, const char *key, json_t *value)
{
    if (!json_object_get(in, key) || json_is_null(json_object_get(in, key))) {
        json_object_set_new(in, key, value);
    } else {
        json_decref(value);
    }
}

/* additionalGuests: isMinor defaults to false; at most numberOfGuests - 1 items. */
static void check_guests(rz_vctx_t *v, json_t *in)
{
    json_t *arr = json_object_get(in, "additionalGuests"), *g;
    json_int_t n = json_integer_value(json_object_get(in, "numberOfGuests"));
    size_t i;

    json_array_foreach (arr, i, g) {
        set_default(g, "isMinor", json_false());
    }
    if (n >= 1 && (json_int_t)json_array_size(arr) > n - 1) {
        rz_v_fail(v, "additionalGuests",
                  apr_psprintf(v->pool, "must have at most %" JSON_INTEGER_FORMAT " items", n - 1));
    }
}

json_t *rz_bk_validate_create(rz_vctx_t *v, const json_t *body, int public_route)
{
    json_t *in =
               rz_validate(v, public_route ? public_schema : backoffice_schema, body, RZ_V_CREATE),
           *ci;
    int walkin;

    if (!in) {
        return NULL;
    }
    ci = json_object_get(in, "clientInfo");
    complete_client_info(ci);
    set_default(in, "additionalGuests", json_array());
    set_default(in, "marketingOptIn", json_false());
    if (!public_route) {
        set_default(in, "bookingType", json_string("onsite"));
        set_default(in, "initialStatus", json_string("confirmed"));
    }
    walkin = !public_route && strcmp(rz_bk_str(in, "bookingType"), "walkin") == 0;
    if (walkin && rz_bk_str(in, "checkIn")) {
        rz_v_fail(v, "checkIn", "must not be sent for a walk-in (it is the current time)");
    } else if (!walkin && !rz_bk_str(in, "checkIn")) {
        rz_v_fail(v, "checkIn", "required");
    }
    if (public_route && !rz_bk_str(ci, "phone")) {
        rz_v_fail(v, "clientInfo.phone", "required");
    } else if (!rz_bk_str(ci, "phone") && !rz_bk_str(ci, "email")) {
        rz_v_fail(v, "clientInfo.email", "email or phone required");
    }
    check_guests(v, in);
    return rz_v_ok(v) ? in : NULL;
}

json_t *rz_bk_check_patch(rz_vctx_t *v, const json_t *body)
{
    return rz_validate(v, patch_schema, body, RZ_V_PATCH);
}

json_t *rz_bk_validate_merged(rz_vctx_t *v, const json_t *merged)
{
    json_t *in = rz_validate(v, patch_schema, merged, RZ_V_CREATE), *ci;

    if (!in) {
        return NULL;
    }
    if (!rz_bk_str(in, "checkIn")) {
        rz_v_fail(v, "checkIn", "required");
    }
    ci = json_object_get(in, "clientInfo");
    complete_client_info(ci);
    set_default(in, "additionalGuests", json_array());
    set_default(in, "marketingOptIn", json_false());
    if (!rz_bk_str(ci, "phone") && !rz_bk_str(ci, "email")) {
        rz_v_fail(v, "clientInfo.email", "email or phone required");
    }
    check_guests(v, in);
    return rz_v_ok(v) ? in : NULL;
}

int64_t rz_bk_day(const json_t *b)
{
    int64_t d = 0;

    if (!rz_bk_str(b, "checkInDate") || rz_date_parse(rz_bk_str(b, "checkInDate"), &d) != 0) {
        return 0;
    }
    return d;
}

json_t *rz_bk_writable(apr_pool_t *p, const json_t *b)
{
    static const char *const names[] = {"accommodationId", "checkIn",         "checkOut",
                                        "numberOfGuests",  "clientInfo",      "additionalGuests",
                                        "arrivalTime",     "specialRequests", "notes",
                                        "language",        "marketingOptIn",  NULL};
    json_t *out = json_object(), *ci;
    const char *k;
    json_t *val, *tmp;
    int i;

    for (i = 0; names[i]; i++) {
        json_t *x = json_object_get(b, names[i]);
        if (x && !json_is_null(x)) {
            json_object_set_new(out, names[i], json_deep_copy(x));
        }
    }
    ci = json_object_get(out, "clientInfo");
    json_object_foreach_safe (ci, tmp, k, val) {
        if (json_is_null(val)) {
            json_object_del(ci, k);
        }
    }
    return rz_json_pool_own(p, out);
}
