/* rz_accommodations.c: the Accommodation view (SPEC 4.4), the scoped lookup, list and read
 * (SPEC 7.5). */
#include "domain/rz_accommodations.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_query.h"
#include "domain/rz_images.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_list.h"

const char *rz_acc_key(apr_pool_t *p, const char *id)
{
    return apr_pstrcat(p, "accommodation:", id, NULL);
}

/* ---- view ------------------------------------------------------------------------------------ */

/* A copy of object `src` (may be missing) holding exactly `keys`, absent ones as null. */
static json_t *pick(const json_t *src, const char *const *keys)
{
    json_t *out = json_object();
    int i;

    for (i = 0; keys[i]; i++) {
        json_t *val = json_object_get(src, keys[i]);
        json_object_set_new(out, keys[i], val ? json_deep_copy(val) : json_null());
    }
    return out;
}

json_t *rz_accommodation_view(apr_pool_t *p, const json_t *acc)
{
    static const char *const top[] = {"id",   "establishmentId", "name", "description",
                                      "type", "pricingMode",     NULL};
    static const char *const pricing[] = {"basePrice", "currency", "seasons", "minHours", NULL};
    static const char *const capacity[] = {"maxGuests",   "bedrooms", "bathrooms", "showers",
                                           "livingRooms", "kitchens", "balconies", NULL};
    static const char *const details[] = {"floor", "areaM2", "view", "bedType", NULL};
    static const char *const tail[] = {"amenities", "status", "housekeepingStatus", NULL};
    json_t *out = rz_json_pool_own(p, pick(acc, top)), *seasons, *amen, *images;
    int i;

    json_object_set_new(out, "pricing", pick(json_object_get(acc, "pricing"), pricing));
    seasons = rz_json_path_get(out, "pricing.seasons");
    if (!json_is_array(seasons)) {
        json_object_set_new(json_object_get(out, "pricing"), "seasons", json_array());
    }
    json_object_set_new(out, "capacity", pick(json_object_get(acc, "capacity"), capacity));
    json_object_set_new(out, "details", pick(json_object_get(acc, "details"), details));
    for (i = 0; tail[i]; i++) {
        json_t *val = json_object_get(acc, tail[i]);
        json_object_set(out, tail[i], val ? val : json_null());
    }
    amen = json_object_get(out, "amenities");
    if (!json_is_array(amen)) {
        json_object_set_new(out, "amenities", json_array());
    }
    images = json_object_get(acc, "images");
    json_object_set(
        out, "images",
        rz_images_refs(p, json_is_array(images) ? images : rz_json_pool_own(p, json_array())));
    json_object_set(out, "createdAt", json_object_get(acc, "createdAt"));
    json_object_set(out, "updatedAt", json_object_get(acc, "updatedAt"));
    return out;
}

/* ---- reads ----------------------------------------------------------------------------------- */

int rz_acc_load(rz_req_t *rq, rz_sess_t **s, json_t **acc)
{
    return rz_auth_load_scoped(rq, RZ_ACCOMMODATIONS, "Accommodation", s, acc);
}

int rz_h_accommodation_get(rz_req_t *rq)
{
    rz_sess_t *s;
    json_t *acc;

    if (rz_acc_load(rq, &s, &acc) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_accommodation_view(rq->pool, acc), NULL);
}

static const char *const list_sorts[] = {"name", "basePrice", "createdAt", NULL};
static const char *const sort_fields[] = {"name", "nameKey", "basePrice", "pricing.basePrice",
                                          NULL};
static const char *const type_enums[] = {"standard_room", "suite", "house", "apartment", NULL};
static const char *const mode_enums[] = {"nightly", "monthly", "hourly", NULL};
static const char *const status_enums[] = {"available", "out_of_service", NULL};
static const char *const hk_enums[] = {"clean", "dirty", "inspected", NULL};

/* An RZ_IN condition for a comma-separated enum filter, when given. */
static void enum_filter(rz_list_t *l, const char *name, const char *const *enums)
{
    json_t *vals = NULL;

    if (rz_query_enum_list(&l->v, l->rq->query, name, enums, &vals) == 0) {
        rz_list_in(l, name, vals);
    }
}

/* The filters of GET /api/accommodations: q, type, pricingMode, status, housekeepingStatus,
 * minGuests, establishmentId (SPEC 3.2 rule 3). */
static int list_filter(rz_list_t *l)
{
    static const char *const searched[] = {"name", "description", NULL};
    const char *text = NULL, *est;
    long min_guests = 0;

    rz_query_q(&l->v, l->rq->query, &text);
    enum_filter(l, "type", type_enums);
    enum_filter(l, "pricingMode", mode_enums);
    enum_filter(l, "status", status_enums);
    enum_filter(l, "housekeepingStatus", hk_enums);
    rz_query_int(&l->v, l->rq->query, "minGuests", 1, 50, &min_guests);
    est = rz_list_establishment(l);
    if (min_guests > 0) {
        rz_list_cond(l, "capacity.maxGuests", RZ_GTE,
                     rz_json_pool_own(l->rq->pool, json_integer(min_guests)));
    }
    rz_list_eq(l, "establishmentId", est);
    rz_list_search(l, text, searched);
    return 0;
}

static json_t *list_view(rz_list_t *l, const json_t *doc, rz_status_t *st)
{
    return rz_accommodation_view(l->rq->pool, doc);
}

static const rz_list_spec_t accommodations_list = {RZ_ACCOMMODATIONS, list_sorts,  "name",
                                                   sort_fields,       list_filter, list_view};

int rz_h_accommodations_list(rz_req_t *rq)
{
    return rz_list_run(rq, &accommodations_list);
}
