/* rz_public_catalogue.c: the anonymous guest catalogue of SPEC 7.4 (establishments with geo search,
 * accommodations) and its projections PublicEstablishment (4.3) and PublicAccommodation (4.4). */
#include "domain/rz_public_catalogue.h"

#include "apr_strings.h"
#include "apr_tables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rz_estdoc.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_query.h"
#include "core/rz_text.h"
#include "domain/rz_accommodations.h"
#include "domain/rz_establishments.h"

#define EARTH_KM 6371.0088  /* mean Earth radius of SPEC 7.4 */
#define BOX_MARGIN_DEG 1e-6 /* the prefilter box is widened by this so it is a strict superset */
#define DEFAULT_RADIUS_KM 50.0

static const double DEG = 3.14159265358979323846 / 180.0;

static const char *const pricing_modes[] = {"nightly", "monthly", "hourly", NULL};
static const char *const unit_types[] = {"standard_room", "suite", "house", "apartment", NULL};

/* ---- projections ---------------------------------------------------------------------------- */

static const char *const public_est_fields[] = {
    "id",       "name",         "description",        "location",    "contacts",
    "services", "images",       "utcOffset",          "checkInTime", "checkOutTime",
    "currency", "pricingModes", "accommodationCount", NULL};

/* The PublicEstablishment of a stored establishment: the back-office view (which computes
 * accommodationCount and pricingModes and renders images as ImageRef[]) projected on the public
 * fields. Owned by rq->pool; NULL with *st set on a store failure. */
static json_t *public_establishment(rz_req_t *rq, rz_sess_t *s, const json_t *est, rz_status_t *st)
{
    json_t *view = rz_establishment_view(rq, s, est, st), *out, *val;
    int i;

    if (!view) {
        return NULL;
    }
    out = rz_json_pool_own(rq->pool, json_object());
    for (i = 0; public_est_fields[i]; i++) {
        val = json_object_get(view, public_est_fields[i]);
        json_object_set(out, public_est_fields[i], val ? val : json_null());
    }
    return out;
}

static const char *const public_acc_fields[] = {
    "id",      "establishmentId", "name",    "description", "type",   "pricingMode",
    "pricing", "capacity",        "details", "amenities",   "images", NULL};

/* The PublicAccommodation of a stored unit: the back-office view (optional fields null, pricing
 * with its currency, images as ImageRef[]) projected on the public fields, so never status,
 * housekeepingStatus, nameKey, version or timestamps. Owned by rq->pool. */
static json_t *public_accommodation(rz_req_t *rq, const json_t *acc)
{
    json_t *view = rz_accommodation_view(rq->pool, acc), *val;
    json_t *out = rz_json_pool_own(rq->pool, json_object());
    int i;

    for (i = 0; public_acc_fields[i]; i++) {
        val = json_object_get(view, public_acc_fields[i]);
        json_object_set(out, public_acc_fields[i], val ? val : json_null());
    }
    return out;
}

json_t *rz_public_accommodation_view(rz_req_t *rq, const json_t *acc)
{
    return public_accommodation(rq, acc);
}

static int is_active(const json_t *est)
{
    return json_is_true(json_object_get(est, "isActive"));
}

static int not_found(rz_req_t *rq, const char *what)
{
    return rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND",
                            apr_pstrcat(rq->pool, what, " not found", NULL), NULL);
}

/* ---- geo ------------------------------------------------------------------------------------ */

/* Great-circle distance in km (haversine, R = EARTH_KM). */
static double haversine_km(double lat1, double lng1, double lat2, double lng2)
{
    double dp = (lat2 - lat1) * DEG, dl = (lng2 - lng1) * DEG;
    double a =
        sin(dp / 2) * sin(dp / 2) + cos(lat1 * DEG) * cos(lat2 * DEG) * sin(dl / 2) * sin(dl / 2);

    return 2 * EARTH_KM * asin(sqrt(a > 1 ? 1 : a));
}

/* A latitude band and one or two longitude ranges (two when the circle crosses the antimeridian)
 * holding every point within km of (lat, lng). */
typedef struct {
    double lat_min, lat_max;
    double lng_min[2], lng_max[2];
    int nlng;
} geo_box_t;

