/* rz_bookings_actions.c: the booking state machine of SPEC 5.1: accept, confirm, check-in,
 * check-out, no-show and cancel, each in one unit of work on the booking's unit. */
#include "domain/rz_bookings_priv.h"

#include "apr_strings.h"

#include <string.h>

#include "services/rz_booking_events.h"
#include "core/rz_clientdoc.h"
#include "core/rz_estdoc.h"
#include "core/rz_json.h"
#include "core/rz_time.h"
#include "domain/rz_accommodations.h"
#include "domain/rz_clients.h"
#include "domain/rz_auth_scope.h"

/* One action being applied, inside its unit of work. */
typedef struct act_t {
    rz_req_t *rq;
    rz_write_t w;
    json_t *in;  /* validated body */
    json_t *b;   /* the booking as read inside the unit of work */
    json_t *set; /* the update being built */
    rz_bk_unit_t u;
    int64_t now;
    const char *now_ts;
} act_t;

typedef struct {
    const char *verb;         /* audit verb: booking.<verb> */
    const char *const *from;  /* states the action applies to, NULL-terminated */
    const char *to;           /* the new state */
    const char *mail;         /* guest email template, or NULL */
    const rz_field_t *schema; /* body schema */
    int (*guard)(act_t *a);   /* extra guard/effects before the update; -1 after answering */
    int (*after)(act_t *a, const json_t *updated); /* effects after it; -1 after answering */
} action_t;

static const rz_field_t empty_schema[] = {{.name = NULL}};
static const rz_field_t cancel_schema[] = {
    {.name = "reason", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 500}, {.name = NULL}};
static const rz_field_t checkin_info_fields[] = {
    {.name = "idType", .type = RZ_T_ENUM, .enums = rz_client_id_types},
    {.name = "idNumber", .type = RZ_T_STRING, .min = 1, .max = 50},
    {.name = "nationality", .type = RZ_T_COUNTRY},
    {.name = "dateOfBirth", .type = RZ_T_STRING, .min = 1, .max = 10, .check = rz_check_birth_date},
    {.name = "address", .type = RZ_T_STRING, .min = 1, .max = 200},
    {.name = "country", .type = RZ_T_COUNTRY},
    {.name = NULL}};
static const rz_field_t checkin_schema[] = {
    {.name = "clientInfo", .type = RZ_T_OBJECT, .fields = checkin_info_fields}, {.name = NULL}};

static const char *const from_pending[] = {"pending", NULL};
static const char *const from_accepted[] = {"accepted", NULL};
static const char *const from_confirmed[] = {"confirmed", NULL};
static const char *const from_checked_in[] = {"checked_in", NULL};
static const char *const from_cancellable[] = {"pending", "accepted", "confirmed", NULL};

static int invalid_transition(act_t *a, const char *why)
{
    return rz_write_error(&a->w, RZ_HTTP_CONFLICT, "INVALID_TRANSITION", why, NULL), -1;
}

/* ---- guards and effects ------------------------------------------------------------------- */

/* Check-in (SPEC 5.1): not before the day (overnight) or an hour before (hourly), before checkOut,
 * unit in service; an early arrival moves checkIn to now when [now, checkIn) is free. */
static int checkin_guard(act_t *a)
{
    int64_t in, out;
    const char *conflict = NULL;
    char now_min[21];
    int free_ = 0;
    json_t *ci = json_object_get(a->in, "clientInfo"), *merged;
    rz_status_t st;

    rz_datetime_parse(rz_json_str(a->b, "checkIn"), &in);
    rz_datetime_parse(rz_json_str(a->b, "checkOut"), &out);
    if (a->u.mode == RZ_MODE_HOURLY ? a->now < in - 3600
                                    : rz_business_date(&a->u.clock, a->now) < rz_bk_day(a->b)) {
        return invalid_transition(a, "Too early to check in");
    }
    if (a->now >= out) {
        return invalid_transition(a, "The stay is over");
    }
    if (strcmp(rz_json_str(a->u.acc, "status"), "available") != 0) {
        return rz_bk_not_available(&a->w, NULL), -1;
    }
    if (a->now < in) {
        rz_timestamp_format(a->now / 60 * 60, now_min);
        st = rz_booking_free(a->w.s, a->rq->pool, rz_json_str(a->b, "accommodationId"), now_min,
                             rz_json_str(a->b, "checkIn"), rz_json_str(a->b, "id"), &free_,
                             &conflict);
        if (st != RZ_OK) {
            return rz_write_fail(&a->w, st), -1;
        }
        if (!free_) {
            return rz_bk_not_available(&a->w, conflict), -1;
        }
        json_object_set_new(a->set, "checkIn", json_string(now_min));
    }
    if (ci) {
        merged = rz_merge_patch(a->rq->pool, json_object_get(a->b, "clientInfo"), ci);
        json_object_set(a->set, "clientInfo", merged);
    }
    json_object_set_new(a->set, "checkedInAt", json_string(a->now_ts));
    return 0;
}

