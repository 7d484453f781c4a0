/* fuzz_jwt.c: libFuzzer harness of access-token parsing and verification (SPEC 8.5) and of the
 * key file parser. The first byte picks the mode: a raw token; a header and a payload (split at
 * the first LF) encoded and signed with the right key, so the claims checks are reached; or
 * key-file text. */
#include "fuzz_common.h"

#include <sodium.h>

#include "auth/rz_jwt.h"

#define NOW ((int64_t)1767225600) /* 2026-01-01T00:00:00Z */
#define ISS "ruzizi"
#define AUD "ruzizi-api"
/* k1: bytes 100..131; k2: 48 bytes of 0x5a (as tests/unit/test_auth.c) */
#define K1_B64 "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM"
#define K2_B64 "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa"
#define H_OK "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}"

static rz_jwt_keys_t *keys;
static unsigned char k1[32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *err = NULL;
    int i;

    fz_init();
    if (sodium_init() < 0) {
        abort();
    }
    for (i = 0; i < 32; i++) {
        k1[i] = (unsigned char)(100 + i);
    }
    if (rz_jwt_keys_parse(fz_root, "k1:" K1_B64 "\nk2:" K2_B64 "\n", &keys, &err) != RZ_OK) {
        abort();
    }
    return 0;
}

static char *b64(apr_pool_t *p, const void *bin, size_t len)
{
    size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

    return sodium_bin2base64(apr_palloc(p, n), n, bin, len,
                             sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* header.payload.signature with HMAC-SHA256 under k1. */
static char *craft(apr_pool_t *p, const char *h, size_t hl, const char *pl, size_t pll)
{
    char *signed_part = apr_pstrcat(p, b64(p, h, hl), ".", b64(p, pl, pll), NULL);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;

    crypto_auth_hmacsha256_init(&st, k1, sizeof(k1));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)signed_part, strlen(signed_part));
    crypto_auth_hmacsha256_final(&st, mac);
    return apr_pstrcat(p, signed_part, ".", b64(p, mac, sizeof(mac)), NULL);
}

/* A valid token's claims are well-formed, and signing them again gives a valid token. */
static void check_valid(apr_pool_t *p, const rz_jwt_claims_t *c)
{
    rz_jwt_claims_t again;
    char *token;

    FZ_CHECK(c->sub && strlen(c->sub) == 24 && c->sid && strlen(c->sid) == 24);
    FZ_CHECK(c->jti && strlen(c->jti) == 32 && c->role && *c->role);
    FZ_CHECK(c->exp > NOW - RZ_JWT_SKEW && c->nbf <= NOW + RZ_JWT_SKEW);
    token = rz_jwt_sign(p, keys, ISS, AUD, c);
    FZ_CHECK(token && rz_jwt_verify(p, keys, token, ISS, AUD, NOW, &again, NULL) == 0);
    FZ_CHECK(strcmp(again.sub, c->sub) == 0 && again.exp == c->exp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *rest, *why = NULL, *err = NULL, *nl, *token;
    rz_jwt_claims_t c;
    rz_jwt_keys_t *k = NULL;
    size_t n;

    if (size < 1) {
        return 0;
    }
    p = fz_pool();
    rest = (const char *)data + 1;
    n = size - 1;
    switch (data[0] % 4) {
    case 0: /* a raw token */
        token = fz_cstr(p, data + 1, n);
        break;
    case 1: /* any header and payload, signed */
    case 2: /* the right header, any payload, signed */
        nl = memchr(rest, '\n', n);
        if (data[0] % 4 == 2) {
            token = craft(p, H_OK, strlen(H_OK), rest, n);
        } else if (nl) {
            token = craft(p, rest, (size_t)(nl - rest), nl + 1, n - (size_t)(nl - rest) - 1);
        } else {
            token = craft(p, rest, n, "{}", 2);
        }
        break;
    default: /* key-file text */
        if (rz_jwt_keys_parse(p, fz_cstr(p, data + 1, n), &k, &err) == RZ_OK) {
            FZ_CHECK(k && rz_jwt_keys_count(k) >= 1 && rz_jwt_keys_signing_kid(k));
        } else {
            FZ_CHECK(err != NULL);
        }
        apr_pool_destroy(p);
        return 0;
    }
    if (rz_jwt_verify(p, keys, token, ISS, AUD, NOW, &c, &why) == 0) {
        check_valid(p, &c);
    } else {
        FZ_CHECK(why != NULL);
    }
    apr_pool_destroy(p);
    return 0;
}
