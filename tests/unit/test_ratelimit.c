/* test_ratelimit.c: unit tests of auth/rz_ratelimit.c: rates, bucket math, keys, eviction, and
 * buckets shared across forked processes. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth/rz_ratelimit.h"
#include "unit_suites.h"

#define T0 1000000000LL /* an arbitrary millisecond clock origin */

static const unsigned char test_key[16] = "0123456789abcdef";
static void *region;

static void *new_region(int entries)
{
    void *p = malloc(rz_rl_region_size(entries));

    ck_assert_ptr_nonnull(p);
    rz_rl_region_init(p, entries, test_key);
    return p;
}

static void setup(void)
{
    region = new_region(1024);
}

static void teardown(void)
{
    free(region);
}

/* rz_rl_take with the default rate of scope, asserting nothing. */
static int take(int scope, const char *key, int64_t now, int *retry)
{
    return rz_rl_take(region, scope, key, rz_rl_default_rate(scope), now, retry);
}

/* ---- scopes and rates ------------------------------------------------------------------------ */

START_TEST(scope_names)
{
    static const char *const names[] = {"api",          "login-ip",       "login-email",
                                        "forgot-email", "reset-ip",       "change-password",
                                        "refresh-ip",   "booking-ip",     "booking-contact",
                                        "lookup-ip",    "availability-ip"};
    int i;

    ck_assert_int_eq(RZ_RL_NSCOPES, 11);
    for (i = 0; i < RZ_RL_NSCOPES; i++) {
        ck_assert_str_eq(rz_rl_scope_name(i), names[i]);
        ck_assert_int_eq(rz_rl_scope_from_name(names[i]), i);
    }
    ck_assert_int_eq(rz_rl_scope_from_name("API"), -1);
    ck_assert_int_eq(rz_rl_scope_from_name("login"), -1);
    ck_assert_int_eq(rz_rl_scope_from_name(""), -1);
    ck_assert_int_eq(rz_rl_scope_from_name(NULL), -1);
    ck_assert_ptr_null(rz_rl_scope_name(-1));
    ck_assert_ptr_null(rz_rl_scope_name(RZ_RL_NSCOPES));
    ck_assert_ptr_null(rz_rl_default_rate(RZ_RL_NSCOPES));
}
END_TEST

/* The default of a scope is {per, burst, period}. */
static void assert_default(int scope, int per, int burst, int64_t period_ms)
{
    const rz_rate_t *r = rz_rl_default_rate(scope);

    ck_assert_int_eq(r->per, per);
    ck_assert_int_eq(r->burst, burst);
    ck_assert_int_eq(r->period_ms, period_ms);
}

START_TEST(default_rates)
{
    assert_default(RZ_RL_API, 10, 20, 1000);
    assert_default(RZ_RL_LOGIN_IP, 5, 5, 60000);
    assert_default(RZ_RL_LOGIN_EMAIL, 5, 5, 60000);
    assert_default(RZ_RL_FORGOT_EMAIL, 5, 5, 60000);
    assert_default(RZ_RL_RESET_IP, 5, 5, 60000);
    assert_default(RZ_RL_CHANGE_PASSWORD, 5, 5, 60000);
    assert_default(RZ_RL_REFRESH_IP, 30, 30, 60000);
    assert_default(RZ_RL_BOOKING_IP, 30, 30, 3600000);
    assert_default(RZ_RL_BOOKING_CONTACT, 5, 5, 3600000);
    assert_default(RZ_RL_LOOKUP_IP, 10, 10, 60000);
    assert_default(RZ_RL_AVAILABILITY_IP, 60, 60, 60000);
}
END_TEST

