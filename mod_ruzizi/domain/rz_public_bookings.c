/* rz_public_bookings.c: the guest side of bookings (SPEC 7.4): priced availability, the lookup of a
 * booking by its code and the PublicBooking projection (4.5). */
#include "domain/rz_bookings.h"

#include "apr_strings.h"

#include <stdlib.h>
#include <string.h>

#include "auth/rz_ratelimit.h"
#include "core/rz_accdoc.h"
#include "core/rz_bkcode.h"
#include "core/rz_estdoc.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_pricing.h"
#include "core/rz_query.h"
#include "core/rz_stay.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "domain/rz_images.h"
#include "domain/rz_public_catalogue.h"
#include "domain/rz_auth_scope.h"

#define MAX_OFFERS 200 /* SPEC 7.4 */

static const char *const unit_types[] = {"standard_room", "suite", "house", "apartment", NULL};
static const char *const pricing_modes[] = {"nightly", "monthly", "hourly", NULL};

/* ---- PublicBooking --------------------------------------------------------------------------- */

json_t *rz_public_booking_view(apr_pool_t *p, rz_sess_t *s, const json_t *b, const json_t *acc,
                               const json_t *est)
{
    static const char *const fields[] = {
        "bookingCode",   "status",        "paymentStatus",   "bookingType", "checkIn",
        "checkOut",      "checkInDate",   "checkOutDate",    "nights",      "numberOfGuests",
        "clientInfo",    "arrivalTime",   "specialRequests", "pricing",     "expiresAt",
        "accommodation", "establishment", "createdAt",       NULL};
    static const char *const guest[] = {"firstName", "lastName", NULL};
    static const char *const unit[] = {"id", "name", "type", NULL};
    static const char *const place[] = {"id",          "name",         "location", "contacts",
                                        "checkInTime", "checkOutTime", NULL};
    json_t *out = rz_json_pool_own(p, rz_json_pick(b, fields)), *emb, *images, *doc;

    if (!acc && s && rz_json_str(b, "accommodationId")
        && rz_store_get(s, RZ_ACCOMMODATIONS, rz_json_str(b, "accommodationId"), &doc) == RZ_OK) {
        acc = doc;
    }
    if (!est && s && rz_json_str(b, "establishmentId")
        && rz_store_get(s, RZ_ESTABLISHMENTS, rz_json_str(b, "establishmentId"), &doc) == RZ_OK) {
        est = doc;
    }
    json_object_set_new(out, "clientInfo", rz_json_pick(json_object_get(b, "clientInfo"), guest));
    emb = rz_json_pick(acc, unit);
    json_object_set_new(emb, "id", json_deep_copy(json_object_get(b, "accommodationId")));
    images = json_object_get(acc, "images");
    json_object_set(
        emb, "images",
        rz_images_refs(p, json_is_array(images) ? images : rz_json_pool_own(p, json_array())));
    json_object_set_new(out, "accommodation", emb);
    emb = rz_json_pick(est, place);
    json_object_set_new(emb, "id", json_deep_copy(json_object_get(b, "establishmentId")));
    json_object_set_new(out, "establishment", emb);
    return out;
}

/* ---- shared ---------------------------------------------------------------------------------- */

/* A query parameter, trimmed; NULL when absent or empty. */
static const char *param(rz_req_t *rq, const char *name)
{
    const char *raw = apr_table_get(rq->query, name), *s;

    if (!raw) {
        return NULL;
    }
    s = rz_text_trim(rq->pool, raw);
    return *s ? s : NULL;
}

/* ---- availability ---------------------------------------------------------------------------- */

typedef struct {
    const char *est_id, *in_s, *out_s;
    int in_is_date;
    long guests;
    json_t *types, *modes; /* filters or NULL */
} avail_in_t;

/* One stay endpoint: a date or a datetime with an offset; -1 after a detail. */
static int stay_kind(rz_vctx_t *v, const char *name, const char *s, int *is_date)
{
    int64_t t;

    if (!s) {
        rz_v_fail(v, name, "required");
        return -1;
    }
    if (strlen(s) == 10 && rz_date_parse(s, &t) == 0) {
        *is_date = 1;
        return 0;
    }
    if (rz_datetime_parse(s, &t) == 0) {
        *is_date = 0;
        return 0;
    }
    rz_v_fail(v, name, "must be a date (YYYY-MM-DD) or an RFC 3339 datetime with offset");
    return -1;
}

