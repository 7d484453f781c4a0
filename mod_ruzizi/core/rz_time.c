/* rz_time.c: server clock with test offset, civil dates, RFC 3339 and HH:MM (SPEC 2.7). */
#include "core/rz_time.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define RZ_DATE_MIN_YEAR 2000
#define RZ_DATE_MAX_YEAR 2100

static _Atomic int64_t clock_offset;

int64_t rz_now(void)
{
    return (int64_t)time(NULL) + atomic_load(&clock_offset);
}

void rz_clock_set_offset(int64_t seconds)
{
    atomic_store(&clock_offset, seconds);
}

/* Howard Hinnant's days_from_civil (http://howardhinnant.github.io/date_algorithms.html). */
int64_t rz_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

void rz_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;

    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dim[m - 1];
}

/* Reads exactly n ASCII digits at s into *out; -1 if any is not a digit. */
static int read_digits(const char *s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "YYYY-MM-DD" at s (not necessarily terminated after it), in the SPEC 2.7 range. */
static int date_prefix_parse(const char *s, int64_t *days)
{
    int y, m, d;

    if (read_digits(s, 4, &y) || s[4] != '-' || read_digits(s + 5, 2, &m) || s[7] != '-'
        || read_digits(s + 8, 2, &d)) {
        return -1;
    }
    if (y < RZ_DATE_MIN_YEAR || y > RZ_DATE_MAX_YEAR || m < 1 || m > 12 || d < 1
        || d > days_in_month(y, m)) {
        return -1;
    }
    *days = rz_days_from_civil(y, m, d);
    return 0;
}

int rz_date_parse(const char *s, int64_t *days)
{
    if (!s || strlen(s) != 10) {
        return -1;
    }
    return date_prefix_parse(s, days);
}

/* Writes v as exactly n decimal digits at p (v is reduced modulo 10^n). */
static void put_digits(char *p, unsigned v, int n)
{
    while (n-- > 0) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* "YYYY-MM-DD" into out[10] (no terminator); years outside 0..9999 are clamped so the fixed width
 * always holds (such days are never produced from validated input). */
static void civil_put(int64_t days, char *out)
{
    int y, m, d;

    rz_civil_from_days(days, &y, &m, &d);
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    put_digits(out, (unsigned)y, 4);
    out[4] = '-';
    put_digits(out + 5, (unsigned)m, 2);
    out[7] = '-';
    put_digits(out + 8, (unsigned)d, 2);
}

void rz_date_format(int64_t days, char out[11])
{
    civil_put(days, out);
    out[10] = '\0';
}

/* "HH:MM" at s (not necessarily terminated), 00:00..23:59: minutes since midnight or -1. */
static int hhmm_prefix(const char *s)
{
    int h, m;

    if (read_digits(s, 2, &h) || s[2] != ':' || read_digits(s + 3, 2, &m) || h > 23 || m > 59) {
        return -1;
    }
    return h * 60 + m;
}

/* "Z"/"z" or "+HH:MM"/"-HH:MM" (hours 00..23, minutes 00..59, RFC 3339 numoffset) ending the
 * string. */
static int offset_suffix(const char *s, int *minutes)
{
    int v;

    if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
        *minutes = 0;
        return 0;
    }
    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || (v = hhmm_prefix(s + 1)) < 0) {
        return -1;
    }
    *minutes = s[0] == '-' ? -v : v;
    return 0;
}

int rz_datetime_parse(const char *s, int64_t *epoch)
{
    int64_t days;
    int hm, sec = 0, off;
    const char *p;

    if (!s || strlen(s) < 17 || date_prefix_parse(s, &days) != 0 || (s[10] != 'T' && s[10] != 't')
        || (hm = hhmm_prefix(s + 11)) < 0) {
        return -1;
    }
    p = s + 16;
    if (*p == ':') {
        /* RFC 3339 allows 60 for a leap second; SPEC says nothing of them, so refuse it */
        if (read_digits(p + 1, 2, &sec) || sec > 59) {
            return -1;
        }
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9') {
                return -1;
            }
            while (*p >= '0' && *p <= '9') {
                p++;
            }
        }
    }
    if (offset_suffix(p, &off) != 0) {
        return -1;
    }
    *epoch = days * 86400 + (int64_t)hm * 60 + sec - (int64_t)off * 60;
    return 0;
}

void rz_timestamp_format(int64_t epoch, char out[21])
{
    /* floor division, so instants before 1970 land on the right day */
    int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
    int64_t rem = epoch - days * 86400;

    civil_put(days, out);
    out[10] = 'T';
    put_digits(out + 11, (unsigned)(rem / 3600), 2);
    out[13] = ':';
    put_digits(out + 14, (unsigned)(rem % 3600 / 60), 2);
    out[16] = ':';
    put_digits(out + 17, (unsigned)(rem % 60), 2);
    out[19] = 'Z';
    out[20] = '\0';
}

int rz_hhmm_parse(const char *s, int *minutes)
{
    int v;

    if (!s || strlen(s) != 5 || (v = hhmm_prefix(s)) < 0) {
        return -1;
    }
    *minutes = v;
    return 0;
}

int rz_utc_offset_parse(const char *s, int *minutes)
{
    int v, mm;

    if (!s || (s[0] != '+' && s[0] != '-') || strlen(s) != 6 || (v = hhmm_prefix(s + 1)) < 0) {
        return -1;
    }
    mm = v % 60;
    if (mm != 0 && mm != 30 && mm != 45) {
        return -1;
    }
    v = s[0] == '-' ? -v : v;
    if (v < -12 * 60 || v > 14 * 60) {
        return -1;
    }
    *minutes = v;
    return 0;
}