/* Check-out: an early departure moves checkOut to now and re-derives the dates (pricing kept). */
static int checkout_guard(act_t *a)
{
    int64_t out, t = a->now / 60 * 60, in_day = rz_bk_day(a->b), out_day;
    char ts[21], d[11];

    rz_datetime_parse(rz_json_str(a->b, "checkOut"), &out);
    if (t < out) {
        out_day = rz_local_date(&a->u.clock, t);
        if (a->u.mode != RZ_MODE_HOURLY && out_day < in_day + 1) {
            out_day = in_day + 1;
        }
        rz_timestamp_format(t, ts);
        rz_date_format(out_day, d);
        json_object_set_new(a->set, "checkOut", json_string(ts));
        json_object_set_new(a->set, "checkOutDate", json_string(d));
        json_object_set_new(a->set, "nights",
                            json_integer(a->u.mode == RZ_MODE_HOURLY ? 0 : out_day - in_day));
    }
    json_object_set_new(a->set, "checkedOutAt", json_string(a->now_ts));
    return 0;
}

/* After check-out: the unit is dirty, the client's stay statistics move (SPEC 5.1, 6.7). */
static int checkout_after(act_t *a, const json_t *updated)
{
    apr_pool_t *p = a->rq->pool;
    const char *acc_id = rz_json_str(a->b, "accommodationId"),
               *est = rz_json_str(a->b, "establishmentId");
    json_t *acc_after, *c_before = NULL, *c_after = NULL;
    rz_update_t u = {rz_json_pool_own(p, json_pack("{s:s, s:s}", "housekeepingStatus", "dirty",
                                                   "updatedAt", a->now_ts)),
                     NULL, NULL};
    rz_status_t st = RZ_OK;

    if (strcmp(rz_json_str(a->u.acc, "housekeepingStatus"), "dirty") != 0) {
        if ((st = rz_store_update(a->w.s, RZ_ACCOMMODATIONS, acc_id, &u, -1, &acc_after))
            == RZ_OK) {
            json_t *before = rz_bk_audit_doc(p, a->u.acc), *after = rz_bk_audit_doc(p, acc_after);
            json_object_del(before, "nameKey");
            json_object_del(after, "nameKey");
            st = rz_write_audit(&a->w, "accommodation.update", "accommodation", acc_id, est, before,
                                after, NULL);
        }
    }
    if (st == RZ_OK) {
        st = rz_client_record_stay(a->w.s, p, rz_json_str(a->b, "clientId"),
                                   json_integer_value(rz_json_path_get(updated, "pricing.total")),
                                   a->now_ts, &c_before, &c_after);
        if (st == RZ_OK) {
            st = rz_write_audit(&a->w, "client.update", "client", rz_json_str(a->b, "clientId"),
                                est, c_before, c_after, NULL);
        } else if (st == RZ_NOT_FOUND) {
            st = RZ_OK; /* the client was deleted: nothing to count */
        }
    }
    return st == RZ_OK ? 0 : (rz_write_fail(&a->w, st), -1);
}

static int no_show_guard(act_t *a)
{
    if (!rz_booking_past_no_show_guard(a->b, a->u.est, a->now)) {
        return invalid_transition(a, "Too early for a no-show");
    }
    return 0;
}

static int cancel_guard(act_t *a)
{
    json_object_set(a->set, "cancelReason", json_object_get(a->in, "reason"));
    /* the reason goes into statusHistory too */
    json_t *hist = json_object_get(a->set, "statusHistory");
    json_object_set(json_array_get(hist, json_array_size(hist) - 1), "reason",
                    json_object_get(a->in, "reason"));
    return 0;
}

static const action_t accept_action = {"accept",     from_pending, "accepted", "booking_accepted",
                                       empty_schema, NULL,         NULL};
static const action_t confirm_action = {
    "confirm", from_accepted, "confirmed", "booking_confirmed", empty_schema, NULL, NULL};
static const action_t checkin_action = {"checkin",      from_confirmed, "checked_in", NULL,
                                        checkin_schema, checkin_guard,  NULL};
static const action_t checkout_action = {"checkout",   from_checked_in, "completed",   NULL,
                                         empty_schema, checkout_guard,  checkout_after};
static const action_t no_show_action = {"no_show",    from_confirmed, "no_show", NULL,
                                        empty_schema, no_show_guard,  NULL};
