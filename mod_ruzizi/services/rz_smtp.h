/* rz_smtp.h: sending one text/plain UTF-8 email over SMTP with libcurl (SPEC 8.7, 8.12). */
#ifndef RZ_SMTP_H
#define RZ_SMTP_H

#include <apr_pools.h>
#include <stddef.h>
#include <stdint.h>

/* The relay. Strings are borrowed for the duration of each call. */
typedef struct {
    const char *url;      /* RuziziSmtpUrl: smtps://host[:465] or smtp://host[:587] */
    const char *user;     /* from RuziziSmtpCredentialsFile, or NULL: no AUTH */
    const char *password; /* idem; never logged nor copied into error messages */
    const char *from;     /* RuziziMailFrom: a bare address */
    const char *cainfo;   /* optional CA bundle (tests with a private CA), else the system's */
    long timeout_s;       /* whole-transfer bound; <= 0 means 30 s */
} rz_smtp_conf_t;

#define RZ_SMTP_SENT 0
#define RZ_SMTP_TEMPORARY 1 /* retry later: connection, TLS, timeout, 4xx, authentication */
#define RZ_SMTP_PERMANENT 2 /* the relay answered 5xx to the message (or it is unsendable) */

/* Checks RuziziSmtpUrl (SPEC 8.12): "smtps://host[:port]" (implicit TLS), or "smtp://host[:port]"
 * (STARTTLS then required, unless the host is a loopback address: 127.0.0.0/8, ::1 or localhost,
 * where plain SMTP to a local MTA is allowed). No user or password in the URL (they belong in
 * RuziziSmtpCredentialsFile), no query or fragment. Returns 0 when valid, else -1 with *err (may
 * be NULL) set to a static English reason. */
int rz_smtp_url_check(const char *url, const char **err);

/* 1 if url is smtp:// to a loopback host (sent without TLS), else 0 (also for invalid URLs). */
int rz_smtp_url_is_plain_loopback(const char *url);

/* 1 if host ("127.0.0.1", "[::1]", "::1", "localhost") is a loopback address, else 0. */
int rz_smtp_host_is_loopback(const char *host);

/* Builds the whole RFC 5322 message (CRLF line ends): Date (from `now`), From, To, Subject (an
 * RFC 2047 UTF-8 "B" encoded word when not plain ASCII), Message-ID (random, @ the sender's
 * domain), MIME-Version, Content-Type text/plain; charset=utf-8 and a quoted-printable body.
 * Allocated in `p`; NULL when from, to or subject holds CR/LF or an address is malformed. */
char *rz_smtp_build_message(apr_pool_t *p, const char *from, const char *to, const char *subject,
                            const char *body, int64_t now);

/* Sends one email to `to`. Returns RZ_SMTP_SENT, RZ_SMTP_TEMPORARY or RZ_SMTP_PERMANENT (a 5xx
 * reply, CURLINFO_RESPONSE_CODE >= 500, except to AUTH, which is the operator's configuration and
 * so temporary; or a message that can never be built). On failure errbuf (errlen bytes, may be
 * NULL) receives a one-line reason without credentials. TLS is required (CURLUSESSL_ALL) except
 * for plain loopback; waits are bounded by timeout_s. Thread-safe provided curl_global_init ran
 * once before threads started (child_init); needs sodium_init (Message-ID). */
int rz_smtp_send(const rz_smtp_conf_t *c, const char *to, const char *subject, const char *body,
                 char *errbuf, size_t errlen);

#endif
