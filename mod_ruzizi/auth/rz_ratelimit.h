/* rz_ratelimit.h: token buckets (SPEC 8.2) over a caller-provided memory region (APR shared
 * memory in httpd, an mmap in tests); httpd-free. */
#ifndef RZ_RATELIMIT_H
#define RZ_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

/* The scopes of SPEC 8.2, in SPEC order; the names are those of `RuziziRateLimit <scope>`. */
typedef enum {
    RZ_RL_API = 0,         /* api: every /api route but health and metrics, per client IP */
    RZ_RL_LOGIN_IP,        /* login-ip: failed POST /api/auth/login per client IP */
    RZ_RL_LOGIN_EMAIL,     /* login-email: POST /api/auth/login per normalised email */
    RZ_RL_FORGOT_EMAIL,    /* forgot-email: POST /api/auth/forgot-password per normalised email */
    RZ_RL_RESET_IP,        /* reset-ip: POST /api/auth/reset-password per client IP */
    RZ_RL_CHANGE_PASSWORD, /* change-password: per user id */
    RZ_RL_REFRESH_IP,      /* refresh-ip: POST /api/auth/refresh per client IP */
    RZ_RL_BOOKING_IP,      /* booking-ip: POST /api/public/bookings per client IP */
    RZ_RL_BOOKING_CONTACT, /* booking-contact: the same per clientInfo email (else phone) */
    RZ_RL_LOOKUP_IP,       /* lookup-ip: GET /api/public/bookings/by-code (and /pdf) per IP */
    RZ_RL_AVAILABILITY_IP, /* availability-ip: GET /api/public/availability per client IP */
    RZ_RL_NSCOPES
} rz_rl_scope_t;

/* A token bucket rate: capacity `burst` tokens, refilled `per` tokens every `period_ms`.
 * "n/min" is {per n, period 60000, burst n}. Limits: 1 <= per, burst <= RZ_RATE_MAX. */
typedef struct {
    int per;           /* tokens added per period: the n of "n/s", "n/min", "n/h" */
    int burst;         /* capacity; a new (or evicted and re-created) bucket starts full */
    int64_t period_ms; /* 1000, 60000 or 3600000 */
} rz_rate_t;

#define RZ_RATE_MAX 1000000

/* RuziziRateLimitEntries: default and accepted range (the table is rounded up to a power of two).
 */
#define RZ_RL_DEFAULT_ENTRIES 65536
#define RZ_RL_MIN_ENTRIES 16
#define RZ_RL_MAX_ENTRIES 4194304

/* Room for the output of rz_rl_client_key, NUL included. */
#define RZ_RL_CLIENT_KEY_MAX 64

/* The scope named `name` (exact, lowercase), or -1 when unknown. */
int rz_rl_scope_from_name(const char *name);

/* The static name of a scope ("api", "login-ip"...), or NULL when out of range. */
const char *rz_rl_scope_name(int scope);

/* The default rate of a scope (SPEC 8.2), a static object; NULL when out of range. */
const rz_rate_t *rz_rl_default_rate(int scope);

/* Parses "n/s", "n/min" or "n/h" (n a decimal integer, 1..RZ_RATE_MAX, no sign or spaces) and an
 * optional burst (same range; NULL means burst = n) into *out. Returns 0, or -1 with *err set to a
 * static English message (not naming the directive) and *out unchanged. */
int rz_rate_parse(const char *rate, const char *burst, rz_rate_t *out, const char **err);

/* Bytes needed by a region of `entries` buckets (clamped to RZ_RL_MIN/MAX_ENTRIES, rounded up to a
 * power of two). The region also holds the hash-cap counter. */
size_t rz_rl_region_size(int entries);

/* Formats a region of rz_rl_region_size(entries) bytes, 8-byte aligned (shm and mmap are): every
 * bucket absent, hash counter 0. `hashkey` keys the SipHash of bucket keys: use 16 random bytes so
 * clients cannot aim their keys at one probe window. Call once, before any other process uses it.
 */
void rz_rl_region_init(void *region, int entries, const unsigned char hashkey[16]);

/* Spends one token of the bucket (scope, key) at `now_ms` (any millisecond clock shared by all
 * users of the region; a clock going backwards refills nothing). The caller holds the region's
 * lock. Returns 1 when allowed (a token was spent; *retry_after_s = 0), or 0 when limited, with
 * *retry_after_s = whole seconds (>= 1, rounded up) until the bucket holds a token again. An absent
 * key starts with a full bucket. When the key's probe window has no room, see the eviction policy
 * in rz_ratelimit.c: a limited bucket is never evicted, so a newcomer may be refused (returns 0)
 * rather than let a limited key start over. A NULL key, bad scope or bad rate returns 0 (fails
 * closed). */
int rz_rl_take(void *region, int scope, const char *key, const rz_rate_t *rate, int64_t now_ms,
               int *retry_after_s);

/* Like rz_rl_take but spends nothing and changes nothing: 1 when a request now would be allowed,
 * else 0 with *retry_after_s. For limits that count only some outcomes (login-ip counts failed
 * logins: peek before checking the password, take after a failure). The caller holds the lock. */
int rz_rl_peek(const void *region, int scope, const char *key, const rz_rate_t *rate,
               int64_t now_ms, int *retry_after_s);

/* Table pressure counters since rz_rl_region_init: *evicted = buckets evicted while not yet full
 * (each such key may start over with a full bucket), *refused = requests refused because their
 * whole probe window held limited buckets. Either may be NULL. The caller holds the lock. */
void rz_rl_stats(const void *region, uint64_t *evicted, uint64_t *refused);

/* Writes the rate-limit key of a client address into out (always NUL-terminated when outlen > 0,
 * truncated if out is short; RZ_RL_CLIENT_KEY_MAX is enough): an IPv4 address as is, an IPv6
 * address as its /64 prefix ("2001:db8:1:2::/64"), an IPv4-mapped IPv6 address as the IPv4 one. A
 * string that is not an address is copied unchanged. */
void rz_rl_client_key(const char *ip, char *out, size_t outlen);

#endif
