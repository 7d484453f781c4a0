/* test_text_time.c: unit tests of rz_text.c (trim, email, phone...) and rz_time.c (dates). */
/* timegm (the independent oracle for epoch arithmetic) comes from _GNU_SOURCE, set by configure */
#include <apr_pools.h>
#include <apr_strings.h>
#include <check.h>
#include <string.h>
#include <time.h>

#include "core/rz_text.h"
#include "core/rz_time.h"
#include "unit_suites.h"

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* n copies of unit, in pool. */
static char *repeat(const char *unit, int n)
{
    size_t len = strlen(unit);
    char *s = apr_palloc(pool, len * (size_t)n + 1);
    int i;

    /* linear: the long strings of the limit tests stay cheap under sanitizers */
    for (i = 0; i < n; i++) {
        memcpy(s + len * (size_t)i, unit, len);
    }
    s[len * (size_t)n] = '\0';
    return s;
}

/* UTF-8 encoding of one code point, in pool. */
static char *utf8(unsigned cp)
{
    char b[5] = {0};

    if (cp < 0x80) {
        b[0] = (char)cp;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
    }
    return apr_pstrdup(pool, b);
}

/* ---- text ------------------------------------------------------------------------------- */

static const unsigned white_space[] = {0x09,   0x0a,   0x0b,   0x0c,   0x0d,   0x20,   0x85,
                                       0xa0,   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
                                       0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
                                       0x2029, 0x202f, 0x205f, 0x3000};

START_TEST(trim_every_white_space)
{
    size_t i;

    for (i = 0; i < sizeof(white_space) / sizeof(white_space[0]); i++) {
        const char *w = utf8(white_space[i]);
        const char *in = apr_pstrcat(pool, w, w, "a", w, "b", w, NULL);
        ck_assert_msg(strcmp(rz_text_trim(pool, in), apr_pstrcat(pool, "a", w, "b", NULL)) == 0,
                      "U+%04X not trimmed", white_space[i]);
        ck_assert_str_eq(rz_text_trim(pool, w), "");
    }
}
END_TEST

START_TEST(trim_keeps_non_space)
{
    /* U+200B ZERO WIDTH SPACE and U+180E are not White_Space */
    const char *zw = utf8(0x200b), *mvs = utf8(0x180e);

    ck_assert_str_eq(rz_text_trim(pool, zw), zw);
    ck_assert_str_eq(rz_text_trim(pool, mvs), mvs);
    ck_assert_str_eq(rz_text_trim(pool, ""), "");
    ck_assert_str_eq(rz_text_trim(pool, "abc"), "abc");
    ck_assert_str_eq(rz_text_trim(pool, " \xc3\xa9t\xc3\xa9 "), "\xc3\xa9t\xc3\xa9");
    ck_assert_str_eq(rz_text_trim(pool, "\xf0\x9f\x98\x80\xe3\x80\x80"), "\xf0\x9f\x98\x80");
}
END_TEST

START_TEST(codepoints)
{
    ck_assert_uint_eq(rz_text_codepoints(""), 0);
    ck_assert_uint_eq(rz_text_codepoints("abc"), 3);
    ck_assert_uint_eq(rz_text_codepoints("\xc3\xa9"), 1);
    ck_assert_uint_eq(rz_text_codepoints("\xe2\x82\xac\xf0\x9f\x98\x80x"), 3);
    ck_assert_uint_eq(rz_text_codepoints(repeat("\xc3\xa9", 50)), 50);
}
END_TEST

START_TEST(control_characters)
{
    char s[4] = {'a', 0, 'b', 0};
    int c;

    for (c = 1; c < 0x20; c++) {
        s[1] = (char)c;
        ck_assert_int_eq(rz_text_has_bad_control(s), !(c == '\t' || c == '\n' || c == '\r'));
    }
    ck_assert_int_eq(rz_text_has_bad_control("a\x7f"), 1);
    ck_assert_int_eq(rz_text_has_bad_control("\xc3\xa9\xc2\x85 ~"), 0);
    ck_assert_int_eq(rz_text_has_bad_control(""), 0);
}
END_TEST

START_TEST(fold_ascii_only)
{
    ck_assert_str_eq(rz_text_fold(pool, "AbC-Z@\xc3\x80\xc3\xa9"), "abc-z@\xc3\x80\xc3\xa9");
}
END_TEST

