/* rz_time.h: the server clock (with the test offset), RFC 3339 timestamps and calendar dates (SPEC 2.7). */
#ifndef RZ_TIME_H
#define RZ_TIME_H

#include <stdint.h>

/* Seconds since the Unix epoch, UTC, plus the test clock offset (0 unless set). Thread-safe. */
int64_t rz_now(void);

/* Sets the offset added by rz_now() (test builds: RuziziTestClockFile). */
void rz_clock_set_offset(int64_t seconds);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t rz_days_from_civil(int y, int m, int d);
void rz_civil_from_days(int64_t days, int *y, int *m, int *d);

/* Parses "YYYY-MM-DD": a valid Gregorian date between 2000-01-01 and 2100-12-31.
 * Returns 0 and sets *days (days since epoch), or -1. */
int rz_date_parse(const char *s, int64_t *days);

/* Formats days since epoch as "YYYY-MM-DD" into out[11]. */
void rz_date_format(int64_t days, char out[11]);

/* Parses RFC 3339 with a mandatory offset ("Z" or +-HH:MM): "YYYY-MM-DDTHH:MM[:SS[.frac]](Z|+-HH:MM)",
 * 'T' or 't', fractions truncated. Returns 0 and sets *epoch (UTC seconds), or -1. */
int rz_datetime_parse(const char *s, int64_t *epoch);

/* Formats epoch seconds as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void rz_timestamp_format(int64_t epoch, char out[21]);

/* Parses "HH:MM" (00:00..23:59): 0 and *minutes since midnight, or -1. */
int rz_hhmm_parse(const char *s, int *minutes);

/* Parses a UTC offset "+HH:MM"/"-HH:MM" within -12:00..+14:00, minutes 00/30/45: 0 and *minutes, or -1. */
int rz_utc_offset_parse(const char *s, int *minutes);

#endif
