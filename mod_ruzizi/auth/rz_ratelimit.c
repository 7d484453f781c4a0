/* rz_ratelimit.c: fixed-point token buckets in an open-addressing table. */
#include "auth/rz_ratelimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/*
 * Region layout: a header, then a power-of-two array of slots. A bucket's content is kept in
 * "units": one token is period_ms units and the bucket gains `per` units per elapsed millisecond,
 * so refill is exact integer arithmetic with no rounding drift (5/min: 60000 units a token, 5 a
 * ms).
 *
 * Keys: tag = SipHash-2-4 (crypto_shorthash, random 16-byte key per region) of scope byte + key.
 * The tag alone identifies a bucket (keys are not stored; two live keys share a bucket only on a
 * 64-bit collision, about 2^-32 for a full default table, and clients cannot aim for one without
 * the key). A key lives within RZ_RL_PROBE slots of its home slot (linear probing). Slots never
 * become empty again, so a lookup stops at the first empty slot.
 *
 * Eviction policy, when a new key finds neither its tag nor room in its probe window:
 *  1. An empty slot, or a bucket that is full again (full_ms <= now), is reused: a full bucket
 *     behaves exactly like an absent one, so nothing is lost. Not counted.
 *  2. Else the "fullest" bucket that is not limited (holds >= 1 token now) is evicted: the one that
 *     will be full again soonest (least refill time forgiven), the least recently used on a tie.
 *     Counted in `evicted`: that key may start over with a full bucket, gaining < burst tokens.
 *  3. Else (every bucket of the window is limited) nothing is evicted: the newcomer is refused
 *     (fails closed, 429 with Retry-After until the soonest of those buckets has a token) and the
 *     refusal is counted in `refused`.
 * Guarantee: a bucket that is limited (its next token not yet due) is never evicted, so a client
 * that got a 429 cannot reset its bucket by flooding the table with other keys; the limit is never
 * lifted silently (the glue logs the two counters). Step 3 needs every one of RZ_RL_PROBE
 * consecutive slots of a keyed-hash table to be limited at once: size RuziziRateLimitEntries well
 * above the number of clients limited at any moment.
 */

#define RZ_RL_MAGIC 0x527a524cu /* "RzRL" */
#define RZ_RL_PROBE 16          /* slots probed from a key's home slot */
#define RZ_RL_KEY_INLINE 255    /* longer keys are hashed to 32 bytes first */

typedef struct {
    uint32_t magic;
    uint32_t mask;             /* slots - 1 */
    unsigned char hashkey[16]; /* crypto_shorthash key */
    uint32_t pad[2];
    uint64_t evicted; /* step 2 evictions */
    uint64_t refused; /* step 3 refusals */
    uint64_t pad2[2]; /* header is 64 bytes: slots start on a cache line */
} rl_header_t;

typedef struct {
    uint64_t tag;     /* keyed hash of scope and key; 0 = empty slot */
    int64_t units;    /* tokens x period_ms, at last_ms */
    int64_t last_ms;  /* time of the last refill; never decreases */
    int64_t ready_ms; /* when the bucket holds >= 1 token (<= last_ms if it does now) */
    int64_t full_ms;  /* when it is full again, i.e. equivalent to an absent bucket */
} rl_slot_t;

_Static_assert(sizeof(rl_header_t) == 64, "rate-limit header must stay 64 bytes");

static const char *const scope_names[RZ_RL_NSCOPES] = {
    "api",          "login-ip",       "login-email",
    "forgot-email", "reset-ip",       "change-password",
    "refresh-ip",   "booking-ip",     "booking-contact",
    "lookup-ip",    "availability-ip"};

#define RL_S 1000LL
#define RL_MIN 60000LL
#define RL_H 3600000LL

/* SPEC 8.2 defaults, indexed by scope. */
static const rz_rate_t default_rates[RZ_RL_NSCOPES] = {
    {10, 20, RL_S},   /* api: 10/s burst 20 */
    {5, 5, RL_MIN},   /* login-ip */
    {5, 5, RL_MIN},   /* login-email */
    {5, 5, RL_MIN},   /* forgot-email */
    {5, 5, RL_MIN},   /* reset-ip */
    {5, 5, RL_MIN},   /* change-password */
    {30, 30, RL_MIN}, /* refresh-ip */
    {30, 30, RL_H},   /* booking-ip */
    {5, 5, RL_H},     /* booking-contact */
    {10, 10, RL_MIN}, /* lookup-ip */
    {60, 60, RL_MIN}, /* availability-ip */
};

