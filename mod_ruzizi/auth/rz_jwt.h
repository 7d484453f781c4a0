/* rz_jwt.h: HS256 access tokens (SPEC 8.5): the key file, signing and the ordered validation. */
#ifndef RZ_JWT_H
#define RZ_JWT_H

#include <apr_pools.h>
#include <stdint.h>

#include "core/rz_status.h"

#define RZ_JWT_MAX_LEN 4096   /* longest token accepted, in bytes */
#define RZ_JWT_SKEW 30        /* clock skew tolerated on exp, nbf and iat, in seconds */
#define RZ_JWT_MIN_KEY_LEN 32 /* shortest key accepted, in bytes */
#define RZ_JWT_MAX_KID_LEN 64

/* The keys of RuziziJwtKeyFile. Opaque; the key bytes live in sodium_malloc memory (guarded,
 * locked when the RLIMIT_MEMLOCK allows) and are wiped when the parse pool is cleared. */
typedef struct rz_jwt_keys_t rz_jwt_keys_t;

/* The claims of an access token. Strings are NUL-terminated; est NULL means JSON null (a
 * super_admin). */
typedef struct {
    const char *sub;  /* user id */
    const char *role; /* informative only: authorization re-reads the user (SPEC 3.2 rule 5) */
    const char *est;  /* establishment id, or NULL */
    const char *sid;  /* refresh family id */
    const char *jti;  /* 32 lowercase hex */
    int64_t iat, nbf, exp;
} rz_jwt_claims_t;

/* Parses key-file text: one "kid:base64url-key" per line (URL-safe alphabet, no padding), blank
 * lines and lines whose first non-blank character is '#' ignored, surrounding spaces, tabs and a
 * CR ignored. A kid is 1..64 characters of [A-Za-z0-9_-]; kids are unique; a key decodes to at
 * least 32 bytes; at least one key. The first key signs, every key verifies.
 * On success returns RZ_OK and *out, allocated in `p` (the key memory is freed and wiped by a
 * cleanup of `p`). On error returns RZ_INVALID, leaves nothing allocated but *err, an English
 * message in `p` naming the line number (never the key bytes). `text` is only read: the caller
 * should wipe its own copy. Call sodium_init() first. */
rz_status_t rz_jwt_keys_parse(apr_pool_t *p, const char *text, rz_jwt_keys_t **out,
                              const char **err);

/* Number of keys, and the kid that signs (the first), borrowed from the keys. */
int rz_jwt_keys_count(const rz_jwt_keys_t *k);
const char *rz_jwt_keys_signing_kid(const rz_jwt_keys_t *k);

/* Signs an access token with the first key. Header exactly
 * {"alg":"HS256","typ":"at+jwt","kid":"<first kid>"}; claims in the order iss, aud, sub, role, est
 * (null when c->est is NULL), sid, iat, nbf, exp, jti. Returns the compact token in `p`, or NULL
 * if a required string (iss, aud, sub, role, sid, jti) is NULL or memory ran out. Thread-safe. */
char *rz_jwt_sign(apr_pool_t *p, const rz_jwt_keys_t *k, const char *iss, const char *aud,
                  const rz_jwt_claims_t *c);

/* Validates `token` at time `now` (epoch seconds), steps (1)-(5) of SPEC 8.5 in this order, the
 * first failure wins:
 *  (1) at most 4096 bytes, exactly 3 non-empty segments, each strict base64url (no padding, no
 *      other character, no non-zero trailing bits);
 *  (2) the header is a JSON object without duplicate keys whose alg is "HS256", kid a known kid
 *      and typ "at+jwt" (checked in that order), with no other member (no crit, jku...);
 *  (3) the HMAC-SHA256 of "header.payload" under that kid's key equals the signature (compared
 *      in constant time), before the payload is parsed;
 *  (4) the payload is a JSON object without duplicate keys; iss and aud are strings equal to
 *      `iss` and `aud` (an aud array is refused: we issue a string only);
 *  (5) exp, nbf, iat are JSON integers with exp > now - 30, nbf <= now + 30, iat <= now + 30;
 *      sub and sid are ids (SPEC 2.5), role a non-empty string, est an id or null, jti 32
 *      lowercase hex. Other claims are ignored.
 * Returns 0 and fills *out (strings copied into `p`) when valid; -1 otherwise with *why (may be
 * NULL) set to a short static English reason for debug logs, which never quotes the token.
 * Steps (6)-(7) (revocation, user state) are the caller's. Thread-safe. */
int rz_jwt_verify(apr_pool_t *p, const rz_jwt_keys_t *k, const char *token, const char *iss,
                  const char *aud, int64_t now, rz_jwt_claims_t *out, const char **why);

#endif
