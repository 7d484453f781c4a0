/* ctl_seed.h: `ruzizi-ctl seed-demo`: demo data for the back office and the public site. */
#ifndef CTL_SEED_H
#define CTL_SEED_H

#include <apr_pools.h>
#include <jansson.h>

#include "store/rz_store.h"

/* Seeds two establishments (Bujumbura and Gitega), a user of each role and, per establishment,
 * a nightly suite, a monthly apartment and an hourly day-room with seasons, in one unit of work
 * with their audit entries (actor system). Then each demo establishment that has neither bookings
 * nor clients gets demo clients and bookings of every state around today's business date
 * (ctl_seed_bookings, one unit of work per establishment). With upload_dir (RuziziUploadDir; may
 * be NULL), each demo establishment and demo unit without images then gets one generated image,
 * processed like an upload (renditions written under upload_dir), in a last unit of work audited
 * as image.create. Idempotent: a second run changes nothing. The demo accounts share a published
 * password: on a store holding a super_admin other than the demo one (an operator's store),
 * nothing is written and 1 is returned after a line on stderr, unless `force`. Otherwise prints
 * one line counting the clients and bookings added, then the demo logins, on stdout. Returns the
 * exit code (0, or 1 when refused or on a store or image failure). Later issues add their demo
 * data here. */
int ctl_seed_demo(rz_sess_t *s, apr_pool_t *p, const char *upload_dir, int force);

/* ---- shared by the seed-demo files ---- */

/* demo units per establishment: nightly, monthly, hourly, a nightly one with no demo booking */
#define DEMO_UNITS 4

/* Appends the audit entry "<entity>.create" of document `doc` (as audited: no version or internal
 * keys) with actor system, inside the caller's unit of work (which names RZ_AUDIT_KEY). */
rz_status_t ctl_seed_audit_create(rz_sess_t *s, apr_pool_t *p, const char *entity, const char *id,
                                  const char *est, const json_t *doc);

/* Adds the demo clients (8, Burundian guests with +257 phones) and bookings (21, every status of
 * SPEC 5.1 over the three units, no two blocking ones of a unit overlapping) of demo establishment
 * `est`; `slot` (0 or 1) picks its guests, units[] are its demo units (DEMO_UNITS order). Dates
 * follow the establishment's businessToday at rz_now(): arrivals and departures today, guests in
 * house, an hourly walk-in of today, pending, accepted and confirmed bookings ahead, completed
 * stays (counted in the clients' totalStays, totalSpent, lastStayAt), cancellations and no-shows
 * behind. Stays are resolved from date strings like the API's (core/rz_stay.h) and priced with
 * rz_price_quote against the stored unit and establishment. One unit of work (keys: seed-demo,
 * the audit chain, the units, the guests' contacts) holds the documents and their audit entries
 * client.create and booking.create (actor system). An establishment that already has a booking or
 * a client is left alone. Returns 0 with *nclients and *nbookings set to what was added (0 when
 * skipped), or 1 after printing why (nothing written). */
int ctl_seed_bookings(rz_sess_t *s, apr_pool_t *p, const char *est, int slot,
                      const char *const units[DEMO_UNITS], int *nclients, int *nbookings);

#endif
