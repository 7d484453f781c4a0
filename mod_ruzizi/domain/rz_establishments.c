/* rz_establishments.c: the Establishment schema, defaults and view (SPEC 4.3), list and read. */
#include "domain/rz_establishments.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_query.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "domain/rz_images.h"
#include "http/rz_auth.h"
#include "http/rz_response.h"

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
        rz_respond_error(rq->r, HTTP_NOT_FOUND, "NOT_FOUND", "Establishment not found", NULL);
        return -1;
    }
    if ((st = rz_req_store(rq, s)) != RZ_OK) {
        rz_respond_store_error(rq->r, st, NULL);
        return -1;
    }
    if ((st = rz_store_get(*s, RZ_ESTABLISHMENTS, id, est)) != RZ_OK) {
        if (st == RZ_NOT_FOUND) {
            rz_respond_error(rq->r, HTTP_NOT_FOUND, "NOT_FOUND", "Establishment not found", NULL);
        } else {
            rz_respond_store_error(rq->r, st, rz_store_last_error(*s));
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
        return OK;
    }
    if (!(view = rz_establishment_view(rq, s, est, &st))) {
        return rz_respond_store_error(rq->r, st, rz_store_last_error(s));
    }
    return rz_respond_data(rq->r, HTTP_OK, view, NULL);
}

static const char *const list_sorts[] = {"name", "createdAt", NULL};

/* Reads the filters of GET /api/establishments into q (conditions in c[4] and any[2]). */
static int list_query(rz_req_t *rq, rz_vctx_t *v, rz_page_t *page, rz_query_t *q, rz_cond_t *c,
                      rz_cond_t *any)
{
    const char *city = NULL, *text = NULL, *sort;
    int active = -1, desc;
    apr_pool_t *p = rq->pool;

    memset(q, 0, sizeof(*q));
    rz_query_page(v, rq->query, page);
    rz_query_sort(v, rq->query, list_sorts, "name", &sort, &desc);
    rz_query_q(v, rq->query, &text);
    rz_query_bool(v, rq->query, "isActive", &active);
    city = apr_table_get(rq->query, "city");
    city = city ? rz_text_trim(p, city) : NULL;
    if (!rz_v_ok(v)) {
        return -1;
    }
    if (active >= 0) {
        c[q->nall++] = (rz_cond_t){"isActive", RZ_EQ, active ? json_true() : json_false()};
    }
    if (city && *city) { /* exact city, ASCII case folded (through the stored cityKey) */
        c[q->nall++] =
            (rz_cond_t){"cityKey", RZ_EQ, rz_json_pool_own(p, json_string(rz_text_fold(p, city)))};
    }
    if (strcmp(rq->who->role, "super_admin") != 0) {
        c[q->nall++] = (rz_cond_t){"id", RZ_EQ, rz_json_pool_own(p, json_string(rq->who->est_id))};
    }
    if (text) {
        json_t *jt = rz_json_pool_own(p, json_string(text));
        any[0] = (rz_cond_t){"name", RZ_CONTAINS_CI, jt};
        any[1] = (rz_cond_t){"location.city", RZ_CONTAINS_CI, jt};
        q->any = any;
        q->nany = 2;
    }
    q->all = c;
    q->sort = strcmp(sort, "name") == 0 ? "nameKey" : sort;
    q->sort_desc = desc;
    q->skip = (page->page - 1) * page->limit;
    q->limit = page->limit;
    q->want_total = 1;
    return 0;
}

int rz_h_establishments_list(rz_req_t *rq)
{
    rz_vctx_t v;
    rz_page_t page;
    rz_query_t q;
    rz_cond_t c[4], any[2];
    rz_sess_t *s;
    json_t *found, *data, *doc, *view;
    long total = 0;
    size_t i;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (list_query(rq, &v, &page, &q, c, any) != 0) {
        return rz_respond_validation(rq->r, v.details);
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq->r, st, NULL);
    }
    if ((st = rz_store_find(s, RZ_ESTABLISHMENTS, &q, &found, &total)) != RZ_OK) {
        return rz_respond_store_error(rq->r, st, rz_store_last_error(s));
    }
    data = rz_json_pool_own(rq->pool, json_array());
    json_array_foreach (found, i, doc) {
        if (!(view = rz_establishment_view(rq, s, doc, &st))) {
            return rz_respond_store_error(rq->r, st, rz_store_last_error(s));
        }
        json_array_append(data, view);
    }
    return rz_respond_list(rq->r, data, rz_pagination_json(rq->pool, &page, total));
}
