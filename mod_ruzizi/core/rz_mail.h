/* rz_mail.h: email templates of SPEC 8.7 in French and English, their rendering, and the fr/en
 * formatting of dates and money used by emails and PDFs. */
#ifndef RZ_MAIL_H
#define RZ_MAIL_H

#include <apr_pools.h>
#include <jansson.h>
#include <stdint.h>

#include "core/rz_status.h"

/*
 * Template text
 * -------------
 * Subjects and bodies are UTF-8 text with placeholders taken from the `vars` object:
 *   {name}             the value of vars.name (a string as is, an integer in decimal); a missing,
 *                      null or empty value makes rendering fail with RZ_INVALID;
 *   {name|money}       an integer amount in minor units of vars.currency (rz_mail_format_money);
 *   {name|date}        a "YYYY-MM-DD" date written in full ("mercredi 25 novembre 2026");
 *   {name|datetime}    an RFC 3339 string or epoch seconds, written in full at vars.utcOffset
 *                      ("+02:00"; UTC when absent) followed by the offset: "... à 07:00
 * (UTC+02:00)"; {name|role}        a user role (super_admin, manager, staff) as words;
 *   {?name}...{/name}  the text between is kept only when vars.name is present and not empty.
 * Substituted values have their control characters replaced by spaces, so no value can add a line
 * to a subject (header injection) or reshape a body.
 */

/* One template: adding a template is one entry of rz_mail_templates (rz_mail_templates.c). */
typedef struct {
    const char *name;       /* "booking_received", ... */
    const char *subject[2]; /* [RZ_MAIL_FR], [RZ_MAIL_EN] */
    const char *body[2];    /* text/plain, LF line ends */
} rz_mail_template_t;

#define RZ_MAIL_FR 0
#define RZ_MAIL_EN 1

extern const rz_mail_template_t rz_mail_templates[];
extern const int rz_mail_ntemplates;

/* The template named `name`, or NULL. */
const rz_mail_template_t *rz_mail_template(const char *name);

/* RZ_MAIL_FR for "fr", RZ_MAIL_EN for "en", -1 otherwise (NULL included). */
int rz_mail_lang_index(const char *lang);

/* Renders template `template_name` in `lang` ("fr" or "en") with `vars` (a JSON object).
 * *subject and *body are allocated in `p`; the body ends with one LF.
 * RZ_INVALID when the template or language is unknown, vars is not an object, a placeholder's
 * variable is missing or of the wrong type, or vars holds any key containing "password" (an email
 * never carries a password, SPEC 8.7). */
rz_status_t rz_mail_render(apr_pool_t *p, const char *template_name, const char *lang,
                           const json_t *vars, const char **subject, const char **body);

/* A calendar day (days since 1970-01-01) in full: "mercredi 25 novembre 2026", "dimanche 1er
 * novembre 2026" / "Wednesday 25 November 2026". Allocated in `p`; NULL for an unknown lang. */
const char *rz_mail_format_date(apr_pool_t *p, int64_t days, const char *lang);

/* An instant at a UTC offset in minutes, in full: "mercredi 25 novembre 2026 à 07:00" /
 * "Wednesday 25 November 2026 at 07:00". Allocated in `p`; NULL for an unknown lang. */
const char *rz_mail_format_datetime(apr_pool_t *p, int64_t epoch, const char *lang,
                                    int utc_offset_minutes);

/* Money in minor units (SPEC 2.6) with its currency: "494 000 BIF"; "12.50 USD" (en) or
 * "12,50 USD" (fr); thousands separated by a space in both; negatives get a leading "-".
 * Allocated in `p`; NULL for an unknown currency (BIF, USD, EUR are known) or lang. */
const char *rz_mail_format_money(apr_pool_t *p, int64_t amount_minor, const char *currency,
                                 const char *lang);

/* A link for an email (SPEC 7.1, 8.7): base (RuziziPublicBaseUrl, trailing '/' ignored) + "/" +
 * path, plus "?param=value" (value percent-encoded except unreserved characters) when param is
 * not NULL: rz_mail_link(p, base, "reset-password", "token", tok) ->
 * "https://hotel.example/reset-password?token=...". Allocated in `p`. */
const char *rz_mail_link(apr_pool_t *p, const char *base, const char *path, const char *param,
                         const char *value);

/* Number of decimals of a supported currency (BIF 0, USD 2, EUR 2), or -1. */
int rz_mail_currency_exponent(const char *currency);

#endif
