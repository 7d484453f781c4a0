/* rz_bookings_create.c: booking creation at the desk (onsite, walk-in) and by guests online, with
 * the availability check and the write in one unit of work per unit (SPEC 4.5, 5.1, 6.1, 6.4, 6.7,
 * 8.7). */
#include "domain/rz_bookings_priv.h"

#include "apr_strings.h"

#include <string.h>

#include "auth/rz_ratelimit.h"
#include "services/rz_bkcode_store.h"
#include "services/rz_booking_events.h"
#include "core/rz_json.h"
#include "core/rz_time.h"
#include "domain/rz_accommodations.h"
#include "domain/rz_clients.h"
#include "domain/rz_auth_scope.h"

/* One creation in progress. */
typedef struct {
    rz_req_t *rq;
    json_t *in;     /* validated input */
    rz_bk_unit_t u; /* the unit and its establishment */
    rz_stay_t stay;
    json_t *pricing;
    int public_route;
    const char *status; /* the initial status */
} create_t;

/* The stored document of the new booking (without bookingCode and clientId). */
static json_t *new_doc(create_t *c, const char *now)
{
    rz_req_t *rq = c->rq;
    const json_t *in = c->in;
    const char *by = rq->who ? rq->who->user_id : NULL, *lang = rz_json_str(in, "language");
    json_int_t ttl = json_is_integer(json_object_get(c->u.est, "pendingTtlHours"))
                         ? json_integer_value(json_object_get(c->u.est, "pendingTtlHours"))
                         : 48;
    const char *type = c->public_route ? "online" : rz_json_str(in, "bookingType");
    json_t *doc = json_object();
    char exp[21];

    if (!lang) {
        lang = rz_json_str(c->u.est, "defaultLanguage") ? rz_json_str(c->u.est, "defaultLanguage")
                                                        : "fr";
    }
    json_object_set(doc, "establishmentId", json_object_get(c->u.acc, "establishmentId"));
    json_object_set(doc, "accommodationId", json_object_get(in, "accommodationId"));
    json_object_set_new(doc, "bookingType", json_string(type));
    json_object_set_new(doc, "status", json_string(c->status));
    json_object_set_new(doc, "paymentStatus", json_string("unpaid"));
    rz_bk_set_stay(doc, &c->stay, c->pricing);
    json_object_set(doc, "numberOfGuests", json_object_get(in, "numberOfGuests"));
    json_object_set(doc, "clientInfo", json_object_get(in, "clientInfo"));
    json_object_set(doc, "additionalGuests", json_object_get(in, "additionalGuests"));
    json_object_set(doc, "arrivalTime", rz_json_path_get(in, "arrivalTime") ?: json_null());
    json_object_set(doc, "specialRequests", rz_json_path_get(in, "specialRequests") ?: json_null());
    json_object_set(doc, "notes", rz_json_path_get(in, "notes") ?: json_null());
    json_object_set_new(doc, "language", json_string(lang));
    json_object_set(doc, "marketingOptIn", json_object_get(in, "marketingOptIn"));
    json_object_set_new(doc, "invoiceId", json_null());
    json_object_set_new(doc, "expiresAt", json_null());
    if (strcmp(c->status, "pending") == 0 && ttl > 0) {
        rz_timestamp_format(rz_now() + (int64_t)ttl * 3600, exp);
        json_object_set_new(doc, "expiresAt", json_string(exp));
    }
    json_object_set_new(doc, "cancelReason", json_null());
    json_object_set_new(doc, "checkedInAt",
                        strcmp(c->status, "checked_in") == 0 ? json_string(now) : json_null());
    json_object_set_new(doc, "checkedOutAt", json_null());
    json_object_set_new(doc, "statusHistory",
                        json_pack("[{s:s, s:s, s:o, s:n}]", "status", c->status, "at", now, "by",
                                  by ? json_string(by) : json_null(), "reason"));
    json_object_set_new(doc, "createdBy", by ? json_string(by) : json_null());
    json_object_set_new(doc, "createdAt", json_string(now));
    json_object_set_new(doc, "updatedAt", json_string(now));
    return rz_json_pool_own(rq->pool, doc);
}

