/* rz_jwt.c: HS256 access tokens (SPEC 8.5): key file, signing, validation in the spec's order. */
#include "auth/rz_jwt.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <jansson.h>
#include <sodium.h>
#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"

#define B64URL sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define MAC_LEN crypto_auth_hmacsha256_BYTES

typedef struct {
    const char *kid;    /* in the parse pool */
    unsigned char *key; /* sodium_malloc, read-only once filled */
    size_t len;
} rz_jwt_key_t;

struct rz_jwt_keys_t {
    apr_array_header_t *keys; /* of rz_jwt_key_t, the signing key first */
};

/* ---- keys ---------------------------------------------------------------------------------- */

/* Pool cleanup: sodium_free wipes each key before unmapping it. */
static apr_status_t keys_cleanup(void *data)
{
    rz_jwt_keys_t *k = data;
    int i;

    for (i = 0; i < k->keys->nelts; i++) {
        rz_jwt_key_t *key = &APR_ARRAY_IDX(k->keys, i, rz_jwt_key_t);
        sodium_free(key->key);
        key->key = NULL;
    }
    k->keys->nelts = 0;
    return APR_SUCCESS;
}

static const rz_jwt_key_t *find_key(const rz_jwt_keys_t *k, const char *kid)
{
    int i;

    for (i = 0; i < k->keys->nelts; i++) {
        const rz_jwt_key_t *key = &APR_ARRAY_IDX(k->keys, i, rz_jwt_key_t);
        if (strcmp(key->kid, kid) == 0) {
            return key;
        }
    }
    return NULL;
}

static int is_b64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
           || c == '_';
}

static int kid_valid(const char *s, size_t n)
{
    size_t i;

    if (n < 1 || n > RZ_JWT_MAX_KID_LEN) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!is_b64url_char(s[i])) {
            return 0;
        }
    }
    return 1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Decodes the key s[0..n) straight into guarded memory (no copy of the key elsewhere).
 * Returns NULL with *msg set when it is not strict base64url or shorter than 32 bytes. */
static unsigned char *decode_key(const char *s, size_t n, size_t *len, const char **msg)
{
    size_t max = n / 4 * 3 + 3;
    unsigned char *buf = sodium_malloc(max);

    if (!buf) {
        *msg = "out of memory for the key";
        return NULL;
    }
    if (n == 0 || sodium_base642bin(buf, max, s, n, NULL, len, NULL, B64URL) != 0) {
        *msg = "key is not base64url without padding";
        sodium_free(buf);
        return NULL;
    }
    if (*len < RZ_JWT_MIN_KEY_LEN) {
        *msg = "key is shorter than 32 bytes";
        sodium_free(buf);
        return NULL;
    }
    sodium_mprotect_readonly(buf);
    return buf;
}

/* Parses one trimmed, non-comment line s[0..n). Returns NULL on success, else the message. */
static const char *parse_key_line(apr_pool_t *p, rz_jwt_keys_t *k, const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    rz_jwt_key_t key;
    const char *msg = NULL;
    size_t kid_len;

    if (!colon) {
        return "expected kid:base64url-key";
    }
    kid_len = (size_t)(colon - s);
    if (!kid_valid(s, kid_len)) {
        return "kid must be 1 to 64 characters among A-Z a-z 0-9 _ -";
    }
    key.kid = apr_pstrmemdup(p, s, kid_len);
    if (find_key(k, key.kid)) {
        return apr_psprintf(p, "duplicate kid \"%s\"", key.kid);
    }
    key.key = decode_key(colon + 1, n - kid_len - 1, &key.len, &msg);
    if (!key.key) {
        return msg;
    }
    APR_ARRAY_PUSH(k->keys, rz_jwt_key_t) = key;
    return NULL;
}

