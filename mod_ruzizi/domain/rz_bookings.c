/* rz_bookings.c: the read side of bookings (SPEC 4.5, 6.1, 7.5-7.7): the Booking view, the scoped
 * lookup, free(), the lists and the unit calendar. */
#include "domain/rz_bookings.h"

#include "apr_strings.h"
#include "apr_tables.h"

#include <string.h>

#include "core/rz_accdoc.h"
#include "core/rz_estdoc.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_query.h"
#include "core/rz_time.h"
#include "domain/rz_accommodations.h"
#include "domain/rz_clients.h"
#include "domain/rz_auth_scope.h"

#define RZ_INVOICES "invoices"
#define CAL_MAX_SPAN 365 /* SPEC 7.5: to - from <= 365 days */

const char *const rz_booking_blocking[] = {"pending", "accepted", "confirmed", "checked_in", NULL};

static const char *const status_enums[] = {"pending",   "accepted",  "confirmed", "checked_in",
                                           "completed", "cancelled", "no_show",   NULL};
static const char *const payment_enums[] = {"unpaid", "partial", "paid", "refunded", NULL};
static const char *const type_enums[] = {"online", "onsite", "walkin", NULL};

/* ---- view ------------------------------------------------------------------------------------ */

/* The stored fields of SPEC 4.5 in output order (the header's stored document, without version).
 */
static const char *const booking_fields[] = {"id",
                                             "bookingCode",
                                             "establishmentId",
                                             "accommodationId",
                                             "clientId",
                                             "bookingType",
                                             "status",
                                             "paymentStatus",
                                             "checkIn",
                                             "checkOut",
                                             "checkInDate",
                                             "checkOutDate",
                                             "nights",
                                             "numberOfGuests",
                                             "clientInfo",
                                             "additionalGuests",
                                             "arrivalTime",
                                             "specialRequests",
                                             "notes",
                                             "language",
                                             "marketingOptIn",
                                             "pricing",
                                             "invoiceId",
                                             "expiresAt",
                                             "cancelReason",
                                             "checkedInAt",
                                             "checkedOutAt",
                                             "statusHistory",
                                             "createdBy",
                                             "createdAt",
                                             "updatedAt",
                                             NULL};

static const char *const client_info_fields[] = {
    "firstName",   "lastName", "email",   "phone", "idType",  "idNumber",    "nationality",
    "dateOfBirth", "gender",   "address", "city",  "country", "companyName", NULL};

/* The embeds of a booking: accommodation, establishment and invoice (each doc may be NULL). */
static json_t *build_view(apr_pool_t *p, const json_t *b, const json_t *acc, const json_t *est,
                          const json_t *inv)
{
    static const char *const acc_brief[] = {"id", "name", "type", "pricingMode", NULL};
    static const char *const est_brief[] = {"id", "name", NULL};
    static const char *const inv_brief[] = {"id", "invoiceNumber", "status", "balance", NULL};
    json_t *out = rz_json_pool_own(p, rz_json_pick(b, booking_fields)), *emb;

    json_object_set_new(out, "clientInfo",
                        rz_json_pick(json_object_get(b, "clientInfo"), client_info_fields));
    if (!json_is_array(json_object_get(out, "additionalGuests"))) {
        json_object_set_new(out, "additionalGuests", json_array());
    }
    if (!json_is_array(json_object_get(out, "statusHistory"))) {
        json_object_set_new(out, "statusHistory", json_array());
    }
    emb = rz_json_pick(acc, acc_brief);
    json_object_set_new(emb, "id", json_deep_copy(json_object_get(out, "accommodationId")));
    json_object_set_new(out, "accommodation", emb);
    emb = rz_json_pick(est, est_brief);
    json_object_set_new(emb, "id", json_deep_copy(json_object_get(out, "establishmentId")));
    json_object_set_new(out, "establishment", emb);
    json_object_set_new(out, "invoice",
                        inv && rz_json_str(b, "invoiceId") ? rz_json_pick(inv, inv_brief)
                                                           : json_null());
    return out;
}

/* Reads one document by id, NULL when the id is missing, unknown or the read fails. */
static json_t *get_or_null(rz_sess_t *s, const char *coll, const char *id)
{
    json_t *doc = NULL;

    if (!s || !id || rz_store_get(s, coll, id, &doc) != RZ_OK) {
        return NULL;
    }
    return doc;
}