/* Guest and staff messages of SPEC 8.7 for a new booking. */
static rz_status_t announce(create_t *c, rz_write_t *w, const json_t *doc)
{
    const char *base = rz_bk_base_url(c->rq);
    rz_status_t st = RZ_OK;

    if (c->public_route) {
        st = rz_booking_mail_guest(w->s, c->rq->pool, "booking_received", doc, c->u.acc, c->u.est,
                                   NULL, base);
        if (st == RZ_OK) {
            st = rz_booking_mail_managers(w->s, c->rq->pool, doc, c->u.acc, c->u.est, base);
        }
        if (st == RZ_OK) {
            st = rz_booking_notify(w->s, c->rq->pool, "booking_new", doc, c->u.acc, 1);
        }
    } else if (strcmp(c->status, "checked_in") != 0) {
        st = rz_booking_mail_guest(w->s, c->rq->pool,
                                   strcmp(c->status, "confirmed") == 0 ? "booking_confirmed"
                                                                       : "booking_received",
                                   doc, c->u.acc, c->u.est, NULL, base);
    }
    return st;
}

/* Links the client, inserts the booking and its audit entries: returns RZ_OK with *doc set, or the
 * store status. */
static rz_status_t write_booking(create_t *c, rz_write_t *w, json_t **doc_out)
{
    rz_req_t *rq = c->rq;
    const char *est = rz_json_str(c->u.acc, "establishmentId"), *client_id, *code, *id;
    json_t *created = NULL, *doc = new_doc(c, rz_bk_now(rq));
    rz_status_t st;

    st = rz_client_link(
        w->s, rq->pool, est, json_object_get(c->in, "clientInfo"),
        strcmp(c->status, "checked_in") == 0 ? "walkin" : "regular", rz_json_str(doc, "language"),
        json_is_true(json_object_get(c->in, "marketingOptIn")), &client_id, &created);
    if (st == RZ_OK && created) {
        json_t *a = rz_bk_audit_doc(rq->pool, created);
        json_object_del(a, "emailKey");
        st = rz_write_audit(w, "client.create", "client", client_id, est, NULL, a, NULL);
    }
    if (st == RZ_OK && (st = rz_bkcode_fresh(w->s, rq->pool, &code)) == RZ_OK) {
        json_object_set_new(doc, "bookingCode", json_string(code));
        json_object_set_new(doc, "clientId", json_string(client_id));
        st = rz_store_insert(w->s, RZ_BOOKINGS, doc, &id);
    }
    if (st == RZ_OK) {
        st = rz_write_audit(w, "booking.create", "booking", id, est, NULL,
                            rz_bk_audit_doc(rq->pool, doc), NULL);
    }
    if (st == RZ_OK) {
        st = announce(c, w, doc);
    }
    *doc_out = doc;
    return st;
}

/* Steps (10)-(11) and the write, once the input is valid. Returns the status of the answer it set.
 */
