/* rz_smtp.c: SMTP delivery with libcurl: relay URL rules, MIME message building, one-email send. */
#include "services/rz_smtp.h"

#include <apr_strings.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/rz_id.h"
#include "core/rz_text.h"
#include "core/rz_time.h"

#define SMTP_DEFAULT_TIMEOUT_S 30L
#define SMTP_CONNECT_TIMEOUT_S 10L
#define QP_LINE_MAX 75
#define EW_CHUNK_BYTES 45 /* 45 bytes -> 60 base64 characters: an encoded word of 72 */

/* ---- relay URL rules ------------------------------------------------------------------------ */

int rz_smtp_host_is_loopback(const char *host)
{
    char buf[64];
    unsigned char addr[16];
    size_t n;

    if (!host || !*host) {
        return 0;
    }
    if (strcasecmp(host, "localhost") == 0) {
        return 1;
    }
    n = strlen(host);
    if (host[0] == '[' && n > 2 && host[n - 1] == ']' && n - 2 < sizeof(buf)) {
        memcpy(buf, host + 1, n - 2);
        buf[n - 2] = '\0';
        host = buf;
    }
    if (inet_pton(AF_INET, host, addr) == 1) {
        return addr[0] == 127;
    }
    if (inet_pton(AF_INET6, host, addr) == 1) {
        static const unsigned char lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        return memcmp(addr, lo6, 16) == 0;
    }
    return 0;
}

/* Parses url; fills scheme and host (curl-allocated, caller frees) or returns a reason. */
static const char *parse_url(const char *url, char **scheme, char **host)
{
    CURLU *u = curl_url();
    char *part = NULL;
    const char *why = NULL;

    *scheme = *host = NULL;
    if (!u) {
        return "out of memory";
    }
    if (!url || !*url || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        why = "not a valid URL (expected smtps://host:465 or smtp://host:587)";
    } else if (curl_url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK
               || curl_url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK) {
        why = "the URL needs a scheme and a host";
    } else if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK
               || curl_url_get(u, CURLUPART_PASSWORD, &part, 0) == CURLUE_OK) {
        why = "credentials do not belong in the URL: use RuziziSmtpCredentialsFile";
    } else if (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK
               || curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK) {
        why = "the URL must not have a query or a fragment";
    }
    curl_free(part);
    curl_url_cleanup(u);
    return why;
}

int rz_smtp_url_check(const char *url, const char **err)
{
    char *scheme, *host;
    const char *why = parse_url(url, &scheme, &host);

    if (!why && strcmp(scheme, "smtps") != 0 && strcmp(scheme, "smtp") != 0) {
        why = "the scheme must be smtps:// (TLS) or smtp:// (STARTTLS, or plain to loopback)";
    }
    curl_free(scheme);
    curl_free(host);
    if (err) {
        *err = why;
    }
    return why ? -1 : 0;
}

int rz_smtp_url_is_plain_loopback(const char *url)
{
    char *scheme, *host;
    int yes = 0;

    if (!parse_url(url, &scheme, &host)) {
        yes = strcmp(scheme, "smtp") == 0 && rz_smtp_host_is_loopback(host);
    }
    curl_free(scheme);
    curl_free(host);
    return yes;
}

/* ---- message building ----------------------------------------------------------------------- */

/* A bare address: one '@', non-empty parts, no whitespace, controls, brackets, quotes or commas. */
static int address_ok(const char *a)
{
    const char *at = a ? strchr(a, '@') : NULL;

    if (!at || at == a || !at[1] || strchr(at + 1, '@') || strlen(a) > 254) {
        return 0;
    }
    for (; *a; a++) {
        if ((unsigned char)*a <= 0x20 || *a == 0x7f || strchr("<>()[],;:\"\\", *a)) {
            return 0;
        }
    }
    return 1;
}

