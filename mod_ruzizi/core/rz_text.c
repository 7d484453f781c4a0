/* rz_text.c: UTF-8 text rules (SPEC 2.1, 2.5): trim, code points, controls, email, phone. */
#include "core/rz_text.h"

#include <apr_strings.h>
#include <stdint.h>
#include <string.h>

/* Decodes the code point at s (NUL-terminated UTF-8) into *cp and returns its byte length (>= 1).
 * Input is meant to be valid UTF-8; a malformed byte is returned as itself with length 1 so that no
 * caller can run past the terminator. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    size_t n, i;
    uint32_t c = s[0];

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xe0) == 0xc0) {
        n = 2;
        c &= 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3;
        c &= 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4;
        c &= 0x07;
    } else {
        *cp = c;
        return 1;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = s[0];
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    *cp = c;
    return n;
}

/* The Unicode White_Space property (PropList.txt), which is what SPEC 2.1 calls whitespace. */
static int is_unicode_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680
           || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f
           || c == 0x205f || c == 0x3000;
}

char *rz_text_trim(apr_pool_t *pool, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *start = NULL, *end = p;
    uint32_t cp;

    while (*p) {
        size_t n = utf8_decode(p, &cp);
        if (!is_unicode_space(cp)) {
            if (!start) {
                start = p;
            }
            end = p + n;
        }
        p += n;
    }
    if (!start) {
        return apr_pstrdup(pool, "");
    }
    return apr_pstrmemdup(pool, (const char *)start, (apr_size_t)(end - start));
}

size_t rz_text_codepoints(const char *s)
{
    size_t count = 0;

    for (; *s; s++) {
        if (((unsigned char)*s & 0xc0) != 0x80) {
            count++;
        }
    }
    return count;
}

int rz_text_has_bad_control(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            return 1;
        }
    }
    return 0;
}

char *rz_text_fold(apr_pool_t *pool, const char *s)
{
    char *out = apr_pstrdup(pool, s);
    char *p;

    for (p = out; *p; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p - 'A' + 'a');
        }
    }
    return out;
}

/* Local part: 1..64 code points, no whitespace (and no second '@', checked by the caller). */
static int email_local_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    size_t count = 0;
    uint32_t cp;

    while (p < end) {
        size_t n = utf8_decode(p, &cp);
        if (is_unicode_space(cp) || cp < 0x20 || cp == 0x7f) {
            return 0;
        }
        count++;
        p += n;
    }
    return count >= 1 && count <= 64;
}

/* Domain: labels of [A-Za-z0-9-], none empty, at least one dot. */
static int email_domain_ok(const char *d)
{
    size_t label = 0;
    int dots = 0;

    for (; *d; d++) {
        char c = *d;
        if (c == '.') {
            if (label == 0) {
                return 0;
            }
            dots++;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                   || c == '-') {
            label++;
        } else {
            return 0;
        }
    }
    return dots >= 1 && label > 0;
}

char *rz_email_normalize(apr_pool_t *pool, const char *s)
{
    const char *at;

    if (!s || rz_text_codepoints(s) > 254) {
        return NULL;
    }
    at = strchr(s, '@');
    if (!at || strchr(at + 1, '@')) {
        return NULL;
    }
    if (!email_local_ok(s, (size_t)(at - s)) || !email_domain_ok(at + 1)) {
        return NULL;
    }
    return rz_text_fold(pool, s);
}

typedef struct {
    char country[3];
    const char *code;
} calling_code_t;

/* SPEC 2.5 requires at least BI, RW, TZ, KE, UG, CD, FR, BE, US; the rest are common neighbours and
 * source countries of guests. */
