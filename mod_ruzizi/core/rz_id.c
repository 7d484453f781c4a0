/* rz_id.c: document ids (4-byte seconds, 5 random bytes, 3-byte counter) and random hex tokens. */
#include "core/rz_id.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

static const char hexdigits[] = "0123456789abcdef";

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdigits[in[i] >> 4];
        out[2 * i + 1] = hexdigits[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

void rz_id_new(char out[RZ_ID_LEN + 1])
{
    static atomic_uint counter;
    static atomic_int seeded;
    unsigned char b[12];
    uint32_t secs = (uint32_t)time(NULL);
    uint32_t c;

    if (!atomic_load(&seeded)) {
        /* start the counter at a random point so two processes rarely share a sequence */
        atomic_store(&counter, randombytes_uniform(0x1000000));
        atomic_store(&seeded, 1);
    }
    c = atomic_fetch_add(&counter, 1) & 0xffffff;
    b[0] = (unsigned char)(secs >> 24);
    b[1] = (unsigned char)(secs >> 16);
    b[2] = (unsigned char)(secs >> 8);
    b[3] = (unsigned char)secs;
    randombytes_buf(b + 4, 5);
    b[9] = (unsigned char)(c >> 16);
    b[10] = (unsigned char)(c >> 8);
    b[11] = (unsigned char)c;
    to_hex(b, sizeof(b), out);
}

int rz_id_valid(const char *s)
{
    int i;
    if (!s) {
        return 0;
    }
    for (i = 0; i < RZ_ID_LEN; i++) {
        char ch = s[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return 0;
        }
    }
    return s[RZ_ID_LEN] == '\0';
}

void rz_hex32_new(char out[33])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    to_hex(b, sizeof(b), out);
}