/* Step (9): types and presence of every parameter, and both endpoints of one kind. */
static int avail_read(rz_req_t *rq, rz_vctx_t *v, avail_in_t *in)
{
    int in_ok, out_ok, out_is_date = 0;

    memset(in, 0, sizeof(*in));
    in->guests = -1;
    if (rz_query_id(v, rq->query, "establishmentId", &in->est_id) == 0 && !in->est_id) {
        rz_v_fail(v, "establishmentId", "required");
    }
    in->in_s = param(rq, "checkIn");
    in->out_s = param(rq, "checkOut");
    in_ok = stay_kind(v, "checkIn", in->in_s, &in->in_is_date) == 0;
    out_ok = stay_kind(v, "checkOut", in->out_s, &out_is_date) == 0;
    if (in_ok && out_ok && in->in_is_date != out_is_date) {
        rz_v_fail(v, "checkOut",
                  "must be of the same kind as checkIn (two dates or two datetimes)");
    }
    if (rz_query_int(v, rq->query, "guests", 1, 50, &in->guests) == 0 && in->guests < 0) {
        rz_v_fail(v, "guests", "required");
    }
    rz_query_enum_list(v, rq->query, "type", unit_types, &in->types);
    rz_query_enum_list(v, rq->query, "pricingMode", pricing_modes, &in->modes);
    return rz_v_ok(v) ? 0 : -1;
}

/* The stays of the request (SPEC 2.8, step 11): checkOut after checkIn, the booking window, then
 * every mode of the input's kind (dates: nightly and monthly; datetimes: hourly); valid[m] says
 * which hold. -1 after a detail when no mode is valid or a mode-independent rule fails. */
static int avail_stays(rz_vctx_t *v, const rz_est_clock_t *c, const avail_in_t *in, rz_stay_t st[3],
                       int valid[3], int64_t *t_in, int64_t *t_out)
{
    static const rz_mode_t date_modes[] = {RZ_MODE_NIGHTLY, RZ_MODE_MONTHLY};
    static const rz_mode_t time_modes[] = {RZ_MODE_HOURLY};
    const rz_mode_t *modes = in->in_is_date ? date_modes : time_modes;
    int nmodes = in->in_is_date ? 2 : 1, k, d, any = 0;
    const char *msg = NULL, *field = "checkOut", *why, *f;
    rz_stay_t probe;

    rz_stay_point(c, in->in_s, 0, t_in, &d);
    rz_stay_point(c, in->out_s, 1, t_out, &d);
    if (*t_out <= *t_in) {
        rz_v_fail(v, "checkOut", "must be after checkIn");
        return -1;
    }
    memset(&probe, 0, sizeof(probe));
    probe.check_in_date = rz_business_date(c, *t_in);
    if ((why = rz_stay_check_window(c, &probe, rz_now())) != NULL) {
        rz_v_fail(v, "checkIn", why);
        return -1;
    }
    memset(valid, 0, sizeof(int) * 3);
    for (k = 0; k < nmodes; k++) {
        why = rz_stay_derive(c, modes[k], *t_in, *t_out, &st[modes[k]], &f);
        if (why) {
            msg = why, field = f;
        } else {
            valid[modes[k]] = any = 1;
        }
    }
    if (!any) {
        rz_v_fail(v, field, msg);
        return -1;
    }
    return 0;
}