static void geo_box(double lat, double lng, double km, geo_box_t *b)
{
    double d = km / EARTH_KM; /* angular radius, radians */
    double dlat = d / DEG + BOX_MARGIN_DEG, dlng, lo, hi;

    b->lat_min = lat - dlat;
    b->lat_max = lat + dlat;
    b->nlng = 1;
    if (b->lat_max >= 90.0 || b->lat_min <= -90.0) {
        /* a pole is inside the circle (or on its edge): every longitude */
        b->lat_min = b->lat_min < -90.0 ? -90.0 : b->lat_min;
        b->lat_max = b->lat_max > 90.0 ? 90.0 : b->lat_max;
        b->lng_min[0] = -180.0;
        b->lng_max[0] = 180.0;
        return;
    }
    /* |lat| + d < 90 degrees, so sin(d) < cos(lat): the tangent meridians of the circle */
    dlng = asin(sin(d) / cos(lat * DEG)) / DEG + BOX_MARGIN_DEG;
    lo = lng - dlng;
    hi = lng + dlng;
    if (lo < -180.0) {
        b->nlng = 2;
        b->lng_min[0] = lo + 360.0, b->lng_max[0] = 180.0;
        b->lng_min[1] = -180.0, b->lng_max[1] = hi;
    } else if (hi > 180.0) {
        b->nlng = 2;
        b->lng_min[0] = lo, b->lng_max[0] = 180.0;
        b->lng_min[1] = -180.0, b->lng_max[1] = hi - 360.0;
    } else {
        b->lng_min[0] = lo, b->lng_max[0] = hi;
    }
}

/* A plain decimal number of n bytes: [+-]digits[.digits] (".5" and "5." too); no exponent, hex,
 * inf or nan. 0 with *out set, or -1. */
static int parse_decimal(const char *s, size_t n, double *out)
{
    char buf[64], *end;
    size_t i = 0;
    int digits = 0, dot = 0;

    if (n == 0 || n >= sizeof(buf)) {
        return -1;
    }
    if (s[0] == '+' || s[0] == '-') {
        i = 1;
    }
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            digits++;
        } else if (s[i] == '.' && !dot) {
            dot = 1;
        } else {
            return -1;
        }
    }
    if (!digits) {
        return -1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, &end);
    return *end ? -1 : 0;
}

/* near=lat,lng and radiusKm into *lat, *lng, *km; *near = 1 when near is present. -1 after
 * adding details to v. */
static int read_near(rz_vctx_t *v, apr_table_t *q, int *near, double *lat, double *lng, double *km)
{
    const char *s = apr_table_get(q, "near"), *r = apr_table_get(q, "radiusKm"), *comma;
    int rc = 0;

    s = s ? rz_text_trim(v->pool, s) : NULL;
    r = r ? rz_text_trim(v->pool, r) : NULL;
    *near = s && *s;
    *km = DEFAULT_RADIUS_KM;
    if (r && *r) {
        if (parse_decimal(r, strlen(r), km) != 0 || *km < 1.0 || *km > 1000.0) {
            rz_v_fail(v, "radiusKm", "must be a number from 1 to 1000");
            rc = -1;
        } else if (!*near) {
            rz_v_fail(v, "radiusKm", "requires near");
            rc = -1;
        }
    }
    if (!*near) {
        return rc;
    }
    comma = strchr(s, ',');
    if (!comma || parse_decimal(s, (size_t)(comma - s), lat) != 0
        || parse_decimal(comma + 1, strlen(comma + 1), lng) != 0) {
        rz_v_fail(v, "near", "must be lat,lng (two decimal numbers)");
        return -1;
    }
    if (*lat < -90.0 || *lat > 90.0 || *lng < -180.0 || *lng > 180.0) {
        rz_v_fail(v, "near", "lat must be from -90 to 90 and lng from -180 to 180");
        return -1;
    }
    return rc;
}

/* ---- establishments ------------------------------------------------------------------------- */

typedef struct {
    rz_page_t page;
    int desc, near;
    double lat, lng, km;
    const char *text;
    json_t *modes;
    rz_query_t q;
    rz_cond_t c[8], any[3];
} est_list_t;