START_TEST(email_valid)
{
    ck_assert_str_eq(rz_email_normalize(pool, "Ana.B+tag@Example-Hotel.CO.bi"),
                     "ana.b+tag@example-hotel.co.bi");
    ck_assert_str_eq(rz_email_normalize(pool, "x@y.z"), "x@y.z");
    ck_assert_str_eq(rz_email_normalize(pool, "\xc3\x89lise@a.bi"), "\xc3\x89lise@a.bi");
}
END_TEST

START_TEST(email_invalid)
{
    static const char *bad[] = {"",
                                "@",
                                "a",
                                "a@",
                                "@b.c",
                                "a@b",
                                "a@@b.c",
                                "a@b@c.d",
                                "a b@c.d",
                                "a\xc2\xa0@c.d",
                                "a@b_c.d",
                                "a@b..c",
                                "a@.b.c",
                                "a@b.c.",
                                "a@b.c ",
                                " a@b.c",
                                "a@b\xc3\xa9.c",
                                "a@b.c/d",
                                "a\t@b.c",
                                NULL};
    int i;

    for (i = 0; bad[i]; i++) {
        ck_assert_msg(rz_email_normalize(pool, bad[i]) == NULL, "accepted: [%s]", bad[i]);
    }
}
END_TEST

START_TEST(email_limits)
{
    const char *l64 = repeat("a", 64);
    /* 64 + 1 + 189 = 254 characters in total */
    const char *d189 = apr_pstrcat(pool, repeat("b", 185), ".com", NULL);

    ck_assert_ptr_nonnull(rz_email_normalize(pool, apr_pstrcat(pool, l64, "@b.c", NULL)));
    ck_assert_ptr_null(rz_email_normalize(pool, apr_pstrcat(pool, l64, "a@b.c", NULL)));
    ck_assert_ptr_nonnull(
        rz_email_normalize(pool, apr_pstrcat(pool, repeat("\xc3\xa9", 64), "@b.c", NULL)));
    ck_assert_ptr_null(
        rz_email_normalize(pool, apr_pstrcat(pool, repeat("\xc3\xa9", 65), "@b.c", NULL)));
    ck_assert_ptr_nonnull(rz_email_normalize(pool, apr_pstrcat(pool, l64, "@", d189, NULL)));
    ck_assert_ptr_null(rz_email_normalize(pool, apr_pstrcat(pool, l64, "@b", d189, NULL)));
}
END_TEST

START_TEST(phone_table)
{
    static const char *cases[][3] = {
        {"79 00 00 00", "BI", "+25779000000"},
        {"+257 79 00 00 00", "BI", "+25779000000"},
        {"00257 79-00-00-00", "BI", "+25779000000"},
        {"(079) 00.00.00", "BI", "+25779000000"},
        {"0788 123 456", "RW", "+250788123456"},
        {"0754 123 456", "TZ", "+255754123456"},
        {"0712 345678", "KE", "+254712345678"},
        {"0772 123456", "UG", "+256772123456"},
        {"0812 345 678", "CD", "+243812345678"},
        {"06 12 34 56 78", "FR", "+33612345678"},
        {"0470 12 34 56", "BE", "+32470123456"},
        {"(202) 555-0100", "US", "+12025550100"},
        {"+33 6 12 34 56 78", "BI", "+33612345678"},
        {"+33612345678", "ZZ", "+33612345678"}, /* international: the country is not used */
        {"0033612345678", NULL, "+33612345678"},
        {"79\xc2\xa0"
         "00\xe2\x80\xaf"
         "00\xe2\x80\x89"
         "00",
         "BI", "+25779000000"}, /* NBSP, NNBSP */
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = rz_phone_normalize(pool, cases[i][0], cases[i][1]);
        ck_assert_msg(got && strcmp(got, cases[i][2]) == 0, "%s (%s) -> %s", cases[i][0],
                      cases[i][1] ? cases[i][1] : "null", got ? got : "NULL");
    }
}
END_TEST

START_TEST(phone_invalid)
{
    static const char *bad[] = {"",
                                "+",
                                "00",
                                "abc",
                                "79 00 00 0a",
                                "+257 79+000000",
                                "+257\t79000000",
                                "79/00/00/00",
                                "++25779000000",
                                NULL};
    int i;

    for (i = 0; bad[i]; i++) {
        ck_assert_msg(rz_phone_normalize(pool, bad[i], "BI") == NULL, "accepted: [%s]", bad[i]);
    }
    /* national numbers need a country in the table */
    ck_assert_ptr_null(rz_phone_normalize(pool, "79000000", "ZZ"));
    ck_assert_ptr_null(rz_phone_normalize(pool, "79000000", NULL));
    ck_assert_ptr_null(rz_phone_normalize(pool, "79000000", "bi"));
}
END_TEST