json_t *rz_booking_view(apr_pool_t *p, rz_sess_t *s, const json_t *b, const json_t *acc,
                        const json_t *est)
{
    const char *inv_id = rz_json_str(b, "invoiceId");

    if (!acc) {
        acc = get_or_null(s, RZ_ACCOMMODATIONS, rz_json_str(b, "accommodationId"));
    }
    if (!est) {
        est = get_or_null(s, RZ_ESTABLISHMENTS, rz_json_str(b, "establishmentId"));
    }
    /* the invoices collection is read only when a booking names an invoice */
    return build_view(p, b, acc, est, inv_id ? get_or_null(s, RZ_INVOICES, inv_id) : NULL);
}

/* id -> document of every document of `coll` whose id is one of the values of `field` in
 * `docs` (one query). An object owned by `p` (empty on a store failure: the views then show null
 * members, which is better than failing a whole list). */
static json_t *docs_by_id(apr_pool_t *p, rz_sess_t *s, const char *coll, const json_t *docs,
                          const char *field)
{
    json_t *ids = rz_json_pool_own(p, json_array()), *seen = rz_json_pool_own(p, json_object());
    json_t *map = rz_json_pool_own(p, json_object()), *found, *doc;
    rz_cond_t c;
    rz_query_t q;
    size_t i;

    json_array_foreach (docs, i, doc) {
        const char *id = rz_json_str(doc, field);
        if (id && !json_object_get(seen, id)) {
            json_object_set_new(seen, id, json_true());
            json_array_append_new(ids, json_string(id));
        }
    }
    if (json_array_size(ids) == 0) {
        return map;
    }
    memset(&q, 0, sizeof(q));
    c = (rz_cond_t){"id", RZ_IN, ids};
    q.all = &c;
    q.nall = 1;
    if (rz_store_find(s, coll, &q, &found, NULL) == RZ_OK) {
        json_array_foreach (found, i, doc) {
            if (rz_json_str(doc, "id")) {
                json_object_set(map, rz_json_str(doc, "id"), doc);
            }
        }
    }
    return map;
}

/* The Booking views of a page of stored bookings, with the embeds read in one query per
 * collection. Owned by `p`. */
static json_t *views_of(apr_pool_t *p, rz_sess_t *s, const json_t *found)
{
    json_t *accs = docs_by_id(p, s, RZ_ACCOMMODATIONS, found, "accommodationId");
    json_t *ests = docs_by_id(p, s, RZ_ESTABLISHMENTS, found, "establishmentId");
    json_t *invs = docs_by_id(p, s, RZ_INVOICES, found, "invoiceId");
    json_t *data = rz_json_pool_own(p, json_array()), *b;
    size_t i;

    json_array_foreach (found, i, b) {
        const char *acc = rz_json_str(b, "accommodationId"),
                   *est = rz_json_str(b, "establishmentId");
        const char *inv = rz_json_str(b, "invoiceId");
        json_array_append(data, build_view(p, b, acc ? json_object_get(accs, acc) : NULL,
                                           est ? json_object_get(ests, est) : NULL,
                                           inv ? json_object_get(invs, inv) : NULL));
    }
    return data;
}

/* ---- lookups --------------------------------------------------------------------------------- */

int rz_booking_load(rz_req_t *rq, rz_sess_t **s, json_t **b)
{
    return rz_auth_load_scoped(rq, RZ_BOOKINGS, "Booking", s, b);
}

/* The blocking statuses as a JSON array owned by `p`. */
static json_t *blocking_json(apr_pool_t *p)
{
    json_t *arr = rz_json_pool_own(p, json_array());
    int i;

    for (i = 0; rz_booking_blocking[i]; i++) {
        json_array_append_new(arr, json_string(rz_booking_blocking[i]));
    }
    return arr;
}

rz_status_t rz_booking_free(rz_sess_t *s, apr_pool_t *p, const char *acc_id, const char *in,
                            const char *out, const char *exclude_id, int *free_,
                            const char **conflict_id)
{
    return rz_booking_free_within(s, p, acc_id, in, out, 0, exclude_id, free_, conflict_id);
}

