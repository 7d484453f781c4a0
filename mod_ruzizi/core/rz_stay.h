/* rz_stay.h: establishment clocks and stays (SPEC 2.7, 2.8): business dates, check-in/out instants,
 * nights, length limits and the booking window; httpd-free. */
#ifndef RZ_STAY_H
#define RZ_STAY_H

#include <jansson.h>
#include <stdint.h>

/* The clock settings of one establishment, in minutes. */
typedef struct {
    int utc_offset;         /* utcOffset, minutes east of UTC (default +120) */
    int business_day_start; /* businessDayStart, minutes after local midnight (default 360) */
    int check_in_time;      /* checkInTime (default 14:00 = 840) */
    int check_out_time;     /* checkOutTime (default 11:00 = 660) */
} rz_est_clock_t;

/* Fills `c` from an establishment document (utcOffset, businessDayStart, checkInTime,
 * checkOutTime as stored; the defaults of SPEC 4.3 for any field missing or malformed). */
void rz_est_clock_from_doc(rz_est_clock_t *c, const json_t *est);

/* localDate(t): the establishment-local calendar date of instant t (epoch seconds), as days since
 * 1970-01-01. */
int64_t rz_local_date(const rz_est_clock_t *c, int64_t t);

/* businessDate(t) = localDate(t - businessDayStart), days since 1970-01-01. */
int64_t rz_business_date(const rz_est_clock_t *c, int64_t t);

/* The instant (epoch seconds) of local time `minutes` after midnight on local date `days`. */
int64_t rz_local_instant(const rz_est_clock_t *c, int64_t days, int minutes);

typedef enum { RZ_MODE_NIGHTLY = 0, RZ_MODE_MONTHLY = 1, RZ_MODE_HOURLY = 2 } rz_mode_t;

/* "nightly"/"monthly"/"hourly" -> 0 and *m; anything else -> -1. */
int rz_mode_parse(const char *s, rz_mode_t *m);
/* The name of a mode ("nightly", ...). */
const char *rz_mode_name(rz_mode_t m);

/* One input endpoint of a stay: "YYYY-MM-DD" (a date: the establishment's checkInTime when
 * is_checkout is 0, checkOutTime when 1, on that date at utcOffset) or an RFC 3339 datetime with an
 * offset (already normalised or not). The instant is truncated to the minute. Returns 0 with
 * *epoch and *is_date set, or -1 when `s` is neither. */
int rz_stay_point(const rz_est_clock_t *c, const char *s, int is_checkout, int64_t *epoch,
                  int *is_date);

/* A derived stay (SPEC 2.8). */
typedef struct {
    rz_mode_t mode;
    int64_t check_in, check_out;           /* epoch seconds, multiples of 60 */
    int64_t check_in_date, check_out_date; /* days since 1970-01-01 */
    int nights;                            /* checkOutDate - checkInDate; 0 for hourly */
    int months, extra_nights;              /* monthly only: M and R of SPEC 6.3; else 0 */
} rz_stay_t;

/* Derives the dates and nights of a stay [in, out) (epoch seconds; truncated to the minute here)
 * for `mode` and checks its length (SPEC 2.8): out > in; nightly 1..365 nights; monthly M >= 1 and
 * (M < 24 or M = 24 and R = 0) (SPEC 6.3); hourly 1..1440 minutes. It does not check the booking
 * window (rz_stay_check_window) nor date-versus-datetime input (the caller knows the input).
 * Returns NULL when valid, else an English message, with *field set to "checkOut" (every length
 * problem is the check-out's) or "checkIn". */
const char *rz_stay_derive(const rz_est_clock_t *c, rz_mode_t mode, int64_t in, int64_t out,
                           rz_stay_t *st, const char **field);

/* The booking window (SPEC 2.8): businessToday <= checkInDate <= businessToday + 730, with
 * businessToday = rz_business_date(c, now). Returns NULL or a message (field "checkIn"). */
const char *rz_stay_check_window(const rz_est_clock_t *c, const rz_stay_t *st, int64_t now);

/* An upper bound (seconds) on the length [checkIn, checkOut) of any blocking booking of a unit in
 * `mode`, with room for early check-ins (SPEC 5.1) and date-versus-datetime input: hourly 2 days
 * (24 h + the hour before), nightly 370 days (365 nights), monthly 740 days (24 months). An
 * overlap search may then bound checkIn from below as well as above. */
int64_t rz_stay_max_seconds(rz_mode_t mode);

/* addMonths(D, k) of SPEC 6.3 on days since 1970-01-01: the day of D, capped at the target
 * month's last day. */
int64_t rz_add_months(int64_t days, int k);

/* M = the largest k >= 0 with addMonths(d0, k) <= d1, and R = d1 - addMonths(d0, M) in days. */
void rz_month_span(int64_t d0, int64_t d1, int *months, int *rest_days);

#endif