static void add_date(rz_strbuf_t *b, int64_t now)
{
    static const char *const wd[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mo[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t days = now / 86400 - (now % 86400 < 0), secs = now - days * 86400;
    int y, m, d;

    rz_civil_from_days(days, &y, &m, &d);
    rz_strbuf_str(b, apr_psprintf(b->p, "Date: %s, %02d %s %d %02d:%02d:%02d +0000\r\n",
                                  wd[((days % 7) + 7 + 4) % 7], d, mo[m - 1], y, (int)(secs / 3600),
                                  (int)(secs % 3600 / 60), (int)(secs % 60)));
}

/* Subject: as is when short printable ASCII, else RFC 2047 encoded words folded on CRLF SP. */
static void add_subject(rz_strbuf_t *b, const char *subject)
{
    size_t n = strlen(subject), i, start = 0;
    int plain = n <= 900;
    char enc[sodium_base64_ENCODED_LEN(EW_CHUNK_BYTES, sodium_base64_VARIANT_ORIGINAL)];

    for (i = 0; i < n && plain; i++) {
        plain = (unsigned char)subject[i] >= 0x20 && (unsigned char)subject[i] < 0x7f;
    }
    rz_strbuf_str(b, "Subject: ");
    if (plain) {
        rz_strbuf_str(b, subject);
    }
    while (!plain && start < n) {
        size_t end = start + EW_CHUNK_BYTES < n ? start + EW_CHUNK_BYTES : n;
        while (end < n && end > start + 1 && ((unsigned char)subject[end] & 0xC0) == 0x80) {
            end--; /* never split a UTF-8 sequence between two words */
        }
        sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)subject + start, end - start,
                          sodium_base64_VARIANT_ORIGINAL);
        rz_strbuf_str(b, apr_pstrcat(b->p, start ? "\r\n " : "", "=?UTF-8?B?", enc, "?=", NULL));
        start = end;
    }
    rz_strbuf_str(b, "\r\n");
}

/* Quoted-printable (RFC 2045) of one line without its line end. */
static void qp_line(rz_strbuf_t *b, const unsigned char *s, size_t n)
{
    size_t i, col = 0;
    char piece[4];

    for (i = 0; i < n; i++) {
        int c = s[i], last = i + 1 == n;
        int literal = ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last));
        size_t plen = literal ? 1 : 3;
        if (col + plen > QP_LINE_MAX) {
            rz_strbuf_str(b, "=\r\n");
            col = 0;
        }
        if (col == 0 && c == '.') {
            literal = 0; /* a line starting with '.' could be taken for the end of DATA */
            plen = 3;
        }
        if (literal) {
            piece[0] = (char)c;
        } else {
            apr_snprintf(piece, sizeof(piece), "=%02X", (unsigned)c);
        }
        rz_strbuf_add(b, piece, plen);
        col += plen;
    }
    rz_strbuf_str(b, "\r\n");
}

static void add_qp_body(rz_strbuf_t *b, const char *body)
{
    const char *s = body;

    while (*s) {
        size_t n = strcspn(s, "\r\n");
        qp_line(b, (const unsigned char *)s, n);
        s += n;
        if (s[0] == '\r' && s[1] == '\n') {
            s += 2;
        } else if (*s) {
            s++;
        }
    }
}

char *rz_smtp_build_message(apr_pool_t *p, const char *from, const char *to, const char *subject,
                            const char *body, int64_t now)
{
    rz_strbuf_t b = {p, NULL, 0, 0};
    char mid[33];

    if (!address_ok(from) || !address_ok(to) || !subject || strpbrk(subject, "\r\n") || !body) {
        return NULL;
    }
    rz_hex32_new(mid);
    add_date(&b, now);
    rz_strbuf_str(&b, apr_pstrcat(p, "From: ", from, "\r\nTo: ", to, "\r\n", NULL));
    add_subject(&b, subject);
    rz_strbuf_str(&b,
                  apr_pstrcat(p, "Message-ID: <", mid, "@", strchr(from, '@') + 1, ">\r\n", NULL));
    rz_strbuf_str(&b, "MIME-Version: 1.0\r\n"
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Transfer-Encoding: quoted-printable\r\n"
                      "\r\n");
    add_qp_body(&b, body);
    return b.buf;
}

/* ---- sending -------------------------------------------------------------------------------- */

