/* test_pricing.c: unit tests of rz_stay.c (clocks, stays, limits, window, months), rz_pricing.c
 * (the worked examples of SPEC 6.3, tiers, VAT, overflow) and rz_bkcode.c (SPEC 6.4). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/rz_bkcode.h"
#include "core/rz_json.h"
#include "core/rz_pricing.h"
#include "core/rz_stay.h"
#include "core/rz_time.h"
#include "unit_suites.h"

static json_t *est; /* the default Bujumbura establishment: +02:00, 06:00, 14:00, 11:00 */
static rz_est_clock_t clk;

static void setup(void)
{
    est = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "utcOffset", "+02:00", "businessDayStart",
                    "06:00", "checkInTime", "14:00", "checkOutTime", "11:00", "currency", "BIF",
                    "vatRateBps", 1800);
    ck_assert_ptr_nonnull(est);
    rz_est_clock_from_doc(&clk, est);
}

static void teardown(void)
{
    json_decref(est);
}

/* "YYYY-MM-DD" -> days since 1970-01-01. */
static int64_t D(const char *s)
{
    int64_t d = 0;

    ck_assert_msg(rz_date_parse(s, &d) == 0, "bad test date %s", s);
    return d;
}

/* RFC 3339 -> epoch seconds. */
static int64_t T(const char *s)
{
    int64_t t = 0;

    ck_assert_msg(rz_datetime_parse(s, &t) == 0, "bad test datetime %s", s);
    return t;
}

/* Derives a stay from two input points (dates or datetimes); returns the message or NULL. */
static const char *derive(rz_mode_t mode, const char *in, const char *out, rz_stay_t *st)
{
    int64_t a, b;
    int is_date;
    const char *field = NULL, *msg;

    ck_assert_int_eq(rz_stay_point(&clk, in, 0, &a, &is_date), 0);
    ck_assert_int_eq(rz_stay_point(&clk, out, 1, &b, &is_date), 0);
    msg = rz_stay_derive(&clk, mode, a, b, st, &field);
    if (msg) {
        ck_assert_str_eq(field, "checkOut");
    }
    return msg;
}

/* A unit in `mode` at `base` with the seasons `seasons` (stolen; NULL for none). */
static json_t *unit(const char *mode, int64_t base, json_t *seasons)
{
    json_t *acc =
        json_pack("{s:s, s:{s:I, s:s, s:o}}", "pricingMode", mode, "pricing", "basePrice",
                  (json_int_t)base, "currency", "BIF", "seasons", seasons ? seasons : json_array());

    ck_assert_ptr_nonnull(acc);
    return acc;
}

/* The quote of stay [in, out) of `acc`; asserts success. */
static json_t *quote(const json_t *acc, rz_mode_t mode, const char *in, const char *out)
{
    rz_stay_t st;
    const char *err = "unset", *msg = derive(mode, in, out, &st);
    json_t *q;

    ck_assert_msg(msg == NULL, "derive: %s", msg);
    q = rz_price_quote(acc, est, &st, &err);
    ck_assert_msg(q != NULL, "quote: %s", err);
    ck_assert_ptr_null(err);
    return q;
}

/* The integer at `path` of q (asserts it is an integer). */
static int64_t I(const json_t *q, const char *path)
{
    const json_t *v = rz_json_path_get(q, path);

    ck_assert_msg(json_is_integer(v), "%s is not an integer", path);
    return (int64_t)json_integer_value(v);
}

/* Asserts lines[i] of q. */
static void line_is(const json_t *q, size_t i, const char *label, const char *from, const char *to,
                    int64_t qty, const char *unit_name, int64_t price, int64_t amount)
{
    const json_t *l = json_array_get(json_object_get(q, "lines"), i);

    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(json_object_size(l), 7);
    ck_assert_str_eq(json_string_value(json_object_get(l, "label")), label);
    ck_assert_str_eq(json_string_value(json_object_get(l, "from")), from);
    ck_assert_str_eq(json_string_value(json_object_get(l, "to")), to);
    ck_assert_int_eq(I(l, "quantity"), qty);
    ck_assert_str_eq(json_string_value(json_object_get(l, "unit")), unit_name);
    ck_assert_int_eq(I(l, "unitPrice"), price);
    ck_assert_int_eq(I(l, "amount"), amount);
}

/* Asserts the discount {0, 0, null}. */
static void no_discount(const json_t *q)
{
    ck_assert_int_eq(I(q, "discount.percentBps"), 0);
    ck_assert_int_eq(I(q, "discount.amount"), 0);
    ck_assert(json_is_null(rz_json_path_get(q, "discount.reason")));
}

/* ---- clocks ---------------------------------------------------------------------------------- */

