/* rz_password.h: argon2id password hashes (SPEC 8.5), dummy hash for unknown emails, policy (4.1).
 */
#ifndef RZ_PASSWORD_H
#define RZ_PASSWORD_H

#include <sodium.h>

/* RuziziPasswordCost: libsodium's OPSLIMIT/MEMLIMIT_INTERACTIVE (about 56 ms, 64 MiB here) or
 * _MODERATE (about 365 ms, 256 MiB). */
typedef enum { RZ_PW_INTERACTIVE, RZ_PW_MODERATE } rz_pw_cost_t;

/* Hashes NUL-terminated `pw` with argon2id v1.3 at `cost` into out (a NUL-terminated
 * "$argon2id$..." string, random salt). Returns 0, or -1 if the memory could not be allocated
 * (then out is an empty string). Blocks for the whole cost: the caller bounds concurrency
 * (RuziziMaxConcurrentHashes). Thread-safe; call sodium_init() first. */
int rz_password_hash(const char *pw, rz_pw_cost_t cost, char out[crypto_pwhash_STRBYTES]);

/* 1 if `pw` matches the stored `hash`, else 0 (NULL, malformed hash or not argon2id included).
 * Costs as much as the hash's own parameters. Thread-safe. */
int rz_password_verify(const char *hash, const char *pw);

/* 1 when `hash` should be recomputed at login: not argon2id, malformed, or parameters other than
 * those of `cost`; 0 when it matches `cost`. */
int rz_password_needs_rehash(const char *hash, rz_pw_cost_t cost);

/* A hash at `cost` of a random password nobody knows, computed on the first call per cost and
 * process (thread-safe) and static after that: verifying against it spends the same time as a
 * real account, for unknown emails. If the hash could not be computed (no memory), a built-in hash
 * of the same parameters is returned, so never NULL. A call while it is being computed waits for
 * it. */
const char *rz_password_dummy_hash(rz_pw_cost_t cost);

/* Starts computing the dummy hash of `cost` at once, in a detached thread that blocks every
 * signal (child_init): the child's start and its shutdown do not wait for argon2id, and by the
 * first login with an unknown email it is ready (or that login waits only for the rest of it).
 * Returns 0, or -1 when no thread could be started (then the first use computes it). */
int rz_password_dummy_prepare(rz_pw_cost_t cost);

/* The password policy of SPEC 4.1 on a valid UTF-8 `pw`: NULL when acceptable, else a static
 * English message for the detail: "must be at least 8 characters", "must be at most 128
 * characters" (Unicode code points) or "must not equal the email" (ASCII case-insensitive; email
 * may be NULL to skip that rule). */
const char *rz_password_policy(const char *pw, const char *email);

#endif
