/* rz_pricing.c: the PricingQuote of a stay (SPEC 6.3, 4.5): seasons, long-stay discounts, hourly
 * minimums, prorated months and the VAT split, in checked int64 arithmetic; httpd-free. */
#include "core/rz_pricing.h"

#include <stdio.h>
#include <string.h>

#include "core/rz_time.h"

#define RZ_DEFAULT_VAT_BPS 1800
#define RZ_BPS_ONE 10000
#define RZ_MAX_SPAN_DAYS                                                                           \
    800 /* past every stay limit of SPEC 2.8 and 6.3 (24 months = 731 days)                        \
         */
#define RZ_ERR_OVERFLOW "amount overflow"
#define RZ_ERR_NO_PRICE "unit has no price"
#define RZ_ERR_STAY "stay out of range"
#define RZ_ERR_NOMEM "out of memory"

/* The default long-stay tiers of SPEC 4.3, {minNights, percentBps}. */
static const int64_t default_tiers[][2] = {{7, 500}, {14, 1000}, {30, 1500}};

int rz_round_half_up(int64_t a, int64_t b, int64_t *out)
{
    int64_t q, r;

    if (b <= 0 || a == INT64_MIN) {
        return -1;
    }
    if (a < 0) {
        if (rz_round_half_up(-a, b, &q) != 0) {
            return -1;
        }
        *out = -q;
        return 0;
    }
    /* floor((2a + b) / 2b) = q + (2r >= b) with a = qb + r, 0 <= r < b: never overflows */
    q = a / b;
    r = a % b;
    *out = q + (r >= b - r ? 1 : 0);
    return 0;
}

/* A positive integer member of `o`, or -1. */
static int64_t positive_member(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    return json_is_integer(v) && json_integer_value(v) > 0 ? (int64_t)json_integer_value(v) : -1;
}

/* The season of pricing.seasons holding `day` (malformed seasons are skipped), or NULL. */
static const json_t *season_on(const json_t *acc, int64_t day)
{
    const json_t *seasons = json_object_get(json_object_get(acc, "pricing"), "seasons");
    const json_t *s;
    int64_t from, to;
    size_t i;

    json_array_foreach (seasons, i, s) {
        if (rz_date_parse(json_string_value(json_object_get(s, "from")), &from) == 0
            && rz_date_parse(json_string_value(json_object_get(s, "to")), &to) == 0 && from <= day
            && day <= to && positive_member(s, "price") > 0
            && json_is_string(json_object_get(s, "name"))) {
            return s;
        }
    }
    return NULL;
}

int64_t rz_price_on(const json_t *acc, int64_t day, const char **label)
{
    const json_t *s = season_on(acc, day);

    if (s) {
        if (label) {
            *label = json_string_value(json_object_get(s, "name"));
        }
        return positive_member(s, "price");
    }
    if (label) {
        *label = "Base rate";
    }
    return positive_member(json_object_get(acc, "pricing"), "basePrice");
}

/* The quote being built: its lines and running subtotal; err set on the first failure. */
typedef struct {
    json_t *lines;
    int64_t subtotal;
    const char *err;
} quote_t;

/* Appends one line; `amount` is already computed. from/to are formatted strings. */
static void add_line(quote_t *q, const char *label, const char *from, const char *to, int64_t qty,
                     const char *unit, int64_t unit_price, int64_t amount)
{
    json_t *line;

    if (q->err) {
        return;
    }
    if (amount > RZ_MONEY_MAX || __builtin_add_overflow(q->subtotal, amount, &q->subtotal)
        || q->subtotal > RZ_MONEY_MAX) {
        q->err = RZ_ERR_OVERFLOW;
        return;
    }
    line = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:I}", "label", label, "from", from, "to", to,
                     "quantity", (json_int_t)qty, "unit", unit, "unitPrice", (json_int_t)unit_price,
                     "amount", (json_int_t)amount);
    if (!line || json_array_append_new(q->lines, line) != 0) {
        q->err = RZ_ERR_NOMEM;
    }
}

/* A line of `qty` units at `unit_price` over the dates [from, to), amount = qty x unit_price. */
static void add_date_line(quote_t *q, const char *label, int64_t from, int64_t to, int64_t qty,
                          const char *unit, int64_t unit_price)
{
    char f[11], t[11];
    int64_t amount;

    if (q->err) {
        return;
    }
    if (__builtin_mul_overflow(qty, unit_price, &amount)) {
        q->err = RZ_ERR_OVERFLOW;
        return;
    }
    rz_date_format(from, f);
    rz_date_format(to, t);
    add_line(q, label, f, t, qty, unit, unit_price, amount);
}

