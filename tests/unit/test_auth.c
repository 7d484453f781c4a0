/* test_auth.c: unit tests of the auth primitives: JWT keys, signing and validation (SPEC 8.5),
 * argon2id passwords and policy, random tokens and SHA-256. */
#include <apr_pools.h>
#include <apr_strings.h>
#include <check.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "auth/rz_jwt.h"
#include "auth/rz_password.h"
#include "auth/rz_token.h"
#include "unit_suites.h"

#define NOW ((int64_t)1767225600) /* 2026-01-01T00:00:00Z */
#define ISS "ruzizi"
#define AUD "ruzizi-api"
#define SUB "65a0b0c0d0e0f00112233445"
#define EST "65a0b0c0d0e0f00112233446"
#define SID "65a0b0c0d0e0f00112233447"
#define JTI "0123456789abcdef0123456789abcdef"
#define H_OK "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}"

/* k1: bytes 100..131 (32 bytes); k2: 48 bytes of 0x5a. */
#define K1_B64 "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM"
#define K2_B64 "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa"

static apr_pool_t *pool;
static rz_jwt_keys_t *keys; /* "k1" signs, "k2" verifies */
static unsigned char k1[32];

static void setup(void)
{
    const char *err = NULL;
    int i;

    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    for (i = 0; i < 32; i++) {
        k1[i] = (unsigned char)(100 + i);
    }
    ck_assert_int_eq(rz_jwt_keys_parse(pool, "k1:" K1_B64 "\nk2:" K2_B64 "\n", &keys, &err), RZ_OK);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* ---- helpers ------------------------------------------------------------------------------ */

static char *b64(const void *bin, size_t len)
{
    size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = apr_palloc(pool, n);

    return sodium_bin2base64(out, n, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* A token with arbitrary header and payload text, signed with HMAC-SHA256 under key. */
static char *craft(const char *header, const char *payload, const unsigned char *key, size_t klen)
{
    char *input =
        apr_pstrcat(pool, b64(header, strlen(header)), ".", b64(payload, strlen(payload)), NULL);
    crypto_auth_hmacsha256_state st;
    unsigned char mac[32];

    crypto_auth_hmacsha256_init(&st, key, klen);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)input, strlen(input));
    crypto_auth_hmacsha256_final(&st, mac);
    return apr_pstrcat(pool, input, ".", b64(mac, sizeof(mac)), NULL);
}

static char *claims_at(int64_t iat, int64_t nbf, int64_t exp)
{
    return apr_psprintf(pool,
                        "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"" SUB
                        "\",\"role\":\"manager\",\"est\":\"" EST "\",\"sid\":\"" SID
                        "\",\"iat\":%" APR_INT64_T_FMT ",\"nbf\":%" APR_INT64_T_FMT
                        ",\"exp\":%" APR_INT64_T_FMT ",\"jti\":\"" JTI "\"}",
                        iat, nbf, exp);
}

static char *good_claims(void)
{
    return claims_at(NOW, NOW, NOW + 900);
}

/* Verifies at NOW; returns "ok" or the rejection reason. */
static const char *check_at(const char *token, int64_t now)
{
    rz_jwt_claims_t c;
    const char *why = NULL;

    if (rz_jwt_verify(pool, keys, token, ISS, AUD, now, &c, &why) == 0) {
        ck_assert_ptr_null(why);
        return "ok";
    }
    ck_assert_ptr_nonnull(why);
    return why;
}

static const char *check(const char *token)
{
    return check_at(token, NOW);
}

static rz_jwt_claims_t sample_claims(void)
{
    rz_jwt_claims_t c = {SUB, "manager", EST, SID, JTI, NOW, NOW, NOW + 900};
    return c;
}

/* ---- JWT: signing and round trip ---------------------------------------------------------- */

START_TEST(t_jwt_roundtrip)
{
    rz_jwt_claims_t c = sample_claims(), out;
    char *tok = rz_jwt_sign(pool, keys, ISS, AUD, &c);
    const char *why = "unset";

    ck_assert_ptr_nonnull(tok);
    ck_assert_int_eq(rz_jwt_verify(pool, keys, tok, ISS, AUD, NOW, &out, &why), 0);
    ck_assert_ptr_null(why);
    ck_assert_str_eq(out.sub, SUB);
    ck_assert_str_eq(out.role, "manager");
    ck_assert_str_eq(out.est, EST);
    ck_assert_str_eq(out.sid, SID);
    ck_assert_str_eq(out.jti, JTI);
    ck_assert_int_eq(out.iat, NOW);
    ck_assert_int_eq(out.nbf, NOW);
    ck_assert_int_eq(out.exp, NOW + 900);
    /* the header is exactly the spec's, with the first kid */
    ck_assert(strncmp(tok, b64(H_OK, strlen(H_OK)), strlen(b64(H_OK, strlen(H_OK)))) == 0);
    ck_assert_str_eq(rz_jwt_keys_signing_kid(keys), "k1");
    ck_assert_int_eq(rz_jwt_keys_count(keys), 2);
}
END_TEST

/* Expected bytes computed independently (Python hmac/hashlib) for the k1 key. */
START_TEST(t_jwt_sign_known_vector)
{
    rz_jwt_claims_t c = {SUB, "super_admin", NULL, SID, JTI, NOW, NOW, NOW + 900}, out;
    char *tok = rz_jwt_sign(pool, keys, ISS, AUD, &c);

    ck_assert_str_eq(
        tok,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0."
        "eyJpc3MiOiJydXppemkiLCJhdWQiOiJydXppemktYXBpIiwic3ViIjoiNjVhMGIwYzBkMGUwZjAwMTEyMjMzNDQ1"
        "Iiwicm9sZSI6InN1cGVyX2FkbWluIiwiZXN0IjpudWxsLCJzaWQiOiI2NWEwYjBjMGQwZTBmMDAxMTIyMzM0NDci"
        "LCJpYXQiOjE3NjcyMjU2MDAsIm5iZiI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3MjI2NTAwLCJqdGkiOiIwMTIzNDU2"
        "Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiJ9.KuvRjy87EZ1YjUzz_6g7w9cKBuJO1rMVywMxfnsidyU");
    ck_assert_int_eq(rz_jwt_verify(pool, keys, tok, ISS, AUD, NOW, &out, NULL), 0);
    ck_assert_ptr_null(out.est);
    ck_assert_str_eq(out.role, "super_admin");
}
END_TEST

/* A token made by Python with an 80-byte key (longer than the HMAC block) and an extra claim. */
START_TEST(t_jwt_verify_long_key_vector)
{
    rz_jwt_keys_t *k;
    rz_jwt_claims_t out;
    const char *err;
    const char *tok =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6InB5In0."
        "eyJpc3MiOiJodHRwczovL3J1eml6aS5leGFtcGxlIiwiYXVkIjoicnV6aXppLWFwaSIsInN1YiI6IjY1YTBiMGMw"
        "ZDBlMGYwMDExMjIzMzQ0NSIsInJvbGUiOiJzdGFmZiIsImVzdCI6IjY1YTBiMGMwZDBlMGYwMDExMjIzMzQ0NiIs"
        "InNpZCI6IjY1YTBiMGMwZDBlMGYwMDExMjIzMzQ0NyIsImlhdCI6MTc2NzIyNTYwMCwibmJmIjoxNzY3MjI1NjAw"
        "LCJleHAiOjE3NjcyMjY1MDAsImp0aSI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwieCI6IsOp"
        "In0.e7hUkBPUFXAz9PowSstnLRnKvQeYuJRlyG_jN8CJSTE";

    ck_assert_int_eq(rz_jwt_keys_parse(pool,
                                       "py:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJyg"
                                       "pKissLS4vMDEyMzQ1Njc4OTo7PD0-P0BBQkNERUZHSElKS0xNTk8",
                                       &k, &err),
                     RZ_OK);
    ck_assert_int_eq(rz_jwt_verify(pool, k, tok, "https://ruzizi.example", AUD, NOW, &out, &err),
                     0);
    ck_assert_str_eq(out.role, "staff");
    ck_assert_str_eq(out.est, EST);
}
END_TEST

START_TEST(t_jwt_sign_null_fields)
{
    rz_jwt_claims_t c = sample_claims();

    c.sub = NULL;
    ck_assert_ptr_null(rz_jwt_sign(pool, keys, ISS, AUD, &c));
    c = sample_claims();
    ck_assert_ptr_null(rz_jwt_sign(pool, keys, NULL, AUD, &c));
}
END_TEST

/* ---- JWT: attacks of SPEC 8.5 ------------------------------------------------------------- */

START_TEST(t_jwt_forged_signature)
{
    rz_jwt_claims_t c = sample_claims();
    char *tok = rz_jwt_sign(pool, keys, ISS, AUD, &c);
    char *dot = strrchr(tok, '.');

    dot[1] = dot[1] == 'A' ? 'B' : 'A';
    ck_assert_str_eq(check(tok), "bad signature");
    /* a syntactically valid signature of the wrong length */
    *dot = '\0';
    ck_assert_str_eq(check(apr_pstrcat(pool, tok, ".", b64("0123456789", 10), NULL)),
                     "bad signature");
}
END_TEST

START_TEST(t_jwt_other_key)
{
    unsigned char other[32];

    memset(other, 7, sizeof(other));
    ck_assert_str_eq(check(craft(H_OK, good_claims(), other, sizeof(other))), "bad signature");
    /* k2's key under k1's kid */
    {
        unsigned char k2[48];
        memset(k2, 0x5a, sizeof(k2));
        ck_assert_str_eq(check(craft(H_OK, good_claims(), k2, sizeof(k2))), "bad signature");
        ck_assert_str_eq(check(craft("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k2\"}",
                                     good_claims(), k2, sizeof(k2))),
                         "ok");
    }
    ck_assert_str_eq(check(craft(H_OK, good_claims(), k1, sizeof(k1))), "ok");
}
END_TEST

START_TEST(t_jwt_alg_none)
{
    const char *h = "{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}";
    const char *p = good_claims();
    char *unsigned_tok = apr_pstrcat(pool, b64(h, strlen(h)), ".", b64(p, strlen(p)), ".", NULL);

    /* without signature: an empty third segment fails step (1) */
    ck_assert_str_eq(check(unsigned_tok), "segment is not strict base64url");
    unsigned_tok[strlen(unsigned_tok) - 1] = '\0';
    ck_assert_str_eq(check(unsigned_tok), "not three segments");
    /* with a valid HMAC: still refused at step (2) */
    ck_assert_str_eq(check(craft(h, p, k1, sizeof(k1))), "alg is not HS256");
    ck_assert_str_eq(check(craft("{\"alg\":\"none\"}", p, k1, sizeof(k1))), "alg is not HS256");
    ck_assert_str_eq(
        check(craft("{\"alg\":\"None\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}", p, k1, sizeof(k1))),
        "alg is not HS256");
}
END_TEST

START_TEST(t_jwt_alg_other)
{
    const char *p = good_claims();

    ck_assert_str_eq(
        check(craft("{\"alg\":\"HS512\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}", p, k1, sizeof(k1))),
        "alg is not HS256");
    ck_assert_str_eq(
        check(craft("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}", p, k1, sizeof(k1))),
        "alg is not HS256");
    ck_assert_str_eq(
        check(craft("{\"alg\":\"hs256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}", p, k1, sizeof(k1))),
        "alg is not HS256");
    ck_assert_str_eq(check(craft("{\"typ\":\"at+jwt\",\"kid\":\"k1\"}", p, k1, sizeof(k1))),
                     "alg is not HS256");
    ck_assert_str_eq(
        check(craft("{\"alg\":[\"HS256\"],\"typ\":\"at+jwt\",\"kid\":\"k1\"}", p, k1, sizeof(k1))),
        "alg is not HS256");
}
END_TEST

START_TEST(t_jwt_typ)
{
    const char *p = good_claims();

    ck_assert_str_eq(check(craft("{\"alg\":\"HS256\",\"kid\":\"k1\"}", p, k1, sizeof(k1))),
                     "typ is not at+jwt");
    ck_assert_str_eq(
        check(craft("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}", p, k1, sizeof(k1))),
        "typ is not at+jwt");
    ck_assert_str_eq(
        check(craft("{\"alg\":\"HS256\",\"typ\":null,\"kid\":\"k1\"}", p, k1, sizeof(k1))),
        "typ is not at+jwt");
}
END_TEST

START_TEST(t_jwt_kid)
{
    const char *p = good_claims();

    ck_assert_str_eq(
        check(craft("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k9\"}", p, k1, sizeof(k1))),
        "unknown kid");
    ck_assert_str_eq(check(craft("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", p, k1, sizeof(k1))),
                     "unknown kid");
    ck_assert_str_eq(
        check(craft("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":1}", p, k1, sizeof(k1))),
        "unknown kid");
    ck_assert_str_eq(
        check(craft("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"K1\"}", p, k1, sizeof(k1))),
        "unknown kid");
    /* header members beyond alg, typ, kid (crit, jku...) are refused */
    ck_assert_str_eq(check(craft("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\","
                                 "\"jku\":\"https://evil.example/\"}",
                                 p, k1, sizeof(k1))),
                     "unexpected header member");
}
END_TEST

START_TEST(t_jwt_segments)
{
    rz_jwt_claims_t c = sample_claims();
    char *tok = rz_jwt_sign(pool, keys, ISS, AUD, &c);
    char *two = apr_pstrndup(pool, tok, (size_t)(strrchr(tok, '.') - tok));

    ck_assert_str_eq(check(two), "not three segments");
    ck_assert_str_eq(check(apr_pstrcat(pool, tok, ".", b64("x", 1), NULL)), "not three segments");
    ck_assert_str_eq(check(apr_pstrcat(pool, tok, ".", NULL)), "not three segments");
    ck_assert_str_eq(check(apr_pstrcat(pool, ".", tok, NULL)), "not three segments");
    ck_assert_str_eq(check(""), "no token");
    ck_assert_str_eq(check(NULL), "no token");
    ck_assert_str_eq(check(".."), "segment is not strict base64url");
    ck_assert_str_eq(check(tok), "ok");
}
END_TEST

/* Replaces the character at offset i of a copy of tok. */
static char *poke(const char *tok, size_t i, char ch)
{
    char *s = apr_pstrdup(pool, tok);

    s[i] = ch;
    return s;
}

START_TEST(t_jwt_base64_strict)
{
    rz_jwt_claims_t c = sample_claims();
    char *tok = rz_jwt_sign(pool, keys, ISS, AUD, &c);
    size_t d1 = (size_t)(strchr(tok, '.') - tok);
    size_t n = strlen(tok);
    char *sig = strrchr(tok, '.') + 1;
    char *padded = apr_pstrcat(pool, tok, "=", NULL);
    char *h = apr_pstrndup(pool, tok, d1);

    ck_assert_str_eq(check(padded), "segment is not strict base64url");
    ck_assert_str_eq(check(apr_pstrcat(pool, h, "=", tok + d1, NULL)),
                     "segment is not strict base64url");
    ck_assert_str_eq(check(poke(tok, 3, '+')), "segment is not strict base64url");
    ck_assert_str_eq(check(poke(tok, 3, '/')), "segment is not strict base64url");
    ck_assert_str_eq(check(poke(tok, 3, ' ')), "segment is not strict base64url");
    ck_assert_str_eq(check(poke(tok, n - 5, '\n')), "segment is not strict base64url");
    ck_assert_str_eq(check(apr_pstrcat(pool, " ", tok, NULL)), "segment is not strict base64url");
    ck_assert_str_eq(check(apr_pstrcat(pool, tok, "\n", NULL)), "segment is not strict base64url");
    /* 43 characters carry 258 bits: a signature with non-zero trailing bits is another spelling of
     * the same bytes, refused so tokens have one form only */
    ck_assert(strlen(sig) == 43);
    {
        const char *alphabet = "AEIMQUYcgkosw048";
        char *s = apr_pstrdup(pool, tok);
        char *last = s + strlen(s) - 1;
        /* the last character of a canonical encoding is one of `alphabet`; bump to a sibling */
        ck_assert_ptr_nonnull(strchr(alphabet, *last));
        *last = (char)(*last + 1);
        ck_assert_str_eq(check(s), "segment is not strict base64url");
    }
}
END_TEST

START_TEST(t_jwt_oversized)
{
    int filler, seen_max = 0, seen_over = 0;

    for (filler = 2700; !seen_over; filler++) {
        char *pad = apr_palloc(pool, (apr_size_t)filler + 1);
        char *p, *tok;
        size_t n;

        memset(pad, 'a', (size_t)filler);
        pad[filler] = '\0';
        p = apr_psprintf(pool, "%.*s,\"pad\":\"%s\"}", (int)strlen(good_claims()) - 1,
                         good_claims(), pad);
        tok = craft(H_OK, p, k1, sizeof(k1));
        n = strlen(tok);
        if (n == RZ_JWT_MAX_LEN) {
            ck_assert_str_eq(check(tok), "ok");
            seen_max = 1;
        } else if (n > RZ_JWT_MAX_LEN) {
            ck_assert_str_eq(check(tok), "token longer than 4096 bytes");
            seen_over = 1;
        } else {
            ck_assert_str_eq(check(tok), "ok");
        }
    }
    ck_assert(seen_max && seen_over);
}
END_TEST

START_TEST(t_jwt_expiry_skew)
{
    /* exp must be > now - 30 */
    ck_assert_str_eq(check(craft(H_OK, claims_at(NOW - 900, NOW - 900, NOW - 30), k1, 32)),
                     "expired");
    ck_assert_str_eq(check(craft(H_OK, claims_at(NOW - 900, NOW - 900, NOW - 29), k1, 32)), "ok");
    ck_assert_str_eq(check_at(craft(H_OK, good_claims(), k1, 32), NOW + 929), "ok");
    ck_assert_str_eq(check_at(craft(H_OK, good_claims(), k1, 32), NOW + 930), "expired");
    ck_assert_str_eq(check_at(craft(H_OK, good_claims(), k1, 32), NOW + 10000), "expired");
}
END_TEST

START_TEST(t_jwt_future_skew)
{
    ck_assert_str_eq(check(craft(H_OK, claims_at(NOW, NOW + 30, NOW + 900), k1, 32)), "ok");
    ck_assert_str_eq(check(craft(H_OK, claims_at(NOW, NOW + 31, NOW + 900), k1, 32)),
                     "nbf in the future");
    ck_assert_str_eq(check(craft(H_OK, claims_at(NOW + 30, NOW, NOW + 900), k1, 32)), "ok");
    ck_assert_str_eq(check(craft(H_OK, claims_at(NOW + 31, NOW, NOW + 900), k1, 32)),
                     "iat in the future");
    /* a token issued by a server whose clock is 20 s ahead is accepted */
    ck_assert_str_eq(check_at(craft(H_OK, claims_at(NOW + 20, NOW + 20, NOW + 920), k1, 32), NOW),
                     "ok");
}
END_TEST

START_TEST(t_jwt_time_types)
{
    const char *tmpl = "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"" SUB
                       "\",\"role\":\"staff\",\"est\":null,\"sid\":\"" SID
                       "\",\"iat\":%s,\"nbf\":%s,\"exp\":%s,\"jti\":\"" JTI "\"}";
    const char *bad = "exp, nbf or iat missing or not an integer";

    ck_assert_str_eq(
        check(craft(H_OK, apr_psprintf(pool, tmpl, "1767225600", "1767225600", "1767226500.0"), k1,
                    32)),
        bad);
    ck_assert_str_eq(
        check(craft(H_OK, apr_psprintf(pool, tmpl, "1767225600", "1767225600", "\"1767226500\""),
                    k1, 32)),
        bad);
    ck_assert_str_eq(
        check(craft(H_OK, apr_psprintf(pool, tmpl, "1767225600", "null", "1767226500"), k1, 32)),
        bad);
    ck_assert_str_eq(
        check(craft(H_OK, apr_psprintf(pool, tmpl, "1767225600", "1767225600", "1767226500"), k1,
                    32)),
        "ok");
    /* missing exp */
    ck_assert_str_eq(check(craft(H_OK,
                                 "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"" SUB
                                 "\",\"role\":\"staff\",\"est\":null,\"sid\":\"" SID
                                 "\",\"iat\":1767225600,\"nbf\":1767225600,\"jti\":\"" JTI "\"}",
                                 k1, 32)),
                     bad);
}
END_TEST

START_TEST(t_jwt_iss_aud)
{
    rz_jwt_claims_t c = sample_claims(), out;
    char *tok = rz_jwt_sign(pool, keys, "other", AUD, &c);
    const char *why;

    ck_assert_str_eq(check(tok), "wrong iss");
    tok = rz_jwt_sign(pool, keys, ISS, "other-api", &c);
    ck_assert_str_eq(check(tok), "wrong aud");
    ck_assert_int_eq(rz_jwt_verify(pool, keys, tok, ISS, "other-api", NOW, &out, &why), 0);
    /* aud as an array is refused, even when it contains the audience */
    ck_assert_str_eq(check(craft(H_OK,
                                 "{\"iss\":\"" ISS "\",\"aud\":[\"" AUD "\"],\"sub\":\"" SUB
                                 "\",\"role\":\"staff\",\"est\":null,\"sid\":\"" SID
                                 "\",\"iat\":1767225600,\"nbf\":1767225600,\"exp\":1767226500,"
                                 "\"jti\":\"" JTI "\"}",
                                 k1, 32)),
                     "wrong aud");
}
END_TEST

START_TEST(t_jwt_tampered_claims)
{
    rz_jwt_claims_t c = sample_claims();
    char *tok = rz_jwt_sign(pool, keys, ISS, AUD, &c);
    char *d1 = strchr(tok, '.'), *d2 = strrchr(tok, '.');
    const char *p =
        "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"" SUB
        "\",\"role\":\"super_admin\",\"est\":null,\"sid\":\"" SID
        "\",\"iat\":1767225600,\"nbf\":1767225600,\"exp\":1767226500,\"jti\":\"" JTI "\"}";
    char *forged = apr_pstrcat(pool, apr_pstrndup(pool, tok, (size_t)(d1 - tok)), ".",
                               b64(p, strlen(p)), d2, NULL);

    ck_assert_str_eq(check(forged), "bad signature");
    /* the signature is checked before any claim is read: garbage claims under a bad signature
     * report the signature, and the same garbage correctly signed reports the payload */
    ck_assert_str_eq(check(apr_pstrcat(pool, apr_pstrndup(pool, tok, (size_t)(d1 - tok)), ".",
                                       b64("garbage", 7), d2, NULL)),
                     "bad signature");
    ck_assert_str_eq(check(craft(H_OK, "garbage", k1, 32)), "payload is not a JSON object");
    ck_assert_str_eq(check(craft(H_OK, "[1]", k1, 32)), "payload is not a JSON object");
}
END_TEST

START_TEST(t_jwt_header_json)
{
    const char *p = good_claims();

    ck_assert_str_eq(check(craft("not json", p, k1, 32)), "header is not a JSON object");
    ck_assert_str_eq(check(craft("[\"HS256\"]", p, k1, 32)), "header is not a JSON object");
    ck_assert_str_eq(check(craft("\"HS256\"", p, k1, 32)), "header is not a JSON object");
    ck_assert_str_eq(check(craft(H_OK " x", p, k1, 32)), "header is not a JSON object");
    /* duplicate keys: a parser keeping the last alg would see HS256 */
    ck_assert_str_eq(
        check(craft("{\"alg\":\"none\",\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}", p, k1,
                    32)),
        "header is not a JSON object");
    ck_assert_str_eq(
        check(craft("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k9\",\"kid\":\"k1\"}", p, k1,
                    32)),
        "header is not a JSON object");
    /* whitespace inside a well-formed header is fine */
    ck_assert_str_eq(
        check(craft("{ \"alg\": \"HS256\", \"typ\": \"at+jwt\", \"kid\": \"k1\" }", p, k1, 32)),
        "ok");
}
END_TEST

START_TEST(t_jwt_claim_formats)
{
    const char *tmpl = "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":%s,\"role\":%s,"
                       "\"est\":%s,\"sid\":\"" SID "\",\"iat\":1767225600,\"nbf\":1767225600,"
                       "\"exp\":1767226500,\"jti\":%s}";
    const char *sub = "\"" SUB "\"", *jti = "\"" JTI "\"";

    ck_assert_str_eq(
        check(craft(H_OK, apr_psprintf(pool, tmpl, sub, "\"staff\"", "null", jti), k1, 32)), "ok");
    ck_assert_str_eq(
        check(craft(H_OK, apr_psprintf(pool, tmpl, "1", "\"staff\"", "null", jti), k1, 32)),
        "sub is not an id");
    ck_assert_str_eq(check(craft(H_OK,
                                 apr_psprintf(pool, tmpl, sub, "\"staff\"", "null",
                                              "\"0123456789ABCDEF0123456789ABCDEF\""),
                                 k1, 32)),
                     "jti is not 32 lowercase hex");
    ck_assert_str_eq(
        check(craft(H_OK,
                    apr_psprintf(pool, tmpl, sub, "\"staff\"", "null", "\"0123456789abcdef\""), k1,
                    32)),
        "jti is not 32 lowercase hex");
    ck_assert_str_eq(check(craft(H_OK, apr_psprintf(pool, tmpl, sub, "null", "null", jti), k1, 32)),
                     "role missing");
    ck_assert_str_eq(
        check(craft(H_OK, apr_psprintf(pool, tmpl, sub, "\"staff\"", "5", jti), k1, 32)),
        "est is neither an id nor null");
    /* duplicate claims */
    ck_assert_str_eq(check(craft(H_OK,
                                 apr_psprintf(pool, "%.*s,\"sub\":\"" SUB "\"}",
                                              (int)strlen(good_claims()) - 1, good_claims()),
                                 k1, 32)),
                     "payload is not a JSON object");
}
END_TEST

/* ---- JWT: key file ------------------------------------------------------------------------ */

START_TEST(t_keys_comments_blank_lines)
{
    rz_jwt_keys_t *k;
    const char *err = NULL;
    const char *text = "# rotated 2026-01\n\n  \r\n\t# old key below\r\n"
                       "new-1:" K2_B64 "\r\n"
                       "  old_0:" K1_B64 "  \n#k3:AAAA\n";

    ck_assert_int_eq(rz_jwt_keys_parse(pool, text, &k, &err), RZ_OK);
    ck_assert_int_eq(rz_jwt_keys_count(k), 2);
    ck_assert_str_eq(rz_jwt_keys_signing_kid(k), "new-1");
    /* no trailing newline needed */
    ck_assert_int_eq(rz_jwt_keys_parse(pool, "a:" K1_B64, &k, &err), RZ_OK);
}
END_TEST

static void expect_key_error(const char *text, const char *msg)
{
    rz_jwt_keys_t *k = NULL;
    const char *err = NULL;

    ck_assert_int_eq(rz_jwt_keys_parse(pool, text, &k, &err), RZ_INVALID);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, msg);
}

START_TEST(t_keys_errors)
{
    /* 31 bytes; the exact messages show no key material is quoted */
    expect_key_error("k1:" K1_B64 "\n\n# c\nk2:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg\n",
                     "line 4: key is shorter than 32 bytes");
    expect_key_error("k1:" K1_B64 "=\n", "line 1: key is not base64url without padding");
    expect_key_error("k1:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM\n",
                     "line 1: key is not base64url without padding");
    expect_key_error("k1:ZGVmZ2hp amtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM\n",
                     "line 1: key is not base64url without padding");
    expect_key_error("k1:\n", "line 1: key is not base64url without padding");
    expect_key_error("k1:" K1_B64 "\nk1:" K2_B64 "\n", "line 2: duplicate kid \"k1\"");
    expect_key_error("\n" K1_B64 "\n", "line 2: expected kid:base64url-key");
    expect_key_error(":" K1_B64 "\n",
                     "line 1: kid must be 1 to 64 characters among A-Z a-z 0-9 _ -");
    expect_key_error("k.1:" K1_B64 "\n",
                     "line 1: kid must be 1 to 64 characters among A-Z a-z 0-9 _ -");
    expect_key_error("k1 :" K1_B64 "\n",
                     "line 1: kid must be 1 to 64 characters among A-Z a-z 0-9 _ -");
    expect_key_error("", "no key in the key file");
    expect_key_error("# nothing\n\n", "no key in the key file");
    expect_key_error(NULL, "no key in the key file");
}
END_TEST

START_TEST(t_keys_kid_length)
{
    rz_jwt_keys_t *k;
    const char *err;
    char kid[66];

    memset(kid, 'k', 64);
    kid[64] = '\0';
    ck_assert_int_eq(rz_jwt_keys_parse(pool, apr_pstrcat(pool, kid, ":", K1_B64, NULL), &k, &err),
                     RZ_OK);
    kid[64] = 'k';
    kid[65] = '\0';
    expect_key_error(apr_pstrcat(pool, kid, ":", K1_B64, NULL),
                     "line 1: kid must be 1 to 64 characters among A-Z a-z 0-9 _ -");
}
END_TEST

START_TEST(t_keys_rotation)
{
    rz_jwt_keys_t *only2, *both;
    rz_jwt_claims_t c = sample_claims(), out;
    const char *err;
    char *tok;

    ck_assert_int_eq(rz_jwt_keys_parse(pool, "k2:" K2_B64, &only2, &err), RZ_OK);
    ck_assert_int_eq(rz_jwt_keys_parse(pool, "k1:" K1_B64 "\nk2:" K2_B64, &both, &err), RZ_OK);
    /* a token signed with the second key (before rotation) still verifies */
    tok = rz_jwt_sign(pool, only2, ISS, AUD, &c);
    ck_assert_int_eq(rz_jwt_verify(pool, both, tok, ISS, AUD, NOW, &out, &err), 0);
    /* the first key signs, and the header names it */
    tok = rz_jwt_sign(pool, both, ISS, AUD, &c);
    ck_assert(strncmp(tok, b64(H_OK, strlen(H_OK)), strlen(b64(H_OK, strlen(H_OK)))) == 0);
    ck_assert_int_eq(rz_jwt_verify(pool, both, tok, ISS, AUD, NOW, &out, &err), 0);
    /* k1's token is unknown to a set that only has k2 */
    ck_assert_int_eq(rz_jwt_verify(pool, only2, tok, ISS, AUD, NOW, &out, &err), -1);
    ck_assert_str_eq(err, "unknown kid");
}
END_TEST

/* ---- passwords ---------------------------------------------------------------------------- */

#define INTERACTIVE_PREFIX "$argon2id$v=19$m=65536,t=2,p=1$"

START_TEST(t_pw_hash_verify)
{
    char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];

    ck_assert_int_eq(rz_password_hash("correct horse battery", RZ_PW_INTERACTIVE, h1), 0);
    ck_assert_int_eq(rz_password_hash("correct horse battery", RZ_PW_INTERACTIVE, h2), 0);
    ck_assert(strncmp(h1, INTERACTIVE_PREFIX, strlen(INTERACTIVE_PREFIX)) == 0);
    ck_assert_str_ne(h1, h2); /* random salt */
    ck_assert_int_eq(rz_password_verify(h1, "correct horse battery"), 1);
    ck_assert_int_eq(rz_password_verify(h2, "correct horse battery"), 1);
    ck_assert_int_eq(rz_password_verify(h1, "correct horse batterY"), 0);
    ck_assert_int_eq(rz_password_verify(h1, ""), 0);
    ck_assert_int_eq(rz_password_verify(NULL, "x"), 0);
    ck_assert_int_eq(rz_password_verify(h1, NULL), 0);
    ck_assert_int_eq(rz_password_verify("", "x"), 0);
    ck_assert_int_eq(rz_password_verify("$argon2id$garbage", "x"), 0);
}
END_TEST