typedef struct {
    const json_t *doc;
    const char *id;
    double km;
} est_hit_t;

static int hit_cmp(const void *a, const void *b)
{
    const est_hit_t *x = a, *y = b;

    if (x->km != y->km) {
        return x->km < y->km ? -1 : 1;
    }
    return strcmp(x->id, y->id);
}

/* Step (9) for the establishment list: fills L (the conditions except the pricingMode one). */
static int est_list_read(rz_req_t *rq, rz_vctx_t *v, est_list_t *L)
{
    static const char *const sorts[] = {"name", NULL};
    const char *city = apr_table_get(rq->query, "city"), *sort;
    apr_pool_t *p = rq->pool;

    memset(L, 0, sizeof(*L));
    rz_query_page(v, rq->query, &L->page);
    rz_query_sort(v, rq->query, sorts, "name", &sort, &L->desc);
    rz_query_q(v, rq->query, &L->text);
    rz_query_enum_list(v, rq->query, "pricingMode", pricing_modes, &L->modes);
    sort = apr_table_get(rq->query, "sort");
    if (read_near(v, rq->query, &L->near, &L->lat, &L->lng, &L->km) == 0 && L->near && sort
        && *sort) {
        rz_v_fail(v, "sort", "must be absent with near (results are ordered by distance)");
    }
    if (!rz_v_ok(v)) {
        return -1;
    }
    L->c[L->q.nall++] = (rz_cond_t){"isActive", RZ_EQ, json_true()};
    city = city ? rz_text_trim(p, city) : NULL;
    if (city && *city) {
        L->c[L->q.nall++] =
            (rz_cond_t){"cityKey", RZ_EQ, rz_json_pool_own(p, json_string(rz_text_fold(p, city)))};
    }
    if (L->text) {
        json_t *jt = rz_json_pool_own(p, json_string(L->text));
        L->any[0] = (rz_cond_t){"name", RZ_CONTAINS_CI, jt};
        L->any[1] = (rz_cond_t){"location.city", RZ_CONTAINS_CI, jt};
        L->any[2] = (rz_cond_t){"description", RZ_CONTAINS_CI, jt};
        L->q.any = L->any;
        L->q.nany = 3;
    }
    L->q.all = L->c;
    return 0;
}

/* The ids of establishments having at least one accommodation of one of `modes` (the pricingModes
 * of the view are computed from every unit, so the filter agrees with what is shown). Reads only
 * the establishmentId of those units, in any order. */
static rz_status_t ests_with_modes(rz_req_t *rq, rz_sess_t *s, json_t *modes, json_t **ids)
{
    static const char *const fields[] = {"establishmentId", NULL};
    static const rz_find_opt_t opt = {fields, 1};
    rz_cond_t c = {"pricingMode", RZ_IN, modes};
    rz_query_t q;
    json_t *found, *doc, *seen = rz_json_pool_own(rq->pool, json_object());
    size_t i;
    rz_status_t st;

    memset(&q, 0, sizeof(q));
    q.all = &c;
    q.nall = 1;
    if ((st = rz_store_find_opt(s, RZ_ACCOMMODATIONS, &q, &opt, &found, NULL)) != RZ_OK) {
        return st;
    }
    *ids = rz_json_pool_own(rq->pool, json_array());
    json_array_foreach (found, i, doc) {
        const char *e = json_string_value(json_object_get(doc, "establishmentId"));
        if (e && !json_object_get(seen, e)) {
            json_object_set(seen, e, json_true());
            json_array_append_new(*ids, json_string(e));
        }
    }
    return RZ_OK;
}