int rz_rl_scope_from_name(const char *name)
{
    int i;

    for (i = 0; name && i < RZ_RL_NSCOPES; i++) {
        if (strcmp(name, scope_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

const char *rz_rl_scope_name(int scope)
{
    return scope >= 0 && scope < RZ_RL_NSCOPES ? scope_names[scope] : NULL;
}

const rz_rate_t *rz_rl_default_rate(int scope)
{
    return scope >= 0 && scope < RZ_RL_NSCOPES ? &default_rates[scope] : NULL;
}

/* Parses a decimal integer in 1..RZ_RATE_MAX from s up to `end` (exclusive); -1 if invalid. */
static int parse_count(const char *s, const char *end)
{
    long v = 0;

    if (s == end || end - s > 7) {
        return -1;
    }
    for (; s < end; s++) {
        if (*s < '0' || *s > '9') {
            return -1;
        }
        v = v * 10 + (*s - '0');
    }
    return v >= 1 && v <= RZ_RATE_MAX ? (int)v : -1;
}

int rz_rate_parse(const char *rate, const char *burst, rz_rate_t *out, const char **err)
{
    const char *slash = rate ? strchr(rate, '/') : NULL;
    rz_rate_t r;

    if (!slash) {
        *err = "rate must look like 10/s, 5/min or 30/h";
        return -1;
    }
    if (strcmp(slash + 1, "s") == 0) {
        r.period_ms = RL_S;
    } else if (strcmp(slash + 1, "min") == 0) {
        r.period_ms = RL_MIN;
    } else if (strcmp(slash + 1, "h") == 0) {
        r.period_ms = RL_H;
    } else {
        *err = "rate unit must be s, min or h (10/s, 5/min, 30/h)";
        return -1;
    }
    if ((r.per = parse_count(rate, slash)) < 0) {
        *err = "rate must be a whole number of requests from 1 to 1000000";
        return -1;
    }
    r.burst = burst ? parse_count(burst, burst + strlen(burst)) : r.per;
    if (r.burst < 0) {
        *err = "burst must be a whole number from 1 to 1000000";
        return -1;
    }
    *out = r;
    return 0;
}

/* The number of slots for `entries`: clamped, then rounded up to a power of two. */
static uint32_t slot_count(int entries)
{
    uint32_t n = RZ_RL_MIN_ENTRIES;

    if (entries > RZ_RL_MAX_ENTRIES) {
        entries = RZ_RL_MAX_ENTRIES;
    }
    while ((int)n < entries) {
        n <<= 1;
    }
    return n;
}

size_t rz_rl_region_size(int entries)
{
    return sizeof(rl_header_t) + (size_t)slot_count(entries) * sizeof(rl_slot_t);
}

void rz_rl_region_init(void *region, int entries, const unsigned char hashkey[16])
{
    rl_header_t *h = region;

    memset(region, 0, rz_rl_region_size(entries));
    h->magic = RZ_RL_MAGIC;
    h->mask = slot_count(entries) - 1;
    memcpy(h->hashkey, hashkey, sizeof(h->hashkey));
}

static rl_slot_t *slots_of(const rl_header_t *h)
{
    return (rl_slot_t *)(void *)((char *)(uintptr_t)h + sizeof(*h));
}

/* The keyed tag of (scope, key); never 0 (0 marks an empty slot). */
static uint64_t key_tag(const rl_header_t *h, int scope, const char *key)
{
    unsigned char buf[2 + RZ_RL_KEY_INLINE];
    unsigned char out[crypto_shorthash_BYTES];
    size_t len = strlen(key);
    uint64_t tag;

    buf[0] = (unsigned char)scope;
    if (len <= RZ_RL_KEY_INLINE) {
        buf[1] = 0;
        memcpy(buf + 2, key, len);
    } else {
        /* a marker byte keeps a digest from ever equalling a short key of the same bytes */
        buf[1] = 1;
        crypto_generichash(buf + 2, 32, (const unsigned char *)key, len, NULL, 0);
        len = 32;
    }
    crypto_shorthash(out, buf, len + 2, h->hashkey);
    memcpy(&tag, out, sizeof(tag));
    return tag ? tag : 1;
}

static int rate_ok(const rz_rate_t *rate)
{
    return rate && rate->per >= 1 && rate->burst >= 1 && rate->per <= RZ_RATE_MAX
           && rate->burst <= RZ_RATE_MAX && rate->period_ms >= 1 && rate->period_ms <= RL_H;
}

/* ceil(a / b) for a >= 0, b > 0. */
static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

/* Whole seconds (>= 1) from now until `at`, rounded up. */
static int seconds_until(int64_t at, int64_t now)
{
    int64_t s = at > now ? ceil_div(at - now, 1000) : 1;

    return s < 1 ? 1 : s > 86400 ? 86400 : (int)s;
}

/* Brings a copy of a bucket to `now` (capacity units, `per` units a ms); returns the units. */
static int64_t refilled_units(const rl_slot_t *b, const rz_rate_t *rate, int64_t now)
{
    int64_t cap = (int64_t)rate->burst * rate->period_ms;
    int64_t units = b->units < cap ? b->units : cap;
    int64_t elapsed = now - b->last_ms;

    if (elapsed <= 0) {
        return units;
    }
    /* compare before multiplying: elapsed may be huge, elapsed * per must not overflow */
    if (elapsed >= ceil_div(cap - units, rate->per)) {
        return cap;
    }
    return units + elapsed * rate->per;
}

/* Stores `units` at `now` into the bucket and recomputes its ready and full times. */
static void bucket_set(rl_slot_t *b, const rz_rate_t *rate, int64_t units, int64_t now)
{
    int64_t cap = (int64_t)rate->burst * rate->period_ms;

    b->units = units;
    if (now > b->last_ms) {
        b->last_ms = now;
    }
    b->ready_ms = b->last_ms;
    if (units < rate->period_ms) {
        b->ready_ms += ceil_div(rate->period_ms - units, rate->per);
    }
    b->full_ms = b->last_ms + ceil_div(cap - units, rate->per);
}

/* Result of scanning a key's probe window. */
typedef struct {
    rl_slot_t *match;  /* the key's bucket */
    rl_slot_t *reuse;  /* first empty or full-again slot (step 1) */
    rl_slot_t *victim; /* fullest non-limited bucket (step 2) */
    int64_t soonest;   /* earliest ready_ms among limited buckets (step 3) */
} rl_probe_t;

/* 1 when bucket a is a better eviction victim than b: full sooner, else used less recently. */
static int better_victim(const rl_slot_t *a, const rl_slot_t *b)
{
    if (!b) {
        return 1;
    }
    return a->full_ms < b->full_ms || (a->full_ms == b->full_ms && a->last_ms < b->last_ms);
}

static void probe(const rl_header_t *h, uint64_t tag, int64_t now, rl_probe_t *p)
{
    rl_slot_t *slots = slots_of(h);
    uint32_t i;

    memset(p, 0, sizeof(*p));
    p->soonest = INT64_MAX;
    for (i = 0; i < RZ_RL_PROBE && i <= h->mask; i++) {
        rl_slot_t *s = &slots[(tag + i) & h->mask];

        if (s->tag == tag) {
            p->match = s;
            return;
        }
        if (s->tag == 0) {
            /* slots are never emptied, so the key cannot lie further on */
            if (!p->reuse) {
                p->reuse = s;
            }
            return;
        }
        if (s->full_ms <= now) {
            if (!p->reuse) {
                p->reuse = s;
            }
        } else if (s->ready_ms <= now) {
            if (better_victim(s, p->victim)) {
                p->victim = s;
            }
        } else if (s->ready_ms < p->soonest) {
            p->soonest = s->ready_ms;
        }
    }
}

static int valid_call(const void *region, int scope, const char *key, const rz_rate_t *rate,
                      int *retry_after_s)
{
    const rl_header_t *h = region;

    *retry_after_s = 1;
    return h && h->magic == RZ_RL_MAGIC && key && scope >= 0 && scope < RZ_RL_NSCOPES
           && rate_ok(rate);
}

/* Spends a token from bucket b at now, or computes the wait. */
static int bucket_take(rl_slot_t *b, const rz_rate_t *rate, int64_t now, int *retry_after_s)
{
    int64_t units = refilled_units(b, rate, now);

    if (units >= rate->period_ms) {
        bucket_set(b, rate, units - rate->period_ms, now);
        *retry_after_s = 0;
        return 1;
    }
    bucket_set(b, rate, units, now);
    *retry_after_s = seconds_until(b->ready_ms, now);
    return 0;
}

int rz_rl_take(void *region, int scope, const char *key, const rz_rate_t *rate, int64_t now_ms,
               int *retry_after_s)
{
    rl_header_t *h = region;
    rl_slot_t *b;
    rl_probe_t p;
    uint64_t tag;

    if (!valid_call(region, scope, key, rate, retry_after_s)) {
        return 0;
    }
    tag = key_tag(h, scope, key);
    probe(h, tag, now_ms, &p);
    if (p.match) {
        return bucket_take(p.match, rate, now_ms, retry_after_s);
    }
    if (p.reuse) {
        b = p.reuse;
    } else if (p.victim) {
        b = p.victim;
        h->evicted++;
    } else {
        h->refused++;
        *retry_after_s = seconds_until(p.soonest, now_ms);
        return 0;
    }
    memset(b, 0, sizeof(*b));
    b->tag = tag;
    b->last_ms = now_ms;
    b->units = (int64_t)rate->burst * rate->period_ms;
    return bucket_take(b, rate, now_ms, retry_after_s);
}

int rz_rl_peek(const void *region, int scope, const char *key, const rz_rate_t *rate,
               int64_t now_ms, int *retry_after_s)
{
    const rl_header_t *h = region;
    rl_slot_t copy;
    rl_probe_t p;

    if (!valid_call(region, scope, key, rate, retry_after_s)) {
        return 0;
    }
    probe(h, key_tag(h, scope, key), now_ms, &p);
    if (!p.match) {
        if (p.reuse || p.victim) {
            *retry_after_s = 0;
            return 1;
        }
        *retry_after_s = seconds_until(p.soonest, now_ms);
        return 0;
    }
    copy = *p.match;
    /* a token spent now would leave the copy one token lighter; only the verdict matters */
    return bucket_take(&copy, rate, now_ms, retry_after_s);
}

void rz_rl_stats(const void *region, uint64_t *evicted, uint64_t *refused)
{
    const rl_header_t *h = region;

    if (evicted) {
        *evicted = h->evicted;
    }
    if (refused) {
        *refused = h->refused;
    }
}

/* Copies s into out (truncating), always NUL-terminated when outlen > 0. */
static void copy_out(char *out, size_t outlen, const char *s)
{
    if (outlen) {
        snprintf(out, outlen, "%s", s);
    }
}

void rz_rl_client_key(const char *ip, char *out, size_t outlen)
{
    struct in6_addr a6;
    struct in_addr a4;
    char buf[INET6_ADDRSTRLEN + 4];

    if (!ip) {
        copy_out(out, outlen, "");
        return;
    }
    /* a link-local address may carry a zone ("fe80::1%eth0"): the prefix is what counts */
    snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(ip, "%"), ip);
    if (inet_pton(AF_INET6, buf, &a6) != 1) {
        copy_out(out, outlen, ip); /* IPv4 as is; anything else unchanged */
        return;
    }
    if (IN6_IS_ADDR_V4MAPPED(&a6)) {
        memcpy(&a4, &a6.s6_addr[12], sizeof(a4));
        inet_ntop(AF_INET, &a4, buf, sizeof(buf));
    } else {
        memset(&a6.s6_addr[8], 0, 8);
        inet_ntop(AF_INET6, &a6, buf, INET6_ADDRSTRLEN);
        strcat(buf, "/64");
    }
    copy_out(out, outlen, buf);
}