rz_status_t rz_jwt_keys_parse(apr_pool_t *p, const char *text, rz_jwt_keys_t **out,
                              const char **err)
{
    rz_jwt_keys_t *k = apr_pcalloc(p, sizeof(*k));
    const char *line = text ? text : "";
    const char *msg;
    int lineno = 0;

    k->keys = apr_array_make(p, 2, sizeof(rz_jwt_key_t));
    apr_pool_cleanup_register(p, k, keys_cleanup, apr_pool_cleanup_null);
    while (*line) {
        const char *nl = strchr(line, '\n');
        const char *end = nl ? nl : line + strlen(line);
        const char *s = line;

        lineno++;
        line = nl ? nl + 1 : end;
        while (s < end && is_blank(*s)) {
            s++;
        }
        while (end > s && is_blank(end[-1])) {
            end--;
        }
        if (s == end || *s == '#') {
            continue;
        }
        msg = parse_key_line(p, k, s, (size_t)(end - s));
        if (msg) {
            *err = apr_psprintf(p, "line %d: %s", lineno, msg);
            apr_pool_cleanup_run(p, k, keys_cleanup);
            return RZ_INVALID;
        }
    }
    if (k->keys->nelts == 0) {
        *err = "no key in the key file";
        apr_pool_cleanup_run(p, k, keys_cleanup);
        return RZ_INVALID;
    }
    *out = k;
    return RZ_OK;
}

int rz_jwt_keys_count(const rz_jwt_keys_t *k)
{
    return k->keys->nelts;
}

const char *rz_jwt_keys_signing_kid(const rz_jwt_keys_t *k)
{
    return APR_ARRAY_IDX(k->keys, 0, rz_jwt_key_t).kid;
}

/* ---- shared helpers ---------------------------------------------------------------------- */

/* HMAC-SHA256 with the key as given (RFC 7518 HS256 allows keys longer than 32 bytes, which
 * crypto_auth_hmacsha256() with its fixed 32-byte key does not: hence the streaming API). */
static void hs256(const rz_jwt_key_t *key, const char *msg, size_t len, unsigned char mac[MAC_LEN])
{
    crypto_auth_hmacsha256_state st;

    crypto_auth_hmacsha256_init(&st, key->key, key->len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof(st));
}

static char *b64url_encode(apr_pool_t *p, const void *bin, size_t len)
{
    size_t n = sodium_base64_ENCODED_LEN(len, B64URL);
    char *out = apr_palloc(p, n);

    return sodium_bin2base64(out, n, bin, len, B64URL);
}

/* Strictly decodes the segment s[0..n) into `p`: no padding, no other character, no non-zero
 * trailing bits (libsodium checks all three only when b64_end is NULL). 0 or -1. */
static int b64url_decode(apr_pool_t *p, const char *s, size_t n, unsigned char **out, size_t *len)
{
    size_t max = n / 4 * 3 + 3;

    if (n == 0) {
        return -1;
    }
    *out = apr_palloc(p, max + 1);
    if (sodium_base642bin(*out, max, s, n, NULL, len, NULL, B64URL) != 0) {
        return -1;
    }
    (*out)[*len] = '\0';
    return 0;
}

/* ---- signing ------------------------------------------------------------------------------ */

/* 0 when every setter succeeded; json_object_set_new steals (and frees) even on failure. */
static int set_str(json_t *o, const char *name, const char *v)
{
    return v ? json_object_set_new(o, name, json_string(v)) : -1;
}

static json_t *claims_json(apr_pool_t *p, const char *iss, const char *aud,
                           const rz_jwt_claims_t *c)
{
    json_t *o = rz_json_pool_own(p, json_object());
    int rc;

    if (!o) {
        return NULL;
    }
    rc = set_str(o, "iss", iss) | set_str(o, "aud", aud) | set_str(o, "sub", c->sub)
         | set_str(o, "role", c->role);
    rc |= json_object_set_new(o, "est", c->est ? json_string(c->est) : json_null());
    rc |= set_str(o, "sid", c->sid);
    rc |= json_object_set_new(o, "iat", json_integer(c->iat));
    rc |= json_object_set_new(o, "nbf", json_integer(c->nbf));
    rc |= json_object_set_new(o, "exp", json_integer(c->exp));
    rc |= set_str(o, "jti", c->jti);
    return rc == 0 ? o : NULL;
}

