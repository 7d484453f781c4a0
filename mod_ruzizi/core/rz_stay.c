/* rz_stay.c: establishment clocks, stay points, stay derivation with length limits, the booking
 * window and calendar-month arithmetic (SPEC 2.7, 2.8, 6.3); httpd-free. */
#include "core/rz_stay.h"

#include <string.h>

#include "core/rz_time.h"

#define RZ_DEFAULT_UTC_OFFSET 120  /* +02:00, Africa/Bujumbura */
#define RZ_DEFAULT_DAY_START 360   /* 06:00 */
#define RZ_DEFAULT_CHECK_IN 840    /* 14:00 */
#define RZ_DEFAULT_CHECK_OUT 660   /* 11:00 */
#define RZ_NIGHTLY_MAX_NIGHTS 365  /* SPEC 2.8 */
#define RZ_MONTHLY_MAX_MONTHS 24   /* SPEC 6.3 */
#define RZ_HOURLY_MAX_MINUTES 1440 /* SPEC 2.8: 24 hours */
#define RZ_WINDOW_DAYS 730         /* SPEC 2.8: businessToday + 730 days */
#define RZ_INSTANT_LIMIT                                                                           \
    4102444800000LL /* |t| bound (~year 132000): keeps the arithmetic exact                        \
                     */

/* floor(a / b) for b > 0 (C division truncates towards zero). */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Instants are truncated to the minute (SPEC 2.8), towards the past also before 1970. */
static int64_t to_minute(int64_t t)
{
    return floor_div(t, 60) * 60;
}

/* An "HH:MM" member of `doc` in minutes, or `dflt` when missing or malformed. */
static int hhmm_member(const json_t *doc, const char *key, int dflt)
{
    int minutes;

    if (rz_hhmm_parse(json_string_value(json_object_get(doc, key)), &minutes) != 0) {
        return dflt;
    }
    return minutes;
}

void rz_est_clock_from_doc(rz_est_clock_t *c, const json_t *est)
{
    int off;

    /* json_object_get(NULL, ...) and json_string_value(NULL) are NULL: an absent document gives the
     * defaults, and rz_*_parse refuse NULL */
    if (rz_utc_offset_parse(json_string_value(json_object_get(est, "utcOffset")), &off) != 0) {
        off = RZ_DEFAULT_UTC_OFFSET;
    }
    c->utc_offset = off;
    c->business_day_start = hhmm_member(est, "businessDayStart", RZ_DEFAULT_DAY_START);
    c->check_in_time = hhmm_member(est, "checkInTime", RZ_DEFAULT_CHECK_IN);
    c->check_out_time = hhmm_member(est, "checkOutTime", RZ_DEFAULT_CHECK_OUT);
}

int64_t rz_local_date(const rz_est_clock_t *c, int64_t t)
{
    return floor_div(t + (int64_t)c->utc_offset * 60, 86400);
}

int64_t rz_business_date(const rz_est_clock_t *c, int64_t t)
{
    return rz_local_date(c, t - (int64_t)c->business_day_start * 60);
}

int64_t rz_local_instant(const rz_est_clock_t *c, int64_t days, int minutes)
{
    return days * 86400 + (int64_t)minutes * 60 - (int64_t)c->utc_offset * 60;
}

static const char *const mode_names[] = {"nightly", "monthly", "hourly"};

int rz_mode_parse(const char *s, rz_mode_t *m)
{
    int i;

    for (i = 0; s && i < 3; i++) {
        if (strcmp(s, mode_names[i]) == 0) {
            *m = (rz_mode_t)i;
            return 0;
        }
    }
    return -1;
}

const char *rz_mode_name(rz_mode_t m)
{
    return (unsigned)m < 3 ? mode_names[m] : "nightly";
}

int rz_stay_point(const rz_est_clock_t *c, const char *s, int is_checkout, int64_t *epoch,
                  int *is_date)
{
    int64_t days, t;

    if (!s) {
        return -1;
    }
    if (strlen(s) == 10) {
        if (rz_date_parse(s, &days) != 0) {
            return -1;
        }
        *epoch = rz_local_instant(c, days, is_checkout ? c->check_out_time : c->check_in_time);
        *is_date = 1;
        return 0;
    }
    if (rz_datetime_parse(s, &t) != 0) {
        return -1;
    }
    *epoch = to_minute(t);
    *is_date = 0;
    return 0;
}

/* The days of month m (1..12) of year y. */
static int month_days(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dim[m - 1];
}