START_TEST(clock_defaults_and_doc)
{
    rz_est_clock_t c;
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s}", "utcOffset", "-03:30", "businessDayStart",
                            "04:00", "checkInTime", "15:30", "checkOutTime", "10:00");
    json_t *bad =
        json_pack("{s:s, s:i, s:s}", "utcOffset", "+2", "checkInTime", 14, "checkOutTime", "25:00");

    rz_est_clock_from_doc(&c, NULL);
    ck_assert_int_eq(c.utc_offset, 120);
    ck_assert_int_eq(c.business_day_start, 360);
    ck_assert_int_eq(c.check_in_time, 840);
    ck_assert_int_eq(c.check_out_time, 660);
    rz_est_clock_from_doc(&c, doc);
    ck_assert_int_eq(c.utc_offset, -210);
    ck_assert_int_eq(c.business_day_start, 240);
    ck_assert_int_eq(c.check_in_time, 930);
    ck_assert_int_eq(c.check_out_time, 600);
    rz_est_clock_from_doc(&c, bad);
    ck_assert_int_eq(c.utc_offset, 120);
    ck_assert_int_eq(c.check_in_time, 840);
    ck_assert_int_eq(c.check_out_time, 660);
    json_decref(doc);
    json_decref(bad);
}
END_TEST

START_TEST(local_and_business_dates)
{
    /* SPEC 2.7: 01:30 local on 2 Dec belongs to business date 1 Dec */
    int64_t t = T("2026-12-02T01:30:00+02:00");

    ck_assert_int_eq(rz_local_date(&clk, t), D("2026-12-02"));
    ck_assert_int_eq(rz_business_date(&clk, t), D("2026-12-01"));
    ck_assert_int_eq(rz_business_date(&clk, T("2026-12-02T05:59:00+02:00")), D("2026-12-01"));
    ck_assert_int_eq(rz_business_date(&clk, T("2026-12-02T06:00:00+02:00")), D("2026-12-02"));
    /* 23:30 UTC on 1 Dec is already 2 Dec in Bujumbura */
    ck_assert_int_eq(rz_local_date(&clk, T("2026-12-01T23:30:00Z")), D("2026-12-02"));
    ck_assert_int_eq(rz_local_instant(&clk, D("2026-12-18"), 840), T("2026-12-18T12:00:00Z"));
    /* before 1970: floor, not truncation */
    ck_assert_int_eq(rz_local_date(&clk, -7200 - 1), -1);
    ck_assert_int_eq(rz_local_date(&clk, -7200), 0);
}
END_TEST

START_TEST(modes)
{
    rz_mode_t m = RZ_MODE_NIGHTLY;

    ck_assert_int_eq(rz_mode_parse("hourly", &m), 0);
    ck_assert_int_eq(m, RZ_MODE_HOURLY);
    ck_assert_int_eq(rz_mode_parse("monthly", &m), 0);
    ck_assert_int_eq(m, RZ_MODE_MONTHLY);
    ck_assert_int_eq(rz_mode_parse("nightly", &m), 0);
    ck_assert_int_eq(m, RZ_MODE_NIGHTLY);
    ck_assert_int_eq(rz_mode_parse("Nightly", &m), -1);
    ck_assert_int_eq(rz_mode_parse("", &m), -1);
    ck_assert_int_eq(rz_mode_parse(NULL, &m), -1);
    ck_assert_str_eq(rz_mode_name(RZ_MODE_NIGHTLY), "nightly");
    ck_assert_str_eq(rz_mode_name(RZ_MODE_MONTHLY), "monthly");
    ck_assert_str_eq(rz_mode_name(RZ_MODE_HOURLY), "hourly");
}
END_TEST

START_TEST(stay_points)
{
    int64_t t = 0;
    int is_date = -1;

    ck_assert_int_eq(rz_stay_point(&clk, "2026-12-18", 0, &t, &is_date), 0);
    ck_assert_int_eq(t, T("2026-12-18T14:00:00+02:00"));
    ck_assert_int_eq(is_date, 1);
    ck_assert_int_eq(rz_stay_point(&clk, "2026-12-26", 1, &t, &is_date), 0);
    ck_assert_int_eq(t, T("2026-12-26T11:00:00+02:00"));
    ck_assert_int_eq(rz_stay_point(&clk, "2026-12-18T14:10:59.999+02:00", 0, &t, &is_date), 0);
    ck_assert_int_eq(t, T("2026-12-18T12:10:00Z"));
    ck_assert_int_eq(is_date, 0);
    ck_assert_int_eq(rz_stay_point(&clk, "2026-12-18t14:10z", 1, &t, &is_date), 0);
    ck_assert_int_eq(t, T("2026-12-18T14:10:00Z"));
    ck_assert_int_eq(rz_stay_point(&clk, "2026-12-18T14:10", 0, &t, &is_date), -1);
    ck_assert_int_eq(rz_stay_point(&clk, "2026-02-30", 0, &t, &is_date), -1);
    ck_assert_int_eq(rz_stay_point(&clk, "1999-12-31", 0, &t, &is_date), -1);
    ck_assert_int_eq(rz_stay_point(&clk, "", 0, &t, &is_date), -1);
    ck_assert_int_eq(rz_stay_point(&clk, NULL, 0, &t, &is_date), -1);
}
END_TEST

/* ---- stays ----------------------------------------------------------------------------------- */

