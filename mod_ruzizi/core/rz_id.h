/* rz_id.h: document ids (SPEC 2.5: 24 lowercase hex = 4-byte seconds, 5 random bytes, 3-byte
 * counter) and random tokens. */
#ifndef RZ_ID_H
#define RZ_ID_H

#define RZ_ID_LEN 24

/* Writes a new id and a terminating NUL into out[25]. Thread-safe; call sodium_init() first. */
void rz_id_new(char out[RZ_ID_LEN + 1]);

/* 1 if s is exactly 24 lowercase hex characters, else 0. NULL -> 0. */
int rz_id_valid(const char *s);

/* Writes 32 lowercase hex characters (16 random bytes) and a NUL into out[33]: request ids, jti. */
void rz_hex32_new(char out[33]);

#endif