/* 1 when mode name `m` is in the pricingMode filter (or there is none). */
static int mode_wanted(const json_t *filter, const char *m)
{
    json_t *x;
    size_t i;

    if (!filter) {
        return 1;
    }
    json_array_foreach (filter, i, x) {
        if (strcmp(json_string_value(x), m) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The units of the establishment that may take the stay: status available, maxGuests >= guests,
 * a valid mode, type and pricingMode filters (one query). */
static rz_status_t avail_units(rz_req_t *rq, rz_sess_t *s, const avail_in_t *in, const int valid[3],
                               json_t **units)
{
    apr_pool_t *p = rq->pool;
    json_t *modes = rz_json_pool_own(p, json_array());
    rz_cond_t c[5];
    rz_query_t q;
    int m;

    for (m = 0; m < 3; m++) {
        if (valid[m] && mode_wanted(in->modes, rz_mode_name((rz_mode_t)m))) {
            json_array_append_new(modes, json_string(rz_mode_name((rz_mode_t)m)));
        }
    }
    if (json_array_size(modes) == 0) {
        *units = rz_json_pool_own(p, json_array());
        return RZ_OK;
    }
    memset(&q, 0, sizeof(q));
    c[q.nall++] =
        (rz_cond_t){"establishmentId", RZ_EQ, rz_json_pool_own(p, json_string(in->est_id))};
    c[q.nall++] = (rz_cond_t){"status", RZ_EQ, rz_json_pool_own(p, json_string("available"))};
    c[q.nall++] = (rz_cond_t){"pricingMode", RZ_IN, modes};
    c[q.nall++] =
        (rz_cond_t){"capacity.maxGuests", RZ_GTE, rz_json_pool_own(p, json_integer(in->guests))};
    if (in->types) {
        c[q.nall++] = (rz_cond_t){"type", RZ_IN, in->types};
    }
    q.all = c;
    return rz_store_find(s, RZ_ACCOMMODATIONS, &q, units, NULL);
}

/* The set (object id -> true) of units of the establishment holding a blocking booking that
 * overlaps [in, out), read for the whole establishment in ONE query, however many units it has:
 * establishmentId EQ, status IN blocking, checkIn < out, checkOut > in (the bookings_open index
 * (establishmentId, status, checkIn, checkOut) serves all four). Only accommodationId is read,
 * in no particular order: the store decodes no booking document and sorts nothing. */
static rz_status_t avail_busy(rz_req_t *rq, rz_sess_t *s, const char *est_id, int64_t t_in,
                              int64_t t_out, json_t **busy)
{
    static const char *const fields[] = {"accommodationId", NULL};
    static const rz_find_opt_t opt = {fields, 1};
    apr_pool_t *p = rq->pool;
    json_t *blocking = rz_json_pool_own(p, json_array()), *found, *b;
    char in_s[21], out_s[21];
    rz_cond_t c[4];
    rz_query_t q;
    size_t i;
    int k;
    rz_status_t st;

    for (k = 0; rz_booking_blocking[k]; k++) {
        json_array_append_new(blocking, json_string(rz_booking_blocking[k]));
    }
    rz_timestamp_format(t_in, in_s);
    rz_timestamp_format(t_out, out_s);
    memset(&q, 0, sizeof(q));
    c[q.nall++] = (rz_cond_t){"establishmentId", RZ_EQ, rz_json_pool_own(p, json_string(est_id))};
    c[q.nall++] = (rz_cond_t){"status", RZ_IN, blocking};
    c[q.nall++] = (rz_cond_t){"checkIn", RZ_LT, rz_json_pool_own(p, json_string(out_s))};
    c[q.nall++] = (rz_cond_t){"checkOut", RZ_GT, rz_json_pool_own(p, json_string(in_s))};
    q.all = c;
    if ((st = rz_store_find_opt(s, RZ_BOOKINGS, &q, &opt, &found, NULL)) != RZ_OK) {
        return st;
    }
    *busy = rz_json_pool_own(p, json_object());
    json_array_foreach (found, i, b) {
        if (rz_json_str(b, "accommodationId")) {
            json_object_set_new(*busy, rz_json_str(b, "accommodationId"), json_true());
        }
    }
    return RZ_OK;
}

typedef struct {
    int64_t total;
    const char *name, *id;
    json_t *offer;
} offer_t;

static int offer_cmp(const void *a, const void *b)
{
    const offer_t *x = a, *y = b;
    int c;

    if (x->total != y->total) {
        return x->total < y->total ? -1 : 1;
    }
    if ((c = strcmp(x->name, y->name)) != 0) {
        return c;
    }
    return strcmp(x->id, y->id);
}

/* The offers of the free units, priced, by total then name, at most MAX_OFFERS. */
static json_t *avail_offers(rz_req_t *rq, const json_t *est, const json_t *units,
                            const json_t *busy, const rz_stay_t st[3])
{
    apr_pool_t *p = rq->pool;
    offer_t *offers = apr_pcalloc(p, sizeof(offer_t) * (json_array_size(units) + 1));
    json_t *out = rz_json_pool_own(p, json_array()), *acc, *quote;
    size_t i, n = 0;
    rz_mode_t m;
    const char *err;

    json_array_foreach (units, i, acc) {
        const char *id = rz_json_str(acc, "id");
        if (!id || json_object_get(busy, id)
            || rz_mode_parse(rz_json_str(acc, "pricingMode"), &m) != 0
            || !(quote = rz_json_pool_own(p, rz_price_quote(acc, est, &st[m], &err)))) {
            continue; /* booked, or a unit that cannot be priced (overflow) offers nothing */
        }
        offers[n].total = json_integer_value(json_object_get(quote, "total"));
        offers[n].name = rz_json_str(acc, "name") ? rz_json_str(acc, "name") : "";
        offers[n].id = id;
        offers[n].offer = json_pack("{s:O, s:O}", "accommodation",
                                    rz_public_accommodation_view(rq, acc), "pricing", quote);
        n++;
    }
    qsort(offers, n, sizeof(offer_t), offer_cmp);
    for (i = 0; i < n; i++) {
        if (i < MAX_OFFERS) {
            json_array_append(out, offers[i].offer);
        }
        json_decref(offers[i].offer);
    }
    return out;
}

int rz_h_public_availability(rz_req_t *rq)
{
    apr_pool_t *p = rq->pool;
    avail_in_t in;
    rz_vctx_t v;
    rz_sess_t *s;
    rz_est_clock_t clock;
    rz_stay_t st[3];
    int valid[3], first;
    int64_t t_in, t_out;
    json_t *est, *units, *busy, *out;
    char in_s[21], out_s[21], d_in[11], d_out[11];
    const char *currency;
    rz_status_t rs;

    /* SPEC 8.2 availability-ip, keyed by client IP: an IP limit, so before any other check */
    if (rz_auth_rate_limit(rq, RZ_RL_AVAILABILITY_IP, rz_auth_client_key(rq)) != 0) {
        return rq->res.status;
    }
    rz_vctx_init(&v, p);
    if (avail_read(rq, &v, &in) != 0) {
        return rz_respond_validation(rq, v.details);
    }
    if ((rs = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, rs, NULL);
    }
    if ((rs = rz_public_active_establishment(s, in.est_id, &est)) != RZ_OK) {
        if (rs == RZ_NOT_FOUND) {
            return rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Establishment not found",
                                    NULL);
        }
        return rz_respond_store_error(rq, rs, rz_store_last_error(s));
    }
    rz_est_clock_from_doc(&clock, est);
    if (avail_stays(&v, &clock, &in, st, valid, &t_in, &t_out) != 0) {
        return rz_respond_validation(rq, v.details);
    }
    if ((rs = avail_units(rq, s, &in, valid, &units)) != RZ_OK
        || (rs = avail_busy(rq, s, in.est_id, t_in, t_out, &busy)) != RZ_OK) {
        return rz_respond_store_error(rq, rs, rz_store_last_error(s));
    }
    /* checkInDate/checkOutDate: those of the first valid mode in the order nightly, monthly,
     * hourly (for dates nightly and monthly derive the same dates, SPEC 2.8) */
    first = valid[RZ_MODE_NIGHTLY]   ? RZ_MODE_NIGHTLY
            : valid[RZ_MODE_MONTHLY] ? RZ_MODE_MONTHLY
                                     : RZ_MODE_HOURLY;
    rz_timestamp_format(t_in, in_s);
    rz_timestamp_format(t_out, out_s);
    rz_date_format(st[first].check_in_date, d_in);
    rz_date_format(st[first].check_out_date, d_out);
    currency = rz_json_str(est, "currency") ? rz_json_str(est, "currency") : "BIF";
    out = rz_json_pool_own(p, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:O}",
                                        "establishmentId", in.est_id, "currency", currency,
                                        "checkIn", in_s, "checkOut", out_s, "checkInDate", d_in,
                                        "checkOutDate", d_out, "guests", (json_int_t)in.guests,
                                        "offers", avail_offers(rq, est, units, busy, st)));
    return rz_respond_data(rq, RZ_HTTP_OK, out, NULL);
}