START_TEST(derive_nightly)
{
    rz_stay_t st;

    ck_assert_ptr_null(derive(RZ_MODE_NIGHTLY, "2026-12-18", "2026-12-26", &st));
    ck_assert_int_eq(st.check_in, T("2026-12-18T14:00:00+02:00"));
    ck_assert_int_eq(st.check_out, T("2026-12-26T11:00:00+02:00"));
    ck_assert_int_eq(st.check_in_date, D("2026-12-18"));
    ck_assert_int_eq(st.check_out_date, D("2026-12-26"));
    ck_assert_int_eq(st.nights, 8);
    ck_assert_int_eq(st.months, 0);
    /* 01:30 local on 2 Dec: checkInDate 1 Dec; leaving at 10:00 the same morning is one night */
    ck_assert_ptr_null(
        derive(RZ_MODE_NIGHTLY, "2026-12-02T01:30:00+02:00", "2026-12-02T10:00:00+02:00", &st));
    ck_assert_int_eq(st.check_in_date, D("2026-12-01"));
    ck_assert_int_eq(st.check_out_date, D("2026-12-02"));
    ck_assert_int_eq(st.nights, 1);
    /* a day use still counts checkInDate + 1 */
    ck_assert_ptr_null(derive(RZ_MODE_NIGHTLY, "2026-12-02", "2026-12-02T18:00:00+02:00", &st));
    ck_assert_int_eq(st.check_out_date, D("2026-12-03"));
    ck_assert_int_eq(st.nights, 1);
    /* seconds are truncated on both ends */
    ck_assert_ptr_null(
        derive(RZ_MODE_NIGHTLY, "2026-12-02T12:00:30Z", "2026-12-05T09:00:59Z", &st));
    ck_assert_int_eq(st.check_in, T("2026-12-02T12:00:00Z"));
    ck_assert_int_eq(st.check_out, T("2026-12-05T09:00:00Z"));
}
END_TEST

START_TEST(derive_limits)
{
    rz_stay_t st;
    const char *field = NULL;

    ck_assert_ptr_null(derive(RZ_MODE_NIGHTLY, "2026-01-01", "2027-01-01", &st));
    ck_assert_int_eq(st.nights, 365);
    ck_assert_ptr_nonnull(derive(RZ_MODE_NIGHTLY, "2026-01-01", "2027-01-02", &st));
    ck_assert_ptr_nonnull(derive(RZ_MODE_NIGHTLY, "2026-12-18", "2026-12-18", &st));
    ck_assert_ptr_nonnull(derive(RZ_MODE_NIGHTLY, "2026-12-20", "2026-12-18", &st));
    /* equal once truncated to the minute */
    ck_assert_ptr_nonnull(rz_stay_derive(&clk, RZ_MODE_HOURLY, T("2026-12-18T14:10:10Z"),
                                         T("2026-12-18T14:10:50Z"), &st, &field));
    ck_assert_str_eq(field, "checkOut");
    /* hourly: 1..1440 minutes */
    ck_assert_ptr_null(derive(RZ_MODE_HOURLY, "2026-12-18T14:10:00Z", "2026-12-18T14:11:00Z", &st));
    ck_assert_ptr_null(derive(RZ_MODE_HOURLY, "2026-12-18T14:10:00Z", "2026-12-19T14:10:00Z", &st));
    ck_assert_ptr_nonnull(
        derive(RZ_MODE_HOURLY, "2026-12-18T14:10:00Z", "2026-12-19T14:11:00Z", &st));
    /* hourly dates: business date in, local date out, no nights */
    ck_assert_ptr_null(
        derive(RZ_MODE_HOURLY, "2026-12-02T01:30:00+02:00", "2026-12-02T03:00:00+02:00", &st));
    ck_assert_int_eq(st.check_in_date, D("2026-12-01"));
    ck_assert_int_eq(st.check_out_date, D("2026-12-02"));
    ck_assert_int_eq(st.nights, 0);
}
END_TEST

START_TEST(derive_monthly)
{
    rz_stay_t st;

    ck_assert_ptr_null(derive(RZ_MODE_MONTHLY, "2026-01-31", "2026-03-15", &st));
    ck_assert_int_eq(st.months, 1);
    ck_assert_int_eq(st.extra_nights, 15);
    ck_assert_int_eq(st.nights, 43);
    ck_assert_str_eq(derive(RZ_MODE_MONTHLY, "2026-01-31", "2026-02-27", &st),
                     "monthly stays last at least one calendar month");
    ck_assert_ptr_null(derive(RZ_MODE_MONTHLY, "2026-01-31", "2026-02-28", &st));
    ck_assert_int_eq(st.months, 1);
    ck_assert_int_eq(st.extra_nights, 0);
    ck_assert_ptr_null(derive(RZ_MODE_MONTHLY, "2026-01-15", "2028-01-15", &st));
    ck_assert_int_eq(st.months, 24);
    ck_assert_int_eq(st.extra_nights, 0);
    ck_assert_ptr_nonnull(derive(RZ_MODE_MONTHLY, "2026-01-15", "2028-01-16", &st));
    ck_assert_ptr_nonnull(derive(RZ_MODE_MONTHLY, "2026-01-15", "2028-03-01", &st));
}
END_TEST

