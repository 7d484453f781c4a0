/* test_store.h: shared fixture, helpers and assertions of the store conformance suite. */
#ifndef TEST_STORE_H
#define TEST_STORE_H

#include <apr_pools.h>
#include <apr_strings.h>
#include <check.h>
#include <jansson.h>

#include "core/rz_json.h"
#include "core/rz_status.h"
#include "store/rz_store.h"

typedef struct {
    apr_pool_t *pool;
    rz_store_t *st;
    rz_sess_t *s;
} fx_t;

extern const char *g_uri; /* the store under test */
extern int g_is_sqlite;
extern int g_is_jongodb; /* the MongoDB-compatible test server (skips name its known gaps) */
extern fx_t F;           /* the per-test fixture (conformance tests) */

static inline const char *fx_err(const fx_t *f)
{
    return f->s ? rz_store_last_error(f->s) : "(no session)";
}

/* Asserts that a store call returns `want`, printing the status name and the store's message. */
#define RZ_IS(call, want)                                                                          \
    do {                                                                                           \
        rz_status_t rv_ = (call);                                                                  \
        ck_assert_msg(rv_ == (want), "%s returned %s, want %s (%s)", #call, rz_status_name(rv_),   \
                      rz_status_name(want), fx_err(&F));                                           \
    } while (0)
#define RZ_OK_(call) RZ_IS(call, RZ_OK)

/* JSON from text with ' for " (pool-owned by F.pool); asserts it parses. */
json_t *J(const char *text);
/* v pool-owned by F.pool; a pool-owned JSON string. */
json_t *P(json_t *v);
json_t *JS(const char *str);
/* A fresh collection (or counter) name: base + "_" + 8 random hex digits. */
const char *uniq(apr_pool_t *p, const char *base);
/* Inserts into F's session, asserts RZ_OK, returns the id (in F.pool). */
const char *ins(const char *coll, json_t *doc);
/* The number of documents in a collection (F's session). */
long count_all(const char *coll);
/* Opens a pool, the store at g_uri and a session; asserts success. */
void fx_open(fx_t *f);
/* Destroys the fixture's pool (session, store and connections). */
void fx_close(fx_t *f);

/* Adds the update/delete/counter/migration tests to the conformance case (test_store_write.c). */
void store_add_write_tests(TCase *tc);
/* Adds the projection and unordered read tests to the conformance case (test_store_read.c). */
void store_add_read_tests(TCase *tc);
/* Adds the unit-of-work, concurrency and SQLite-only test cases (test_store_uow.c). */
void store_add_uow_tests(Suite *s, void (*setup)(void), void (*teardown)(void));
/* Adds the statement cache, connection pool and per-store schema tests, SQLite only
 * (test_store_sqlite.c). */
void store_add_sqlite_tests(Suite *s, void (*setup)(void), void (*teardown)(void));

#endif