/* Nightly lines: maximal runs of consecutive nights at one season (or at the base rate). */
static void price_nightly(quote_t *q, const json_t *acc, const rz_stay_t *st)
{
    const json_t *run_season = NULL;
    const char *run_label = NULL;
    int64_t d, run_from = st->check_in_date, run_price = 0;

    for (d = st->check_in_date; d <= st->check_out_date && !q->err; d++) {
        const json_t *season = d < st->check_out_date ? season_on(acc, d) : NULL;
        const char *label = NULL;
        int64_t price = 0;

        if (d < st->check_out_date) {
            price = rz_price_on(acc, d, &label);
            if (price < 0) {
                q->err = RZ_ERR_NO_PRICE;
                return;
            }
            if (d > run_from && season == run_season) {
                continue;
            }
        }
        if (d > run_from) {
            add_date_line(q, run_label, run_from, d, d - run_from, "night", run_price);
        }
        run_from = d;
        run_season = season;
        run_label = label;
        run_price = price;
    }
}

/* Monthly lines: one per calendar month from D0, then the prorated remainder (SPEC 6.3). */
static void price_monthly(quote_t *q, const json_t *acc, const rz_stay_t *st, int *months,
                          int *rest)
{
    const char *label;
    int64_t d0 = st->check_in_date, from, price, amount;
    char f[11], t[11];
    int k;

    rz_month_span(d0, st->check_out_date, months, rest);
    /* k = M is the remainder, priced only when R > 0 */
    for (k = 0; k < *months + (*rest > 0) && !q->err; k++) {
        from = rz_add_months(d0, k);
        price = rz_price_on(acc, from, &label);
        if (price < 0) {
            q->err = RZ_ERR_NO_PRICE;
        } else if (k < *months) {
            add_date_line(q, label, from, rz_add_months(d0, k + 1), 1, "month", price);
        } else {
            if (__builtin_mul_overflow((int64_t)*rest, price, &amount)
                || rz_round_half_up(amount, 30, &amount) != 0) {
                q->err = RZ_ERR_OVERFLOW;
                return;
            }
            rz_date_format(from, f);
            rz_date_format(st->check_out_date, t);
            add_line(q, label, f, t, *rest, "prorated_night", price, amount);
        }
    }
}

/* The hourly line: H = max(minHours, ceil(minutes / 60)) hours at the price on checkInDate. */
static void price_hourly(quote_t *q, const json_t *acc, const rz_stay_t *st, int64_t *hours)
{
    const json_t *min = json_object_get(json_object_get(acc, "pricing"), "minHours");
    int64_t minutes = (st->check_out - st->check_in) / 60, price, amount;
    const char *label;
    char f[21], t[21];

    *hours = (minutes + 59) / 60;
    if (json_is_integer(min) && json_integer_value(min) > *hours && json_integer_value(min) <= 24) {
        *hours = (int64_t)json_integer_value(min);
    }
    price = rz_price_on(acc, st->check_in_date, &label);
    if (price < 0) {
        q->err = RZ_ERR_NO_PRICE;
        return;
    }
    if (__builtin_mul_overflow(*hours, price, &amount)) {
        q->err = RZ_ERR_OVERFLOW;
        return;
    }
    rz_timestamp_format(st->check_in, f);
    rz_timestamp_format(st->check_out, t);
    add_line(q, label, f, t, *hours, "hour", price, amount);
}

/* The tier of `est` (or the defaults) with the greatest minNights <= nights: its bps, or 0. */
static int64_t discount_bps(const json_t *est, int nights)
{
    const json_t *tiers = json_object_get(est, "longStayDiscounts");
    int64_t best_min = 0, best_bps = 0, min, bps;
    size_t i, n = json_is_array(tiers) ? json_array_size(tiers) : 3;

    for (i = 0; i < n; i++) {
        if (json_is_array(tiers)) {
            min = positive_member(json_array_get(tiers, i), "minNights");
            bps = positive_member(json_array_get(tiers, i), "percentBps");
        } else {
            min = default_tiers[i][0];
            bps = default_tiers[i][1];
        }
        if (min > 0 && bps > 0 && bps <= RZ_BPS_ONE && min <= nights && min > best_min) {
            best_min = min;
            best_bps = bps;
        }
    }
    return best_bps;
}

/* The establishment's VAT rate, 1800 when absent or malformed. */
static int64_t vat_bps(const json_t *est)
{
    const json_t *v = json_object_get(est, "vatRateBps");

    if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= RZ_BPS_ONE) {
        return (int64_t)json_integer_value(v);
    }
    return RZ_DEFAULT_VAT_BPS;
}

/* The quote's currency: the establishment's, else the unit's, else BIF. */
static const char *quote_currency(const json_t *acc, const json_t *est)
{
    const char *c = json_string_value(json_object_get(est, "currency"));

    if (!c) {
        c = json_string_value(json_object_get(json_object_get(acc, "pricing"), "currency"));
    }
    return c ? c : "BIF";
}