rz_status_t rz_booking_free_within(rz_sess_t *s, apr_pool_t *p, const char *acc_id, const char *in,
                                   const char *out, int64_t max_stay_s, const char *exclude_id,
                                   int *free_, const char **conflict_id)
{
    rz_cond_t c[6];
    rz_query_t q;
    json_t *found;
    int64_t t_in;
    char low[21];
    rz_status_t st;

    /* accommodationId EQ, status IN, checkIn range: the whole bookings_unit index */
    memset(&q, 0, sizeof(q));
    c[q.nall++] = (rz_cond_t){"accommodationId", RZ_EQ, rz_json_pool_own(p, json_string(acc_id))};
    c[q.nall++] = (rz_cond_t){"status", RZ_IN, blocking_json(p)};
    c[q.nall++] = (rz_cond_t){"checkIn", RZ_LT, rz_json_pool_own(p, json_string(out))};
    if (max_stay_s > 0 && rz_datetime_parse(in, &t_in) == 0) {
        /* an overlapping stay starts after in - its longest possible length */
        rz_timestamp_format(t_in - max_stay_s, low);
        c[q.nall++] = (rz_cond_t){"checkIn", RZ_GT, rz_json_pool_own(p, json_string(low))};
    }
    c[q.nall++] = (rz_cond_t){"checkOut", RZ_GT, rz_json_pool_own(p, json_string(in))};
    if (exclude_id) {
        c[q.nall++] = (rz_cond_t){"id", RZ_NE, rz_json_pool_own(p, json_string(exclude_id))};
    }
    q.all = c;
    q.limit = 1;
    if ((st = rz_store_find(s, RZ_BOOKINGS, &q, &found, NULL)) != RZ_OK) {
        return st;
    }
    *free_ = json_array_size(found) == 0;
    if (conflict_id) {
        *conflict_id = *free_ ? NULL : apr_pstrdup(p, rz_json_str(json_array_get(found, 0), "id"));
    }
    return RZ_OK;
}

int rz_h_booking_get(rz_req_t *rq)
{
    rz_sess_t *s;
    json_t *b;

    if (rz_booking_load(rq, &s, &b) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_booking_view(rq->pool, s, b, NULL, NULL), NULL);
}

/* ---- lists ----------------------------------------------------------------------------------- */

/* A sorted page of bookings: the query (conditions in all[]/any[]) and its sort. */
typedef struct {
    rz_page_t page;
    rz_query_t q;
    rz_cond_t all[20], any[5];
    const char *in_house; /* inHouseOn date or NULL */
} bk_list_t;

/* The string sort key of a document (NULL when missing: sorts first ascending). */
static int cmp_docs(const json_t *a, const json_t *b, const char *field, int desc)
{
    const char *x = rz_json_str(a, field), *y = rz_json_str(b, field);
    int c;

    c = (x && y) ? strcmp(x, y) : (x ? 1 : (y ? -1 : 0));
    if (c == 0) {
        c = strcmp(rz_json_str(a, "id") ? rz_json_str(a, "id") : "",
                   rz_json_str(b, "id") ? rz_json_str(b, "id") : "");
    }
    return desc ? -c : c;
}

/* Runs L->q plus `extra` conditions for the first `want` matches (skip 0). */
static rz_status_t find_with(rz_sess_t *s, bk_list_t *L, const rz_cond_t *extra, int nextra,
                             long want, json_t **out, long *total)
{
    rz_cond_t c[32];
    rz_query_t q = L->q;

    memcpy(c, L->q.all, sizeof(rz_cond_t) * (size_t)L->q.nall);
    memcpy(c + L->q.nall, extra, sizeof(rz_cond_t) * (size_t)nextra);
    q.all = c;
    q.nall = L->q.nall + nextra;
    q.skip = 0;
    q.limit = want;
    q.want_total = 1;
    return rz_store_find(s, RZ_BOOKINGS, &q, out, total);
}

/* inHouseOn=d (SPEC 7.6): checked_in with checkInDate <= d < checkOutDate, OR an hourly checked_in
 * stay with checkInDate = d. The store has one OR list per query (taken by q), so the two
 * disjoint halves (the hourly half keeps checkOutDate <= d) are read separately, each for the
 * first skip + limit matches, and merged in the sort order. In-house stays are few (at most about
 * one per unit), so this stays cheap. */