START_TEST(rate_parse_valid)
{
    rz_rate_t r;
    const char *err = NULL;

    ck_assert_int_eq(rz_rate_parse("10/s", "20", &r, &err), 0);
    ck_assert_int_eq(r.per, 10);
    ck_assert_int_eq(r.burst, 20);
    ck_assert_int_eq(r.period_ms, 1000);
    ck_assert_int_eq(rz_rate_parse("5/min", NULL, &r, &err), 0);
    ck_assert_int_eq(r.per, 5);
    ck_assert_int_eq(r.burst, 5);
    ck_assert_int_eq(r.period_ms, 60000);
    ck_assert_int_eq(rz_rate_parse("30/h", NULL, &r, &err), 0);
    ck_assert_int_eq(r.per, 30);
    ck_assert_int_eq(r.period_ms, 3600000);
    ck_assert_int_eq(rz_rate_parse("1/s", "1", &r, &err), 0);
    ck_assert_int_eq(rz_rate_parse("1000000/h", "1000000", &r, &err), 0);
    ck_assert_int_eq(r.burst, 1000000);
    ck_assert_int_eq(rz_rate_parse("100/min", "3", &r, &err), 0); /* burst below the rate */
    ck_assert_int_eq(r.burst, 3);
}
END_TEST

START_TEST(rate_parse_invalid)
{
    static const char *const bad[] = {"",      "10",        "10/",    "/s",    "0/s",   "-1/s",
                                      "+1/s",  "10/sec",    "10/m",   "10/ s", " 10/s", "10/s ",
                                      "1.5/s", "1000001/s", "10/s/s", "10/S",  "ten/s", "10/hour"};
    static const char *const bad_burst[] = {"", "0", "-1", "abc", "20x", " 20", "1000001", "2.5"};
    rz_rate_t r = {7, 7, 1000};
    const char *err;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = NULL;
        ck_assert_msg(rz_rate_parse(bad[i], NULL, &r, &err) == -1, "accepted %s", bad[i]);
        ck_assert_ptr_nonnull(err);
    }
    for (i = 0; i < sizeof(bad_burst) / sizeof(bad_burst[0]); i++) {
        err = NULL;
        ck_assert_msg(rz_rate_parse("10/s", bad_burst[i], &r, &err) == -1, "burst %s",
                      bad_burst[i]);
        ck_assert_ptr_nonnull(err);
    }
    ck_assert_int_eq(rz_rate_parse(NULL, NULL, &r, &err), -1);
    ck_assert_int_eq(r.per, 7); /* untouched on error */
}
END_TEST

/* ---- bucket math ----------------------------------------------------------------------------- */

START_TEST(five_per_minute)
{
    int retry = -1, i;

    for (i = 0; i < 5; i++) {
        ck_assert_int_eq(take(RZ_RL_LOGIN_EMAIL, "a@x.bi", T0, &retry), 1);
        ck_assert_int_eq(retry, 0);
    }
    ck_assert_int_eq(take(RZ_RL_LOGIN_EMAIL, "a@x.bi", T0, &retry), 0);
    ck_assert_int_eq(retry, 12);
    ck_assert_int_eq(take(RZ_RL_LOGIN_EMAIL, "a@x.bi", T0 + 1, &retry), 0);
    ck_assert_int_eq(retry, 12); /* 11.999 s rounds up */
    ck_assert_int_eq(take(RZ_RL_LOGIN_EMAIL, "a@x.bi", T0 + 1000, &retry), 0);
    ck_assert_int_eq(retry, 11);
    ck_assert_int_eq(take(RZ_RL_LOGIN_EMAIL, "a@x.bi", T0 + 11000, &retry), 0);
    ck_assert_int_eq(retry, 1);
    ck_assert_int_eq(take(RZ_RL_LOGIN_EMAIL, "a@x.bi", T0 + 11999, &retry), 0);
    ck_assert_int_eq(retry, 1); /* never 0 */
    ck_assert_int_eq(take(RZ_RL_LOGIN_EMAIL, "a@x.bi", T0 + 12000, &retry), 1);
    ck_assert_int_eq(take(RZ_RL_LOGIN_EMAIL, "a@x.bi", T0 + 12000, &retry), 0);
    ck_assert_int_eq(retry, 12);
    /* other keys and other scopes are separate buckets */
    ck_assert_int_eq(take(RZ_RL_LOGIN_EMAIL, "b@x.bi", T0, &retry), 1);
    ck_assert_int_eq(take(RZ_RL_FORGOT_EMAIL, "a@x.bi", T0, &retry), 1);
}
END_TEST

