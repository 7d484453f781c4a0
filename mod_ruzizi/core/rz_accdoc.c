/* rz_accdoc.c: the stored Accommodation (SPEC 4.4): schema, defaults, season and minHours rules
 * and the folded name key; httpd-free, shared by the API and ruzizi-ctl seed-demo. */
#include "core/rz_accdoc.h"

#include <apr_strings.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_text.h"

/* ---- schema (SPEC 4.4) ------------------------------------------------------------------------
 */

static const char *const type_enums[] = {"standard_room", "suite", "house", "apartment", NULL};
static const char *const mode_enums[] = {"nightly", "monthly", "hourly", NULL};
static const char *const status_enums[] = {"available", "out_of_service", NULL};
static const char *const hk_enums[] = {"clean", "dirty", "inspected", NULL};
static const char *const currency_enums[] = {"BIF", "USD", "EUR", NULL};

static const rz_field_t season_fields[] = {
    {.name = "name", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "from", .type = RZ_T_DATE, .flags = RZ_REQ},
    {.name = "to", .type = RZ_T_DATE, .flags = RZ_REQ},
    {.name = "price", .type = RZ_T_MONEY, .flags = RZ_REQ, .min = 1, .max = 1000000000000LL},
    {.name = NULL},
};
static const rz_field_t season_item = {
    .name = "season", .type = RZ_T_OBJECT, .fields = season_fields};

static const rz_field_t pricing_fields[] = {
    {.name = "basePrice", .type = RZ_T_MONEY, .flags = RZ_REQ, .min = 1, .max = 1000000000000LL},
    {.name = "currency", .type = RZ_T_ENUM, .flags = RZ_SERVER, .enums = currency_enums},
    {.name = "seasons", .type = RZ_T_ARRAY, .max = 50, .items = &season_item},
    {.name = "minHours", .type = RZ_T_INT, .min = 1, .max = 24},
    {.name = NULL},
};

static const rz_field_t capacity_fields[] = {
    {.name = "maxGuests", .type = RZ_T_INT, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "bedrooms", .type = RZ_T_INT, .min = 0, .max = 50},
    {.name = "bathrooms", .type = RZ_T_INT, .min = 0, .max = 50},
    {.name = "showers", .type = RZ_T_INT, .min = 0, .max = 50},
    {.name = "livingRooms", .type = RZ_T_INT, .min = 0, .max = 50},
    {.name = "kitchens", .type = RZ_T_INT, .min = 0, .max = 50},
    {.name = "balconies", .type = RZ_T_INT, .min = 0, .max = 50},
    {.name = NULL},
};

static const rz_field_t details_fields[] = {
    {.name = "floor", .type = RZ_T_INT, .min = -5, .max = 200},
    {.name = "areaM2", .type = RZ_T_NUMBER, .dmin = 1, .dmax = 100000, .max = 2},
    {.name = "view", .type = RZ_T_STRING, .min = 1, .max = 100},
    {.name = "bedType", .type = RZ_T_STRING, .min = 1, .max = 50},
    {.name = NULL},
};

static const rz_field_t amenity_item = {
    .name = "amenity", .type = RZ_T_STRING, .min = 1, .max = 50};
static const rz_field_t image_item = {.name = "image", .type = RZ_T_ID};