int64_t rz_add_months(int64_t days, int k)
{
    int y, m, d, dim;
    int64_t months;

    rz_civil_from_days(days, &y, &m, &d);
    months = (int64_t)y * 12 + (m - 1) + k;
    y = (int)floor_div(months, 12);
    m = (int)(months - (int64_t)y * 12) + 1;
    dim = month_days(y, m);
    return rz_days_from_civil(y, m, d < dim ? d : dim);
}

void rz_month_span(int64_t d0, int64_t d1, int *months, int *rest_days)
{
    int y0, m0, dd0, y1, m1, dd1;
    int64_t k;

    rz_civil_from_days(d0, &y0, &m0, &dd0);
    rz_civil_from_days(d1, &y1, &m1, &dd1);
    /* addMonths(d0, k) lies in the k-th month after d0's, so the calendar-month difference is M or
     * M + 1; addMonths is strictly increasing in k */
    k = ((int64_t)y1 - y0) * 12 + (m1 - m0);
    if (k > 0 && rz_add_months(d0, (int)k) > d1) {
        k--;
    }
    if (k < 0) {
        k = 0;
    }
    *months = (int)k;
    *rest_days = (int)(d1 - rz_add_months(d0, (int)k));
}

/* Nightly and monthly dates (SPEC 2.8) and the limits of each; NULL or a message. */
static const char *derive_overnight(const rz_est_clock_t *c, rz_stay_t *st)
{
    int64_t out_date = rz_local_date(c, st->check_out);

    st->check_out_date = out_date > st->check_in_date ? out_date : st->check_in_date + 1;
    if (st->check_out_date - st->check_in_date > RZ_MONTHLY_MAX_MONTHS * 31 + 1) {
        /* past every limit; keeps nights within int */
        return st->mode == RZ_MODE_NIGHTLY ? "a nightly stay lasts at most 365 nights"
                                           : "monthly stays last at most 24 months";
    }
    st->nights = (int)(st->check_out_date - st->check_in_date);
    if (st->mode == RZ_MODE_NIGHTLY) {
        return st->nights > RZ_NIGHTLY_MAX_NIGHTS ? "a nightly stay lasts at most 365 nights"
                                                  : NULL;
    }
    rz_month_span(st->check_in_date, st->check_out_date, &st->months, &st->extra_nights);
    if (st->months < 1) {
        return "monthly stays last at least one calendar month";
    }
    if (st->months > RZ_MONTHLY_MAX_MONTHS
        || (st->months == RZ_MONTHLY_MAX_MONTHS && st->extra_nights > 0)) {
        return "monthly stays last at most 24 months";
    }
    return NULL;
}

const char *rz_stay_derive(const rz_est_clock_t *c, rz_mode_t mode, int64_t in, int64_t out,
                           rz_stay_t *st, const char **field)
{
    int64_t minutes;

    memset(st, 0, sizeof(*st));
    st->mode = mode;
    *field = "checkIn";
    if (in < -RZ_INSTANT_LIMIT || in > RZ_INSTANT_LIMIT) {
        return "is out of range";
    }
    *field = "checkOut";
    if (out < -RZ_INSTANT_LIMIT || out > RZ_INSTANT_LIMIT) {
        return "is out of range";
    }
    st->check_in = to_minute(in);
    st->check_out = to_minute(out);
    st->check_in_date = rz_business_date(c, st->check_in);
    if (st->check_out <= st->check_in) {
        return "must be after checkIn";
    }
    if (mode != RZ_MODE_HOURLY) {
        return derive_overnight(c, st);
    }
    st->check_out_date = rz_local_date(c, st->check_out);
    minutes = (st->check_out - st->check_in) / 60;
    return minutes > RZ_HOURLY_MAX_MINUTES ? "an hourly stay lasts at most 24 hours" : NULL;
}

const char *rz_stay_check_window(const rz_est_clock_t *c, const rz_stay_t *st, int64_t now)
{
    int64_t today = rz_business_date(c, now);

    if (st->check_in_date < today) {
        return "must not be before the establishment's business date today";
    }
    if (st->check_in_date > today + RZ_WINDOW_DAYS) {
        return "must be at most 730 days after the establishment's business date today";
    }
    return NULL;
}

int64_t rz_stay_max_seconds(rz_mode_t mode)
{
    static const int64_t day = 86400;

    return mode == RZ_MODE_HOURLY ? 2 * day : mode == RZ_MODE_MONTHLY ? 740 * day : 370 * day;
}