START_TEST(burst_then_refill)
{
    int retry, i;

    for (i = 0; i < 20; i++) {
        ck_assert_int_eq(take(RZ_RL_API, "192.0.2.1", T0, &retry), 1);
    }
    ck_assert_int_eq(take(RZ_RL_API, "192.0.2.1", T0, &retry), 0);
    ck_assert_int_eq(retry, 1);
    ck_assert_int_eq(take(RZ_RL_API, "192.0.2.1", T0 + 99, &retry), 0);
    ck_assert_int_eq(take(RZ_RL_API, "192.0.2.1", T0 + 100, &retry), 1);
    ck_assert_int_eq(take(RZ_RL_API, "192.0.2.1", T0 + 100, &retry), 0);
    /* a long pause refills to the burst, never beyond */
    for (i = 0; i < 20; i++) {
        ck_assert_int_eq(take(RZ_RL_API, "192.0.2.1", T0 + 3600000, &retry), 1);
    }
    ck_assert_int_eq(take(RZ_RL_API, "192.0.2.1", T0 + 3600000, &retry), 0);
}
END_TEST

START_TEST(retry_after_boundaries)
{
    rz_rate_t hourly = {1, 1, 3600000}, seven = {7, 7, 60000};
    int retry;

    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "k", &hourly, T0, &retry), 1);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "k", &hourly, T0, &retry), 0);
    ck_assert_int_eq(retry, 3600);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "k", &hourly, T0 + 1, &retry), 0);
    ck_assert_int_eq(retry, 3600);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "k", &hourly, T0 + 1000, &retry), 0);
    ck_assert_int_eq(retry, 3599);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "k", &hourly, T0 + 3599001, &retry), 0);
    ck_assert_int_eq(retry, 1);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "k", &hourly, T0 + 3600000, &retry), 1);

    /* 7/min: a token every 8571.43 ms, exactly: due at 8572 ms, not at 8571 */
    for (int i = 0; i < 7; i++) {
        ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "s", &seven, T0, &retry), 1);
    }
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "s", &seven, T0, &retry), 0);
    ck_assert_int_eq(retry, 9);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "s", &seven, T0 + 8571, &retry), 0);
    ck_assert_int_eq(retry, 1);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "s", &seven, T0 + 8572, &retry), 1);
}
END_TEST

/* Fixed point: 7/min polled every 100 ms for 10 minutes after a drain grants exactly 70 tokens. */
START_TEST(no_drift)
{
    rz_rate_t seven = {7, 7, 60000};
    int retry, allowed = 0, i;

    for (i = 0; i < 7; i++) {
        ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "d", &seven, T0, &retry), 1);
    }
    for (i = 1; i <= 6000; i++) {
        allowed += rz_rl_take(region, RZ_RL_API, "d", &seven, T0 + 100LL * i, &retry);
    }
    ck_assert_int_eq(allowed, 70);
}
END_TEST

START_TEST(clock_backwards)
{
    int retry, i;

    for (i = 0; i < 5; i++) {
        ck_assert_int_eq(take(RZ_RL_RESET_IP, "192.0.2.9", T0, &retry), 1);
    }
    ck_assert_int_eq(take(RZ_RL_RESET_IP, "192.0.2.9", T0 - 60000, &retry), 0);
    ck_assert_int_eq(retry, 72); /* still due at T0 + 12 s */
    ck_assert_int_eq(take(RZ_RL_RESET_IP, "192.0.2.9", T0 + 11999, &retry), 0);
    ck_assert_int_eq(take(RZ_RL_RESET_IP, "192.0.2.9", T0 + 12000, &retry), 1);
}
END_TEST