START_TEST(t_pw_utf8)
{
    char h[crypto_pwhash_STRBYTES];

    ck_assert_int_eq(rz_password_hash("mot de passe \xc3\xa9t\xc3\xa9", RZ_PW_INTERACTIVE, h), 0);
    ck_assert_int_eq(rz_password_verify(h, "mot de passe \xc3\xa9t\xc3\xa9"), 1);
    ck_assert_int_eq(rz_password_verify(h, "mot de passe ete"), 0);
}
END_TEST

START_TEST(t_pw_argon2i_refused)
{
    char h[crypto_pwhash_STRBYTES];

    ck_assert_int_eq(crypto_pwhash_str_alg(h, "password1", 9, crypto_pwhash_argon2i_OPSLIMIT_MIN,
                                           crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2I13),
                     0);
    ck_assert_int_eq(rz_password_verify(h, "password1"), 0);
    ck_assert_int_eq(rz_password_needs_rehash(h, RZ_PW_INTERACTIVE), 1);
}
END_TEST

START_TEST(t_pw_needs_rehash)
{
    char h[crypto_pwhash_STRBYTES];
    /* the parameters are all that needs_rehash reads: no need to spend 256 MiB here */
    const char *moderate = "$argon2id$v=19$m=262144,t=3,p=1$R302BGN+HWt7/3bq+JhqSQ$zlq0e1Q88UEQMTo/"
                           "SrIayhGmJE8X+2GeF/qGBXRvyWU";

    ck_assert_int_eq(rz_password_hash("password1", RZ_PW_INTERACTIVE, h), 0);
    ck_assert_int_eq(rz_password_needs_rehash(h, RZ_PW_INTERACTIVE), 0);
    ck_assert_int_eq(rz_password_needs_rehash(h, RZ_PW_MODERATE), 1);
    ck_assert_int_eq(rz_password_needs_rehash(moderate, RZ_PW_MODERATE), 0);
    ck_assert_int_eq(rz_password_needs_rehash(moderate, RZ_PW_INTERACTIVE), 1);
    ck_assert_int_eq(rz_password_needs_rehash("garbage", RZ_PW_INTERACTIVE), 1);
    ck_assert_int_eq(rz_password_needs_rehash(NULL, RZ_PW_INTERACTIVE), 1);
}
END_TEST