START_TEST(add_months_and_span)
{
    int m = -1, r = -1;

    ck_assert_int_eq(rz_add_months(D("2026-01-31"), 1), D("2026-02-28"));
    ck_assert_int_eq(rz_add_months(D("2028-01-31"), 1), D("2028-02-29"));
    ck_assert_int_eq(rz_add_months(D("2026-01-31"), 2), D("2026-03-31"));
    ck_assert_int_eq(rz_add_months(D("2026-01-31"), 3), D("2026-04-30"));
    ck_assert_int_eq(rz_add_months(D("2026-12-15"), 1), D("2027-01-15"));
    ck_assert_int_eq(rz_add_months(D("2026-12-15"), 25), D("2029-01-15"));
    ck_assert_int_eq(rz_add_months(D("2026-03-31"), -1), D("2026-02-28"));
    ck_assert_int_eq(rz_add_months(D("2026-03-31"), 0), D("2026-03-31"));
    rz_month_span(D("2026-01-31"), D("2026-03-15"), &m, &r);
    ck_assert_int_eq(m, 1);
    ck_assert_int_eq(r, 15);
    rz_month_span(D("2026-01-31"), D("2026-03-31"), &m, &r);
    ck_assert_int_eq(m, 2);
    ck_assert_int_eq(r, 0);
    rz_month_span(D("2026-01-31"), D("2026-03-30"), &m, &r);
    ck_assert_int_eq(m, 1);
    ck_assert_int_eq(r, 30);
    rz_month_span(D("2026-01-31"), D("2026-02-27"), &m, &r);
    ck_assert_int_eq(m, 0);
    ck_assert_int_eq(r, 27);
    rz_month_span(D("2026-12-10"), D("2027-02-09"), &m, &r);
    ck_assert_int_eq(m, 1);
    ck_assert_int_eq(r, 30);
}
END_TEST

START_TEST(booking_window)
{
    rz_stay_t st;
    int64_t now = T("2026-12-02T01:30:00+02:00"); /* businessToday = 1 Dec */

    ck_assert_ptr_null(derive(RZ_MODE_NIGHTLY, "2026-12-01", "2026-12-03", &st));
    ck_assert_ptr_null(rz_stay_check_window(&clk, &st, now));
    ck_assert_ptr_nonnull(rz_stay_check_window(&clk, &st, T("2026-12-02T06:00:00+02:00")));
    ck_assert_ptr_null(derive(RZ_MODE_NIGHTLY, "2026-11-30", "2026-12-03", &st));
    ck_assert_ptr_nonnull(rz_stay_check_window(&clk, &st, now));
    st.check_in_date = D("2026-12-01") + 730;
    ck_assert_ptr_null(rz_stay_check_window(&clk, &st, now));
    st.check_in_date++;
    ck_assert_ptr_nonnull(rz_stay_check_window(&clk, &st, now));
}
END_TEST

/* ---- pricing --------------------------------------------------------------------------------- */

START_TEST(round_half_up)
{
    static const struct {
        int64_t a, b, want;
    } cases[] = {{5, 2, 3},
                 {4, 2, 2},
                 {1, 3, 0},
                 {2, 3, 1},
                 {-5, 2, -3},
                 {-4, 3, -1},
                 {-5, 3, -2},
                 {0, 7, 0},
                 {15, 10, 2},
                 {-15, 10, -2},
                 {14, 10, 1},
                 {889200000, 11800, 75356},
                 {13500000, 30, 450000}};
    int64_t out = 0;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_int_eq(rz_round_half_up(cases[i].a, cases[i].b, &out), 0);
        ck_assert_msg(out == cases[i].want, "%lld/%lld gave %lld", (long long)cases[i].a,
                      (long long)cases[i].b, (long long)out);
    }
    ck_assert_int_eq(rz_round_half_up(INT64_MAX, 2, &out), 0);
    ck_assert_int_eq(out, (int64_t)1 << 62);
    ck_assert_int_eq(rz_round_half_up(INT64_MAX, INT64_MAX, &out), 0);
    ck_assert_int_eq(out, 1);
    ck_assert_int_eq(rz_round_half_up(-INT64_MAX, 2, &out), 0);
    ck_assert_int_eq(out, -((int64_t)1 << 62));
    ck_assert_int_eq(rz_round_half_up(INT64_MIN, 2, &out), -1);
    ck_assert_int_eq(rz_round_half_up(1, 0, &out), -1);
}
END_TEST

/* The unit of the nightly worked example: base 50,000, "Fêtes" 2026-12-20..2026-12-31 at 70,000. */
static json_t *fetes_unit(void)
{
    return unit("nightly", 50000,
                json_pack("[{s:s, s:s, s:s, s:i}]", "name", "F\xc3\xaates", "from", "2026-12-20",
                          "to", "2026-12-31", "price", 70000));
}

START_TEST(price_on)
{
    json_t *acc = fetes_unit(), *bare = json_pack("{s:{}}", "pricing");
    const char *label = NULL;

    ck_assert_int_eq(rz_price_on(acc, D("2026-12-19"), &label), 50000);
    ck_assert_str_eq(label, "Base rate");
    ck_assert_int_eq(rz_price_on(acc, D("2026-12-20"), &label), 70000);
    ck_assert_str_eq(label, "F\xc3\xaates");
    ck_assert_int_eq(rz_price_on(acc, D("2026-12-31"), NULL), 70000);
    ck_assert_int_eq(rz_price_on(acc, D("2027-01-01"), &label), 50000);
    ck_assert_int_lt(rz_price_on(bare, D("2026-12-20"), NULL), 0);
    json_decref(acc);
    json_decref(bare);
}
END_TEST

