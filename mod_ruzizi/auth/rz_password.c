/* rz_password.c: argon2id hashing through libsodium, the dummy hash and the password policy. */
#include "auth/rz_password.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "core/rz_text.h"

#define ARGON2ID_PREFIX "$argon2id$"

/* Fallbacks for rz_password_dummy_hash when memory is short: hashes, with the parameters of each
 * cost, of random passwords that were discarded (nobody can match them). */
static const char *const builtin_dummy[2] = {
    "$argon2id$v=19$m=65536,t=2,p=1$6CR9OVJaa/BBdhWBCYY7Vw$5arkv/fNK7Fr+TMPs3l/"
    "vAdqGAMpo0c5OjM1jgOc5r0",
    "$argon2id$v=19$m=262144,t=3,p=1$R302BGN+HWt7/3bq+JhqSQ$zlq0e1Q88UEQMTo/SrIayhGmJE8X+2GeF/"
    "qGBXRvyWU",
};

static char dummy[2][crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once[2] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};

static unsigned long long opslimit(rz_pw_cost_t cost)
{
    return cost == RZ_PW_MODERATE ? crypto_pwhash_OPSLIMIT_MODERATE
                                  : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

static size_t memlimit(rz_pw_cost_t cost)
{
    return cost == RZ_PW_MODERATE ? crypto_pwhash_MEMLIMIT_MODERATE
                                  : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

int rz_password_hash(const char *pw, rz_pw_cost_t cost, char out[crypto_pwhash_STRBYTES])
{
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), opslimit(cost), memlimit(cost),
                              crypto_pwhash_ALG_ARGON2ID13)
        != 0) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

static int is_argon2id(const char *hash)
{
    return hash && strncmp(hash, ARGON2ID_PREFIX, sizeof(ARGON2ID_PREFIX) - 1) == 0
           && strnlen(hash, crypto_pwhash_STRBYTES) < crypto_pwhash_STRBYTES;
}

int rz_password_verify(const char *hash, const char *pw)
{
    /* argon2i hashes would verify too through the generic call: only argon2id is ours */
    if (!is_argon2id(hash) || !pw) {
        return 0;
    }
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int rz_password_needs_rehash(const char *hash, rz_pw_cost_t cost)
{
    if (!is_argon2id(hash)) {
        return 1;
    }
    return crypto_pwhash_str_needs_rehash(hash, opslimit(cost), memlimit(cost)) != 0;
}

static void dummy_init(rz_pw_cost_t cost)
{
    unsigned char secret[32];
    char pw[2 * sizeof(secret) + 1];

    randombytes_buf(secret, sizeof(secret));
    sodium_bin2hex(pw, sizeof(pw), secret, sizeof(secret));
    if (rz_password_hash(pw, cost, dummy[cost]) != 0) {
        strcpy(dummy[cost], builtin_dummy[cost]);
    }
    sodium_memzero(secret, sizeof(secret));
    sodium_memzero(pw, sizeof(pw));
}

static void dummy_init_interactive(void)
{
    dummy_init(RZ_PW_INTERACTIVE);
}

static void dummy_init_moderate(void)
{
    dummy_init(RZ_PW_MODERATE);
}

const char *rz_password_dummy_hash(rz_pw_cost_t cost)
{
    int i = cost == RZ_PW_MODERATE ? RZ_PW_MODERATE : RZ_PW_INTERACTIVE;

    if (pthread_once(&dummy_once[i],
                     i == RZ_PW_MODERATE ? dummy_init_moderate : dummy_init_interactive)
        != 0) {
        return builtin_dummy[i];
    }
    return dummy[i];
}

static void *dummy_thread(void *data)
{
    rz_password_dummy_hash((rz_pw_cost_t)(intptr_t)data);
    return NULL;
}

int rz_password_dummy_prepare(rz_pw_cost_t cost)
{
    pthread_attr_t attr;
    pthread_t t;
    sigset_t all, old;
    int rc;

    if (pthread_attr_init(&attr) != 0) {
        return -1;
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* the thread takes no signal meant for the process (httpd's threads handle those) */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&t, &attr, dummy_thread, (void *)(intptr_t)cost);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return rc == 0 ? 0 : -1;
}

/* ASCII case-insensitive equality (SPEC 2.5: only ASCII letters fold). */
static int ascii_case_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
        if (x != y) {
            return 0;
        }
    }
    return *a == *b;
}

const char *rz_password_policy(const char *pw, const char *email)
{
    size_t n = pw ? rz_text_codepoints(pw) : 0;

    if (n < 8) {
        return "must be at least 8 characters";
    }
    if (n > 128) {
        return "must be at most 128 characters";
    }
    if (email && ascii_case_equal(pw, email)) {
        return "must not equal the email";
    }
    return NULL;
}
