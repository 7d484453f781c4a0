/* rz_pricing.h: the server's prices (SPEC 6.3): nightly with seasons and long-stay discounts,
 * hourly with minHours, monthly with prorated remainders, VAT split; httpd-free. */
#ifndef RZ_PRICING_H
#define RZ_PRICING_H

#include <jansson.h>
#include <stdint.h>

#include "core/rz_stay.h"

#define RZ_MONEY_MAX 1000000000000LL /* 10^12 (SPEC 2.6) */

/* roundHalfUp(a / b) of SPEC 2.6 for b > 0 (negative a: round |a| and restore the sign).
 * Returns 0 and *out, or -1 on overflow of int64 intermediates. */
int rz_round_half_up(int64_t a, int64_t b, int64_t *out);

/* The price of unit `acc` (a stored accommodation: pricing.basePrice, pricing.seasons[{name, from,
 * to, price}]) on local date `day`: the price of the season with from <= day <= to, else
 * basePrice. *label (may be NULL) gets the season's name or "Base rate" (borrowed from acc or
 * static). Returns -1 when the unit has no basePrice (a positive integer); malformed seasons are
 * skipped. */
int64_t rz_price_on(const json_t *acc, int64_t day, const char **label);

/* Prices stay `st` (mode st->mode) of unit `acc` in establishment `est` (currency, vatRateBps,
 * longStayDiscounts as stored; SPEC 4.3 defaults when absent). Returns a new PricingQuote object
 * (SPEC 4.5, exact field names; the caller owns the reference):
 *   {mode, currency, nights, months, extraNights, hours, lines[{label, from, to, quantity, unit,
 *    unitPrice, amount}], subtotal, discount{percentBps, amount, reason}, total, taxRateBps,
 *    taxAmount, netAmount}
 * nights = st->nights (0 for hourly); months/extraNights only for monthly (else null); hours = H
 * (billed hours) only for hourly (else null). Line `from`/`to` are "YYYY-MM-DD" dates (to
 * exclusive) for nightly and monthly lines and "YYYY-MM-DDTHH:MM:SSZ" instants for the hourly line.
 * Nightly lines are maximal runs of consecutive nights at one season (label = its name) or at the
 * base rate ("Base rate"), unit "night"; the long-stay tier with the greatest minNights <= nights
 * gives discount {percentBps, amount = roundHalfUp(subtotal * bps / 10000), reason "Long stay: N
 * nights"}; otherwise (and always for monthly and hourly) {0, 0, null}. Monthly: one line per
 * month (unit "month", quantity 1, label of the season on addMonths(D0, k)), then a remainder line
 * (unit "prorated_night", quantity R, unitPrice the price on addMonths(D0, M), amount
 * roundHalfUp(R * unitPrice / 30)). Hourly: H = max(minHours, ceil(minutes / 60)), one line unit
 * "hour" at the price on checkInDate. taxAmount = roundHalfUp(total * vat / (10000 + vat)),
 * netAmount = total - taxAmount.
 * Returns NULL with *err ("amount overflow" when a total exceeds 10^12 or int64 arithmetic would
 * overflow; "unit has no price" for a unit without basePrice; "stay out of range" for a stay that
 * rz_stay_derive cannot have produced: out <= in, checkOutDate < checkInDate or over 800 days;
 * "out of memory") on failure, else *err = NULL. Stay limits are rz_stay_derive's, not checked
 * here. */
json_t *rz_price_quote(const json_t *acc, const json_t *est, const rz_stay_t *st, const char **err);

#endif