START_TEST(worked_example_nightly)
{
    json_t *acc = fetes_unit(), *q = quote(acc, RZ_MODE_NIGHTLY, "2026-12-18", "2026-12-26");

    ck_assert_int_eq(json_object_size(q), 13);
    ck_assert_str_eq(json_string_value(json_object_get(q, "mode")), "nightly");
    ck_assert_str_eq(json_string_value(json_object_get(q, "currency")), "BIF");
    ck_assert_int_eq(I(q, "nights"), 8);
    ck_assert(json_is_null(json_object_get(q, "months")));
    ck_assert(json_is_null(json_object_get(q, "extraNights")));
    ck_assert(json_is_null(json_object_get(q, "hours")));
    ck_assert_int_eq(json_array_size(json_object_get(q, "lines")), 2);
    line_is(q, 0, "Base rate", "2026-12-18", "2026-12-20", 2, "night", 50000, 100000);
    line_is(q, 1, "F\xc3\xaates", "2026-12-20", "2026-12-26", 6, "night", 70000, 420000);
    ck_assert_int_eq(I(q, "subtotal"), 520000);
    ck_assert_int_eq(I(q, "discount.percentBps"), 500);
    ck_assert_int_eq(I(q, "discount.amount"), 26000);
    ck_assert_str_eq(json_string_value(rz_json_path_get(q, "discount.reason")),
                     "Long stay: 8 nights");
    ck_assert_int_eq(I(q, "total"), 494000);
    ck_assert_int_eq(I(q, "taxRateBps"), 1800);
    ck_assert_int_eq(I(q, "taxAmount"), 75356);
    ck_assert_int_eq(I(q, "netAmount"), 418644);
    json_decref(q);
    json_decref(acc);
}
END_TEST

START_TEST(seasons_across_boundaries)
{
    json_t *seasons =
        json_pack("[{s:s, s:s, s:s, s:i}, {s:s, s:s, s:s, s:i}]", "name", "Noel", "from",
                  "2026-12-01", "to", "2026-12-31", "price", 70000, "name", "Nouvel an", "from",
                  "2027-01-03", "to", "2027-01-04", "price", 90000);
    json_t *acc = unit("nightly", 50000, seasons), *q;

    /* a season covering the whole stay: one line */
    q = quote(acc, RZ_MODE_NIGHTLY, "2026-12-05", "2026-12-08");
    ck_assert_int_eq(json_array_size(json_object_get(q, "lines")), 1);
    line_is(q, 0, "Noel", "2026-12-05", "2026-12-08", 3, "night", 70000, 210000);
    no_discount(q);
    json_decref(q);
    /* starting in a season, base rate between two seasons, ending in the second */
    q = quote(acc, RZ_MODE_NIGHTLY, "2026-12-30", "2027-01-04");
    ck_assert_int_eq(json_array_size(json_object_get(q, "lines")), 3);
    line_is(q, 0, "Noel", "2026-12-30", "2027-01-01", 2, "night", 70000, 140000);
    line_is(q, 1, "Base rate", "2027-01-01", "2027-01-03", 2, "night", 50000, 100000);
    line_is(q, 2, "Nouvel an", "2027-01-03", "2027-01-04", 1, "night", 90000, 90000);
    ck_assert_int_eq(I(q, "subtotal"), 330000);
    json_decref(q);
    /* a season starting after checkIn and ending before checkOut */
    q = quote(acc, RZ_MODE_NIGHTLY, "2027-01-02", "2027-01-06");
    ck_assert_int_eq(json_array_size(json_object_get(q, "lines")), 3);
    line_is(q, 0, "Base rate", "2027-01-02", "2027-01-03", 1, "night", 50000, 50000);
    line_is(q, 1, "Nouvel an", "2027-01-03", "2027-01-05", 2, "night", 90000, 180000);
    line_is(q, 2, "Base rate", "2027-01-05", "2027-01-06", 1, "night", 50000, 50000);
    json_decref(q);
    json_decref(acc);
}
END_TEST

/* The discount of an N-night stay at 10,000 a night from 2026-03-01, with `est` as set. */
static void tier_is(int nights, int64_t bps)
{
    json_t *acc = unit("nightly", 10000, NULL), *q;
    rz_stay_t st;
    const char *field, *err;
    int64_t in = T("2026-03-01T14:00:00+02:00");

    ck_assert_ptr_null(rz_stay_derive(&clk, RZ_MODE_NIGHTLY, in,
                                      in + (int64_t)nights * 86400 - 3 * 3600, &st, &field));
    ck_assert_int_eq(st.nights, nights);
    q = rz_price_quote(acc, est, &st, &err);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(I(q, "discount.percentBps"), bps);
    ck_assert_int_eq(I(q, "discount.amount"), (int64_t)nights * 10000 * bps / 10000);
    if (bps) {
        char reason[40];
        snprintf(reason, sizeof(reason), "Long stay: %d nights", nights);
        ck_assert_str_eq(json_string_value(rz_json_path_get(q, "discount.reason")), reason);
    } else {
        no_discount(q);
    }
    ck_assert_int_eq(I(q, "total"), nights * 10000 - I(q, "discount.amount"));
    json_decref(q);
    json_decref(acc);
}