/* ---- lookup by code -------------------------------------------------------------------------- */

static int lookup_not_found(rz_req_t *rq)
{
    /* one body for an unknown code and a contact mismatch (SPEC 7.4) */
    return rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Booking not found", NULL);
}

/* Step (9): the code (normalised into code[]) and exactly one contact: *email normalised, or *phone
 * as typed (its country is known only once the booking is found). */
static int lookup_read(rz_req_t *rq, rz_vctx_t *v, char code[RZ_BKCODE_LEN + 1], const char **email,
                       const char **phone)
{
    const char *raw = param(rq, "code");

    *email = param(rq, "email");
    *phone = param(rq, "phone");
    if (!raw) {
        rz_v_fail(v, "code", "required");
    } else if (rz_bkcode_normalize(raw, code) != 0) {
        rz_v_fail(v, "code", "must be a booking code (RZ-XXXX-XXXX)");
    }
    if ((*email && *phone) || (!*email && !*phone)) {
        rz_v_fail(v, *email ? "phone" : "email", "give exactly one of email and phone");
    } else if (*email && !(*email = rz_email_normalize(rq->pool, *email))) {
        rz_v_fail(v, "email", "must be a valid email");
    } else if (*phone && !rz_phone_normalize(rq->pool, *phone, "BI")
               && !rz_phone_normalize(rq->pool, *phone, "US")) {
        /* a number no country of the table could read (+257 and +1 span the national lengths of
         * every calling code of 1 to 3 digits); the booking's country decides below */
        rz_v_fail(v, "phone", "must be a valid phone number");
    }
    return rz_v_ok(v) ? 0 : -1;
}