static int create_in_unit(create_t *c, rz_sess_t *s)
{
    rz_req_t *rq = c->rq;
    const json_t *ci = json_object_get(c->in, "clientInfo");
    const char *keys[3], *acc_id = rz_json_str(c->in, "accommodationId"), *conflict = NULL;
    char in_ts[21], out_ts[21];
    json_t *acc, *doc;
    rz_write_t w;
    rz_status_t st;
    int free_ = 0, nkeys;
    int64_t span = rz_stay_max_seconds(c->u.mode);

    keys[0] = rz_acc_key(rq->pool, acc_id);
    nkeys = 1
            + rz_client_keys(rq->pool, rz_json_str(c->u.acc, "establishmentId"),
                             rz_json_str(ci, "email"), rz_json_str(ci, "phone"), keys + 1);
    rz_timestamp_format(c->stay.check_in, in_ts);
    rz_timestamp_format(c->stay.check_out, out_ts);
    /* A stay already taken needs no unit of work: of many requests racing for one unit, the
     * losers answer from this read once the winner has committed (the check is repeated inside
     * the unit of work, which alone decides). The server's write gate comes first, so that the
     * waiters read after the winner instead of all queueing for its keys. */
    memset(&w, 0, sizeof(w));
    w.rq = rq;
    if (rz_write_gate(rq) != 0) {
        return rq->res.status;
    }
    st = rz_booking_free_within(s, rq->pool, acc_id, in_ts, out_ts, span, NULL, &free_, &conflict);
    if (st == RZ_OK && !free_) {
        return rz_bk_not_available(&w, conflict);
    }
    if (rz_write_begin(&w, rq, keys, nkeys) != 0) {
        return rq->res.status;
    }
    /* SPEC 6.1: the unit's status and the overlap are read under the unit's key */
    if ((st = rz_store_get(w.s, RZ_ACCOMMODATIONS, acc_id, &acc)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (strcmp(rz_json_str(acc, "status"), "available") != 0) {
        return rz_bk_not_available(&w, NULL);
    }
    st =
        rz_booking_free_within(w.s, rq->pool, acc_id, in_ts, out_ts, span, NULL, &free_, &conflict);
    if (st != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (!free_) {
        return rz_bk_not_available(&w, conflict);
    }
    if ((st = write_booking(c, &w, &doc)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    if (c->public_route) {
        return rz_respond_data(rq, RZ_HTTP_CREATED,
                               rz_public_booking_view(rq->pool, s, doc, c->u.acc, c->u.est),
                               "Booking request received");
    }
    apr_table_setn(rq->res.headers, "Location",
                   apr_pstrcat(rq->pool, "/api/bookings/", rz_json_str(doc, "id"), NULL));
    return rz_respond_data(rq, RZ_HTTP_CREATED,
                           rz_booking_view(rq->pool, s, doc, c->u.acc, c->u.est), NULL);
}

/* (9a) of SPEC 8.2 for public bookings: per IP, then per guest email (else phone). */
static int public_limits(rz_req_t *rq, const json_t *in)
{
    const json_t *ci = json_object_get(in, "clientInfo");
    const char *contact =
        rz_json_str(ci, "email") ? rz_json_str(ci, "email") : rz_json_str(ci, "phone");

    if (rz_auth_rate_limit(rq, RZ_RL_BOOKING_IP, rz_auth_client_key(rq)) != 0) {
        return -1;
    }
    return rz_auth_rate_limit(rq, RZ_RL_BOOKING_CONTACT, contact);
}

/* Public route: the body's establishment must exist, be active and own the unit (404). */
static int public_scope_ok(create_t *c)
{
    const char *est = rz_json_str(c->in, "establishmentId");

    if (strcmp(est, rz_json_str(c->u.acc, "establishmentId")) != 0
        || !json_is_true(json_object_get(c->u.est, "isActive"))) {
        rz_respond_error(c->rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Accommodation not found",
                         rz_detail1(c->rq->pool, "accommodationId", "not found"));
        return 0;
    }
    return 1;
}

static int create_booking(rz_req_t *rq, int public_route)
{
    create_t c;
    rz_sess_t *s;
    rz_vctx_t v;
    rz_status_t st;
    json_int_t max;

    memset(&c, 0, sizeof(c));
    c.rq = rq;
    c.public_route = public_route;
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    rz_vctx_init(&v, rq->pool);
    v.country = rz_bk_country_hint(s, rq->pool, rq->body);
    if (!(c.in = rz_bk_validate_create(&v, rq->body, public_route))) {
        return rz_respond_validation(rq, v.details);
    }
    if (public_route && public_limits(rq, c.in) != 0) {
        return rq->res.status;
    }
    if (rz_bk_unit_load(rq, s, rz_json_str(c.in, "accommodationId"), !public_route,
                        "accommodationId", &c.u)
            != 0
        || (public_route && !public_scope_ok(&c))) {
        return rq->res.status;
    }
    max = json_integer_value(rz_json_path_get(c.u.acc, "capacity.maxGuests"));
    if (json_integer_value(json_object_get(c.in, "numberOfGuests")) > max) {
        return rz_respond_validation(rq,
                                     rz_detail1(rq->pool, "numberOfGuests",
                                                apr_psprintf(rq->pool,
                                                             "must be at most %" JSON_INTEGER_FORMAT
                                                             " (the accommodation's capacity)",
                                                             max)));
    }
    c.status = public_route ? "pending" : rz_json_str(c.in, "initialStatus");
    if (!public_route && strcmp(rz_json_str(c.in, "bookingType"), "walkin") == 0) {
        c.status = "checked_in";
    }
    if (rz_bk_resolve_stay(rq, &c.u, rz_json_str(c.in, "checkIn"), rz_json_str(c.in, "checkOut"), 1,
                           &c.stay)
            != 0
        || !(c.pricing = rz_bk_price(rq, &c.u, &c.stay))) {
        return rq->res.status;
    }
    return create_in_unit(&c, s);
}

int rz_h_booking_create(rz_req_t *rq)
{
    return create_booking(rq, 0);
}

int rz_h_public_booking_create(rz_req_t *rq)
{
    return create_booking(rq, 1);
}