START_TEST(long_stay_tiers)
{
    /* the defaults when longStayDiscounts is absent */
    tier_is(1, 0);
    tier_is(6, 0);
    tier_is(7, 500);
    tier_is(13, 500);
    tier_is(14, 1000);
    tier_is(29, 1000);
    tier_is(30, 1500);
    tier_is(365, 1500);
    /* the establishment's own tiers, in any order */
    json_object_set_new(est, "longStayDiscounts",
                        json_pack("[{s:i, s:i}, {s:i, s:i}]", "minNights", 10, "percentBps", 700,
                                  "minNights", 3, "percentBps", 250));
    tier_is(2, 0);
    tier_is(3, 250);
    tier_is(9, 250);
    tier_is(10, 700);
    tier_is(30, 700);
    /* an empty list: no discount at all */
    json_object_set_new(est, "longStayDiscounts", json_array());
    tier_is(30, 0);
}
END_TEST

START_TEST(vat_and_currency)
{
    json_t *acc = unit("nightly", 10001, NULL), *q;

    /* vatRateBps absent: 1800; roundHalfUp(10001 * 1800 / 11800) = 1525.57 -> 1526 */
    json_object_del(est, "vatRateBps");
    json_object_del(est, "currency");
    q = quote(acc, RZ_MODE_NIGHTLY, "2026-03-01", "2026-03-02");
    ck_assert_int_eq(I(q, "taxRateBps"), 1800);
    ck_assert_int_eq(I(q, "taxAmount"), 1526);
    ck_assert_int_eq(I(q, "netAmount"), 8475);
    ck_assert_str_eq(json_string_value(json_object_get(q, "currency")), "BIF");
    json_decref(q);
    json_object_set_new(json_object_get(acc, "pricing"), "currency", json_string("USD"));
    json_object_set_new(est, "vatRateBps", json_integer(0));
    q = quote(acc, RZ_MODE_NIGHTLY, "2026-03-01", "2026-03-02");
    ck_assert_str_eq(json_string_value(json_object_get(q, "currency")), "USD");
    ck_assert_int_eq(I(q, "taxAmount"), 0);
    ck_assert_int_eq(I(q, "netAmount"), 10001);
    json_decref(q);
    json_object_set_new(est, "currency", json_string("EUR"));
    json_object_set_new(est, "vatRateBps", json_integer(10000));
    q = quote(acc, RZ_MODE_NIGHTLY, "2026-03-01", "2026-03-02");
    ck_assert_str_eq(json_string_value(json_object_get(q, "currency")), "EUR");
    ck_assert_int_eq(I(q, "taxAmount"), 5001); /* 5000.5 rounds up */
    ck_assert_int_eq(I(q, "netAmount"), 5000);
    json_decref(q);
    json_decref(acc);
}
END_TEST

START_TEST(worked_example_hourly)
{
    json_t *acc = unit("hourly", 10000, NULL), *q;

    json_object_set_new(json_object_get(acc, "pricing"), "minHours", json_integer(2));
    q = quote(acc, RZ_MODE_HOURLY, "2026-12-18T14:10:00+02:00", "2026-12-18T15:40:00+02:00");
    ck_assert_str_eq(json_string_value(json_object_get(q, "mode")), "hourly");
    ck_assert_int_eq(I(q, "hours"), 2);
    ck_assert_int_eq(I(q, "nights"), 0);
    ck_assert(json_is_null(json_object_get(q, "months")));
    ck_assert(json_is_null(json_object_get(q, "extraNights")));
    ck_assert_int_eq(json_array_size(json_object_get(q, "lines")), 1);
    line_is(q, 0, "Base rate", "2026-12-18T12:10:00Z", "2026-12-18T13:40:00Z", 2, "hour", 10000,
            20000);
    ck_assert_int_eq(I(q, "subtotal"), 20000);
    no_discount(q);
    ck_assert_int_eq(I(q, "total"), 20000);
    ck_assert_int_eq(I(q, "taxAmount"), 3051); /* 36,000,000 / 11,800 = 3050.8 */
    ck_assert_int_eq(I(q, "netAmount"), 16949);
    json_decref(q);
    q = quote(acc, RZ_MODE_HOURLY, "2026-12-18T14:10:00+02:00", "2026-12-18T14:40:00+02:00");
    ck_assert_int_eq(I(q, "hours"), 2);
    ck_assert_int_eq(I(q, "total"), 20000);
    json_decref(q);
    /* 181 minutes: ceil gives 4 hours, above minHours */
    q = quote(acc, RZ_MODE_HOURLY, "2026-12-18T14:10:00+02:00", "2026-12-18T17:11:00+02:00");
    ck_assert_int_eq(I(q, "hours"), 4);
    ck_assert_int_eq(I(q, "total"), 40000);
    json_decref(q);
    json_decref(acc);
    /* the hour's price is that of checkInDate, a business date: 01:30 on 20 Dec is still 19 Dec */
    acc = fetes_unit();
    q = quote(acc, RZ_MODE_HOURLY, "2026-12-20T01:30:00+02:00", "2026-12-20T02:30:00+02:00");
    line_is(q, 0, "Base rate", "2026-12-19T23:30:00Z", "2026-12-20T00:30:00Z", 1, "hour", 50000,
            50000);
    json_decref(q);
    q = quote(acc, RZ_MODE_HOURLY, "2026-12-20T06:00:00+02:00", "2026-12-20T07:00:00+02:00");
    line_is(q, 0, "F\xc3\xaates", "2026-12-20T04:00:00Z", "2026-12-20T05:00:00Z", 1, "hour", 70000,
            70000);
    json_decref(q);
    json_decref(acc);
}
END_TEST

