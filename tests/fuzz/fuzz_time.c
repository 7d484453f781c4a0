/* fuzz_time.c: libFuzzer harness of date, datetime, HH:MM and UTC offset parsing (SPEC 2.7):
 * what parses formats back to a value that parses to the same instant. */
#include "fuzz_common.h"

#include "core/rz_time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_pool();
    const char *s = fz_cstr(p, data, size);
    int64_t days, days2, epoch, epoch2;
    char buf[21];
    int minutes, y, m, d;

    if (rz_date_parse(s, &days) == 0) {
        FZ_CHECK(days >= rz_days_from_civil(2000, 1, 1)
                 && days <= rz_days_from_civil(2100, 12, 31));
        rz_date_format(days, buf);
        FZ_CHECK(strncmp(buf, s, 10) == 0 && strlen(s) == 10);
        FZ_CHECK(rz_date_parse(buf, &days2) == 0 && days2 == days);
        rz_civil_from_days(days, &y, &m, &d);
        FZ_CHECK(rz_days_from_civil(y, m, d) == days);
    }
    if (rz_datetime_parse(s, &epoch) == 0) {
        rz_timestamp_format(epoch, buf);
        FZ_CHECK(rz_datetime_parse(buf, &epoch2) == 0 && epoch2 == epoch);
    }
    if (rz_hhmm_parse(s, &minutes) == 0) {
        FZ_CHECK(minutes >= 0 && minutes < 24 * 60);
    }
    if (rz_utc_offset_parse(s, &minutes) == 0) {
        FZ_CHECK(minutes >= -12 * 60 && minutes <= 14 * 60);
    }
    apr_pool_destroy(p);
    return 0;
}
