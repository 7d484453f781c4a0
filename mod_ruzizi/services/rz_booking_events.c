/* rz_booking_events.c: booking status changes with history, booking emails and notifications,
 * and the booking_expiry / no_show jobs (SPEC 5.1, 8.7, 8.8). */
#include "services/rz_booking_events.h"

#include <apr_strings.h>
#include <string.h>

#include "services/rz_audit.h"
#include "core/rz_json.h"
#include "services/rz_notify.h"
#include "services/rz_outbox.h"
#include "core/rz_stay.h"
#include "core/rz_time.h"

#define BOOKINGS "bookings"
#define ACCOMMODATIONS "accommodations"
#define ESTABLISHMENTS "establishments"
#define JOB_BATCH 200

static json_t *nullable(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *rz_booking_transition_set(apr_pool_t *p, const json_t *b, const char *to, const char *by,
                                  const char *reason, const char *now)
{
    json_t *hist = json_deep_copy(json_object_get(b, "statusHistory")), *set;

    if (!json_is_array(hist)) {
        json_decref(hist);
        hist = json_array();
    }
    json_array_append_new(hist, json_pack("{s:s, s:s, s:o, s:o}", "status", to, "at", now, "by",
                                          nullable(by), "reason", nullable(reason)));
    set = json_pack("{s:s, s:o, s:s}", "status", to, "statusHistory", hist, "updatedAt", now);
    if (strcmp(rz_json_str(b, "status") ? rz_json_str(b, "status") : "", "pending") == 0) {
        json_object_set_new(set, "expiresAt", json_null());
    }
    return rz_json_pool_own(p, set);
}

/* The variables shared by the booking templates (SPEC 8.7). New reference. */
static json_t *stay_vars(apr_pool_t *p, const json_t *b, const json_t *acc, const json_t *est)
{
    const json_t *ci = json_object_get(b, "clientInfo"), *pr = json_object_get(b, "pricing");
    const char *in_t = rz_json_str(est, "checkInTime"), *out_t = rz_json_str(est, "checkOutTime");

    return json_pack(
        "{s:s, s:O, s:O, s:O, s:O, s:O, s:s, s:s, s:O, s:O, s:O}", "guestName",
        apr_pstrcat(p, rz_json_str(ci, "firstName"), " ", rz_json_str(ci, "lastName"), NULL),
        "bookingCode", json_object_get(b, "bookingCode"), "establishmentName",
        json_object_get(est, "name"), "accommodationName", json_object_get(acc, "name"),
        "checkInDate", json_object_get(b, "checkInDate"), "checkOutDate",
        json_object_get(b, "checkOutDate"), "checkInTime", in_t ? in_t : "14:00", "checkOutTime",
        out_t ? out_t : "11:00", "numberOfGuests", json_object_get(b, "numberOfGuests"), "total",
        json_object_get(pr, "total"), "currency", json_object_get(pr, "currency"));
}

rz_status_t rz_booking_mail_guest(rz_sess_t *s, apr_pool_t *p, const char *tmpl, const json_t *b,
                                  const json_t *acc, const json_t *est, const char *reason,
                                  const char *base_url)
{
    const char *to = rz_json_str(json_object_get(b, "clientInfo"), "email");
    json_t *vars;
    rz_status_t st;

    if (!to) {
        return RZ_OK;
    }
    vars = stay_vars(p, b, acc, est);
    if (!vars) {
        return RZ_INVALID;
    }
    json_object_set_new(vars, "lookupUrl",
                        json_string(apr_pstrcat(p, base_url ? base_url : "", "/booking?code=",
                                                rz_json_str(b, "bookingCode"), NULL)));
    if (reason) {
        json_object_set_new(vars, "reason", json_string(reason));
    }
    st = rz_outbox_enqueue(s, to, rz_json_str(b, "language"), tmpl, vars, "booking",
                           rz_json_str(b, "id"));
    json_decref(vars);
    return st;
}

/* The active users of `role` in establishment `est` (owned by the session pool). */
static rz_status_t role_users(rz_sess_t *s, apr_pool_t *p, const char *est, const char *role,
                              json_t **out)
{
    rz_cond_t c[3] = {{"establishmentId", RZ_EQ, rz_json_pool_own(p, json_string(est))},
                      {"role", RZ_EQ, rz_json_pool_own(p, json_string(role))},
                      {"isActive", RZ_EQ, json_true()}};
    rz_query_t q;

    memset(&q, 0, sizeof(q));
    q.all = c;
    q.nall = 3;
    q.limit = 500;
    return rz_store_find(s, RZ_USERS_COLL, &q, out, NULL);
}

rz_status_t rz_booking_mail_managers(rz_sess_t *s, apr_pool_t *p, const json_t *b,
                                     const json_t *acc, const json_t *est, const char *base_url)
{
    json_t *managers, *m;
    rz_status_t st = role_users(s, p, rz_json_str(b, "establishmentId"), "manager", &managers);
    size_t i;

    json_array_foreach (managers, i, m) {
        json_t *vars = stay_vars(p, b, acc, est);
        if (!vars) {
            return RZ_INVALID;
        }
        json_object_set_new(vars, "backofficeUrl",
                            json_string(apr_pstrcat(p, base_url ? base_url : "", "/bookings/",
                                                    rz_json_str(b, "id"), NULL)));
        st = rz_outbox_enqueue(s, rz_json_str(m, "email"), rz_json_str(m, "preferredLanguage"),
                               "new_booking", vars, "booking", rz_json_str(b, "id"));
        json_decref(vars);
        if (st != RZ_OK) {
            return st;
        }
    }
    return st;
}

rz_status_t rz_booking_notify(rz_sess_t *s, apr_pool_t *p, const char *type, const json_t *b,
                              const json_t *acc, int staff_too)
{
    const char *code = rz_json_str(b, "bookingCode"), *unit = rz_json_str(acc, "name"), *title,
               *msg;
    const json_t *ci = json_object_get(b, "clientInfo");
    json_t *data = rz_json_pool_own(p, json_pack("{s:s, s:s, s:s}", "entity", "booking", "entityId",
                                                 rz_json_str(b, "id"), "bookingCode", code));
    rz_status_t st;

    if (strcmp(type, "booking_new") == 0) {
        title = apr_psprintf(p, "New booking %s", code);
        msg = apr_psprintf(p, "%s %s booked %s from %s to %s.", rz_json_str(ci, "firstName"),
                           rz_json_str(ci, "lastName"), unit, rz_json_str(b, "checkInDate"),
                           rz_json_str(b, "checkOutDate"));
    } else if (strcmp(type, "booking_expired") == 0) {
        title = apr_psprintf(p, "Booking %s expired", code);
        msg = apr_psprintf(p, "Booking %s (%s, %s) was not confirmed in time and was cancelled.",
                           code, unit, rz_json_str(b, "checkInDate"));
    } else {
        title = apr_psprintf(p, "No-show on booking %s", code);
        msg = apr_psprintf(p, "%s %s did not arrive for booking %s (%s, %s).",
                           rz_json_str(ci, "firstName"), rz_json_str(ci, "lastName"), code, unit,
                           rz_json_str(b, "checkInDate"));
    }
    st = rz_notify_role(s, rz_json_str(b, "establishmentId"), "manager", NULL, type, title, msg,
                        data, NULL);
    if (st == RZ_OK && staff_too) {
        st = rz_notify_role(s, rz_json_str(b, "establishmentId"), "staff", NULL, type, title, msg,
                            data, NULL);
    }
    return st;
}

int rz_booking_past_no_show_guard(const json_t *b, const json_t *est, int64_t now)
{
    const json_t *pr = json_object_get(b, "pricing");
    rz_est_clock_t c;
    int64_t day, out;

    if (rz_json_str(pr, "mode") && strcmp(rz_json_str(pr, "mode"), "hourly") == 0) {
        return rz_json_str(b, "checkOut")
               && rz_datetime_parse(rz_json_str(b, "checkOut"), &out) == 0 && now >= out;
    }
    rz_est_clock_from_doc(&c, est);
    return rz_json_str(b, "checkInDate") && rz_date_parse(rz_json_str(b, "checkInDate"), &day) == 0
           && rz_business_date(&c, now) > day;
}

/* ---- jobs -------------------------------------------------------------------------------- */

typedef struct {
    const char *to;       /* new status */
    const char *action;   /* audit action */
    const char *reason;   /* cancelReason / history reason, or NULL */
    const char *notify;   /* in-app type */
    int staff_too;        /* notify staff as well */
    const char *base_url; /* for the guest email, or NULL when none is sent */
} job_change_t;

/* Applies one job change to booking `b` in its own unit of work, re-checking `from` inside it.
 * *changed is set when the booking moved. */
static rz_status_t apply_change(rz_sess_t *s, apr_pool_t *p, const json_t *b, const char *from,
                                const job_change_t *jc, int64_t now, int *changed)
{
    const char *keys[2] = {
        apr_pstrcat(p, "accommodation:", rz_json_str(b, "accommodationId"), NULL), RZ_AUDIT_KEY};
    rz_actor_t system = {NULL, "system", NULL, NULL, NULL};
    char ts[21];
    json_t *cur, *acc = NULL, *est = NULL, *after, *set;
    rz_update_t u = {NULL, NULL, NULL};
    rz_status_t st;

    *changed = 0;
    rz_timestamp_format(now, ts);
    if ((st = rz_store_begin(s, keys, 2)) != RZ_OK) {
        return st;
    }
    st = rz_store_get(s, BOOKINGS, rz_json_str(b, "id"), &cur);
    if (st != RZ_OK || strcmp(rz_json_str(cur, "status"), from) != 0) {
        rz_store_rollback(s);
        return st == RZ_NOT_FOUND ? RZ_OK : st;
    }
    set = rz_booking_transition_set(p, cur, jc->to, NULL, jc->reason, ts);
    if (strcmp(jc->to, "cancelled") == 0) {
        json_object_set_new(set, "cancelReason", json_string(jc->reason));
    }
    u.set = set;
    if ((st = rz_store_get(s, ACCOMMODATIONS, rz_json_str(cur, "accommodationId"), &acc)) == RZ_OK
        && (st = rz_store_get(s, ESTABLISHMENTS, rz_json_str(cur, "establishmentId"), &est))
               == RZ_OK
        && (st = rz_store_update(s, BOOKINGS, rz_json_str(cur, "id"), &u, -1, &after)) == RZ_OK) {
        json_t *before = rz_json_pool_own(p, json_deep_copy(cur)),
               *aft = rz_json_pool_own(p, json_deep_copy(after));
        json_object_del(before, "version");
        json_object_del(aft, "version");
        st = rz_audit_append(s, &system, jc->action, "booking", rz_json_str(cur, "id"),
                             rz_json_str(cur, "establishmentId"), rz_audit_changes(p, before, aft),
                             NULL, NULL);
    }
    if (st == RZ_OK && jc->base_url) {
        st = rz_booking_mail_guest(
            s, p, "booking_cancelled", after, acc, est,
            strcmp(rz_json_str(after, "language") ? rz_json_str(after, "language") : "", "en") == 0
                ? "not confirmed in time"
                : "non confirmée à temps",
            jc->base_url);
    }
    if (st == RZ_OK) {
        st = rz_booking_notify(s, p, jc->notify, after, acc, jc->staff_too);
    }
    if (st != RZ_OK) {
        rz_store_rollback(s);
        return st;
    }
    if ((st = rz_store_commit(s)) == RZ_OK) {
        *changed = 1;
    }
    return st;
}

/* Candidates: bookings in `status` with `field` < now (a superset of those due). */
static rz_status_t candidates(rz_sess_t *s, apr_pool_t *p, const char *status, const char *field,
                              const char *now, json_t **out)
{
    rz_cond_t c[2] = {{"status", RZ_EQ, rz_json_pool_own(p, json_string(status))},
                      {field, RZ_LTE, rz_json_pool_own(p, json_string(now))}};
    rz_query_t q;

    memset(&q, 0, sizeof(q));
    q.all = c;
    q.nall = 2;
    q.sort = field;
    q.limit = JOB_BATCH;
    return rz_store_find(s, BOOKINGS, &q, out, NULL);
}

/* Runs `jc` over the candidates in `status` that pass `due`. */
static rz_status_t run_over(rz_sess_t *s, apr_pool_t *p, const char *status, const char *field,
                            int guard, int need_auto, const job_change_t *jc, int *done)
{
    int64_t now = rz_now();
    char ts[21];
    json_t *list, *b, *est;
    size_t i;
    int changed;
    rz_status_t st;

    rz_timestamp_format(now, ts);
    if ((st = candidates(s, p, status, field, ts, &list)) != RZ_OK) {
        return st;
    }
    json_array_foreach (list, i, b) {
        if (guard || need_auto) {
            if ((st = rz_store_get(s, ESTABLISHMENTS, rz_json_str(b, "establishmentId"), &est))
                != RZ_OK) {
                continue;
            }
            if ((guard && !rz_booking_past_no_show_guard(b, est, now))
                || (need_auto && json_is_false(json_object_get(est, "autoNoShow")))) {
                continue;
            }
        }
        if ((st = apply_change(s, p, b, status, jc, now, &changed)) != RZ_OK) {
            return st;
        }
        *done += changed;
    }
    return RZ_OK;
}

rz_status_t rz_booking_job_expiry(rz_sess_t *s, apr_pool_t *p, const char *base_url, int *done)
{
    job_change_t jc = {"cancelled", "booking.expire",        "expired", "booking_expired",
                       1,           base_url ? base_url : ""};
    int n = 0;
    rz_status_t st = run_over(s, p, "pending", "expiresAt", 0, 0, &jc, &n);

    if (st == RZ_OK) {
        st = run_over(s, p, "accepted", "checkIn", 1, 0, &jc, &n);
    }
    if (done) {
        *done = n;
    }
    return st;
}

rz_status_t rz_booking_job_no_show(rz_sess_t *s, apr_pool_t *p, int *done)
{
    job_change_t jc = {"no_show", "booking.no_show", NULL, "booking_no_show", 0, NULL};
    int n = 0;
    rz_status_t st = run_over(s, p, "confirmed", "checkIn", 1, 1, &jc, &n);

    if (done) {
        *done = n;
    }
    return st;
}
