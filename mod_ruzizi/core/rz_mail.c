/* rz_mail.c: rendering of the email templates (placeholders, filters) and fr/en date and money
 * formatting. */
#include "core/rz_mail.h"

#include <apr_strings.h>
#include <string.h>
#include <strings.h>

#include "core/rz_text.h"
#include "core/rz_time.h"

static const char *const days_fr[7] = {"dimanche", "lundi",    "mardi", "mercredi",
                                       "jeudi",    "vendredi", "samedi"};
static const char *const days_en[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
static const char *const months_fr[12] = {"janvier",   "février", "mars",     "avril",
                                          "mai",       "juin",    "juillet",  "août",
                                          "septembre", "octobre", "novembre", "décembre"};
static const char *const months_en[12] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

int rz_mail_lang_index(const char *lang)
{
    if (lang && strcmp(lang, "fr") == 0) {
        return RZ_MAIL_FR;
    }
    if (lang && strcmp(lang, "en") == 0) {
        return RZ_MAIL_EN;
    }
    return -1;
}

const rz_mail_template_t *rz_mail_template(const char *name)
{
    int i;

    for (i = 0; name && i < rz_mail_ntemplates; i++) {
        if (strcmp(rz_mail_templates[i].name, name) == 0) {
            return &rz_mail_templates[i];
        }
    }
    return NULL;
}

/* ---- dates and money ------------------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

const char *rz_mail_format_date(apr_pool_t *p, int64_t days, const char *lang)
{
    int li = rz_mail_lang_index(lang), y, m, d, wd;

    if (li < 0) {
        return NULL;
    }
    rz_civil_from_days(days, &y, &m, &d);
    wd = (int)(((days % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
    if (li == RZ_MAIL_FR) {
        return apr_psprintf(p, "%s %d%s %s %d", days_fr[wd], d, d == 1 ? "er" : "",
                            months_fr[m - 1], y);
    }
    return apr_psprintf(p, "%s %d %s %d", days_en[wd], d, months_en[m - 1], y);
}

const char *rz_mail_format_datetime(apr_pool_t *p, int64_t epoch, const char *lang,
                                    int utc_offset_minutes)
{
    int64_t local = epoch + (int64_t)utc_offset_minutes * 60;
    int64_t days = floor_div(local, 86400), secs = local - days * 86400;
    const char *date = rz_mail_format_date(p, days, lang);

    if (!date) {
        return NULL;
    }
    return apr_psprintf(p, "%s %s %02d:%02d", date,
                        rz_mail_lang_index(lang) == RZ_MAIL_FR ? "à" : "at", (int)(secs / 3600),
                        (int)(secs % 3600 / 60));
}

int rz_mail_currency_exponent(const char *currency)
{
    if (!currency) {
        return -1;
    }
    if (strcmp(currency, "BIF") == 0) {
        return 0;
    }
    if (strcmp(currency, "USD") == 0 || strcmp(currency, "EUR") == 0) {
        return 2;
    }
    return -1;
}

const char *rz_mail_format_money(apr_pool_t *p, int64_t amount_minor, const char *currency,
                                 const char *lang)
{
    int exp = rz_mail_currency_exponent(currency), li = rz_mail_lang_index(lang), n, i;
    uint64_t v = amount_minor < 0 ? (uint64_t)0 - (uint64_t)amount_minor : (uint64_t)amount_minor;
    uint64_t whole, frac = 0;
    char digits[24], out[64];
    size_t o = 0;

    if (exp < 0 || li < 0) {
        return NULL;
    }
    whole = exp == 2 ? v / 100 : v;
    frac = exp == 2 ? v % 100 : 0;
    n = apr_snprintf(digits, sizeof(digits), "%" APR_UINT64_T_FMT, whole);
    if (amount_minor < 0) {
        out[o++] = '-';
    }
    for (i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            out[o++] = ' ';
        }
        out[o++] = digits[i];
    }
    if (exp == 2) {
        o += apr_snprintf(out + o, sizeof(out) - o, "%c%02u", li == RZ_MAIL_FR ? ',' : '.',
                          (unsigned)frac);
    }
    out[o] = '\0';
    return apr_psprintf(p, "%s %s", out, currency);
}

const char *rz_mail_link(apr_pool_t *p, const char *base, const char *path, const char *param,
                         const char *value)
{
    size_t n = strlen(base), i;
    char *enc, *o;

    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    if (!param) {
        return apr_psprintf(p, "%.*s/%s", (int)n, base, path);
    }
    enc = o = apr_palloc(p, strlen(value ? value : "") * 3 + 1);
    for (i = 0; value && value[i]; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || strchr("-._~", c)) {
            *o++ = (char)c;
        } else {
            o += apr_snprintf(o, 4, "%%%02X", c);
        }
    }
    *o = '\0';
    return apr_psprintf(p, "%.*s/%s?%s=%s", (int)n, base, path, param, enc);
}

/* ---- rendering ------------------------------------------------------------------------------ */

/* Appends a variable's text with control characters (C0 and DEL) replaced by spaces. */
static void sb_add_value(rz_strbuf_t *b, const char *s)
{
    size_t start = b->len, i;

    rz_strbuf_str(b, s);
    for (i = start; i < b->len; i++) {
        if ((unsigned char)b->buf[i] < 0x20 || b->buf[i] == 0x7f) {
            b->buf[i] = ' ';
        }
    }
}

typedef struct {
    apr_pool_t *p;
    const json_t *vars;
    const char *lang;
} render_ctx_t;

static int var_present(const render_ctx_t *c, const char *name)
{
    const json_t *v = json_object_get(c->vars, name);

    if (!v || json_is_null(v)) {
        return 0;
    }
    return !json_is_string(v) || json_string_length(v) > 0;
}

static const char *role_words(const char *role, int li)
{
    static const char *const roles[][3] = {
        {"super_admin", "super-administrateur", "super administrator"},
        {"manager", "gérant", "manager"},
        {"staff", "personnel d'accueil", "front-desk staff"},
    };
    size_t i;

    for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        if (strcmp(role, roles[i][0]) == 0) {
            return roles[i][1 + li];
        }
    }
    return NULL;
}