/* The only test that pays the moderate cost (about 365 ms and 256 MiB). */
START_TEST(t_pw_moderate)
{
    char h[crypto_pwhash_STRBYTES];

    ck_assert_int_eq(rz_password_hash("password1", RZ_PW_MODERATE, h), 0);
    ck_assert(strncmp(h, "$argon2id$v=19$m=262144,t=3,p=1$", 32) == 0);
    ck_assert_int_eq(rz_password_needs_rehash(h, RZ_PW_MODERATE), 0);
    ck_assert_int_eq(rz_password_needs_rehash(h, RZ_PW_INTERACTIVE), 1);
}
END_TEST

static void *dummy_thread(void *arg)
{
    return (void *)rz_password_dummy_hash(RZ_PW_INTERACTIVE);
}

START_TEST(t_pw_dummy)
{
    pthread_t th[4];
    const char *d;
    void *r;
    int i;

    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_create(&th[i], NULL, dummy_thread, NULL), 0);
    }
    d = rz_password_dummy_hash(RZ_PW_INTERACTIVE);
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(th[i], &r), 0);
        ck_assert_ptr_eq(r, d);
    }
    ck_assert(strncmp(d, INTERACTIVE_PREFIX, strlen(INTERACTIVE_PREFIX)) == 0);
    ck_assert_int_eq(rz_password_needs_rehash(d, RZ_PW_INTERACTIVE), 0);
    ck_assert_int_eq(rz_password_verify(d, ""), 0);
    ck_assert_int_eq(rz_password_verify(d, "password"), 0);
    ck_assert_int_eq(rz_password_verify(d, "00000000000000000000000000000000"), 0);
}
END_TEST

