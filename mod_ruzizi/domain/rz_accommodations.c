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
static const char *const type_enums[] = {"standard_room", "suite", "house", "apartment", NULL};
static const char *const mode_enums[] = {"nightly", "monthly", "hourly", NULL};
static const char *const status_enums[] = {"available", "out_of_service", NULL};
static const char *const hk_enums[] = {"clean", "dirty", "inspected", NULL};

/* An RZ_IN condition for a comma-separated enum filter, when given. */
static void enum_filter(rz_vctx_t *v, rz_req_t *rq, const char *name, const char *field,
                        const char *const *enums, rz_query_t *q, rz_cond_t *c)
{
    json_t *vals = NULL;

    if (rz_query_enum_list(v, rq->query, name, enums, &vals) == 0 && vals
        && json_array_size(vals) > 0) {
        c[q->nall++] = (rz_cond_t){field, RZ_IN, vals};
    }
}

/* Reads the filters of GET /api/accommodations into q (conditions in c[8] and any[2]). */
static int list_query(rz_req_t *rq, rz_vctx_t *v, rz_page_t *page, rz_query_t *q, rz_cond_t *c,
                      rz_cond_t *any)
{
    const char *text = NULL, *sort, *est = NULL;
    long min_guests = 0;
    int desc;
    apr_pool_t *p = rq->pool;

    memset(q, 0, sizeof(*q));
    rz_query_page(v, rq->query, page);
    rz_query_sort(v, rq->query, list_sorts, "name", &sort, &desc);
    rz_query_q(v, rq->query, &text);
    enum_filter(v, rq, "type", "type", type_enums, q, c);
    enum_filter(v, rq, "pricingMode", "pricingMode", mode_enums, q, c);
    enum_filter(v, rq, "status", "status", status_enums, q, c);
    enum_filter(v, rq, "housekeepingStatus", "housekeepingStatus", hk_enums, q, c);
    rz_query_int(v, rq->query, "minGuests", 1, 50, &min_guests);
    if (strcmp(rq->who->role, "super_admin") == 0) {
        rz_query_id(v, rq->query, "establishmentId", &est);
    } else {
        est = rq->who->est_id; /* SPEC 3.2 rule 3: the query's value is ignored */
    }
    if (!rz_v_ok(v)) {
        return -1;
    }
    if (min_guests > 0) {
        c[q->nall++] = (rz_cond_t){"capacity.maxGuests", RZ_GTE,
                                   rz_json_pool_own(p, json_integer(min_guests))};
    }
    if (est) {
        c[q->nall++] = (rz_cond_t){"establishmentId", RZ_EQ, rz_json_pool_own(p, json_string(est))};
    }
    if (text) {
        json_t *jt = rz_json_pool_own(p, json_string(text));
        any[0] = (rz_cond_t){"name", RZ_CONTAINS_CI, jt};
        any[1] = (rz_cond_t){"description", RZ_CONTAINS_CI, jt};
        q->any = any;
        q->nany = 2;
    }
    q->all = c;
    q->sort = strcmp(sort, "name") == 0        ? "nameKey"
              : strcmp(sort, "basePrice") == 0 ? "pricing.basePrice"
                                               : sort;
    q->sort_desc = desc;
    q->skip = (page->page - 1) * page->limit;
    q->limit = page->limit;
    q->want_total = 1;
    return 0;
}

int rz_h_accommodations_list(rz_req_t *rq)
{
    rz_vctx_t v;
    rz_page_t page;
    rz_query_t q;
    rz_cond_t c[8], any[2];
    rz_sess_t *s;
    json_t *found, *data, *doc;
    long total = 0;
    size_t i;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (list_query(rq, &v, &page, &q, c, any) != 0) {
        return rz_respond_validation(rq, v.details);
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    if ((st = rz_store_find(s, RZ_ACCOMMODATIONS, &q, &found, &total)) != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    data = rz_json_pool_own(rq->pool, json_array());
    json_array_foreach (found, i, doc) {
        json_array_append(data, rz_accommodation_view(rq->pool, doc));
    }
    return rz_respond_list(rq, data, rz_pagination_json(rq->pool, &page, total));
}