char *rz_jwt_sign(apr_pool_t *p, const rz_jwt_keys_t *k, const char *iss, const char *aud,
                  const rz_jwt_claims_t *c)
{
    const rz_jwt_key_t *key = &APR_ARRAY_IDX(k->keys, 0, rz_jwt_key_t);
    const char *header;
    json_t *claims = claims_json(p, iss, aud, c);
    char *payload, *input;
    unsigned char mac[MAC_LEN];
    size_t len;

    if (!claims || !(payload = rz_json_dump(p, claims, &len))) {
        return NULL;
    }
    /* the kid charset needs no JSON escaping, so the header is written byte for byte */
    header = apr_psprintf(p, "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", key->kid);
    input = apr_pstrcat(p, b64url_encode(p, header, strlen(header)), ".",
                        b64url_encode(p, payload, len), NULL);
    hs256(key, input, strlen(input), mac);
    return apr_pstrcat(p, input, ".", b64url_encode(p, mac, sizeof(mac)), NULL);
}

/* ---- verification ------------------------------------------------------------------------- */

typedef struct {
    const char *signed_part; /* "header.payload", the HMAC input */
    size_t signed_len;
    unsigned char *header, *payload, *sig;
    size_t header_len, payload_len, sig_len;
} rz_jwt_parts_t;

/* Step (1): size, three segments, strict base64url each. */
static const char *split_token(apr_pool_t *p, const char *token, rz_jwt_parts_t *t)
{
    size_t len;
    const char *d1, *d2, *end;

    if (!token || !*token) {
        return "no token";
    }
    len = strnlen(token, RZ_JWT_MAX_LEN + 1);
    end = token + len;
    if (len > RZ_JWT_MAX_LEN) {
        return "token longer than 4096 bytes";
    }
    d1 = memchr(token, '.', len);
    d2 = d1 ? memchr(d1 + 1, '.', (size_t)(end - d1 - 1)) : NULL;
    if (!d2 || memchr(d2 + 1, '.', (size_t)(end - d2 - 1))) {
        return "not three segments";
    }
    if (b64url_decode(p, token, (size_t)(d1 - token), &t->header, &t->header_len)
        || b64url_decode(p, d1 + 1, (size_t)(d2 - d1 - 1), &t->payload, &t->payload_len)
        || b64url_decode(p, d2 + 1, (size_t)(end - d2 - 1), &t->sig, &t->sig_len)) {
        return "segment is not strict base64url";
    }
    t->signed_part = token;
    t->signed_len = (size_t)(d2 - token);
    return NULL;
}

/* Parses a decoded segment as a JSON object without duplicate keys, owned by `p`. */
static json_t *segment_object(apr_pool_t *p, const unsigned char *s, size_t len)
{
    json_t *v = rz_json_pool_own(p, json_loadb((const char *)s, len, JSON_REJECT_DUPLICATES, NULL));

    return json_is_object(v) ? v : NULL;
}

static int str_member_is(const json_t *o, const char *name, const char *want)
{
    const char *v = json_string_value(json_object_get(o, name));

    return v && want && strcmp(v, want) == 0;
}

/* Step (2): the header; sets *key to the kid's key. */
static const char *check_header(apr_pool_t *p, const rz_jwt_keys_t *k, const rz_jwt_parts_t *t,
                                const rz_jwt_key_t **key)
{
    json_t *h = segment_object(p, t->header, t->header_len);
    const char *kid;

    if (!h) {
        return "header is not a JSON object";
    }
    if (!str_member_is(h, "alg", "HS256")) {
        return "alg is not HS256";
    }
    kid = json_string_value(json_object_get(h, "kid"));
    if (!kid || !(*key = find_key(k, kid))) {
        return "unknown kid";
    }
    if (!str_member_is(h, "typ", "at+jwt")) {
        return "typ is not at+jwt";
    }
    if (json_object_size(h) != 3) {
        return "unexpected header member";
    }
    return NULL;
}