/* n copies of the UTF-8 unit u, in pool. */
static char *rep(const char *u, int n)
{
    char *s = "";
    int i;

    for (i = 0; i < n; i++) {
        s = apr_pstrcat(pool, s, u, NULL);
    }
    return s;
}

START_TEST(t_pw_policy)
{
    const char *short_msg = "must be at least 8 characters";
    const char *long_msg = "must be at most 128 characters";

    ck_assert_str_eq(rz_password_policy("abcdefg", NULL), short_msg);
    ck_assert_ptr_null(rz_password_policy("abcdefgh", NULL));
    ck_assert_str_eq(rz_password_policy("", NULL), short_msg);
    ck_assert_str_eq(rz_password_policy(NULL, NULL), short_msg);
    /* code points, not bytes: 7 x e-acute is 14 bytes and still too short */
    ck_assert_str_eq(rz_password_policy(rep("\xc3\xa9", 7), NULL), short_msg);
    ck_assert_ptr_null(rz_password_policy(rep("\xc3\xa9", 8), NULL));
    ck_assert_ptr_null(rz_password_policy(rep("\xf0\x9f\x94\x91", 8), NULL)); /* 4-byte key */
    /* 128 euro signs are 384 bytes and fine; 129 are too long */
    ck_assert_ptr_null(rz_password_policy(rep("\xe2\x82\xac", 128), NULL));
    ck_assert_str_eq(rz_password_policy(rep("\xe2\x82\xac", 129), NULL), long_msg);
    ck_assert_ptr_null(rz_password_policy(rep("a", 128), NULL));
    ck_assert_str_eq(rz_password_policy(rep("a", 129), NULL), long_msg);
    /* equal to the email, ASCII case-insensitively */
    ck_assert_str_eq(rz_password_policy("Alice@Example.COM", "alice@example.com"),
                     "must not equal the email");
    ck_assert_str_eq(rz_password_policy("alice@example.com", "alice@example.com"),
                     "must not equal the email");
    ck_assert_ptr_null(rz_password_policy("alice@example.co", "alice@example.com"));
    ck_assert_ptr_null(rz_password_policy("alice@example.comm", "alice@example.com"));
    ck_assert_ptr_null(rz_password_policy("alice@example.com", NULL));
    /* length comes first */
    ck_assert_str_eq(rz_password_policy("a@b.bi", "a@b.bi"), short_msg);
}
END_TEST