static rz_status_t find_in_house(rz_req_t *rq, rz_sess_t *s, bk_list_t *L, json_t **page,
                                 long *total)
{
    apr_pool_t *p = rq->pool;
    json_t *d = rz_json_pool_own(p, json_string(L->in_house));
    json_t *checked_in = rz_json_pool_own(p, json_string("checked_in"));
    rz_cond_t c1[3] = {
        {"status", RZ_EQ, checked_in}, {"checkInDate", RZ_LTE, d}, {"checkOutDate", RZ_GT, d}};
    rz_cond_t c2[4] = {{"status", RZ_EQ, checked_in},
                       {"pricing.mode", RZ_EQ, rz_json_pool_own(p, json_string("hourly"))},
                       {"checkInDate", RZ_EQ, d},
                       {"checkOutDate", RZ_LTE, d}};
    long want = L->q.skip + L->q.limit, t1 = 0, t2 = 0, k;
    size_t i = 0, j = 0;
    json_t *a, *b;
    rz_status_t st;

    if ((st = find_with(s, L, c1, 3, want, &a, &t1)) != RZ_OK
        || (st = find_with(s, L, c2, 4, want, &b, &t2)) != RZ_OK) {
        return st;
    }
    *total = t1 + t2;
    *page = rz_json_pool_own(p, json_array());
    for (k = 0; k < want && (i < json_array_size(a) || j < json_array_size(b)); k++) {
        json_t *next;
        if (j >= json_array_size(b)
            || (i < json_array_size(a)
                && cmp_docs(json_array_get(a, i), json_array_get(b, j), L->q.sort, L->q.sort_desc)
                       <= 0)) {
            next = json_array_get(a, i++);
        } else {
            next = json_array_get(b, j++);
        }
        if (k >= L->q.skip) {
            json_array_append(*page, next);
        }
    }
    return RZ_OK;
}

/* An RZ_IN condition for a comma-separated enum filter, when given. */
static void enum_filter(rz_vctx_t *v, rz_req_t *rq, const char *name, const char *const *enums,
                        bk_list_t *L)
{
    json_t *vals = NULL;

    if (rz_query_enum_list(v, rq->query, name, enums, &vals) == 0 && vals) {
        L->all[L->q.nall++] = (rz_cond_t){name, RZ_IN, vals};
    }
}

/* A string condition on `field` for the value of query parameter `name`, when given. */
static void str_cond(bk_list_t *L, apr_pool_t *p, const char *field, rz_op_t op, const char *val)
{
    if (val) {
        L->all[L->q.nall++] = (rz_cond_t){field, op, rz_json_pool_own(p, json_string(val))};
    }
}

/* Step (9) of GET /api/bookings: every filter into L (SPEC 7.6, 2.4). -1 with details in v. */
static int list_read(rz_req_t *rq, rz_vctx_t *v, bk_list_t *L)
{
    static const char *const sorts[] = {"createdAt", "checkIn", "checkOut", "bookingCode", NULL};
    const char *sort = NULL, *text = NULL, *est = NULL, *acc = NULL, *client = NULL, *from = NULL;
    const char *to = NULL, *arrivals = NULL, *departures = NULL;
    apr_pool_t *p = rq->pool;
    int desc = 0;

    memset(L, 0, sizeof(*L));
    rz_query_page(v, rq->query, &L->page);
    rz_query_sort(v, rq->query, sorts, "-createdAt", &sort, &desc);
    rz_query_q(v, rq->query, &text);
    enum_filter(v, rq, "status", status_enums, L);
    enum_filter(v, rq, "paymentStatus", payment_enums, L);
    enum_filter(v, rq, "bookingType", type_enums, L);
    rz_query_id(v, rq->query, "accommodationId", &acc);
    rz_query_id(v, rq->query, "clientId", &client);
    rz_query_date(v, rq->query, "checkInFrom", &from);
    rz_query_date(v, rq->query, "checkInTo", &to);
    rz_query_date_range(v, from, to, "checkInTo");
    rz_query_date(v, rq->query, "arrivalsOn", &arrivals);
    rz_query_date(v, rq->query, "departuresOn", &departures);
    rz_query_date(v, rq->query, "inHouseOn", &L->in_house);
    if (rz_auth_is_sa(rq)) {
        rz_query_id(v, rq->query, "establishmentId", &est);
    } else {
        est = rq->who->est_id; /* SPEC 3.2 rule 3: the query's value is ignored */
    }
    if (!rz_v_ok(v)) {
        return -1;
    }
    str_cond(L, p, "establishmentId", RZ_EQ, est);
    str_cond(L, p, "accommodationId", RZ_EQ, acc);
    str_cond(L, p, "clientId", RZ_EQ, client);
    str_cond(L, p, "checkInDate", RZ_GTE, from);
    str_cond(L, p, "checkInDate", RZ_LTE, to);
    str_cond(L, p, "checkInDate", RZ_EQ, arrivals);
    str_cond(L, p, "checkOutDate", RZ_EQ, departures);
    if (text) {
        static const char *const fields[] = {"bookingCode", "clientInfo.firstName",
                                             "clientInfo.lastName", "clientInfo.email",
                                             "clientInfo.phone"};
        json_t *jt = rz_json_pool_own(p, json_string(text));
        for (L->q.nany = 0; L->q.nany < 5; L->q.nany++) {
            L->any[L->q.nany] = (rz_cond_t){fields[L->q.nany], RZ_CONTAINS_CI, jt};
        }
        L->q.any = L->any;
    }
    L->q.all = L->all;
    L->q.sort = sort;
    L->q.sort_desc = desc;
    L->q.skip = (L->page.page - 1) * L->page.limit;
    L->q.limit = L->page.limit;
    L->q.want_total = 1;
    return 0;
}

