/* rz_token.h: opaque random tokens (refresh and reset, SPEC 8.5) and their SHA-256 storage keys. */
#ifndef RZ_TOKEN_H
#define RZ_TOKEN_H

#include <stddef.h>

#define RZ_TOKEN_LEN 43 /* base64url of 32 bytes, without padding */

/* Writes a new token (32 random bytes, base64url without padding) and a NUL into out[44].
 * Thread-safe; call sodium_init() first. The token is a secret: never log it, store only its
 * rz_sha256_hex. */
void rz_token_new(char out[RZ_TOKEN_LEN + 1]);

/* Writes the SHA-256 of data[0..len) as 64 lowercase hex characters and a NUL into out[65]. */
void rz_sha256_hex(const void *data, size_t len, char out[65]);

/* 1 if t is exactly 43 base64url characters that decode canonically to 32 bytes (what
 * rz_token_new produces), else 0. NULL -> 0. Lets the caller answer without a store lookup. */
int rz_token_well_formed(const char *t);

#endif
