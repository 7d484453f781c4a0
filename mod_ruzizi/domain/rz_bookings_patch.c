/* rz_bookings_patch.c: PATCH /api/bookings/{id}: the fields each state allows (SPEC 5.1), stay
 * changes re-checked for availability and re-priced (6.1, 6.3), in one unit of work on the old and
 * the new unit. */
#include "domain/rz_bookings_priv.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_json.h"
#include "core/rz_time.h"
#include "domain/rz_accommodations.h"

/* The writable fields (SPEC 4.5) and which of them a checked_in booking still accepts. */
static const char *const writable[] = {"accommodationId", "checkIn",         "checkOut",
                                       "numberOfGuests",  "clientInfo",      "additionalGuests",
                                       "arrivalTime",     "specialRequests", "notes",
                                       "language",        "marketingOptIn",  NULL};
static const char *const in_house_ok[] = {"checkOut",   "numberOfGuests", "additionalGuests",
                                          "clientInfo", "arrivalTime",    "specialRequests",
                                          "notes",      "language",       NULL};
static const char *const open_states[] = {"pending", "accepted", "confirmed", NULL};

typedef struct {
    rz_req_t *rq;
    json_t *b;      /* stored booking */
    json_t *merged; /* validated merged writable fields */
    json_t *set;    /* the update */
    rz_bk_unit_t u; /* the (possibly new) unit */
    int stay_changed;
} patch_t;

static int same(const json_t *a, const json_t *b)
{
    return json_equal(a ? a : json_null(), b ? b : json_null());
}

/* The stored value of a writable field as the merged document would hold it. */
static const json_t *stored_value(const json_t *b, const char *key)
{
    return json_object_get(b, key);
}

/* Builds p->set from the fields that differ; answers 409 when the state forbids one. Returns 0,
 * or -1 after answering. */
static int diff_fields(patch_t *p)
{
    const char *status = rz_json_str(p->b, "status");
    int i;

    for (i = 0; writable[i]; i++) {
        const json_t *now = json_object_get(p->merged, writable[i]);
        if (strcmp(writable[i], "checkIn") == 0 || strcmp(writable[i], "checkOut") == 0) {
            continue; /* compared as instants below */
        }
        if (same(now, stored_value(p->b, writable[i]))) {
            continue;
        }
        if (!rz_bk_in_list(open_states, status) && !rz_bk_in_list(in_house_ok, writable[i])) {
            rz_respond_error(
                p->rq, RZ_HTTP_CONFLICT, "INVALID_TRANSITION",
                apr_psprintf(p->rq->pool, "%s cannot be changed in state %s", writable[i], status),
                rz_detail1(p->rq->pool, writable[i], "not changeable in this state"));
            return -1;
        }
        json_object_set(p->set, writable[i], now ? (json_t *)now : json_null());
    }
    return 0;
}

/* Stay part: re-derives the stay when checkIn, checkOut or the unit changed, checks capacity
 * and prices it. Returns 0, or -1 after answering. */
static int stay_fields(patch_t *p, rz_sess_t *s)
{
    rz_req_t *rq = p->rq;
    const char *acc_id = rz_json_str(p->merged, "accommodationId"),
               *status = rz_json_str(p->b, "status");
    const char *in = rz_json_str(p->merged, "checkIn"), *out = rz_json_str(p->merged, "checkOut");
    int unit_changed = strcmp(acc_id, rz_json_str(p->b, "accommodationId")) != 0;
    int64_t t_old, t_new;
    int is_date;
    rz_stay_t st;
    json_t *pricing;

    if (rz_bk_unit_load(rq, s, acc_id, 1, "accommodationId", &p->u) != 0) {
        return -1;
    }
    if (unit_changed
        && strcmp(rz_json_str(p->u.acc, "pricingMode"),
                  json_string_value(rz_json_path_get(p->b, "pricing.mode")))
               != 0) {
        rz_respond_invalid(rq, "accommodationId", "must have the same pricing mode as the booking");
        return -1;
    }
    if (json_integer_value(json_object_get(p->merged, "numberOfGuests"))
        > json_integer_value(rz_json_path_get(p->u.acc, "capacity.maxGuests"))) {
        rz_respond_invalid(rq, "numberOfGuests", "must be at most the accommodation's capacity");
        return -1;
    }
    /* a date and the stored datetime it resolves to are the same stay */
    p->stay_changed = unit_changed;
    if (rz_stay_point(&p->u.clock, in, 0, &t_new, &is_date) == 0
        && rz_datetime_parse(rz_json_str(p->b, "checkIn"), &t_old) == 0 && t_new != t_old) {
        if (!rz_bk_in_list(open_states, status)) {
            rz_respond_error(rq, RZ_HTTP_CONFLICT, "INVALID_TRANSITION",
                             "checkIn cannot be changed after check-in",
                             rz_detail1(rq->pool, "checkIn", "not changeable in this state"));
            return -1;
        }
        p->stay_changed = 2; /* the arrival moved: the booking window applies again */
    }
    if (rz_stay_point(&p->u.clock, out, 1, &t_new, &is_date) == 0
        && rz_datetime_parse(rz_json_str(p->b, "checkOut"), &t_old) == 0 && t_new != t_old) {
        p->stay_changed = p->stay_changed ? p->stay_changed : 1;
    }
    if (!p->stay_changed) {
        return 0;
    }
    if (!json_is_null(json_object_get(p->b, "invoiceId")) && json_object_get(p->b, "invoiceId")) {
        rz_respond_error(rq, RZ_HTTP_CONFLICT, "INVOICE_EXISTS",
                         "The booking has an invoice: its stay cannot change",
                         rz_detail1(rq->pool, "invoiceId", rz_json_str(p->b, "invoiceId")));
        return -1;
    }
    if (rz_bk_resolve_stay(rq, &p->u, in, out, p->stay_changed == 2, &st) != 0
        || !(pricing = rz_bk_price(rq, &p->u, &st))) {
        return -1;
    }
    rz_bk_set_stay(p->set, &st, pricing);
    return 0;
}