START_TEST(worked_example_monthly)
{
    json_t *acc = unit("monthly", 900000, NULL), *q;

    q = quote(acc, RZ_MODE_MONTHLY, "2026-01-31", "2026-03-15");
    ck_assert_str_eq(json_string_value(json_object_get(q, "mode")), "monthly");
    ck_assert_int_eq(I(q, "nights"), 43);
    ck_assert_int_eq(I(q, "months"), 1);
    ck_assert_int_eq(I(q, "extraNights"), 15);
    ck_assert(json_is_null(json_object_get(q, "hours")));
    ck_assert_int_eq(json_array_size(json_object_get(q, "lines")), 2);
    line_is(q, 0, "Base rate", "2026-01-31", "2026-02-28", 1, "month", 900000, 900000);
    line_is(q, 1, "Base rate", "2026-02-28", "2026-03-15", 15, "prorated_night", 900000, 450000);
    ck_assert_int_eq(I(q, "subtotal"), 1350000);
    no_discount(q); /* 43 nights, but monthly stays get no discount */
    ck_assert_int_eq(I(q, "total"), 1350000);
    json_decref(q);
    json_decref(acc);
}
END_TEST

START_TEST(monthly_seasons_and_exact_months)
{
    json_t *seasons = json_pack("[{s:s, s:s, s:s, s:i}]", "name", "Haute", "from", "2026-03-01",
                                "to", "2026-03-31", "price", 1200000);
    json_t *acc = unit("monthly", 900000, seasons), *q;

    /* priced on addMonths(D0, k): 2026-02-28 base, 2026-03-31 high season */
    q = quote(acc, RZ_MODE_MONTHLY, "2026-01-31", "2026-04-30");
    ck_assert_int_eq(I(q, "months"), 3);
    ck_assert_int_eq(I(q, "extraNights"), 0);
    ck_assert_int_eq(json_array_size(json_object_get(q, "lines")), 3);
    line_is(q, 0, "Base rate", "2026-01-31", "2026-02-28", 1, "month", 900000, 900000);
    line_is(q, 1, "Base rate", "2026-02-28", "2026-03-31", 1, "month", 900000, 900000);
    line_is(q, 2, "Haute", "2026-03-31", "2026-04-30", 1, "month", 1200000, 1200000);
    ck_assert_int_eq(I(q, "subtotal"), 3000000);
    json_decref(q);
    /* remainder priced in the season: roundHalfUp(7 * 1,200,000 / 30) = 280,000 */
    q = quote(acc, RZ_MODE_MONTHLY, "2026-02-01", "2026-03-08");
    line_is(q, 1, "Haute", "2026-03-01", "2026-03-08", 7, "prorated_night", 1200000, 280000);
    ck_assert_int_eq(I(q, "subtotal"), 1180000);
    json_decref(q);
    /* 24 months exactly */
    q = quote(acc, RZ_MODE_MONTHLY, "2026-01-15", "2028-01-15");
    ck_assert_int_eq(I(q, "months"), 24);
    ck_assert_int_eq(json_array_size(json_object_get(q, "lines")), 24);
    json_decref(q);
    json_decref(acc);
}
END_TEST

/* Prices [in, out) of acc in `mode` and expects failure with `want`. */
static void quote_fails(const json_t *acc, rz_mode_t mode, const char *in, const char *out,
                        const char *want)
{
    rz_stay_t st;
    const char *err = NULL;

    ck_assert_ptr_null(derive(mode, in, out, &st));
    ck_assert_ptr_null(rz_price_quote(acc, est, &st, &err));
    ck_assert_str_eq(err, want);
}