/* ---- tokens and SHA-256 ------------------------------------------------------------------- */

START_TEST(t_token_new)
{
    char a[RZ_TOKEN_LEN + 1], b[RZ_TOKEN_LEN + 1];

    rz_token_new(a);
    rz_token_new(b);
    ck_assert_uint_eq(strlen(a), 43);
    ck_assert_uint_eq(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                      43);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(rz_token_well_formed(a), 1);
    ck_assert_int_eq(rz_token_well_formed(b), 1);
}
END_TEST

START_TEST(t_token_well_formed)
{
    char t[45];

    memset(t, 'A', 43);
    t[43] = '\0';
    ck_assert_int_eq(rz_token_well_formed(t), 1);
    t[42] = 'E'; /* trailing bits 00 */
    ck_assert_int_eq(rz_token_well_formed(t), 1);
    t[42] = 'B'; /* trailing bits 01: non-canonical */
    ck_assert_int_eq(rz_token_well_formed(t), 0);
    t[42] = 'A';
    t[10] = '+';
    ck_assert_int_eq(rz_token_well_formed(t), 0);
    t[10] = '=';
    ck_assert_int_eq(rz_token_well_formed(t), 0);
    t[10] = 'A';
    t[42] = '\0';
    ck_assert_int_eq(rz_token_well_formed(t), 0); /* 42 */
    t[42] = 'A';
    t[43] = 'A';
    t[44] = '\0';
    ck_assert_int_eq(rz_token_well_formed(t), 0); /* 44 */
    t[43] = '=';
    ck_assert_int_eq(rz_token_well_formed(t), 0); /* padded */
    ck_assert_int_eq(rz_token_well_formed(NULL), 0);
    ck_assert_int_eq(rz_token_well_formed(""), 0);
}
END_TEST