/* Every establishment matching L->q inside the box, within L->km, by distance then id. */
static rz_status_t near_hits(rz_req_t *rq, rz_sess_t *s, est_list_t *L, apr_array_header_t *hits)
{
    geo_box_t b;
    rz_query_t q;
    rz_cond_t c[12];
    json_t *found, *doc, *loc;
    size_t i;
    int k, n;
    rz_status_t st;

    geo_box(L->lat, L->lng, L->km, &b);
    for (k = 0; k < b.nlng; k++) {
        q = L->q;
        memcpy(c, L->q.all, sizeof(rz_cond_t) * (size_t)L->q.nall);
        n = L->q.nall;
        c[n++] =
            (rz_cond_t){"location.lat", RZ_GTE, rz_json_pool_own(rq->pool, json_real(b.lat_min))};
        c[n++] =
            (rz_cond_t){"location.lat", RZ_LTE, rz_json_pool_own(rq->pool, json_real(b.lat_max))};
        c[n++] = (rz_cond_t){"location.lng", RZ_GTE,
                             rz_json_pool_own(rq->pool, json_real(b.lng_min[k]))};
        c[n++] = (rz_cond_t){"location.lng", RZ_LTE,
                             rz_json_pool_own(rq->pool, json_real(b.lng_max[k]))};
        q.all = c;
        q.nall = n;
        if ((st = rz_store_find(s, RZ_ESTABLISHMENTS, &q, &found, NULL)) != RZ_OK) {
            return st;
        }
        json_array_foreach (found, i, doc) {
            est_hit_t *h;
            double km;
            loc = json_object_get(doc, "location");
            if (!json_is_number(json_object_get(loc, "lat"))
                || !json_is_number(json_object_get(loc, "lng"))) {
                continue;
            }
            km = haversine_km(L->lat, L->lng, json_number_value(json_object_get(loc, "lat")),
                              json_number_value(json_object_get(loc, "lng")));
            if (km > L->km) {
                continue;
            }
            h = apr_array_push(hits);
            h->doc = doc;
            h->id = json_string_value(json_object_get(doc, "id"));
            h->km = km;
        }
    }
    qsort(hits->elts, (size_t)hits->nelts, sizeof(est_hit_t), hit_cmp);
    return RZ_OK;
}

