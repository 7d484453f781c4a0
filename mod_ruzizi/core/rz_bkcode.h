/* rz_bkcode.h: booking codes RZ-XXXX-XXXX (SPEC 6.4): CSPRNG generation and lookup normalisation;
 * pure (the search for a code no booking has: services/rz_bkcode_store.h). */
#ifndef RZ_BKCODE_H
#define RZ_BKCODE_H

#define RZ_BKCODE_LEN 12 /* "RZ-7KQ2-M9XD" */

/* Writes a new code from 40 CSPRNG bits (libsodium; sodium_init() first) in the Crockford base32
 * alphabet 0123456789ABCDEFGHJKMNPQRSTVWXYZ, plus a NUL, into out[13]. Thread-safe. */
void rz_bkcode_new(char out[RZ_BKCODE_LEN + 1]);

/* Normalises a code typed by a guest: uppercase, drop spaces and '-', map O->0, I->1, L->1; the
 * result must be "RZ" + 8 alphabet characters. Writes the canonical "RZ-XXXX-XXXX" into out[13] and
 * returns 0, or returns -1 (out unspecified). NULL -> -1. */
int rz_bkcode_normalize(const char *in, char out[RZ_BKCODE_LEN + 1]);

#endif
