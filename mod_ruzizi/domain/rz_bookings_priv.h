/* rz_bookings_priv.h: internals shared by the booking write files (input, create, actions,
 * patch). */
#ifndef RZ_BOOKINGS_PRIV_H
#define RZ_BOOKINGS_PRIV_H

#include <jansson.h>
#include <string.h>

#include "core/rz_bkinput.h"
#include "core/rz_stay.h"
#include "core/rz_validate.h"
#include "domain/rz_bookings.h"
#include "http/rz_write.h"

/* The unit a booking is for, with its establishment. */
typedef struct {
    json_t *acc; /* stored accommodation (session pool) */
    json_t *est; /* stored establishment (session pool) */
    rz_est_clock_t clock;
    rz_mode_t mode;
} rz_bk_unit_t;

/* The country of the establishment of the body's establishmentId, or of its accommodationId's
 * unit, read before validation so national phone numbers normalise right; "BI" when neither is
 * known. Never answers. */
const char *rz_bk_country_hint(rz_sess_t *s, apr_pool_t *p, const json_t *body);

/* Loads unit `acc_id` and its establishment. When `scoped`, a unit outside the caller's
 * establishment is missing. Returns 0, or -1 after answering 404 NOT_FOUND (details field
 * `field`) or 503. */
int rz_bk_unit_load(rz_req_t *rq, rz_sess_t *s, const char *acc_id, int scoped, const char *field,
                    rz_bk_unit_t *u);

/* Resolves a stay for unit u from input strings `in` (NULL: a walk-in, checkIn = now) and `out`:
 * dates only on nightly and monthly units, lengths of SPEC 2.8, and when `window` the booking
 * window. Returns 0, or -1 after answering 400 VALIDATION_ERROR. */
int rz_bk_resolve_stay(rz_req_t *rq, const rz_bk_unit_t *u, const char *in, const char *out,
                       int window, rz_stay_t *st);

/* The PricingQuote of stay `st` (owned by rq->pool), or NULL after answering 400 (overflow). */
json_t *rz_bk_price(rz_req_t *rq, const rz_bk_unit_t *u, const rz_stay_t *st);

/* Writes the stay and its pricing into booking document `doc`: checkIn, checkOut, checkInDate,
 * checkOutDate, nights, pricing (a reference to `pricing` is taken). */
void rz_bk_set_stay(json_t *doc, const rz_stay_t *st, json_t *pricing);

/* A copy of a stored booking without the store's version (audit before/after). Owned by `p`. */
json_t *rz_bk_audit_doc(apr_pool_t *p, const json_t *doc);

/* Rolls the unit of work back and answers 409 NOT_AVAILABLE (details: the conflicting booking
 * id, or the unit's status when conflict_id is NULL). Returns OK. */
int rz_bk_not_available(rz_write_t *w, const char *conflict_id);

/* RuziziPublicBaseUrl or NULL. */
const char *rz_bk_base_url(rz_req_t *rq);

/* "YYYY-MM-DDTHH:MM:SSZ" of now, in rq->pool. */
const char *rz_bk_now(rz_req_t *rq);

/* 1 when `s` is one of `list` (NULL-terminated); NULL s -> 0. */
static inline int rz_bk_in_list(const char *const *list, const char *s)
{
    int i;

    for (i = 0; s && list[i]; i++) {
        if (strcmp(list[i], s) == 0) {
            return 1;
        }
    }
    return 0;
}

#endif