int rz_h_public_establishments_list(rz_req_t *rq)
{
    rz_vctx_t v;
    est_list_t L;
    rz_sess_t *s;
    json_t *ids = NULL, *found, *doc, *out, *data;
    long total = 0, i, first;
    size_t j;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (est_list_read(rq, &v, &L) != 0) {
        return rz_respond_validation(rq, v.details);
    }
    data = rz_json_pool_own(rq->pool, json_array());
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    if (L.modes) {
        if ((st = ests_with_modes(rq, s, L.modes, &ids)) != RZ_OK) {
            return rz_respond_store_error(rq, st, rz_store_last_error(s));
        }
        if (json_array_size(ids) == 0) {
            return rz_respond_list(rq, data, rz_pagination_json(rq->pool, &L.page, 0));
        }
        L.c[L.q.nall++] = (rz_cond_t){"id", RZ_IN, ids};
    }
    first = (L.page.page - 1) * L.page.limit;
    if (L.near) {
        apr_array_header_t *hits = apr_array_make(rq->pool, 16, sizeof(est_hit_t));
        if ((st = near_hits(rq, s, &L, hits)) != RZ_OK) {
            return rz_respond_store_error(rq, st, rz_store_last_error(s));
        }
        total = hits->nelts;
        for (i = first; i < total && i < first + L.page.limit; i++) {
            const est_hit_t *h = &APR_ARRAY_IDX(hits, i, est_hit_t);
            if (!(out = public_establishment(rq, s, h->doc, &st))) {
                return rz_respond_store_error(rq, st, rz_store_last_error(s));
            }
            json_object_set_new(out, "distanceKm", json_real(round(h->km * 10.0) / 10.0));
            json_array_append(data, out);
        }
        return rz_respond_list(rq, data, rz_pagination_json(rq->pool, &L.page, total));
    }
    L.q.sort = "nameKey";
    L.q.sort_desc = L.desc;
    L.q.skip = first;
    L.q.limit = L.page.limit;
    L.q.want_total = 1;
    if ((st = rz_store_find(s, RZ_ESTABLISHMENTS, &L.q, &found, &total)) != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    json_array_foreach (found, j, doc) {
        if (!(out = public_establishment(rq, s, doc, &st))) {
            return rz_respond_store_error(rq, st, rz_store_last_error(s));
        }
        json_array_append(data, out);
    }
    return rz_respond_list(rq, data, rz_pagination_json(rq->pool, &L.page, total));
}

rz_status_t rz_public_active_establishment(rz_sess_t *s, const char *id, json_t **est)
{
    rz_status_t st;

    if (!id || !rz_id_valid(id)) {
        return RZ_NOT_FOUND;
    }
    if ((st = rz_store_get(s, RZ_ESTABLISHMENTS, id, est)) != RZ_OK) {
        return st;
    }
    return is_active(*est) ? RZ_OK : RZ_NOT_FOUND;
}

int rz_h_public_establishment_get(rz_req_t *rq)
{
    const char *id = rz_req_param(rq, 0);
    rz_sess_t *s;
    json_t *est, *out;
    rz_status_t st;

    if (!rz_id_valid(id)) {
        return not_found(rq, "Establishment");
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    if ((st = rz_public_active_establishment(s, id, &est)) == RZ_NOT_FOUND) {
        return not_found(rq, "Establishment");
    }
    if (st != RZ_OK || !(out = public_establishment(rq, s, est, &st))) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    return rz_respond_data(rq, RZ_HTTP_OK, out, NULL);
}

/* ---- accommodations ------------------------------------------------------------------------- */

typedef struct {
    rz_page_t page;
    const char *sort, *est_id, *text;
    int desc;
    long min_price, max_price, guests;
    json_t *types, *modes;
} acc_list_t;

static int acc_list_read(rz_req_t *rq, rz_vctx_t *v, acc_list_t *L)
{
    static const char *const sorts[] = {"basePrice", "name", NULL};

    memset(L, 0, sizeof(*L));
    L->min_price = L->max_price = L->guests = -1;
    rz_query_page(v, rq->query, &L->page);
    rz_query_sort(v, rq->query, sorts, "basePrice", &L->sort, &L->desc);
    rz_query_q(v, rq->query, &L->text);
    rz_query_id(v, rq->query, "establishmentId", &L->est_id);
    rz_query_enum_list(v, rq->query, "type", unit_types, &L->types);
    rz_query_enum_list(v, rq->query, "pricingMode", pricing_modes, &L->modes);
    rz_query_int(v, rq->query, "minPrice", 0, 1000000000000L, &L->min_price);
    rz_query_int(v, rq->query, "maxPrice", 0, 1000000000000L, &L->max_price);
    rz_query_int(v, rq->query, "guests", 1, 50, &L->guests);
    if (L->min_price >= 0 && L->max_price >= 0 && L->min_price > L->max_price) {
        rz_v_fail(v, "maxPrice", "must be at least minPrice");
    }
    return rz_v_ok(v) ? 0 : -1;
}

/* The ids of every active establishment (a JSON array owned by rq->pool), in any order. */
static rz_status_t active_ids(rz_req_t *rq, rz_sess_t *s, json_t **ids)
{
    static const char *const fields[] = {"isActive", NULL}; /* the id comes with any projection */
    static const rz_find_opt_t opt = {fields, 1};
    rz_cond_t c = {"isActive", RZ_EQ, json_true()};
    rz_query_t q;
    json_t *found, *doc;
    size_t i;
    rz_status_t st;

    memset(&q, 0, sizeof(q));
    q.all = &c;
    q.nall = 1;
    if ((st = rz_store_find_opt(s, RZ_ESTABLISHMENTS, &q, &opt, &found, NULL)) != RZ_OK) {
        return st;
    }
    *ids = rz_json_pool_own(rq->pool, json_array());
    json_array_foreach (found, i, doc) {
        json_array_append(*ids, json_object_get(doc, "id"));
    }
    return RZ_OK;
}

int rz_h_public_accommodations_list(rz_req_t *rq)
{
    rz_vctx_t v;
    acc_list_t L;
    rz_query_t q;
    rz_cond_t c[8], any[2];
    rz_sess_t *s;
    json_t *ids, *est, *found, *doc, *data;
    apr_pool_t *p = rq->pool;
    long total = 0;
    size_t i;
    rz_status_t st;

    rz_vctx_init(&v, p);
    if (acc_list_read(rq, &v, &L) != 0) {
        return rz_respond_validation(rq, v.details);
    }
    data = rz_json_pool_own(p, json_array());
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    memset(&q, 0, sizeof(q));
    if (L.est_id) { /* an unknown or inactive establishment simply has no public units */
        st = rz_public_active_establishment(s, L.est_id, &est);
        if (st == RZ_NOT_FOUND) {
            return rz_respond_list(rq, data, rz_pagination_json(p, &L.page, 0));
        }
        c[q.nall++] =
            (rz_cond_t){"establishmentId", RZ_EQ, rz_json_pool_own(p, json_string(L.est_id))};
    } else if ((st = active_ids(rq, s, &ids)) == RZ_OK) {
        if (json_array_size(ids) == 0) {
            return rz_respond_list(rq, data, rz_pagination_json(p, &L.page, 0));
        }
        c[q.nall++] = (rz_cond_t){"establishmentId", RZ_IN, ids};
    }
    if (st != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    c[q.nall++] = (rz_cond_t){"status", RZ_EQ, rz_json_pool_own(p, json_string("available"))};
    if (L.types) {
        c[q.nall++] = (rz_cond_t){"type", RZ_IN, L.types};
    }
    if (L.modes) {
        c[q.nall++] = (rz_cond_t){"pricingMode", RZ_IN, L.modes};
    }
    if (L.min_price >= 0) {
        c[q.nall++] = (rz_cond_t){"pricing.basePrice", RZ_GTE,
                                  rz_json_pool_own(p, json_integer(L.min_price))};
    }
    if (L.max_price >= 0) {
        c[q.nall++] = (rz_cond_t){"pricing.basePrice", RZ_LTE,
                                  rz_json_pool_own(p, json_integer(L.max_price))};
    }
    if (L.guests >= 0) {
        c[q.nall++] =
            (rz_cond_t){"capacity.maxGuests", RZ_GTE, rz_json_pool_own(p, json_integer(L.guests))};
    }
    if (L.text) {
        json_t *jt = rz_json_pool_own(p, json_string(L.text));
        any[0] = (rz_cond_t){"name", RZ_CONTAINS_CI, jt};
        any[1] = (rz_cond_t){"description", RZ_CONTAINS_CI, jt};
        q.any = any;
        q.nany = 2;
    }
    q.all = c;
    q.sort = strcmp(L.sort, "name") == 0 ? "nameKey" : "pricing.basePrice";
    q.sort_desc = L.desc;
    q.skip = (L.page.page - 1) * L.page.limit;
    q.limit = L.page.limit;
    q.want_total = 1;
    if ((st = rz_store_find(s, RZ_ACCOMMODATIONS, &q, &found, &total)) != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    json_array_foreach (found, i, doc) {
        json_array_append(data, public_accommodation(rq, doc));
    }
    return rz_respond_list(rq, data, rz_pagination_json(p, &L.page, total));
}

int rz_h_public_accommodation_get(rz_req_t *rq)
{
    const char *id = rz_req_param(rq, 0), *status;
    rz_sess_t *s;
    json_t *acc, *est, *out, *brief;
    rz_status_t st;
    int i;
    static const char *const est_fields[] = {"id",          "name",         "location",
                                             "checkInTime", "checkOutTime", NULL};

    if (!rz_id_valid(id)) {
        return not_found(rq, "Accommodation");
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    st = rz_store_get(s, RZ_ACCOMMODATIONS, id, &acc);
    if (st == RZ_OK) {
        status = json_string_value(json_object_get(acc, "status"));
        if (!status || strcmp(status, "available") != 0) {
            return not_found(rq, "Accommodation");
        }
        st = rz_public_active_establishment(
            s, json_string_value(json_object_get(acc, "establishmentId")), &est);
    }
    if (st == RZ_NOT_FOUND) {
        return not_found(rq, "Accommodation");
    }
    if (st != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    out = public_accommodation(rq, acc);
    brief = json_object();
    for (i = 0; est_fields[i]; i++) {
        json_t *val = json_object_get(est, est_fields[i]);
        json_object_set(brief, est_fields[i], val ? val : json_null());
    }
    json_object_set_new(out, "establishment", brief);
    return rz_respond_data(rq, RZ_HTTP_OK, out, NULL);
}