static const rz_field_t acc_schema[] = {
    {.name = "establishmentId", .type = RZ_T_ID, .flags = RZ_REQ},
    {.name = "name", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 100},
    {.name = "description", .type = RZ_T_STRING, .min = 1, .max = 2000},
    {.name = "type", .type = RZ_T_ENUM, .flags = RZ_REQ, .enums = type_enums},
    {.name = "pricingMode", .type = RZ_T_ENUM, .flags = RZ_REQ, .enums = mode_enums},
    {.name = "pricing", .type = RZ_T_OBJECT, .flags = RZ_REQ, .fields = pricing_fields},
    {.name = "capacity", .type = RZ_T_OBJECT, .flags = RZ_REQ, .fields = capacity_fields},
    {.name = "details", .type = RZ_T_OBJECT, .fields = details_fields},
    {.name = "amenities", .type = RZ_T_ARRAY, .max = 50, .items = &amenity_item},
    {.name = "status", .type = RZ_T_ENUM, .enums = status_enums},
    {.name = "housekeepingStatus", .type = RZ_T_ENUM, .enums = hk_enums},
    {.name = "images", .type = RZ_T_ARRAY, .max = 20, .items = &image_item},
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

static void apply_defaults(json_t *a)
{
    static const char *const counts[] = {"bedrooms",    "kitchens",  "bathrooms", "showers",
                                         "livingRooms", "balconies", NULL};
    static const char *const detail_keys[] = {"floor", "areaM2", "view", "bedType", NULL};
    json_t *pricing = json_object_get(a, "pricing"), *cap = json_object_get(a, "capacity"), *det;
    const char *mode = json_string_value(json_object_get(a, "pricingMode"));
    int i;

    dflt(a, "description", json_null());
    dflt(pricing, "seasons", json_array());
    if (mode && strcmp(mode, "hourly") == 0) {
        dflt(pricing, "minHours", json_integer(1));
    }
    for (i = 0; counts[i]; i++) {
        dflt(cap, counts[i], json_integer(0));
    }
    dflt(a, "details", json_object());
    det = json_object_get(a, "details");
    for (i = 0; detail_keys[i]; i++) {
        dflt(det, detail_keys[i], json_null());
    }
    dflt(a, "amenities", json_array());
    dflt(a, "status", json_string("available"));
    dflt(a, "housekeepingStatus", json_string("clean"));
    dflt(a, "images", json_array());
}

/* Seasons: from <= to, and no two seasons sharing a day (inclusive ranges; dates compare as
 * strings since they are fixed-width YYYY-MM-DD). */
static void check_seasons(rz_vctx_t *v, const json_t *seasons)
{
    size_t i, j, n = json_array_size(seasons);

    for (i = 0; i < n; i++) {
        const json_t *s = json_array_get(seasons, i);
        if (strcmp(rz_json_str(s, "from"), rz_json_str(s, "to")) > 0) {
            rz_v_fail(v, apr_psprintf(v->pool, "pricing.seasons.%" APR_SIZE_T_FMT ".to", i),
                      "must not be before from");
        }
    }
    if (!rz_v_ok(v)) {
        return;
    }
    for (j = 1; j < n; j++) {
        const json_t *b = json_array_get(seasons, j);
        for (i = 0; i < j; i++) {
            const json_t *a = json_array_get(seasons, i);
            if (strcmp(rz_json_str(a, "from"), rz_json_str(b, "to")) <= 0
                && strcmp(rz_json_str(b, "from"), rz_json_str(a, "to")) <= 0) {
                rz_v_fail(v, apr_psprintf(v->pool, "pricing.seasons.%" APR_SIZE_T_FMT, j),
                          apr_psprintf(v->pool, "overlaps pricing.seasons.%" APR_SIZE_T_FMT, i));
                break;
            }
        }
    }
}

static void cross_checks(rz_vctx_t *v, const json_t *in, const json_t *a)
{
    const char *mode = rz_json_str(a, "pricingMode");
    const json_t *min_hours = rz_json_path_get(in, "pricing.minHours");

    if (strcmp(mode, "hourly") != 0 && min_hours && !json_is_null(min_hours)) {
        rz_v_fail(v, "pricing.minHours", "only allowed when pricingMode is hourly");
    }
    check_seasons(v, rz_json_path_get(a, "pricing.seasons"));
}

json_t *rz_acc_validate(rz_vctx_t *v, const json_t *in)
{
    json_t *out;

    if (!(out = rz_validate(v, acc_schema, in, RZ_V_CREATE))) {
        return NULL;
    }
    cross_checks(v, in, out);
    apply_defaults(out);
    return rz_v_ok(v) ? out : NULL;
}

json_t *rz_acc_check_patch(rz_vctx_t *v, const json_t *patch)
{
    return rz_validate(v, acc_schema, patch, RZ_V_PATCH);
}

/* Deep copy of `src` without null members (recursively into objects, not into arrays). */
static json_t *copy_without_nulls(const json_t *src)
{
    json_t *out = json_object(), *val;
    const char *key;

    json_object_foreach ((json_t *)src, key, val) {
        if (json_is_object(val)) {
            json_object_set_new(out, key, copy_without_nulls(val));
        } else if (!json_is_null(val)) {
            json_object_set_new(out, key, json_deep_copy(val));
        }
    }
    return out;
}

json_t *rz_acc_writable(apr_pool_t *p, const json_t *stored)
{
    json_t *out = json_object();
    const rz_field_t *f;

    for (f = acc_schema; f->name; f++) {
        json_t *val = json_object_get(stored, f->name);
        if (json_is_object(val)) {
            json_object_set_new(out, f->name, copy_without_nulls(val));
        } else if (val && !json_is_null(val)) {
            json_object_set_new(out, f->name, json_deep_copy(val));
        }
    }
    json_object_del(json_object_get(out, "pricing"), "currency");
    return rz_json_pool_own(p, out);
}

void rz_acc_set_server_fields(apr_pool_t *p, json_t *a, const char *currency)
{
    json_t *pricing = json_object_get(a, "pricing");

    if (json_is_object(pricing)) {
        json_object_set_new(pricing, "currency", json_string(currency ? currency : "BIF"));
    }
    json_object_set_new(a, "nameKey", json_string(rz_text_fold(p, rz_json_str(a, "name"))));
}