START_TEST(phone_length_bounds)
{
    ck_assert_ptr_null(rz_phone_normalize(pool, "+1234567", "BI"));             /* 7 digits */
    ck_assert_str_eq(rz_phone_normalize(pool, "+12345678", "BI"), "+12345678"); /* 8 */
    ck_assert_str_eq(rz_phone_normalize(pool, "+123456789012345", "BI"), "+123456789012345");
    ck_assert_ptr_null(rz_phone_normalize(pool, "+1234567890123456", "BI")); /* 16 */
    /* national: 257 + 5 digits = 8; 257 + 4 = 7 */
    ck_assert_str_eq(rz_phone_normalize(pool, "012345", "BI"), "+25712345");
    ck_assert_ptr_null(rz_phone_normalize(pool, "01234", "BI"));
    ck_assert_str_eq(rz_phone_normalize(pool, "123456789012", "BI"), "+257123456789012");
    ck_assert_ptr_null(rz_phone_normalize(pool, "1234567890123", "BI"));
}
END_TEST

START_TEST(country_codes)
{
    ck_assert_int_eq(rz_country_valid("BI"), 1);
    ck_assert_int_eq(rz_country_valid("US"), 1);
    ck_assert_int_eq(rz_country_valid("AD"), 1);
    ck_assert_int_eq(rz_country_valid("ZW"), 1);
    ck_assert_int_eq(rz_country_valid("bi"), 0);
    ck_assert_int_eq(rz_country_valid("Bi"), 0);
    ck_assert_int_eq(rz_country_valid("XX"), 0);
    ck_assert_int_eq(rz_country_valid("B"), 0);
    ck_assert_int_eq(rz_country_valid("BII"), 0);
    ck_assert_int_eq(rz_country_valid(""), 0);
    ck_assert_int_eq(rz_country_valid(NULL), 0);
}
END_TEST

Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("text");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, trim_every_white_space);
    tcase_add_test(tc, trim_keeps_non_space);
    tcase_add_test(tc, codepoints);
    tcase_add_test(tc, control_characters);
    tcase_add_test(tc, fold_ascii_only);
    tcase_add_test(tc, email_valid);
    tcase_add_test(tc, email_invalid);
    tcase_add_test(tc, email_limits);
    tcase_add_test(tc, phone_table);
    tcase_add_test(tc, phone_invalid);
    tcase_add_test(tc, phone_length_bounds);
    tcase_add_test(tc, country_codes);
    suite_add_tcase(s, tc);
    return s;
}

/* ---- time ------------------------------------------------------------------------------- */

/* Epoch seconds of a UTC civil time, computed by libc (an oracle independent of rz_time.c). */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {0};

    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (int64_t)timegm(&tm);
}

START_TEST(clock_offset)
{
    int64_t before = (int64_t)time(NULL);
    int64_t now;

    rz_clock_set_offset(86400 * 10);
    now = rz_now();
    ck_assert(now >= before + 86400 * 10 && now <= (int64_t)time(NULL) + 86400 * 10);
    rz_clock_set_offset(-3600);
    now = rz_now();
    ck_assert(now >= before - 3600 && now <= (int64_t)time(NULL) - 3600);
    rz_clock_set_offset(0);
    now = rz_now();
    ck_assert(now >= before && now <= (int64_t)time(NULL));
}
END_TEST

START_TEST(civil_days_against_libc)
{
    int64_t days;

    ck_assert_int_eq(rz_days_from_civil(1970, 1, 1), 0);
    for (days = -1000; days < 60000; days += 7) {
        int y, m, d;
        rz_civil_from_days(days, &y, &m, &d);
        ck_assert_int_eq(rz_days_from_civil(y, m, d), days);
        ck_assert_int_eq(utc(y, m, d, 0, 0, 0), days * 86400);
    }
    ck_assert_int_eq(rz_days_from_civil(2000, 3, 1) - rz_days_from_civil(2000, 2, 28), 2);
    ck_assert_int_eq(rz_days_from_civil(2100, 3, 1) - rz_days_from_civil(2100, 2, 28), 1);
}
END_TEST