int rz_h_public_booking_lookup(rz_req_t *rq)
{
    char code[RZ_BKCODE_LEN + 1];
    const char *email, *phone, *country, *stored;
    rz_vctx_t v;
    rz_sess_t *s;
    rz_cond_t c;
    json_t *b, *est, *acc = NULL, *info;
    rz_status_t st;

    if (rz_auth_rate_limit(rq, RZ_RL_LOOKUP_IP, rz_auth_client_key(rq)) != 0) {
        return rq->res.status;
    }
    rz_vctx_init(&v, rq->pool);
    if (lookup_read(rq, &v, code, &email, &phone) != 0) {
        return rz_respond_validation(rq, v.details);
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    c = (rz_cond_t){"bookingCode", RZ_EQ, rz_json_pool_own(rq->pool, json_string(code))};
    st = rz_store_find_one(s, RZ_BOOKINGS, &c, 1, &b);
    if (st == RZ_OK) {
        st = rz_public_active_establishment(s, rz_json_str(b, "establishmentId"), &est);
    }
    if (st == RZ_NOT_FOUND) {
        return lookup_not_found(rq);
    }
    if (st != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    info = json_object_get(b, "clientInfo");
    if (email) {
        stored = rz_json_str(info, "email");
        if (!stored || strcmp(rz_text_fold(rq->pool, stored), email) != 0) {
            return lookup_not_found(rq);
        }
    } else {
        country = rz_json_str(json_object_get(est, "location"), "country");
        phone = rz_phone_normalize(rq->pool, phone, country ? country : "BI");
        stored = rz_json_str(info, "phone");
        if (!phone || !stored || strcmp(stored, phone) != 0) {
            return lookup_not_found(rq);
        }
    }
    st = rz_store_get(s, RZ_ACCOMMODATIONS, rz_json_str(b, "accommodationId"), &acc);
    if (st != RZ_OK && st != RZ_NOT_FOUND) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    return rz_respond_data(rq, RZ_HTTP_OK,
                           rz_public_booking_view(rq->pool, NULL, b, st == RZ_OK ? acc : NULL, est),
                           NULL);
}