static const char *filter_datetime(const render_ctx_t *c, const json_t *v)
{
    const json_t *off = json_object_get(c->vars, "utcOffset");
    int64_t epoch;
    int minutes = 0;
    const char *text;

    if (json_is_integer(v)) {
        epoch = json_integer_value(v);
    } else if (!json_is_string(v) || rz_datetime_parse(json_string_value(v), &epoch) != 0) {
        return NULL;
    }
    if (off && !json_is_null(off)
        && (!json_is_string(off) || rz_utc_offset_parse(json_string_value(off), &minutes) != 0)) {
        return NULL;
    }
    text = rz_mail_format_datetime(c->p, epoch, c->lang, minutes);
    if (minutes == 0) {
        return apr_pstrcat(c->p, text, " (UTC)", NULL);
    }
    return apr_psprintf(c->p, "%s (UTC%c%02d:%02d)", text, minutes < 0 ? '-' : '+',
                        (minutes < 0 ? -minutes : minutes) / 60,
                        (minutes < 0 ? -minutes : minutes) % 60);
}

/* The text of one placeholder "name" or "name|filter", or NULL when it cannot be rendered. */
static const char *placeholder_text(const render_ctx_t *c, const char *spec)
{
    const char *bar = strchr(spec, '|');
    const char *name = bar ? apr_pstrmemdup(c->p, spec, bar - spec) : spec;
    const char *filter = bar ? bar + 1 : "";
    const json_t *v = json_object_get(c->vars, name);
    int64_t days;

    if (!var_present(c, name)) {
        return NULL;
    }
    if (!*filter) {
        if (json_is_string(v)) {
            return json_string_value(v);
        }
        return json_is_integer(v)
                   ? apr_psprintf(c->p, "%" APR_INT64_T_FMT, (int64_t)json_integer_value(v))
                   : NULL;
    }
    if (strcmp(filter, "money") == 0) {
        return json_is_integer(v)
                   ? rz_mail_format_money(c->p, json_integer_value(v),
                                          json_string_value(json_object_get(c->vars, "currency")),
                                          c->lang)
                   : NULL;
    }
    if (strcmp(filter, "date") == 0) {
        return json_is_string(v) && rz_date_parse(json_string_value(v), &days) == 0
                   ? rz_mail_format_date(c->p, days, c->lang)
                   : NULL;
    }
    if (strcmp(filter, "datetime") == 0) {
        return filter_datetime(c, v);
    }
    if (strcmp(filter, "role") == 0) {
        return json_is_string(v) ? role_words(json_string_value(v), rz_mail_lang_index(c->lang))
                                 : NULL;
    }
    return NULL;
}

/* Expands `tpl` into b. Returns RZ_OK or RZ_INVALID (unrenderable placeholder, bad syntax). */
static rz_status_t expand(const render_ctx_t *c, const char *tpl, rz_strbuf_t *b)
{
    const char *s = tpl, *open, *close;

    while ((open = strchr(s, '{')) != NULL) {
        rz_strbuf_add(b, s, open - s);
        if (!(close = strchr(open, '}'))) {
            return RZ_INVALID;
        }
        if (open[1] == '?') {
            const char *name = apr_pstrmemdup(c->p, open + 2, close - open - 2);
            if (!var_present(c, name)) {
                const char *end = strstr(close, apr_pstrcat(c->p, "{/", name, "}", NULL));
                if (!end) {
                    return RZ_INVALID;
                }
                close = strchr(end, '}');
            }
        } else if (open[1] != '/') {
            const char *text =
                placeholder_text(c, apr_pstrmemdup(c->p, open + 1, close - open - 1));
            if (!text) {
                return RZ_INVALID;
            }
            sb_add_value(b, text);
        }
        s = close + 1;
    }
    rz_strbuf_str(b, s);
    return RZ_OK;
}

static int has_password_key(const json_t *vars)
{
    const char *key;
    json_t *v;

    json_object_foreach ((json_t *)vars, key, v) {
        if (strcasestr(key, "password")) {
            return 1;
        }
    }
    return 0;
}

rz_status_t rz_mail_render(apr_pool_t *p, const char *template_name, const char *lang,
                           const json_t *vars, const char **subject, const char **body)
{
    const rz_mail_template_t *t = rz_mail_template(template_name);
    int li = rz_mail_lang_index(lang);
    render_ctx_t c = {p, vars, lang};
    rz_strbuf_t sb = {p, NULL, 0, 0}, bb = {p, NULL, 0, 0};

    *subject = *body = NULL;
    if (!t || li < 0 || !json_is_object(vars) || has_password_key(vars)) {
        return RZ_INVALID;
    }
    if (expand(&c, t->subject[li], &sb) != RZ_OK || expand(&c, t->body[li], &bb) != RZ_OK) {
        return RZ_INVALID;
    }
    *subject = sb.buf ? sb.buf : "";
    *body = bb.buf ? bb.buf : "";
    return RZ_OK;
}
