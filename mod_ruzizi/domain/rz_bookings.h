/* rz_bookings.h: bookings (SPEC 4.5, 5.1, 6.1, 7.4-7.6): the stored document, views, the shared
 * lookups and every booking endpoint. */
#ifndef RZ_BOOKINGS_H
#define RZ_BOOKINGS_H

#include <jansson.h>

#include "domain/rz_req.h"
#include "store/rz_store.h"

#define RZ_BOOKINGS "bookings"

/*
 * Stored document (collection "bookings"); every field of SPEC 4.5 is present, null when it has
 * no value:
 *   bookingCode "RZ-XXXX-XXXX", establishmentId, accommodationId, clientId,
 *   bookingType (online, onsite, walkin), status (pending, accepted, confirmed, checked_in,
 *   completed, cancelled, no_show), paymentStatus (unpaid, ...),
 *   checkIn, checkOut ("YYYY-MM-DDTHH:MM:SSZ", UTC, whole minutes), checkInDate, checkOutDate
 *   ("YYYY-MM-DD"), nights (int), numberOfGuests,
 *   clientInfo {firstName, lastName, email, phone, idType, idNumber, nationality, dateOfBirth,
 *   gender, address, city, country, companyName} (every member present, null when unknown),
 *   additionalGuests [{firstName, lastName, isMinor}], arrivalTime, specialRequests, notes,
 *   language ("fr"/"en"), marketingOptIn, pricing (PricingQuote, core/rz_pricing.h),
 *   invoiceId, expiresAt, cancelReason, checkedInAt, checkedOutAt,
 *   statusHistory [{status, at, by, reason}], createdBy, createdAt, updatedAt, version (store).
 * Internal, never output: version.
 */

/* The blocking statuses of SPEC 2.8, NULL-terminated. */
extern const char *const rz_booking_blocking[];

/* ---- rz_bookings.c: reads, views, shared lookups ---- */
int rz_h_bookings_list(rz_req_t *rq);          /* GET /api/bookings */
int rz_h_booking_get(rz_req_t *rq);            /* GET /api/bookings/{id} */
int rz_h_client_bookings(rz_req_t *rq);        /* GET /api/clients/{id}/bookings */
int rz_h_accommodation_calendar(rz_req_t *rq); /* GET /api/accommodations/{id}/calendar */

/* The Booking of SPEC 4.5 as output: every stored field but version, plus the embeds
 * accommodation {id, name, type, pricingMode}, establishment {id, name} and invoice {id,
 * invoiceNumber, status, balance} (null while invoiceId is null or the invoice is missing). `acc`,
 * `est` (may be NULL: then read from the store with `s`). Owned by `p`. */
json_t *rz_booking_view(apr_pool_t *p, rz_sess_t *s, const json_t *b, const json_t *acc,
                        const json_t *est);

/* The PublicBooking projection of SPEC 4.5 (exact field list; clientInfo only {firstName,
 * lastName}; accommodation {id, name, type, images as ImageRef[]}; establishment {id, name,
 * location, contacts, checkInTime, checkOutTime}). `acc` and `est` are the stored documents. Owned
 * by `p`. */
json_t *rz_public_booking_view(apr_pool_t *p, rz_sess_t *s, const json_t *b, const json_t *acc,
                               const json_t *est);

/* Loads the booking of path parameter 0 within the caller's scope: 0 with *b (owned by the session
 * pool) and *s set, or -1 after answering 404 (malformed id, missing, another establishment: one
 * body) or 503. */
int rz_booking_load(rz_req_t *rq, rz_sess_t **s, json_t **b);

/* SPEC 6.1 free(u, [in, out), exclude): sets *free_ to 1 when no booking of unit `acc_id` other
 * than `exclude_id` (may be NULL) in a blocking status has checkIn < out and in < checkOut
 * (timestamps "YYYY-MM-DDTHH:MM:SSZ"), else 0 and *conflict_id (may be NULL) to one such booking's
 * id (in `p`). The unit's own status is the caller's concern. */
rz_status_t rz_booking_free(rz_sess_t *s, apr_pool_t *p, const char *acc_id, const char *in,
                            const char *out, const char *exclude_id, int *free_,
                            const char **conflict_id);

/* rz_booking_free knowing that no blocking booking of the unit lasts longer than `max_stay_s`
 * seconds (rz_stay_max_seconds of its mode; 0 = unknown): checkIn is then bounded from below
 * too, so the index range read stays small however many stays the unit has ahead. */
rz_status_t rz_booking_free_within(rz_sess_t *s, apr_pool_t *p, const char *acc_id, const char *in,
                                   const char *out, int64_t max_stay_s, const char *exclude_id,
                                   int *free_, const char **conflict_id);

/* ---- rz_public_bookings.c: public availability and lookup ---- */
int rz_h_public_availability(rz_req_t *rq);   /* GET /api/public/availability */
int rz_h_public_booking_lookup(rz_req_t *rq); /* GET /api/public/bookings/by-code */

/* ---- rz_bookings_create.c ---- */
int rz_h_booking_create(rz_req_t *rq);        /* POST /api/bookings */
int rz_h_public_booking_create(rz_req_t *rq); /* POST /api/public/bookings */

/* ---- rz_bookings_actions.c: the state machine of SPEC 5.1 ---- */
int rz_h_booking_accept(rz_req_t *rq);   /* POST /api/bookings/{id}/accept */
int rz_h_booking_confirm(rz_req_t *rq);  /* POST /api/bookings/{id}/confirm */
int rz_h_booking_checkin(rz_req_t *rq);  /* POST /api/bookings/{id}/checkin */
int rz_h_booking_checkout(rz_req_t *rq); /* POST /api/bookings/{id}/checkout */
int rz_h_booking_no_show(rz_req_t *rq);  /* POST /api/bookings/{id}/no-show */
int rz_h_booking_cancel(rz_req_t *rq);   /* POST /api/bookings/{id}/cancel */

/* ---- rz_bookings_patch.c ---- */
int rz_h_booking_patch(rz_req_t *rq); /* PATCH /api/bookings/{id} */

#endif