START_TEST(peek_spends_nothing)
{
    const rz_rate_t *r = rz_rl_default_rate(RZ_RL_LOGIN_IP);
    int retry, i;

    for (i = 0; i < 20; i++) {
        ck_assert_int_eq(rz_rl_peek(region, RZ_RL_LOGIN_IP, "192.0.2.5", r, T0, &retry), 1);
    }
    for (i = 0; i < 5; i++) {
        ck_assert_int_eq(rz_rl_peek(region, RZ_RL_LOGIN_IP, "192.0.2.5", r, T0, &retry), 1);
        ck_assert_int_eq(take(RZ_RL_LOGIN_IP, "192.0.2.5", T0, &retry), 1);
    }
    ck_assert_int_eq(rz_rl_peek(region, RZ_RL_LOGIN_IP, "192.0.2.5", r, T0, &retry), 0);
    ck_assert_int_eq(retry, 12);
    ck_assert_int_eq(rz_rl_peek(region, RZ_RL_LOGIN_IP, "192.0.2.5", r, T0 + 12000, &retry), 1);
    ck_assert_int_eq(rz_rl_peek(region, RZ_RL_LOGIN_IP, "192.0.2.5", r, T0 + 12000, &retry), 1);
}
END_TEST

START_TEST(bad_arguments_fail_closed)
{
    rz_rate_t zero = {0, 1, 1000};
    int retry = 0;

    ck_assert_int_eq(take(RZ_RL_API, NULL, T0, &retry), 0);
    ck_assert_int_eq(retry, 1);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_NSCOPES, "k", rz_rl_default_rate(0), T0, &retry), 0);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "k", &zero, T0, &retry), 0);
    ck_assert_int_eq(rz_rl_take(region, RZ_RL_API, "k", NULL, T0, &retry), 0);
}
END_TEST

/* ---- client keys ----------------------------------------------------------------------------- */

/* The client key of ip, in a static buffer. */
static const char *ckey(const char *ip)
{
    static char buf[RZ_RL_CLIENT_KEY_MAX];

    rz_rl_client_key(ip, buf, sizeof(buf));
    return buf;
}

