/* rz_text.h: UTF-8 text rules (SPEC 2.1, 2.5): trimming, code points, control characters, email,
 * phone. */
#ifndef RZ_TEXT_H
#define RZ_TEXT_H

#include <apr_pools.h>
#include <stddef.h>

/* Returns a copy of s in `pool` with leading and trailing Unicode whitespace removed (s is valid
 * UTF-8). */
char *rz_text_trim(apr_pool_t *pool, const char *s);

/* Number of Unicode code points in valid UTF-8 s. */
size_t rz_text_codepoints(const char *s);

/* 1 if s contains a C0 control character other than TAB, LF, CR (or DEL), else 0. */
int rz_text_has_bad_control(const char *s);

/* ASCII-only lowercase copy in `pool` (other bytes unchanged): the case-insensitive key of
 * SPEC 2.5. */
char *rz_text_fold(apr_pool_t *pool, const char *s);

/* Validates an email (SPEC 2.5) and returns its lowercased form in `pool`, or NULL if invalid. */
char *rz_email_normalize(apr_pool_t *pool, const char *s);

/* Normalises a phone (SPEC 2.5) to E.164 in `pool` using `country` (ISO alpha-2, e.g. "BI") for
 * national numbers. Returns NULL if invalid or the country is not in the table. */
char *rz_phone_normalize(apr_pool_t *pool, const char *s, const char *country);

/* 1 if s is an ISO 3166-1 alpha-2 code written as two uppercase ASCII letters. */
int rz_country_valid(const char *s);

/* A growing string in a pool (emails, SMTP messages): start it as {pool} (rz_strbuf_t b = {p});
 * b.buf is NUL-terminated (NULL while empty), b.len its length. Older buffers stay in the pool. */
typedef struct {
    apr_pool_t *p;
    char *buf;
    size_t len, cap;
} rz_strbuf_t;

/* Appends n bytes of s. */
void rz_strbuf_add(rz_strbuf_t *b, const char *s, size_t n);

/* Appends the NUL-terminated s. */
void rz_strbuf_str(rz_strbuf_t *b, const char *s);

#endif