START_TEST(date_parse_valid)
{
    int64_t days = -1;

    ck_assert_int_eq(rz_date_parse("2000-01-01", &days), 0);
    ck_assert_int_eq(days * 86400, utc(2000, 1, 1, 0, 0, 0));
    ck_assert_int_eq(rz_date_parse("2100-12-31", &days), 0);
    ck_assert_int_eq(days * 86400, utc(2100, 12, 31, 0, 0, 0));
    ck_assert_int_eq(rz_date_parse("2024-02-29", &days), 0);
    ck_assert_int_eq(rz_date_parse("2000-02-29", &days), 0);
    ck_assert_int_eq(rz_date_parse("2026-04-30", &days), 0);
    ck_assert_int_eq(rz_date_parse("2026-12-31", &days), 0);
    ck_assert_int_eq(days * 86400, utc(2026, 12, 31, 0, 0, 0));
}
END_TEST

START_TEST(date_parse_invalid)
{
    static const char *bad[] = {
        "1999-12-31",  "2101-01-01", "2026-02-29",        "2026-02-30", "2100-02-29", "2026-04-31",
        "2026-13-01",  "2026-00-10", "2026-01-00",        "2026-1-01",  "2026-01-1",  " 2026-01-01",
        "2026-01-01 ", "2026/01/01", "2026-01-01T00:00Z", "20260101",   "",           "+026-01-01",
        "2026-01-0a",  NULL};
    int64_t days = 42;
    int i;

    for (i = 0; bad[i]; i++) {
        ck_assert_msg(rz_date_parse(bad[i], &days) == -1, "accepted: [%s]", bad[i]);
    }
    ck_assert_int_eq(days, 42);
    ck_assert_int_eq(rz_date_parse(NULL, &days), -1);
}
END_TEST

START_TEST(date_format_roundtrip)
{
    char out[11];
    int64_t days, back;

    rz_date_format(0, out);
    ck_assert_str_eq(out, "1970-01-01");
    rz_date_format(utc(2026, 11, 25, 0, 0, 0) / 86400, out);
    ck_assert_str_eq(out, "2026-11-25");
    for (days = rz_days_from_civil(2000, 1, 1); days <= rz_days_from_civil(2100, 12, 31);
         days += 13) {
        rz_date_format(days, out);
        ck_assert_int_eq(rz_date_parse(out, &back), 0);
        ck_assert_int_eq(back, days);
    }
}
END_TEST

START_TEST(datetime_parse_valid)
{
    int64_t t = 0;

    ck_assert_int_eq(rz_datetime_parse("2026-11-25T05:00:00Z", &t), 0);
    ck_assert_int_eq(t, utc(2026, 11, 25, 5, 0, 0));
    ck_assert_int_eq(rz_datetime_parse("2026-11-25T07:00:00+02:00", &t), 0);
    ck_assert_int_eq(t, utc(2026, 11, 25, 5, 0, 0));
    ck_assert_int_eq(rz_datetime_parse("2026-11-25T07:00+02:00", &t), 0);
    ck_assert_int_eq(t, utc(2026, 11, 25, 5, 0, 0));
    ck_assert_int_eq(rz_datetime_parse("2026-11-25t05:00:59.999999z", &t), 0);
    ck_assert_int_eq(t, utc(2026, 11, 25, 5, 0, 59));
    ck_assert_int_eq(rz_datetime_parse("2026-01-01T01:00:00+02:00", &t), 0);
    ck_assert_int_eq(t, utc(2025, 12, 31, 23, 0, 0));
    ck_assert_int_eq(rz_datetime_parse("2026-11-25T00:30:00-05:30", &t), 0);
    ck_assert_int_eq(t, utc(2026, 11, 25, 6, 0, 0));
    ck_assert_int_eq(rz_datetime_parse("2026-11-25T23:59:59+23:59", &t), 0);
    ck_assert_int_eq(t, utc(2026, 11, 25, 0, 0, 59));
    ck_assert_int_eq(rz_datetime_parse("2026-11-25T00:00-00:00", &t), 0);
    ck_assert_int_eq(t, utc(2026, 11, 25, 0, 0, 0));
}
END_TEST