START_TEST(t_sha256)
{
    char out[65];

    rz_sha256_hex("abc", 3, out);
    ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    rz_sha256_hex("", 0, out);
    ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

Suite *auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *jwt = tcase_create("jwt");
    TCase *keyfile = tcase_create("keyfile");
    TCase *pw = tcase_create("password");
    TCase *tok = tcase_create("token");

    tcase_add_checked_fixture(jwt, setup, teardown);
    tcase_add_test(jwt, t_jwt_roundtrip);
    tcase_add_test(jwt, t_jwt_sign_known_vector);
    tcase_add_test(jwt, t_jwt_verify_long_key_vector);
    tcase_add_test(jwt, t_jwt_sign_null_fields);
    tcase_add_test(jwt, t_jwt_forged_signature);
    tcase_add_test(jwt, t_jwt_other_key);
    tcase_add_test(jwt, t_jwt_alg_none);
    tcase_add_test(jwt, t_jwt_alg_other);
    tcase_add_test(jwt, t_jwt_typ);
    tcase_add_test(jwt, t_jwt_kid);
    tcase_add_test(jwt, t_jwt_segments);
    tcase_add_test(jwt, t_jwt_base64_strict);
    tcase_add_test(jwt, t_jwt_oversized);
    tcase_add_test(jwt, t_jwt_expiry_skew);
    tcase_add_test(jwt, t_jwt_future_skew);
    tcase_add_test(jwt, t_jwt_time_types);
    tcase_add_test(jwt, t_jwt_iss_aud);
    tcase_add_test(jwt, t_jwt_tampered_claims);
    tcase_add_test(jwt, t_jwt_header_json);
    tcase_add_test(jwt, t_jwt_claim_formats);
    suite_add_tcase(s, jwt);

    tcase_add_checked_fixture(keyfile, setup, teardown);
    tcase_add_test(keyfile, t_keys_comments_blank_lines);
    tcase_add_test(keyfile, t_keys_errors);
    tcase_add_test(keyfile, t_keys_kid_length);
    tcase_add_test(keyfile, t_keys_rotation);
    suite_add_tcase(s, keyfile);

    /* argon2id is slow by design, more so under sanitizers */
    tcase_set_timeout(pw, 60);
    tcase_add_checked_fixture(pw, setup, teardown);
    tcase_add_test(pw, t_pw_hash_verify);
    tcase_add_test(pw, t_pw_utf8);
    tcase_add_test(pw, t_pw_argon2i_refused);
    tcase_add_test(pw, t_pw_needs_rehash);
    tcase_add_test(pw, t_pw_moderate);
    tcase_add_test(pw, t_pw_dummy);
    tcase_add_test(pw, t_pw_policy);
    suite_add_tcase(s, pw);

    tcase_add_test(tok, t_token_new);
    tcase_add_test(tok, t_token_well_formed);
    tcase_add_test(tok, t_sha256);
    suite_add_tcase(s, tok);
    return s;
}