/* The discount object {percentBps, amount, reason} for `subtotal`, or NULL with q->err. */
static json_t *make_discount(quote_t *q, int64_t bps, int nights, int64_t *amount)
{
    char reason[48];
    int64_t product;

    *amount = 0;
    if (bps == 0) {
        return json_pack("{s:i, s:i, s:n}", "percentBps", 0, "amount", 0, "reason");
    }
    if (__builtin_mul_overflow(q->subtotal, bps, &product)
        || rz_round_half_up(product, RZ_BPS_ONE, amount) != 0) {
        q->err = RZ_ERR_OVERFLOW;
        return NULL;
    }
    snprintf(reason, sizeof(reason), "Long stay: %d nights", nights);
    return json_pack("{s:I, s:I, s:s}", "percentBps", (json_int_t)bps, "amount",
                     (json_int_t)*amount, "reason", reason);
}

/* Sets key := v (stolen, NULL tolerated) on o; counts failures in *bad. */
static void put(json_t *o, const char *key, json_t *v, int *bad)
{
    if (!v || json_object_set_new(o, key, v) != 0) {
        (*bad)++;
    }
}

/* The totals of SPEC 6.3 (total, taxRateBps, taxAmount, netAmount) into `quote`. */
static void put_totals(quote_t *q, json_t *quote, const json_t *est, int64_t disc_amount, int *bad)
{
    int64_t vat = vat_bps(est), total = q->subtotal - disc_amount, product, tax;

    if (__builtin_mul_overflow(total, vat, &product)
        || rz_round_half_up(product, RZ_BPS_ONE + vat, &tax) != 0) {
        q->err = RZ_ERR_OVERFLOW;
        return;
    }
    put(quote, "total", json_integer((json_int_t)total), bad);
    put(quote, "taxRateBps", json_integer((json_int_t)vat), bad);
    put(quote, "taxAmount", json_integer((json_int_t)tax), bad);
    put(quote, "netAmount", json_integer((json_int_t)(total - tax)), bad);
}

/* Prices the lines of the stay's mode into q; the mode-specific counters go to `quote`. */
static void price_lines(quote_t *q, json_t *quote, const json_t *acc, const rz_stay_t *st, int *bad)
{
    int64_t h;
    int m, r;

    if (st->mode == RZ_MODE_HOURLY) {
        price_hourly(q, acc, st, &h);
        put(quote, "nights", json_integer(0), bad);
        put(quote, "months", json_null(), bad);
        put(quote, "extraNights", json_null(), bad);
        put(quote, "hours", json_integer((json_int_t)h), bad);
        return;
    }
    if (st->mode == RZ_MODE_MONTHLY) {
        price_monthly(q, acc, st, &m, &r);
    } else {
        price_nightly(q, acc, st);
    }
    put(quote, "nights", json_integer(st->nights), bad);
    put(quote, "months", st->mode == RZ_MODE_MONTHLY ? json_integer(m) : json_null(), bad);
    put(quote, "extraNights", st->mode == RZ_MODE_MONTHLY ? json_integer(r) : json_null(), bad);
    put(quote, "hours", json_null(), bad);
}

json_t *rz_price_quote(const json_t *acc, const json_t *est, const rz_stay_t *st, const char **err)
{
    quote_t q = {json_array(), 0, NULL};
    json_t *quote = json_object(), *lines = q.lines;
    int64_t disc_amount = 0;
    int bad = 0;

    put(quote, "mode", json_string(rz_mode_name(st->mode)), &bad);
    put(quote, "currency", json_string(quote_currency(acc, est)), &bad);
    if (st->check_out <= st->check_in || st->check_out_date < st->check_in_date
        || st->check_out_date - st->check_in_date > RZ_MAX_SPAN_DAYS) {
        q.err = RZ_ERR_STAY;
    } else if (q.lines) {
        price_lines(&q, quote, acc, st, &bad);
    }
    put(quote, "lines", json_incref(lines), &bad);
    if (!q.err) {
        put(quote, "subtotal", json_integer((json_int_t)q.subtotal), &bad);
        put(quote, "discount",
            make_discount(&q, st->mode == RZ_MODE_NIGHTLY ? discount_bps(est, st->nights) : 0,
                          st->nights, &disc_amount),
            &bad);
    }
    if (!q.err) {
        put_totals(&q, quote, est, disc_amount, &bad);
    }
    json_decref(lines);
    if (!q.err && (bad || !quote)) {
        q.err = RZ_ERR_NOMEM;
    }
    *err = q.err;
    if (q.err) {
        json_decref(quote);
        return NULL;
    }
    return quote;
}