static const calling_code_t calling_codes[] = {
    {"BI", "257"}, {"RW", "250"}, {"TZ", "255"}, {"KE", "254"}, {"UG", "256"}, {"CD", "243"},
    {"FR", "33"},  {"BE", "32"},  {"US", "1"},   {"CA", "1"},   {"GB", "44"},  {"DE", "49"},
    {"NL", "31"},  {"CH", "41"},  {"IT", "39"},  {"ES", "34"},  {"LU", "352"}, {"ZA", "27"},
    {"CG", "242"}, {"ZM", "260"}, {"MW", "265"}, {"MZ", "258"}, {"ET", "251"}, {"SS", "211"},
    {"SN", "221"}, {"CI", "225"}, {"CM", "237"}, {"NG", "234"}, {"CN", "86"},  {"IN", "91"},
    {"AE", "971"}, {"SE", "46"},  {"NO", "47"},  {"DK", "45"},
};

static const char *calling_code(const char *country)
{
    size_t i;

    if (!country) {
        return NULL;
    }
    for (i = 0; i < sizeof(calling_codes) / sizeof(calling_codes[0]); i++) {
        if (strcmp(calling_codes[i].country, country) == 0) {
            return calling_codes[i].code;
        }
    }
    return NULL;
}

/* Space separators (Unicode Zs): numbers pasted from formatted text often carry NBSP or NNBSP. */
static int is_space_separator(uint32_t c)
{
    return c == 0x20 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x202f
           || c == 0x205f || c == 0x3000;
}

/* Copies s without the separators of SPEC 2.5 (spaces, - . ( )) into pool. */
static char *strip_phone_separators(apr_pool_t *pool, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = apr_palloc(pool, strlen(s) + 1);
    char *o = out;
    uint32_t cp;

    while (*p) {
        size_t n = utf8_decode(p, &cp);
        if (!is_space_separator(cp) && cp != '-' && cp != '.' && cp != '(' && cp != ')') {
            memcpy(o, p, n);
            o += n;
        }
        p += n;
    }
    *o = '\0';
    return out;
}

static int all_digits(const char *s)
{
    if (!*s) {
        return 0;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
    }
    return 1;
}

char *rz_phone_normalize(apr_pool_t *pool, const char *s, const char *country)
{
    char *p, *out;
    const char *cc;
    size_t ndigits;

    if (!s) {
        return NULL;
    }
    p = strip_phone_separators(pool, s);
    if (p[0] == '0' && p[1] == '0') {
        out = apr_pstrcat(pool, "+", p + 2, NULL);
    } else if (p[0] == '+') {
        out = p;
    } else {
        cc = calling_code(country);
        if (!cc || !all_digits(p)) {
            return NULL;
        }
        out = apr_pstrcat(pool, "+", cc, p[0] == '0' ? p + 1 : p, NULL);
    }
    ndigits = strlen(out + 1);
    if (!all_digits(out + 1) || ndigits < 8 || ndigits > 15) {
        return NULL;
    }
    return out;
}

/* Officially assigned ISO 3166-1 alpha-2 codes (249, from Debian's iso-codes 3166-1), sorted. */
static const char iso3166_alpha2[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCM"
    "CNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY"
    "HKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMF"
    "MGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARE"
    "RORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZ"
    "VAVCVEVGVIVNVUWFWSYEYTZAZMZW";

int rz_country_valid(const char *s)
{
    size_t i;

    if (!s || !(s[0] >= 'A' && s[0] <= 'Z') || !(s[1] >= 'A' && s[1] <= 'Z') || s[2] != '\0') {
        return 0;
    }
    for (i = 0; i + 1 < sizeof(iso3166_alpha2); i += 2) {
        if (iso3166_alpha2[i] == s[0] && iso3166_alpha2[i + 1] == s[1]) {
            return 1;
        }
    }
    return 0;
}

void rz_strbuf_add(rz_strbuf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        char *nb;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        nb = apr_palloc(b->p, cap);
        if (b->len) {
            memcpy(nb, b->buf, b->len);
        }
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void rz_strbuf_str(rz_strbuf_t *b, const char *s)
{
    rz_strbuf_add(b, s, strlen(s));
}
