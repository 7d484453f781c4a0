/* rz_booking_events.h: what a booking event writes besides the booking itself: the status change
 * with its history (SPEC 5.1), guest and manager emails and in-app notifications (SPEC 8.7);
 * httpd-free, shared by the API and the booking jobs. */
#ifndef RZ_BOOKING_EVENTS_H
#define RZ_BOOKING_EVENTS_H

#include <apr_pools.h>
#include <jansson.h>

#include "core/rz_status.h"
#include "store/rz_store.h"

/* The `set` object of an update moving booking `b` to status `to` at timestamp `now`: status,
 * statusHistory (the stored array plus {status: to, at: now, by (user id or NULL -> null),
 * reason (NULL -> null)}), updatedAt, and expiresAt := null when b leaves pending. New reference
 * owned by `p`; the caller may add members before updating. */
json_t *rz_booking_transition_set(apr_pool_t *p, const json_t *b, const char *to, const char *by,
                                  const char *reason, const char *now);

/* Queues guest email `tmpl` (booking_received, booking_accepted, booking_confirmed,
 * booking_cancelled) for booking `b` of unit `acc` in establishment `est`, in b.language, to
 * b.clientInfo.email. Does nothing (RZ_OK) when the guest gave no email. `reason` (may be NULL)
 * fills the cancellation reason; `base_url` (RuziziPublicBaseUrl, may be NULL) builds lookupUrl
 * (`<base>/booking?code=...`, never the email). Call inside the event's unit of work. */
rz_status_t rz_booking_mail_guest(rz_sess_t *s, apr_pool_t *p, const char *tmpl, const json_t *b,
                                  const json_t *acc, const json_t *est, const char *reason,
                                  const char *base_url);

/* Queues new_booking to every active manager of b's establishment (their preferredLanguage) with
 * backofficeUrl `<base>/bookings/<id>`. Call inside the event's unit of work. */
rz_status_t rz_booking_mail_managers(rz_sess_t *s, apr_pool_t *p, const json_t *b,
                                     const json_t *acc, const json_t *est, const char *base_url);

/* Writes in-app notification `type` (booking_new, booking_expired, booking_no_show) about booking
 * `b` to the active managers of its establishment, and to its staff too when `staff_too`. */
rz_status_t rz_booking_notify(rz_sess_t *s, apr_pool_t *p, const char *type, const json_t *b,
                              const json_t *acc, int staff_too);

/* The booking jobs of SPEC 8.8, one unit of work per booking (keys accommodation:<id> and the
 * audit chain), changes audited with actor system:
 * booking_expiry: pending bookings with expiresAt <= now, and accepted ones past the no-show guard
 * -> cancelled with cancelReason "expired" (audit booking.expire), booking_cancelled to the guest
 * (reason "not confirmed in time", in the booking's language), booking_expired to managers and
 * staff. no_show: confirmed bookings past the guard in establishments with autoNoShow -> no_show
 * (audit booking.no_show), booking_no_show to managers. The guard (SPEC 5.1): overnight
 * businessToday > checkInDate; hourly now >= checkOut. At most 200 bookings per run; *done (may be
 * NULL) counts the bookings changed. Returns the first store failure, else RZ_OK. */
rz_status_t rz_booking_job_expiry(rz_sess_t *s, apr_pool_t *p, const char *base_url, int *done);
rz_status_t rz_booking_job_no_show(rz_sess_t *s, apr_pool_t *p, int *done);

/* 1 when the no-show guard of SPEC 5.1 holds for booking `b` of establishment `est` at `now`. */
int rz_booking_past_no_show_guard(const json_t *b, const json_t *est, int64_t now);

#endif