START_TEST(overflow_and_no_price)
{
    json_t *big = unit("nightly", 1000000000000LL, NULL), *q;
    json_t *huge = unit("hourly", INT64_MAX / 2, NULL), *none = json_pack("{s:{}}", "pricing");
    rz_stay_t st;
    const char *err = NULL;

    quote_fails(big, RZ_MODE_NIGHTLY, "2026-01-01", "2027-01-01", "amount overflow");
    quote_fails(big, RZ_MODE_NIGHTLY, "2026-01-01", "2026-01-03", "amount overflow");
    quote_fails(huge, RZ_MODE_HOURLY, "2026-01-01T10:00:00Z", "2026-01-01T13:00:00Z",
                "amount overflow");
    quote_fails(huge, RZ_MODE_MONTHLY, "2026-01-01", "2026-02-20", "amount overflow");
    quote_fails(none, RZ_MODE_NIGHTLY, "2026-01-01", "2026-01-03", "unit has no price");
    quote_fails(none, RZ_MODE_HOURLY, "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z",
                "unit has no price");
    /* a stay rz_stay_derive cannot produce */
    st.mode = RZ_MODE_NIGHTLY;
    st.check_in = st.check_out = T("2026-01-01T12:00:00Z");
    st.check_in_date = st.check_out_date = D("2026-01-01");
    ck_assert_ptr_null(rz_price_quote(big, est, &st, &err));
    ck_assert_str_eq(err, "stay out of range");
    /* exactly 10^12 is still money */
    q = quote(big, RZ_MODE_NIGHTLY, "2026-01-01", "2026-01-02");
    ck_assert_int_eq(I(q, "total"), 1000000000000LL);
    ck_assert_int_eq(I(q, "taxAmount"), 152542372881LL);
    json_decref(q);
    json_decref(big);
    json_decref(huge);
    json_decref(none);
}
END_TEST

/* ---- booking codes --------------------------------------------------------------------------- */

static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

START_TEST(codes_new)
{
    static char seen[1000][RZ_BKCODE_LEN + 1];
    char norm[RZ_BKCODE_LEN + 1];
    int i, j, k;

    for (i = 0; i < 1000; i++) {
        rz_bkcode_new(seen[i]);
        ck_assert_int_eq(strlen(seen[i]), RZ_BKCODE_LEN);
        ck_assert(strncmp(seen[i], "RZ-", 3) == 0 && seen[i][7] == '-');
        for (k = 3; k < RZ_BKCODE_LEN; k++) {
            ck_assert_msg(k == 7 || strchr(code_alphabet, seen[i][k]), "%s", seen[i]);
        }
        ck_assert_int_eq(rz_bkcode_normalize(seen[i], norm), 0);
        ck_assert_str_eq(norm, seen[i]);
        for (j = 0; j < i; j++) {
            ck_assert_str_ne(seen[i], seen[j]);
        }
    }
}
END_TEST

START_TEST(codes_normalize)
{
    static const struct {
        const char *in, *out;
    } ok[] = {{"RZ-7KQ2-M9XD", "RZ-7KQ2-M9XD"},   {"rz-7kq2m9xd", "RZ-7KQ2-M9XD"},
              {"RZ 7KQ2 M9XD", "RZ-7KQ2-M9XD"},   {" rz7kq2m9xd ", "RZ-7KQ2-M9XD"},
              {"RZ-OOOO-0000", "RZ-0000-0000"},   {"rz-iLl1-oOzz", "RZ-1111-00ZZ"},
              {"R-Z--7KQ2-M9XD-", "RZ-7KQ2-M9XD"}};
    static const char *const bad[] = {
        "RZ-7KQ2-M9X",   "RZ-7KQ2-M9XDA",       "RX-7KQ2-M9XD", "7KQ2-M9XD",
        "RZ-7KQ2-M9XU",  "RZ-7KQ2-M9X!",        "RZ-7KQ2_M9XD", "",
        "RZ-7KQ2\tM9XD", "RZ-7KQ2-M9X\xc3\xa9", "ZR-7KQ2-M9XD"};
    char out[RZ_BKCODE_LEN + 1];
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        ck_assert_msg(rz_bkcode_normalize(ok[i].in, out) == 0, "[%s] refused", ok[i].in);
        ck_assert_str_eq(out, ok[i].out);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(rz_bkcode_normalize(bad[i], out) == -1, "[%s] accepted", bad[i]);
    }
    ck_assert_int_eq(rz_bkcode_normalize(NULL, out), -1);
}
END_TEST

Suite *pricing_suite(void)
{
    Suite *s = suite_create("pricing");
    TCase *stay = tcase_create("stay"), *price = tcase_create("pricing");
    TCase *codes = tcase_create("codes");

    tcase_add_checked_fixture(stay, setup, teardown);
    tcase_add_test(stay, clock_defaults_and_doc);
    tcase_add_test(stay, local_and_business_dates);
    tcase_add_test(stay, modes);
    tcase_add_test(stay, stay_points);
    tcase_add_test(stay, derive_nightly);
    tcase_add_test(stay, derive_limits);
    tcase_add_test(stay, derive_monthly);
    tcase_add_test(stay, add_months_and_span);
    tcase_add_test(stay, booking_window);
    tcase_add_checked_fixture(price, setup, teardown);
    tcase_add_test(price, round_half_up);
    tcase_add_test(price, price_on);
    tcase_add_test(price, worked_example_nightly);
    tcase_add_test(price, seasons_across_boundaries);
    tcase_add_test(price, long_stay_tiers);
    tcase_add_test(price, vat_and_currency);
    tcase_add_test(price, worked_example_hourly);
    tcase_add_test(price, worked_example_monthly);
    tcase_add_test(price, monthly_seasons_and_exact_months);
    tcase_add_test(price, overflow_and_no_price);
    tcase_add_test(codes, codes_new);
    tcase_add_test(codes, codes_normalize);
    suite_add_tcase(s, stay);
    suite_add_tcase(s, price);
    suite_add_tcase(s, codes);
    return s;
}
