/* rz_booking_input.c: the store side of booking input: the country hint, the unit a booking is
 * for, stay resolution (2.8) and pricing (6.3) with their 400 answers (the schemas and cross-field
 * rules are core/rz_bkinput.c). */
#include "domain/rz_bookings_priv.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include <string.h>

#include "rz_config.h"

#include "core/rz_accdoc.h"
#include "core/rz_estdoc.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_pricing.h"
#include "core/rz_time.h"
#include "http/rz_auth.h"
#include "http/rz_response.h"

const char *rz_bk_country_hint(rz_sess_t *s, apr_pool_t *p, const json_t *body)
{
    const char *est_id = json_string_value(json_object_get(body, "establishmentId"));
    const char *acc_id = json_string_value(json_object_get(body, "accommodationId"));
    const char *country;
    json_t *doc;

    if (!rz_id_valid(est_id) && rz_id_valid(acc_id)
        && rz_store_get(s, RZ_ACCOMMODATIONS, acc_id, &doc) == RZ_OK) {
        est_id = rz_bk_str(doc, "establishmentId");
    }
    if (rz_id_valid(est_id) && rz_store_get(s, RZ_ESTABLISHMENTS, est_id, &doc) == RZ_OK) {
        country = json_string_value(rz_json_path_get(doc, "location.country"));
        return country ? apr_pstrdup(p, country) : "BI";
    }
    return "BI";
}

static json_t *detail1(rz_req_t *rq, const char *field, const char *message)
{
    return rz_json_pool_own(rq->pool,
                            json_pack("[{s:s, s:s}]", "field", field, "message", message));
}

int rz_bk_unit_load(rz_req_t *rq, rz_sess_t *s, const char *acc_id, int scoped, const char *field,
                    rz_bk_unit_t *u)
{
    rz_status_t st = rz_store_get(s, RZ_ACCOMMODATIONS, acc_id, &u->acc);

    if (st == RZ_OK && scoped && !rz_auth_in_scope(rq, rz_bk_str(u->acc, "establishmentId"))) {
        st = RZ_NOT_FOUND;
    }
    if (st == RZ_OK) {
        st = rz_store_get(s, RZ_ESTABLISHMENTS, rz_bk_str(u->acc, "establishmentId"), &u->est);
    }
    if (st == RZ_NOT_FOUND) {
        rz_respond_error(rq->r, HTTP_NOT_FOUND, "NOT_FOUND", "Accommodation not found",
                         detail1(rq, field, "not found"));
        return -1;
    }
    if (st != RZ_OK) {
        rz_respond_store_error(rq->r, st, rz_store_last_error(s));
        return -1;
    }
    rz_est_clock_from_doc(&u->clock, u->est);
    if (rz_mode_parse(rz_bk_str(u->acc, "pricingMode"), &u->mode) != 0) {
        u->mode = RZ_MODE_NIGHTLY;
    }
    return 0;
}

static int stay_error(rz_req_t *rq, const char *field, const char *message)
{
    return rz_respond_validation(rq->r, detail1(rq, field, message)), -1;
}

int rz_bk_resolve_stay(rz_req_t *rq, const rz_bk_unit_t *u, const char *in, const char *out,
                       int window, rz_stay_t *st)
{
    int64_t t_in, t_out;
    int in_date = 0, out_date = 0;
    const char *why, *field = "checkOut";

    if (in) {
        if (rz_stay_point(&u->clock, in, 0, &t_in, &in_date) != 0) {
            return stay_error(rq, "checkIn", "must be a date or an RFC 3339 datetime");
        }
    } else {
        t_in = rz_now() / 60 * 60; /* walk-in: now, to the minute (SPEC 2.8, 5.1) */
    }
    if (rz_stay_point(&u->clock, out, 1, &t_out, &out_date) != 0) {
        return stay_error(rq, "checkOut", "must be a date or an RFC 3339 datetime");
    }
    if (u->mode == RZ_MODE_HOURLY && (in_date || out_date)) {
        return stay_error(rq, in_date ? "checkIn" : "checkOut",
                          "must be a datetime with an offset for an hourly unit");
    }
    if ((why = rz_stay_derive(&u->clock, u->mode, t_in, t_out, st, &field))) {
        return stay_error(rq, field, why);
    }
    if (window && (why = rz_stay_check_window(&u->clock, st, rz_now()))) {
        return stay_error(rq, "checkIn", why);
    }
    return 0;
}

json_t *rz_bk_price(rz_req_t *rq, const rz_bk_unit_t *u, const rz_stay_t *st)
{
    const char *err = NULL;
    json_t *q = rz_price_quote(u->acc, u->est, st, &err);

    if (!q) {
        rz_respond_validation(rq->r, detail1(rq, "checkOut", err ? err : "cannot be priced"));
        return NULL;
    }
    return rz_json_pool_own(rq->pool, q);
}

void rz_bk_set_stay(json_t *doc, const rz_stay_t *st, json_t *pricing)
{
    char in[21], out[21], d0[11], d1[11];

    rz_timestamp_format(st->check_in, in);
    rz_timestamp_format(st->check_out, out);
    rz_date_format(st->check_in_date, d0);
    rz_date_format(st->check_out_date, d1);
    json_object_set_new(doc, "checkIn", json_string(in));
    json_object_set_new(doc, "checkOut", json_string(out));
    json_object_set_new(doc, "checkInDate", json_string(d0));
    json_object_set_new(doc, "checkOutDate", json_string(d1));
    json_object_set_new(doc, "nights", json_integer(st->nights));
    json_object_set(doc, "pricing", pricing);
}

json_t *rz_bk_audit_doc(apr_pool_t *p, const json_t *doc)
{
    json_t *out = json_deep_copy(doc);

    json_object_del(out, "version");
    return rz_json_pool_own(p, out);
}

int rz_bk_not_available(rz_write_t *w, const char *conflict_id)
{
    json_t *details = NULL;

    if (w->rq->who) { /* never name other guests' bookings to the public */
        details = conflict_id ? detail1(w->rq, "bookingId", conflict_id)
                              : detail1(w->rq, "accommodationId", "out of service");
    }
    return rz_write_error(w, HTTP_CONFLICT, "NOT_AVAILABLE",
                          "The accommodation is not available for this stay", details);
}

const char *rz_bk_base_url(rz_req_t *rq)
{
    return rz_config_server(rq->r->server)->public_base_url;
}

const char *rz_bk_now(rz_req_t *rq)
{
    char *ts = apr_palloc(rq->pool, 21);

    rz_timestamp_format(rz_now(), ts);
    return ts;
}
