/* rz_establishments.c: the Establishment schema, defaults and view (SPEC 4.3), list and read. */
#include "domain/rz_establishments.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_query.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "domain/rz_images.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_list.h"

rz_status_t rz_est_referenced(rz_sess_t *s, apr_pool_t *p, const char *coll, const char *field,
                              const char *value, int *found)
{
    rz_cond_t c = {field, RZ_EQ, rz_json_pool_own(p, json_string(value))};
    rz_query_t q;
    long n = 0;
    rz_status_t st;

    memset(&q, 0, sizeof(q));
    q.all = &c;
    q.nall = 1;
    st = rz_store_count(s, coll, &q, &n);
    *found = n > 0;
    return st;
}

/* ---- view ------------------------------------------------------------------------------------ */

static const char *const view_fields[] = {"id",
                                          "name",
                                          "description",
                                          "location",
                                          "contacts",
                                          "services",
                                          "images",
                                          "utcOffset",
                                          "businessDayStart",
                                          "checkInTime",
                                          "checkOutTime",
                                          "currency",
                                          "vatRateBps",
                                          "invoicePrefix",
                                          "creditNotePrefix",
                                          "longStayDiscounts",
                                          "pendingTtlHours",
                                          "autoNoShow",
                                          "defaultLanguage",
                                          "hrSettings",
                                          "isActive",
                                          NULL};

/* accommodationCount and pricingModes (distinct, sorted) from the accommodations collection,
 * reading only the pricingMode of each unit, in any order. */
static rz_status_t accommodation_stats(rz_req_t *rq, rz_sess_t *s, const char *id, json_t *out)
{
    static const char *const fields[] = {"pricingMode", NULL};
    static const rz_find_opt_t opt = {fields, 1};
    rz_cond_t c = {"establishmentId", RZ_EQ, rz_json_pool_own(rq->pool, json_string(id))};
    static const char *const modes[] = {"hourly", "monthly", "nightly", NULL};
    rz_query_t q;
    json_t *found, *pm = json_array(), *doc;
    size_t i;
    int k;
    rz_status_t st;

    memset(&q, 0, sizeof(q));
    q.all = &c;
    q.nall = 1;
    if ((st = rz_store_find_opt(s, "accommodations", &q, &opt, &found, NULL)) != RZ_OK) {
        json_decref(pm);
        return st;
    }
    for (k = 0; modes[k]; k++) {
        json_array_foreach (found, i, doc) {
            const char *m = json_string_value(json_object_get(doc, "pricingMode"));
            if (m && strcmp(m, modes[k]) == 0) {
                json_array_append_new(pm, json_string(m));
                break;
            }
        }
    }
    json_object_set_new(out, "accommodationCount",
                        json_integer((json_int_t)json_array_size(found)));
    json_object_set_new(out, "pricingModes", pm);
    return RZ_OK;
}

json_t *rz_establishment_view(rz_req_t *rq, rz_sess_t *s, const json_t *est, rz_status_t *st)
{
    json_t *out = rz_json_pool_own(rq->pool, json_object()), *val;
    int i;

    for (i = 0; view_fields[i]; i++) {
        val = json_object_get(est, view_fields[i]);
        if (strcmp(view_fields[i], "images") == 0) {
            json_object_set(out, "images", rz_images_refs(rq->pool, val));
        } else {
            json_object_set(out, view_fields[i], val ? val : json_null());
        }
    }
    if ((*st = accommodation_stats(rq, s, json_string_value(json_object_get(est, "id")), out))
        != RZ_OK) {
        return NULL;
    }
    json_object_set(out, "createdAt", json_object_get(est, "createdAt"));
    json_object_set(out, "updatedAt", json_object_get(est, "updatedAt"));
    return out;
}

/* ---- reads ----------------------------------------------------------------------------------- */

int rz_est_load(rz_req_t *rq, rz_sess_t **s, json_t **est)
{
    const char *id = rz_req_param(rq, 0);
    rz_status_t st;

    if (!rz_id_valid(id) || !rz_auth_in_scope(rq, id)) {
        rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Establishment not found", NULL);
        return -1;
    }
    if ((st = rz_req_store(rq, s)) != RZ_OK) {
        rz_respond_store_error(rq, st, NULL);
        return -1;
    }
    if ((st = rz_store_get(*s, RZ_ESTABLISHMENTS, id, est)) != RZ_OK) {
        if (st == RZ_NOT_FOUND) {
            rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Establishment not found", NULL);
        } else {
            rz_respond_store_error(rq, st, rz_store_last_error(*s));
        }
        return -1;
    }
    return 0;
}

int rz_h_establishment_get(rz_req_t *rq)
{
    rz_sess_t *s;
    json_t *est, *view;
    rz_status_t st;

    if (rz_est_load(rq, &s, &est) != 0) {
        return rq->res.status;
    }
    if (!(view = rz_establishment_view(rq, s, est, &st))) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    return rz_respond_data(rq, RZ_HTTP_OK, view, NULL);
}

static const char *const list_sorts[] = {"name", "createdAt", NULL};
static const char *const sort_fields[] = {"name", "nameKey", NULL};

/* The filters of GET /api/establishments: q, isActive, city (exact, ASCII case folded through the
 * stored cityKey); a manager or staff member sees their own establishment only. */
static int list_filter(rz_list_t *l)
{
    static const char *const searched[] = {"name", "location.city", NULL};
    apr_pool_t *p = l->rq->pool;
    const char *city, *text = NULL;
    int active = -1;

    rz_query_q(&l->v, l->rq->query, &text);
    rz_query_bool(&l->v, l->rq->query, "isActive", &active);
    city = apr_table_get(l->rq->query, "city");
    city = city ? rz_text_trim(p, city) : NULL;
    rz_list_eq_bool(l, "isActive", active);
    rz_list_eq(l, "cityKey", city && *city ? rz_text_fold(p, city) : NULL);
    if (!rz_auth_is_sa(l->rq)) {
        rz_list_eq(l, "id", l->rq->who->est_id);
    }
    rz_list_search(l, text, searched);
    return 0;
}

static json_t *list_view(rz_list_t *l, const json_t *doc, rz_status_t *st)
{
    return rz_establishment_view(l->rq, l->s, doc, st);
}

static const rz_list_spec_t establishments_list = {RZ_ESTABLISHMENTS, list_sorts,  "name",
                                                   sort_fields,       list_filter, list_view};

int rz_h_establishments_list(rz_req_t *rq)
{
    return rz_list_run(rq, &establishments_list);
}