START_TEST(client_keys)
{
    char small[5];

    ck_assert_str_eq(ckey("192.0.2.7"), "192.0.2.7");
    ck_assert_str_eq(ckey("::ffff:192.0.2.7"), "192.0.2.7");
    ck_assert_str_eq(ckey("2001:db8:1:2::1"), "2001:db8:1:2::/64");
    ck_assert_str_eq(ckey("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
    ck_assert_str_eq(ckey("2001:db8:1:3::1"), "2001:db8:1:3::/64");
    ck_assert_str_eq(ckey("::1"), "::/64");
    ck_assert_str_eq(ckey("fe80::1%eth0"), "fe80::/64");
    ck_assert_str_eq(ckey("not-an-address"), "not-an-address");
    ck_assert_str_eq(ckey(NULL), "");
    rz_rl_client_key("2001:db8::1", small, sizeof(small));
    ck_assert_str_eq(small, "2001");
}
END_TEST

START_TEST(ipv6_prefix_shares_bucket)
{
    char a[RZ_RL_CLIENT_KEY_MAX], b[RZ_RL_CLIENT_KEY_MAX], c[RZ_RL_CLIENT_KEY_MAX];
    char v4[RZ_RL_CLIENT_KEY_MAX], mapped[RZ_RL_CLIENT_KEY_MAX];
    int retry, i;

    rz_rl_client_key("2001:db8:aa:bb::1", a, sizeof(a));
    rz_rl_client_key("2001:db8:aa:bb:1234:5678:9abc:def0", b, sizeof(b));
    rz_rl_client_key("2001:db8:aa:bc::1", c, sizeof(c));
    for (i = 0; i < 5; i++) {
        ck_assert_int_eq(take(RZ_RL_LOOKUP_IP, a, T0, &retry), 1);
        ck_assert_int_eq(take(RZ_RL_LOOKUP_IP, b, T0, &retry), 1);
    }
    ck_assert_int_eq(take(RZ_RL_LOOKUP_IP, a, T0, &retry), 0); /* 10/min spent by the /64 */
    ck_assert_int_eq(retry, 6);
    ck_assert_int_eq(take(RZ_RL_LOOKUP_IP, c, T0, &retry), 1); /* another /64 */

    rz_rl_client_key("198.51.100.4", v4, sizeof(v4));
    rz_rl_client_key("::ffff:198.51.100.4", mapped, sizeof(mapped));
    for (i = 0; i < 10; i++) {
        ck_assert_int_eq(take(RZ_RL_LOOKUP_IP, i % 2 ? v4 : mapped, T0, &retry), 1);
    }
    ck_assert_int_eq(take(RZ_RL_LOOKUP_IP, v4, T0, &retry), 0);
    ck_assert_int_eq(take(RZ_RL_LOOKUP_IP, mapped, T0, &retry), 0);
}
END_TEST

/* ---- eviction (a 16-entry table: one probe window covers it all) ----------------------------- */

/* Drains key at now with the login-ip rate (5/min). */
static void drain(const char *key, int64_t now)
{
    int retry, i;

    for (i = 0; i < 5; i++) {
        ck_assert_int_eq(take(RZ_RL_LOGIN_IP, key, now, &retry), 1);
    }
    ck_assert_int_eq(take(RZ_RL_LOGIN_IP, key, now, &retry), 0);
}

START_TEST(hot_key_never_resets)
{
    char key[32];
    uint64_t evicted, refused;
    int retry, i;

    free(region);
    region = new_region(RZ_RL_MIN_ENTRIES);
    drain("hot", T0);
    /* a flood of fresh keys, each spending one token, over the next 11 s */
    for (i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "flood-%d", i);
        ck_assert_int_eq(take(RZ_RL_LOGIN_IP, key, T0 + i / 2, &retry), 1);
    }
    ck_assert_int_eq(take(RZ_RL_LOGIN_IP, "hot", T0 + 10000, &retry), 0);
    ck_assert_int_eq(retry, 2);
    rz_rl_stats(region, &evicted, &refused);
    ck_assert_uint_eq(evicted, 20000 - 15);
    ck_assert_uint_eq(refused, 0);
    ck_assert_int_eq(take(RZ_RL_LOGIN_IP, "hot", T0 + 12000, &retry), 1);
    ck_assert_int_eq(take(RZ_RL_LOGIN_IP, "hot", T0 + 12000, &retry), 0);
}
END_TEST

START_TEST(all_limited_refuses_newcomer)
{
    char key[32];
    uint64_t evicted, refused;
    int retry, i;

    free(region);
    region = new_region(RZ_RL_MIN_ENTRIES);
    for (i = 0; i < 16; i++) {
        snprintf(key, sizeof(key), "limited-%d", i);
        drain(key, T0 + i);
    }
    ck_assert_int_eq(take(RZ_RL_LOGIN_IP, "new", T0 + 100, &retry), 0);
    ck_assert_int_eq(retry, 12); /* limited-0 gets a token at T0 + 12 s */
    ck_assert_int_eq(rz_rl_peek(region, RZ_RL_LOGIN_IP, "new", rz_rl_default_rate(RZ_RL_LOGIN_IP),
                                T0 + 100, &retry),
                     0);
    rz_rl_stats(region, &evicted, &refused);
    ck_assert_uint_eq(evicted, 0);
    ck_assert_uint_eq(refused, 1);
    for (i = 0; i < 16; i++) { /* nobody was reset */
        snprintf(key, sizeof(key), "limited-%d", i);
        ck_assert_int_eq(take(RZ_RL_LOGIN_IP, key, T0 + 100, &retry), 0);
    }
    /* once limited-0 holds a token again it is the one evicted */
    ck_assert_int_eq(take(RZ_RL_LOGIN_IP, "new", T0 + 12000, &retry), 1);
    ck_assert_int_eq(take(RZ_RL_LOGIN_IP, "limited-1", T0 + 12000, &retry), 0);
    rz_rl_stats(region, &evicted, &refused);
    ck_assert_uint_eq(evicted, 1);
}
END_TEST

START_TEST(full_buckets_are_reused_freely)
{
    char key[32];
    uint64_t evicted, refused;
    int retry, i;

    free(region);
    region = new_region(RZ_RL_MIN_ENTRIES);
    for (i = 0; i < 16; i++) {
        snprintf(key, sizeof(key), "old-%d", i);
        ck_assert_int_eq(take(RZ_RL_LOGIN_IP, key, T0, &retry), 1);
    }
    for (i = 0; i < 16; i++) { /* 12 s later every old bucket is full: like an absent one */
        snprintf(key, sizeof(key), "new-%d", i);
        drain(key, T0 + 12000);
    }
    rz_rl_stats(region, &evicted, &refused);
    ck_assert_uint_eq(evicted, 0);
    ck_assert_uint_eq(refused, 0);
}
END_TEST

START_TEST(fullest_is_evicted)
{
    char key[32];
    uint64_t evicted;
    int retry, i, j;

    free(region);
    region = new_region(RZ_RL_MIN_ENTRIES);
    ck_assert_int_eq(take(RZ_RL_LOGIN_IP, "light", T0, &retry), 1); /* full again at +12 s */
    for (i = 0; i < 15; i++) {                                      /* full again at +36 s */
        snprintf(key, sizeof(key), "heavy-%d", i);
        for (j = 0; j < 3; j++) {
            ck_assert_int_eq(take(RZ_RL_LOGIN_IP, key, T0, &retry), 1);
        }
    }
    ck_assert_int_eq(take(RZ_RL_LOGIN_IP, "newcomer", T0 + 1, &retry), 1);
    rz_rl_stats(region, &evicted, NULL);
    ck_assert_uint_eq(evicted, 1);
    for (i = 0; i < 15; i++) { /* every heavy bucket kept its 2 tokens */
        snprintf(key, sizeof(key), "heavy-%d", i);
        ck_assert_int_eq(take(RZ_RL_LOGIN_IP, key, T0 + 1, &retry), 1);
        ck_assert_int_eq(take(RZ_RL_LOGIN_IP, key, T0 + 1, &retry), 1);
        ck_assert_int_eq(take(RZ_RL_LOGIN_IP, key, T0 + 1, &retry), 0);
    }
    rz_rl_stats(region, &evicted, NULL);
    ck_assert_uint_eq(evicted, 1);
}
END_TEST

/* ---- across processes ------------------------------------------------------------------------ */

#define NCHILD 4
#define HOT_KEYS 256

/* What the forked children share: the lock, a start flag, results, then the region. */
typedef struct {
    pthread_mutex_t lock;
    int go;
    int allowed[NCHILD];
    char pad[64]; /* the region starts 8-byte aligned after this */
} shared_t;

static shared_t *shared;
static size_t shared_len;

static void *shared_region(void)
{
    return (char *)shared + ((sizeof(shared_t) + 63) & ~(size_t)63);
}

static void mp_setup(void)
{
    pthread_mutexattr_t attr;

    shared_len = ((sizeof(shared_t) + 63) & ~(size_t)63) + rz_rl_region_size(65536);
    shared = mmap(NULL, shared_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(shared, MAP_FAILED);
    memset(shared, 0, sizeof(*shared));
    ck_assert_int_eq(pthread_mutexattr_init(&attr), 0);
    ck_assert_int_eq(pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED), 0);
    ck_assert_int_eq(pthread_mutex_init(&shared->lock, &attr), 0);
    pthread_mutexattr_destroy(&attr);
    rz_rl_region_init(shared_region(), 65536, test_key);
}

static void mp_teardown(void)
{
    pthread_mutex_destroy(&shared->lock);
    munmap(shared, shared_len);
}

/* Spins (bounded: 5 s) until the parent sets the start flag, so that the children overlap. */
static void wait_go(void)
{
    time_t end = time(NULL) + 5;

    while (!__atomic_load_n(&shared->go, __ATOMIC_ACQUIRE) && time(NULL) < end) {
        sched_yield();
    }
}

/* Child body: 400 attempts on each of HOT_KEYS keys at a frozen clock, the keys interleaved so the
 * processes keep colliding on buckets that still hold tokens, and private keys in between so the
 * table is also written concurrently (few enough that nothing is evicted). */
static void child_take(int idx)
{
    rz_rate_t hundred = {100, 100, 3600000};
    char key[32];
    int retry, i;

    wait_go();
    for (i = 0; i < 400 * HOT_KEYS; i++) {
        snprintf(key, sizeof(key), "hot-%d", i % HOT_KEYS);
        pthread_mutex_lock(&shared->lock);
        shared->allowed[idx] +=
            rz_rl_take(shared_region(), RZ_RL_BOOKING_IP, key, &hundred, T0, &retry);
        pthread_mutex_unlock(&shared->lock);
        if (i % 8) {
            continue;
        }
        snprintf(key, sizeof(key), "c%d-%d", idx, i);
        pthread_mutex_lock(&shared->lock);
        rz_rl_take(shared_region(), RZ_RL_BOOKING_IP, key, &hundred, T0, &retry);
        pthread_mutex_unlock(&shared->lock);
    }
}

/* Forks NCHILD children running body, starts them together and reaps them within 20 s (stragglers
 * are killed and fail the test). */
static void run_children(void (*body)(int))
{
    pid_t pids[NCHILD];
    struct timespec ms = {0, 1000000};
    int i, status, left = NCHILD, tries;

    for (i = 0; i < NCHILD; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            body(i);
            _exit(0);
        }
    }
    __atomic_store_n(&shared->go, 1, __ATOMIC_RELEASE);
    for (tries = 0; left > 0 && tries < 20000; tries++) {
        for (i = 0; i < NCHILD; i++) {
            if (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == pids[i]) {
                ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d failed", i);
                pids[i] = 0;
                left--;
            }
        }
        if (left > 0) {
            nanosleep(&ms, NULL);
        }
    }
    for (i = 0; i < NCHILD; i++) {
        if (pids[i] > 0) {
            kill(pids[i], SIGKILL);
            waitpid(pids[i], &status, 0);
        }
    }
    ck_assert_int_eq(left, 0);
}

