/* rz_bkcode.c: booking codes RZ-XXXX-XXXX (SPEC 6.4): 40 CSPRNG bits in Crockford base32, and the
 * normalisation of a code typed by a guest; httpd-free. */
#include "core/rz_bkcode.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#define RZ_BKCODE_CHARS 8 /* 8 x 5 bits = 40 bits */

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Writes "RZ-" + chars[0..3] + "-" + chars[4..7] + NUL into out. */
static void put_code(const char chars[RZ_BKCODE_CHARS], char out[RZ_BKCODE_LEN + 1])
{
    memcpy(out, "RZ-", 3);
    memcpy(out + 3, chars, 4);
    out[7] = '-';
    memcpy(out + 8, chars + 4, 4);
    out[RZ_BKCODE_LEN] = '\0';
}

void rz_bkcode_new(char out[RZ_BKCODE_LEN + 1])
{
    unsigned char bytes[5];
    char chars[RZ_BKCODE_CHARS];
    uint64_t bits = 0;
    int i;

    /* randombytes_buf is thread-safe once sodium_init() has run */
    randombytes_buf(bytes, sizeof(bytes));
    for (i = 0; i < 5; i++) {
        bits = (bits << 8) | bytes[i];
    }
    /* most significant 5 bits first: every one of the 2^40 values is one distinct code */
    for (i = RZ_BKCODE_CHARS - 1; i >= 0; i--) {
        chars[i] = alphabet[bits & 31];
        bits >>= 5;
    }
    sodium_memzero(bytes, sizeof(bytes));
    put_code(chars, out);
}

/* The canonical form of one typed character after uppercasing: O -> 0, I and L -> 1. */
static char canonical_char(char c)
{
    if (c >= 'a' && c <= 'z') {
        c = (char)(c - 'a' + 'A');
    }
    if (c == 'O') {
        return '0';
    }
    if (c == 'I' || c == 'L') {
        return '1';
    }
    return c;
}

int rz_bkcode_normalize(const char *in, char out[RZ_BKCODE_LEN + 1])
{
    char buf[2 + RZ_BKCODE_CHARS];
    size_t n = 0;
    const char *p;
    int i;

    if (!in) {
        return -1;
    }
    for (p = in; *p; p++) {
        if (*p == ' ' || *p == '-') {
            continue;
        }
        if (n == sizeof(buf)) {
            return -1;
        }
        /* the mapping leaves R and Z alone, so it may run over the prefix too */
        buf[n++] = canonical_char(*p);
    }
    if (n != sizeof(buf) || buf[0] != 'R' || buf[1] != 'Z') {
        return -1;
    }
    for (i = 2; i < (int)n; i++) {
        if (!memchr(alphabet, buf[i], sizeof(alphabet) - 1)) {
            return -1;
        }
    }
    put_code(buf + 2, out);
    return 0;
}
