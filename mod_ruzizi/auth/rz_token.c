/* rz_token.c: opaque random tokens and SHA-256 hex digests, both through libsodium. */
#include "auth/rz_token.h"

#include <sodium.h>
#include <string.h>

#define B64URL sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define TOKEN_BYTES 32

void rz_token_new(char out[RZ_TOKEN_LEN + 1])
{
    unsigned char b[TOKEN_BYTES];

    randombytes_buf(b, sizeof(b));
    sodium_bin2base64(out, RZ_TOKEN_LEN + 1, b, sizeof(b), B64URL);
    sodium_memzero(b, sizeof(b));
}

void rz_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

int rz_token_well_formed(const char *t)
{
    unsigned char b[TOKEN_BYTES + 1];
    size_t len = 0;
    int ok;

    if (!t || strnlen(t, RZ_TOKEN_LEN + 1) != RZ_TOKEN_LEN) {
        return 0;
    }
    /* b64_end NULL: strict alphabet, no padding, zero trailing bits */
    ok = sodium_base642bin(b, sizeof(b), t, RZ_TOKEN_LEN, NULL, &len, NULL, B64URL) == 0
         && len == TOKEN_BYTES;
    sodium_memzero(b, sizeof(b));
    return ok;
}