START_TEST(processes_share_buckets)
{
    int total = 0, i, retry;

    run_children(child_take);
    for (i = 0; i < NCHILD; i++) {
        total += shared->allowed[i];
    }
    ck_assert_int_eq(total, 100 * HOT_KEYS); /* exactly the burst of each key */
    ck_assert_int_eq(rz_rl_take(shared_region(), RZ_RL_BOOKING_IP, "hot-0",
                                &(rz_rate_t){100, 100, 3600000}, T0, &retry),
                     0);
    ck_assert_int_eq(retry, 36);
}
END_TEST

Suite *ratelimit_suite(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("buckets");
    TCase *mp = tcase_create("processes");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, scope_names);
    tcase_add_test(tc, default_rates);
    tcase_add_test(tc, rate_parse_valid);
    tcase_add_test(tc, rate_parse_invalid);
    tcase_add_test(tc, five_per_minute);
    tcase_add_test(tc, burst_then_refill);
    tcase_add_test(tc, retry_after_boundaries);
    tcase_add_test(tc, no_drift);
    tcase_add_test(tc, clock_backwards);
    tcase_add_test(tc, peek_spends_nothing);
    tcase_add_test(tc, bad_arguments_fail_closed);
    tcase_add_test(tc, client_keys);
    tcase_add_test(tc, ipv6_prefix_shares_bucket);
    tcase_add_test(tc, hot_key_never_resets);
    tcase_add_test(tc, all_limited_refuses_newcomer);
    tcase_add_test(tc, full_buckets_are_reused_freely);
    tcase_add_test(tc, fullest_is_evicted);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(mp, mp_setup, mp_teardown);
    tcase_add_test(mp, processes_share_buckets);
    tcase_set_timeout(mp, 60);
    suite_add_tcase(s, mp);
    return s;
}