/* Step (3): constant-time comparison of the signature. */
static const char *check_signature(const rz_jwt_key_t *key, const rz_jwt_parts_t *t)
{
    unsigned char mac[MAC_LEN];
    int rc;

    if (t->sig_len != MAC_LEN) {
        return "bad signature";
    }
    hs256(key, t->signed_part, t->signed_len, mac);
    rc = crypto_verify_32(mac, t->sig);
    sodium_memzero(mac, sizeof(mac));
    return rc == 0 ? NULL : "bad signature";
}

static int int_member(const json_t *o, const char *name, int64_t *v)
{
    const json_t *j = json_object_get(o, name);

    if (!json_is_integer(j)) {
        return -1;
    }
    *v = (int64_t)json_integer_value(j);
    return 0;
}

/* Step (5), times: integers within the skew. */
static const char *check_times(const json_t *c, int64_t now, rz_jwt_claims_t *out)
{
    if (int_member(c, "exp", &out->exp) || int_member(c, "nbf", &out->nbf)
        || int_member(c, "iat", &out->iat)) {
        return "exp, nbf or iat missing or not an integer";
    }
    if (out->exp <= now - RZ_JWT_SKEW) {
        return "expired";
    }
    if (out->nbf > now + RZ_JWT_SKEW) {
        return "nbf in the future";
    }
    if (out->iat > now + RZ_JWT_SKEW) {
        return "iat in the future";
    }
    return NULL;
}

static int jti_valid(const char *s)
{
    size_t i;

    for (i = 0; i < 32; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return s[32] == '\0';
}

/* Step (5), strings: copies them into `p`. */
static const char *check_strings(apr_pool_t *p, const json_t *c, rz_jwt_claims_t *out)
{
    const char *sub = json_string_value(json_object_get(c, "sub"));
    const char *sid = json_string_value(json_object_get(c, "sid"));
    const char *jti = json_string_value(json_object_get(c, "jti"));
    const char *role = json_string_value(json_object_get(c, "role"));
    const json_t *est = json_object_get(c, "est");

    if (!rz_id_valid(sub)) {
        return "sub is not an id";
    }
    if (!rz_id_valid(sid)) {
        return "sid is not an id";
    }
    if (!jti || !jti_valid(jti)) {
        return "jti is not 32 lowercase hex";
    }
    if (!role || !*role) {
        return "role missing";
    }
    if (!est || !(json_is_null(est) || rz_id_valid(json_string_value(est)))) {
        return "est is neither an id nor null";
    }
    out->sub = apr_pstrdup(p, sub);
    out->sid = apr_pstrdup(p, sid);
    out->jti = apr_pstrdup(p, jti);
    out->role = apr_pstrdup(p, role);
    out->est = json_is_null(est) ? NULL : apr_pstrdup(p, json_string_value(est));
    return NULL;
}

/* Steps (4) and (5): the payload, read only after the signature matched. */
static const char *check_claims(apr_pool_t *p, const rz_jwt_parts_t *t, const char *iss,
                                const char *aud, int64_t now, rz_jwt_claims_t *out)
{
    json_t *c = segment_object(p, t->payload, t->payload_len);
    const char *why;

    if (!c) {
        return "payload is not a JSON object";
    }
    if (!str_member_is(c, "iss", iss)) {
        return "wrong iss";
    }
    if (!str_member_is(c, "aud", aud)) {
        return "wrong aud";
    }
    why = check_times(c, now, out);
    return why ? why : check_strings(p, c, out);
}

int rz_jwt_verify(apr_pool_t *p, const rz_jwt_keys_t *k, const char *token, const char *iss,
                  const char *aud, int64_t now, rz_jwt_claims_t *out, const char **why)
{
    rz_jwt_parts_t t;
    rz_jwt_claims_t c;
    const rz_jwt_key_t *key = NULL;
    const char *fail;

    memset(&t, 0, sizeof(t));
    memset(&c, 0, sizeof(c));
    if (!(fail = split_token(p, token, &t)) && !(fail = check_header(p, k, &t, &key))
        && !(fail = check_signature(key, &t))) {
        fail = check_claims(p, &t, iss, aud, now, &c);
    }
    if (why) {
        *why = fail;
    }
    if (fail) {
        return -1;
    }
    *out = c;
    return 0;
}