/* The write: availability under the unit keys, update, audit. Returns the status of the answer it
 * set. */
static int write_patch(patch_t *p, rz_sess_t *s)
{
    rz_req_t *rq = p->rq;
    const char *keys[2], *conflict = NULL, *id = rz_json_str(p->b, "id");
    int nkeys = 1, free_ = 0;
    json_t *cur, *acc, *after;
    rz_update_t u = {p->set, NULL, NULL};
    rz_write_t w;
    rz_status_t st;

    keys[0] = rz_acc_key(rq->pool, rz_json_str(p->b, "accommodationId"));
    if (strcmp(rz_json_str(p->merged, "accommodationId"), rz_json_str(p->b, "accommodationId"))
        != 0) {
        keys[nkeys++] = rz_acc_key(rq->pool, rz_json_str(p->merged, "accommodationId"));
    }
    if (rz_write_begin(&w, rq, keys, nkeys) != 0) {
        return rq->res.status;
    }
    if ((st = rz_store_get(w.s, RZ_BOOKINGS, id, &cur)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (json_integer_value(json_object_get(cur, "version"))
        != json_integer_value(json_object_get(p->b, "version"))) {
        return rz_write_error(&w, RZ_HTTP_CONFLICT, "INVALID_TRANSITION",
                              "The booking changed meanwhile: read it again", NULL);
    }
    if (json_object_get(p->set, "checkIn")) {
        if ((st = rz_store_get(w.s, RZ_ACCOMMODATIONS, rz_json_str(p->merged, "accommodationId"),
                               &acc))
            != RZ_OK) {
            return rz_write_fail(&w, st);
        }
        if (strcmp(rz_json_str(acc, "status"), "available") != 0) {
            return rz_bk_not_available(&w, NULL);
        }
        st = rz_booking_free(w.s, rq->pool, rz_json_str(p->merged, "accommodationId"),
                             rz_json_str(p->set, "checkIn"), rz_json_str(p->set, "checkOut"), id,
                             &free_, &conflict);
        if (st != RZ_OK) {
            return rz_write_fail(&w, st);
        }
        if (!free_) {
            return rz_bk_not_available(&w, conflict);
        }
    }
    json_object_set_new(p->set, "updatedAt", json_string(rz_bk_now(rq)));
    st = rz_store_update(w.s, RZ_BOOKINGS, id, &u,
                         json_integer_value(json_object_get(cur, "version")), &after);
    if (st == RZ_OK) {
        st =
            rz_write_audit(&w, "booking.update", "booking", id, rz_json_str(cur, "establishmentId"),
                           rz_bk_audit_doc(rq->pool, cur), rz_bk_audit_doc(rq->pool, after), NULL);
    }
    if (st != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_booking_view(rq->pool, s, after, p->u.acc, p->u.est),
                           NULL);
}

int rz_h_booking_patch(rz_req_t *rq)
{
    patch_t p;
    rz_vctx_t v;
    rz_sess_t *s;
    json_t *merged;

    memset(&p, 0, sizeof(p));
    p.rq = rq;
    rz_vctx_init(&v, rq->pool);
    if (!rz_bk_check_patch(&v, rq->body)) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_booking_load(rq, &s, &p.b) != 0) {
        return rq->res.status;
    }
    if (!rz_bk_in_list(open_states, rz_json_str(p.b, "status"))
        && strcmp(rz_json_str(p.b, "status"), "checked_in") != 0) {
        return rz_respond_error(rq, RZ_HTTP_CONFLICT, "INVALID_TRANSITION",
                                "A finished booking cannot be changed", NULL);
    }
    rz_vctx_init(&v, rq->pool);
    v.country = rz_bk_country_hint(s, rq->pool, p.b);
    merged = rz_merge_patch(rq->pool, rz_bk_writable(rq->pool, p.b), rq->body);
    json_object_del(merged, "establishmentId");
    if (!(p.merged = rz_bk_validate_merged(&v, merged))) {
        return rz_respond_validation(rq, v.details);
    }
    if (!rz_json_str(p.merged, "language")) {
        json_object_set(p.merged, "language", json_object_get(p.b, "language"));
    }
    p.set = rz_json_pool_own(rq->pool, json_object());
    if (diff_fields(&p) != 0 || stay_fields(&p, s) != 0) {
        return rq->res.status;
    }
    if (json_object_size(p.set) == 0) { /* nothing changes: 200, no write, no audit */
        return rz_respond_data(rq, RZ_HTTP_OK, rz_booking_view(rq->pool, s, p.b, p.u.acc, p.u.est),
                               NULL);
    }
    return write_patch(&p, s);
}