static const action_t cancel_action = {
    "cancel",      from_cancellable, "cancelled", "booking_cancelled",
    cancel_schema, cancel_guard,     NULL};

/* ---- the runner ---------------------------------------------------------------------------- */

/* Inside the unit of work: state check, guard, update, audit, effects, email. Returns 0, or -1
 * after answering (the unit of work rolled back). */
static int apply(act_t *a, const action_t *d, json_t **updated)
{
    apr_pool_t *p = a->rq->pool;
    rz_update_t u = {NULL, NULL, NULL};
    rz_status_t st;

    if (!rz_bk_in_list(d->from, rz_json_str(a->b, "status"))) {
        return invalid_transition(a, "Action not allowed in the booking's current state");
    }
    a->set = rz_booking_transition_set(p, a->b, d->to, a->rq->who->user_id, NULL, a->now_ts);
    if (d->guard && d->guard(a) != 0) {
        return -1;
    }
    u.set = a->set;
    st = rz_store_update(a->w.s, RZ_BOOKINGS, rz_json_str(a->b, "id"), &u,
                         json_integer_value(json_object_get(a->b, "version")), updated);
    if (st == RZ_OK) {
        st = rz_write_audit(&a->w, apr_pstrcat(p, "booking.", d->verb, NULL), "booking",
                            rz_json_str(a->b, "id"), rz_json_str(a->b, "establishmentId"),
                            rz_bk_audit_doc(p, a->b), rz_bk_audit_doc(p, *updated), NULL);
    }
    if (st != RZ_OK) {
        return rz_write_fail(&a->w, st), -1;
    }
    if (d->after && d->after(a, *updated) != 0) {
        return -1;
    }
    if (d->mail) {
        st = rz_booking_mail_guest(a->w.s, p, d->mail, *updated, a->u.acc, a->u.est,
                                   rz_json_str(a->in, "reason"), rz_bk_base_url(a->rq));
        if (st != RZ_OK) {
            return rz_write_fail(&a->w, st), -1;
        }
    }
    return 0;
}

static int run_action(rz_req_t *rq, const action_t *d)
{
    act_t a;
    rz_vctx_t v;
    rz_sess_t *s;
    json_t *b, *updated = NULL;
    const char *key;
    rz_status_t st;

    memset(&a, 0, sizeof(a));
    a.rq = rq;
    rz_vctx_init(&v, rq->pool);
    if (!(a.in = rz_validate(&v, d->schema, rq->body, RZ_V_CREATE))) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_booking_load(rq, &s, &b) != 0) {
        return rq->res.status;
    }
    key = rz_acc_key(rq->pool, rz_json_str(b, "accommodationId"));
    if (rz_write_begin(&a.w, rq, &key, 1) != 0) {
        return rq->res.status;
    }
    a.now = rz_now();
    a.now_ts = rz_bk_now(rq);
    /* re-read under the unit's key: the state checked is the state written over */
    if ((st = rz_store_get(a.w.s, RZ_BOOKINGS, rz_json_str(b, "id"), &a.b)) != RZ_OK) {
        return rz_write_fail(&a.w, st);
    }
    if ((st = rz_store_get(a.w.s, RZ_ACCOMMODATIONS, rz_json_str(b, "accommodationId"), &a.u.acc))
            != RZ_OK
        || (st =
                rz_store_get(a.w.s, RZ_ESTABLISHMENTS, rz_json_str(b, "establishmentId"), &a.u.est))
               != RZ_OK) {
        return rz_write_fail(&a.w, st);
    }
    rz_est_clock_from_doc(&a.u.clock, a.u.est);
    if (rz_mode_parse(json_string_value(rz_json_path_get(a.b, "pricing.mode")), &a.u.mode) != 0) {
        a.u.mode = RZ_MODE_NIGHTLY;
    }
    if (apply(&a, d, &updated) != 0 || rz_write_commit(&a.w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_booking_view(rq->pool, s, updated, a.u.acc, a.u.est),
                           NULL);
}

int rz_h_booking_accept(rz_req_t *rq)
{
    return run_action(rq, &accept_action);
}

int rz_h_booking_confirm(rz_req_t *rq)
{
    return run_action(rq, &confirm_action);
}

int rz_h_booking_checkin(rz_req_t *rq)
{
    return run_action(rq, &checkin_action);
}

int rz_h_booking_checkout(rz_req_t *rq)
{
    return run_action(rq, &checkout_action);
}

int rz_h_booking_no_show(rz_req_t *rq)
{
    return run_action(rq, &no_show_action);
}

int rz_h_booking_cancel(rz_req_t *rq)
{
    return run_action(rq, &cancel_action);
}