typedef struct {
    const char *data;
    size_t len, pos;
} upload_t;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *userdata)
{
    upload_t *u = userdata;
    size_t n = size * nitems;

    if (n > u->len - u->pos) {
        n = u->len - u->pos;
    }
    memcpy(buf, u->data + u->pos, n);
    u->pos += n;
    return n;
}

static void set_err(char *errbuf, size_t errlen, const char *msg)
{
    if (errbuf && errlen) {
        apr_cpystrn(errbuf, msg, errlen);
    }
}

/* Classifies a finished transfer and writes its reason. */
static int classify(CURLcode res, long code, const char *cerr, char *errbuf, size_t errlen)
{
    char msg[CURL_ERROR_SIZE + 96];

    if (res == CURLE_OK) {
        return RZ_SMTP_SENT;
    }
    apr_snprintf(msg, sizeof(msg), "SMTP %ld, curl %d: %s", code, (int)res,
                 cerr[0] ? cerr : curl_easy_strerror(res));
    set_err(errbuf, errlen, msg);
    if (code >= 500 && code < 600 && res != CURLE_LOGIN_DENIED) {
        return RZ_SMTP_PERMANENT;
    }
    return RZ_SMTP_TEMPORARY;
}

static void set_options(CURL *h, const rz_smtp_conf_t *c, struct curl_slist *rcpt, upload_t *up,
                        char *cerr)
{
    long timeout = c->timeout_s > 0 ? c->timeout_s : SMTP_DEFAULT_TIMEOUT_S;

    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                     timeout < SMTP_CONNECT_TIMEOUT_S ? timeout : SMTP_CONNECT_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
    if (!rz_smtp_url_is_plain_loopback(c->url)) {
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    }
    if (c->cainfo) {
        curl_easy_setopt(h, CURLOPT_CAINFO, c->cainfo);
    }
    if (c->user && c->user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
    }
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, up);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up->len);
}

int rz_smtp_send(const rz_smtp_conf_t *c, const char *to, const char *subject, const char *body,
                 char *errbuf, size_t errlen)
{
    apr_pool_t *p = NULL;
    CURL *h = NULL;
    struct curl_slist *rcpt = NULL;
    char cerr[CURL_ERROR_SIZE];
    upload_t up = {NULL, 0, 0};
    const char *why;
    long code = 0;
    int rc = RZ_SMTP_TEMPORARY;
    CURLcode res;

    set_err(errbuf, errlen, "");
    cerr[0] = '\0';
    if (!c || rz_smtp_url_check(c->url, &why) != 0) {
        set_err(errbuf, errlen, c ? why : "no SMTP relay configured");
        return RZ_SMTP_TEMPORARY; /* configuration: the email waits for a fix */
    }
    if (!address_ok(c->from)) {
        set_err(errbuf, errlen, "RuziziMailFrom is not a valid address");
        return RZ_SMTP_TEMPORARY;
    }
    if (apr_pool_create_unmanaged_ex(&p, NULL, NULL) != APR_SUCCESS) {
        set_err(errbuf, errlen, "out of memory");
        return RZ_SMTP_TEMPORARY;
    }
    up.data = rz_smtp_build_message(p, c->from, to, subject, body, rz_now());
    if (!up.data) {
        set_err(errbuf, errlen, "unsendable message (bad address or header)");
        rc = RZ_SMTP_PERMANENT;
        goto done;
    }
    up.len = strlen(up.data);
    if (!(h = curl_easy_init())
        || !(rcpt = curl_slist_append(NULL, apr_pstrcat(p, "<", to, ">", NULL)))) {
        set_err(errbuf, errlen, "cannot initialise libcurl");
        goto done;
    }
    set_options(h, c, rcpt, &up, cerr);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, apr_pstrcat(p, "<", c->from, ">", NULL));
    res = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    rc = classify(res, code, cerr, errbuf, errlen);
done:
    curl_slist_free_all(rcpt);
    if (h) {
        curl_easy_cleanup(h);
    }
    apr_pool_destroy(p);
    return rc;
}