START_TEST(datetime_parse_invalid)
{
    static const char *bad[] = {"2026-11-25T05:00:00",
                                "2026-11-25T05:00",
                                "2026-11-25",
                                "2026-11-25 05:00:00Z",
                                "2026-11-25T24:00:00Z",
                                "2026-11-25T23:60:00Z",
                                "2026-11-25T23:59:60Z",
                                "2026-02-30T10:00:00Z",
                                "2026-11-25T05:00:00+24:00",
                                "2026-11-25T05:00:00+25:00",
                                "2026-11-25T05:00:00+02:60",
                                "2026-11-25T05:00:00+0200",
                                "2026-11-25T05:00:00+02",
                                "2026-11-25T05:00:00.Z",
                                "2026-11-25T05:00:00Zx",
                                "2026-11-25T05:00:00Z ",
                                "2026-11-25T5:00:00Z",
                                "2026-11-25T05:00:0Z",
                                "2026-11-25T05:00:00ZZ",
                                "2026-11-25T05:00:00+02:00:00",
                                "1999-12-31T23:00:00Z",
                                "2026-11-25T05:00:00.5",
                                "2026-11-25T05:00:00 +02:00",
                                "",
                                NULL};
    int64_t t = 42;
    int i;

    for (i = 0; bad[i]; i++) {
        ck_assert_msg(rz_datetime_parse(bad[i], &t) == -1, "accepted: [%s]", bad[i]);
    }
    ck_assert_int_eq(t, 42);
    ck_assert_int_eq(rz_datetime_parse(NULL, &t), -1);
}
END_TEST

START_TEST(timestamp_format)
{
    char out[21];
    int64_t t, back;

    rz_timestamp_format(0, out);
    ck_assert_str_eq(out, "1970-01-01T00:00:00Z");
    rz_timestamp_format(-1, out);
    ck_assert_str_eq(out, "1969-12-31T23:59:59Z");
    rz_timestamp_format(utc(2026, 11, 25, 5, 7, 9), out);
    ck_assert_str_eq(out, "2026-11-25T05:07:09Z");
    for (t = utc(2000, 1, 1, 0, 0, 0); t < utc(2100, 12, 31, 0, 0, 0); t += 86400 * 97 + 3631) {
        rz_timestamp_format(t, out);
        ck_assert_int_eq(rz_datetime_parse(out, &back), 0);
        ck_assert_int_eq(back, t);
    }
}
END_TEST

START_TEST(hhmm)
{
    static const char *bad[] = {"24:00", "23:60", "1:00", "01:0",  "01:00 ",   " 01:00", "01-00",
                                "0100",  "aa:bb", "",     "-1:00", "01:00:00", NULL};
    int m = -1, i;

    ck_assert_int_eq(rz_hhmm_parse("00:00", &m), 0);
    ck_assert_int_eq(m, 0);
    ck_assert_int_eq(rz_hhmm_parse("23:59", &m), 0);
    ck_assert_int_eq(m, 23 * 60 + 59);
    ck_assert_int_eq(rz_hhmm_parse("06:30", &m), 0);
    ck_assert_int_eq(m, 390);
    for (i = 0; bad[i]; i++) {
        ck_assert_msg(rz_hhmm_parse(bad[i], &m) == -1, "accepted: [%s]", bad[i]);
    }
}
END_TEST

START_TEST(utc_offset)
{
    static const struct {
        const char *s;
        int ok, minutes;
    } cases[] = {
        {"+02:00", 1, 120}, {"-12:00", 1, -720}, {"+14:00", 1, 840}, {"+05:45", 1, 345},
        {"+05:30", 1, 330}, {"-03:30", 1, -210}, {"+00:00", 1, 0},   {"-00:00", 1, 0},
        {"-12:30", 0, 0},   {"-12:01", 0, 0},    {"+14:30", 0, 0},   {"+14:01", 0, 0},
        {"+05:15", 0, 0},   {"+02:60", 0, 0},    {"02:00", 0, 0},    {"+2:00", 0, 0},
        {"Z", 0, 0},        {"+0200", 0, 0},     {"+02:00 ", 0, 0},  {"", 0, 0},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int m = 9999;
        int rc = rz_utc_offset_parse(cases[i].s, &m);
        ck_assert_msg(rc == (cases[i].ok ? 0 : -1), "[%s] rc %d", cases[i].s, rc);
        if (cases[i].ok) {
            ck_assert_int_eq(m, cases[i].minutes);
        }
    }
}
END_TEST

Suite *time_suite(void)
{
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("time");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, clock_offset);
    tcase_add_test(tc, civil_days_against_libc);
    tcase_add_test(tc, date_parse_valid);
    tcase_add_test(tc, date_parse_invalid);
    tcase_add_test(tc, date_format_roundtrip);
    tcase_add_test(tc, datetime_parse_valid);
    tcase_add_test(tc, datetime_parse_invalid);
    tcase_add_test(tc, timestamp_format);
    tcase_add_test(tc, hhmm);
    tcase_add_test(tc, utc_offset);
    suite_add_tcase(s, tc);
    return s;
}