/* Runs a list query (inHouseOn included) and answers the page of Booking views. */
static int respond_list(rz_req_t *rq, rz_sess_t *s, bk_list_t *L)
{
    json_t *found;
    long total = 0;
    rz_status_t st;

    st = L->in_house ? find_in_house(rq, s, L, &found, &total)
                     : rz_store_find(s, RZ_BOOKINGS, &L->q, &found, &total);
    if (st != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    return rz_respond_list(rq, views_of(rq->pool, s, found),
                           rz_pagination_json(rq->pool, &L->page, total));
}

int rz_h_bookings_list(rz_req_t *rq)
{
    rz_vctx_t v;
    bk_list_t L;
    rz_sess_t *s;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (list_read(rq, &v, &L) != 0) {
        return rz_respond_validation(rq, v.details);
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    return respond_list(rq, s, &L);
}

int rz_h_client_bookings(rz_req_t *rq)
{
    static const char *const sorts[] = {"checkIn", "createdAt", NULL};
    rz_vctx_t v;
    bk_list_t L;
    rz_sess_t *s;
    json_t *client;
    const char *sort = NULL;
    int desc = 0;

    rz_vctx_init(&v, rq->pool);
    memset(&L, 0, sizeof(L));
    rz_query_page(&v, rq->query, &L.page);
    rz_query_sort(&v, rq->query, sorts, "-checkIn", &sort, &desc);
    if (!rz_v_ok(&v)) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_client_load(rq, &s, &client) != 0) {
        return rq->res.status;
    }
    str_cond(&L, rq->pool, "clientId", RZ_EQ, rz_json_str(client, "id"));
    str_cond(&L, rq->pool, "establishmentId", RZ_EQ, rz_json_str(client, "establishmentId"));
    L.q.all = L.all;
    L.q.sort = sort;
    L.q.sort_desc = desc;
    L.q.skip = (L.page.page - 1) * L.page.limit;
    L.q.limit = L.page.limit;
    L.q.want_total = 1;
    return respond_list(rq, s, &L);
}

/* ---- calendar -------------------------------------------------------------------------------- */

/* The calendar entry of a booking (SPEC 7.5). Owned by `p`. */
static json_t *calendar_entry(apr_pool_t *p, const json_t *b)
{
    static const char *const fields[] = {"id",       "bookingCode", "status",       "checkIn",
                                         "checkOut", "checkInDate", "checkOutDate", NULL};
    json_t *out = rz_json_pool_own(p, rz_json_pick(b, fields));
    const json_t *ci = json_object_get(b, "clientInfo");
    const char *first = rz_json_str(ci, "firstName"), *last = rz_json_str(ci, "lastName");

    json_object_set_new(out, "clientName",
                        json_string(apr_pstrcat(p, first ? first : "", first && last ? " " : "",
                                                last ? last : "", NULL)));
    return out;
}

/* Step (9) of the calendar: from and to required, dates, from <= to, to - from <= 365. */
static int calendar_read(rz_req_t *rq, rz_vctx_t *v, const char **from, const char **to,
                         int64_t *d0, int64_t *d1)
{
    *from = *to = NULL;
    if (rz_query_date(v, rq->query, "from", from) == 0 && !*from) {
        rz_v_fail(v, "from", "required");
    }
    if (rz_query_date(v, rq->query, "to", to) == 0 && !*to) {
        rz_v_fail(v, "to", "required");
    }
    if (!rz_v_ok(v) || rz_query_date_range(v, *from, *to, "to") != 0) {
        return -1;
    }
    rz_date_parse(*from, d0);
    rz_date_parse(*to, d1);
    if (*d1 - *d0 > CAL_MAX_SPAN) {
        rz_v_fail(v, "to", "must be at most 365 days after from");
        return -1;
    }
    return 0;
}

/* The blocking bookings of unit `acc` that may show on a day of from..to (d1 = to), by checkIn
 * then id: overnight stays with checkInDate <= to and checkOutDate > from, hourly stays dated
 * from..to; a superset is read and each is placed on its days by the caller. checkInDate <= to
 * implies checkIn < (to + 2 days) 00:00 UTC for every utcOffset and businessDayStart of SPEC 4.3,
 * which bounds the range read from the bookings_unit index (accommodationId, status, checkIn). */
static rz_status_t calendar_find(rz_req_t *rq, rz_sess_t *s, const json_t *acc, const char *from,
                                 const char *to, int64_t d1, json_t **out)
{
    apr_pool_t *p = rq->pool;
    rz_cond_t c[4], any[2];
    rz_query_t q;
    char bound[21];

    rz_date_format(d1 + 2, bound);
    memcpy(bound + 10, "T00:00:00Z", 11);
    memset(&q, 0, sizeof(q));
    c[q.nall++] = (rz_cond_t){"accommodationId", RZ_EQ, json_object_get(acc, "id")};
    c[q.nall++] = (rz_cond_t){"status", RZ_IN, blocking_json(p)};
    c[q.nall++] = (rz_cond_t){"checkIn", RZ_LT, rz_json_pool_own(p, json_string(bound))};
    c[q.nall++] = (rz_cond_t){"checkInDate", RZ_LTE, rz_json_pool_own(p, json_string(to))};
    any[0] = (rz_cond_t){"checkOutDate", RZ_GT, rz_json_pool_own(p, json_string(from))};
    any[1] = (rz_cond_t){"checkInDate", RZ_GTE, rz_json_pool_own(p, json_string(from))};
    q.all = c;
    q.any = any;
    q.nany = 2;
    q.sort = "checkIn";
    return rz_store_find(s, RZ_BOOKINGS, &q, out, NULL);
}

int rz_h_accommodation_calendar(rz_req_t *rq)
{
    apr_pool_t *p = rq->pool;
    const char *from, *to, *unit_mode;
    int64_t d0, d1, d, ci, co;
    rz_vctx_t v;
    rz_sess_t *s;
    json_t *acc, *found, *b, *days, *list, *out;
    size_t i;
    rz_status_t st;
    char buf[11];

    rz_vctx_init(&v, p);
    if (calendar_read(rq, &v, &from, &to, &d0, &d1) != 0) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_acc_load(rq, &s, &acc) != 0) {
        return rq->res.status;
    }
    if ((st = calendar_find(rq, s, acc, from, to, d1, &found)) != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    days = rz_json_pool_own(p, json_array());
    for (d = d0; d <= d1; d++) {
        rz_date_format(d, buf);
        json_array_append_new(days, json_pack("{s:s, s:[]}", "date", buf, "bookingIds"));
    }
    list = rz_json_pool_own(p, json_array());
    unit_mode = rz_json_str(acc, "pricingMode");
    json_array_foreach (found, i, b) {
        const char *mode = rz_json_str(json_object_get(b, "pricing"), "mode");
        int hourly = strcmp(mode ? mode : (unit_mode ? unit_mode : ""), "hourly") == 0;
        int64_t lo, hi;
        if (rz_date_parse(rz_json_str(b, "checkInDate"), &ci) != 0
            || rz_date_parse(rz_json_str(b, "checkOutDate"), &co) != 0) {
            continue;
        }
        /* overnight: the nights ci .. co - 1; hourly: the day ci */
        lo = ci > d0 ? ci : d0;
        hi = hourly ? ci : co - 1;
        hi = hi < d1 ? hi : d1;
        if (lo > hi) {
            continue;
        }
        json_array_append(list, calendar_entry(p, b));
        for (d = lo; d <= hi; d++) {
            json_array_append(json_object_get(json_array_get(days, (size_t)(d - d0)), "bookingIds"),
                              json_object_get(b, "id"));
        }
    }
    out = rz_json_pool_own(p, json_pack("{s:O, s:s, s:s, s:O, s:O}", "accommodationId",
                                        json_object_get(acc, "id"), "from", from, "to", to,
                                        "bookings", list, "days", days));
    return rz_respond_data(rq, RZ_HTTP_OK, out, NULL);
}
