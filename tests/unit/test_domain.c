/* test_domain.c: domain handlers run without httpd: a bare rz_req_t over a SQLite store, the
 * answer read from rq->res, the unit of work ended by the caller (as the router does). */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/rz_json.h"
#include "domain/rz_auth_api.h"
#include "domain/rz_establishments.h"
#include "domain/rz_system.h"
#include "domain/rz_users.h"
#include "domain/rz_write.h"
#include "services/rz_outbox.h"
#include "services/rz_userdoc.h"
#include "store/rz_migrations.h"

/* The fixture: a migrated SQLite store in a temp directory, and what the fake ops saw. */
static apr_pool_t *pool;
static rz_store_t *store;
static char dir[64];
static int commits, gates_held, logged, gate_busy;
static rz_after_answer_fn after_fn; /* the work a handler left for after its answer */
static void *after_data;
static char last_log[512];
static rz_settings_t conf;

static rz_status_t op_store(rz_req_t *rq, rz_sess_t **out)
{
    rz_status_t st = rz_store_session(&rq->sess, store, rq->pool);

    *out = rq->sess;
    return st;
}

static void op_log(const rz_req_t *rq, const char *file, int line, int level, const char *msg)
{
    logged++;
    snprintf(last_log, sizeof(last_log), "%s", msg);
}

static int op_gate_enter(rz_req_t *rq, int timeout_ms, unsigned int *token)
{
    if (gate_busy) {
        return 0;
    }
    gates_held++;
    *token = 7;
    return 1;
}

static void op_gate_leave(rz_req_t *rq, unsigned int token)
{
    ck_assert_uint_eq(token, 7);
    gates_held--;
}

static int op_hash_slot(rz_req_t *rq)
{
    return 1;
}

static int op_decode_take(rz_req_t *rq)
{
    return 1;
}

static void op_decode_give(rz_req_t *rq)
{
}

static int op_rate(rz_req_t *rq, int scope, const char *key, int spend, int *retry)
{
    return 1;
}

static void op_committed(rz_req_t *rq)
{
    commits++;
}

static void op_after_answer(rz_req_t *rq, rz_after_answer_fn fn, void *data)
{
    ck_assert_ptr_null(after_fn); /* one per request here */
    after_fn = fn;
    after_data = data;
}

/* What http/ does once the answer went out: runs the work left for then. */
static void answer_sent(rz_req_t *rq)
{
    rz_after_answer_fn fn = after_fn;

    ck_assert_ptr_nonnull(fn);
    after_fn = NULL;
    fn(rq, after_data);
}

static const rz_req_ops_t ops = {op_store,       op_log,        op_gate_enter, op_gate_leave,
                                 op_hash_slot,   op_rate,       op_committed,  op_after_answer,
                                 op_decode_take, op_decode_give};

static void setup(void)
{
    rz_sess_t *s;
    const char *err = NULL;
    int applied = 0;

    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    snprintf(dir, sizeof(dir), "/tmp/rz-domain-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(rz_store_open(&store, apr_psprintf(pool, "sqlite:%s/t.db", dir), pool, &err),
                     RZ_OK);
    ck_assert_int_eq(rz_store_session(&s, store, pool), RZ_OK);
    ck_assert_int_eq(rz_migrations_run(s, &applied, &err), RZ_OK);
    memset(&conf, 0, sizeof(conf));
    conf.store_backend = rz_store_backend(store);
    commits = gates_held = logged = gate_busy = 0;
    after_fn = NULL;
}

static void teardown(void)
{
    static const char *const files[] = {"t.db", "t.db-wal", "t.db-shm", NULL};
    char path[128];
    int i;

    apr_pool_destroy(pool); /* the store and its sessions */
    for (i = 0; files[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* A request of a super_admin in its own pool, with `body` (JSON text or NULL) and a query. */
static rz_req_t *request(const char *body, const char *const *query)
{
    rz_req_t *rq;
    apr_pool_t *p;
    static rz_principal_t sa = {"0123456789abcdef01234567", "super_admin", NULL, "f", "j", 0, NULL};
    json_error_t e;

    ck_assert_int_eq(apr_pool_create(&p, pool), APR_SUCCESS);
    rq = apr_pcalloc(p, sizeof(*rq));
    rq->pool = p;
    rq->ops = &ops;
    rq->request_id = "00000000000000000000000000000001";
    rq->method = body ? "POST" : "GET";
    rq->client_ip = "127.0.0.1";
    rq->conf = &conf;
    rq->who = &sa;
    rq->res.headers = apr_table_make(p, 4);
    rq->query = apr_table_make(p, 4);
    for (; query && *query; query += 2) {
        apr_table_setn(rq->query, query[0], query[1]);
    }
    rq->body = body ? rz_json_pool_own(p, json_loads(body, 0, &e)) : NULL;
    return rq;
}

/* The number of documents of `coll` a fresh session sees (the committed state). */
static long seen(const char *coll)
{
    rz_query_t q;
    rz_sess_t *s;
    apr_pool_t *p;
    long n = -1;

    memset(&q, 0, sizeof(q));
    ck_assert_int_eq(apr_pool_create(&p, pool), APR_SUCCESS);
    ck_assert_int_eq(rz_store_session(&s, store, p), RZ_OK);
    ck_assert_int_eq(rz_store_count(s, coll, &q, &n), RZ_OK);
    apr_pool_destroy(p);
    return n;
}

static const char *const est_json =
    "{\"name\": \"Domain Inn\", \"location\": {\"city\": \"Bujumbura\", \"address\": \"1 Avenue\","
    " \"lat\": -3.38, \"lng\": 29.36}, \"contacts\": {\"phones\": [\"79 00 00 00\"],"
    " \"email\": \"info@example.bi\"}}";

START_TEST(test_health_answers_without_httpd)
{
    rz_req_t *rq = request(NULL, NULL);

    ck_assert_int_eq(rz_h_health(rq), 200);
    ck_assert_int_eq(rq->res.status, 200);
    ck_assert_int_eq(rq->res.kind, RZ_RES_JSON);
    ck_assert(json_is_true(json_object_get(rq->res.json, "success")));
    ck_assert_str_eq(rz_json_str(rz_json_path_get(rq->res.json, "data.store"), "backend"),
                     "sqlite");
}
END_TEST

START_TEST(test_the_caller_ends_the_unit_of_work)
{
    rz_req_t *rq = request(est_json, NULL);
    const char *loc;

    ck_assert_int_eq(rz_h_establishment_create(rq), 201);
    loc = apr_table_get(rq->res.headers, "Location");
    ck_assert_ptr_nonnull(loc);
    ck_assert(strncmp(loc, "/api/establishments/", 20) == 0);
    /* the handler answered, but nothing is committed: the unit of work waits for the router */
    ck_assert_int_eq(rq->uow_pending, 1);
    ck_assert_int_eq(gates_held, 1);
    ck_assert_int_eq(commits, 0);
    ck_assert_int_eq(seen(RZ_ESTABLISHMENTS), 0);
    ck_assert_int_eq(rz_write_settle(rq), RZ_OK);
    ck_assert_int_eq(commits, 1);
    ck_assert_int_eq(gates_held, 0);
    ck_assert_int_eq(seen(RZ_ESTABLISHMENTS), 1);
}
END_TEST

START_TEST(test_an_abandoned_unit_of_work_leaves_nothing)
{
    rz_req_t *rq = request(est_json, NULL);

    ck_assert_int_eq(rz_h_establishment_create(rq), 201);
    rz_write_abandon(rq);
    rz_write_gate_release(rq);
    ck_assert_int_eq(commits, 0);
    ck_assert_int_eq(seen(RZ_ESTABLISHMENTS), 0);
    /* the same name is free again */
    rq = request(est_json, NULL);
    ck_assert_int_eq(rz_h_establishment_create(rq), 201);
    ck_assert_int_eq(rz_write_settle(rq), RZ_OK);
    ck_assert_int_eq(seen(RZ_ESTABLISHMENTS), 1);
}
END_TEST

START_TEST(test_a_list_validates_then_finds_then_views)
{
    static const char *const bad[] = {"limit", "abc", "sort", "nope", NULL};
    static const char *const page[] = {"limit", "1", "q", "domain", NULL};
    rz_req_t *rq = request(est_json, NULL);
    json_t *details, *data;

    ck_assert_int_eq(rz_h_establishment_create(rq), 201);
    ck_assert_int_eq(rz_write_settle(rq), RZ_OK);
    /* every problem of the query in one 400, in the order they were read */
    rq = request(NULL, bad);
    ck_assert_int_eq(rz_h_establishments_list(rq), 400);
    ck_assert_str_eq(rz_json_str(json_object_get(rq->res.json, "error"), "code"),
                     "VALIDATION_ERROR");
    details = rz_json_path_get(rq->res.json, "error.details");
    ck_assert_int_eq(json_array_size(details), 2);
    ck_assert_str_eq(rz_json_str(json_array_get(details, 0), "field"), "limit");
    ck_assert_str_eq(rz_json_str(json_array_get(details, 1), "field"), "sort");
    /* a page of views with the total */
    rq = request(NULL, page);
    ck_assert_int_eq(rz_h_establishments_list(rq), 200);
    data = json_object_get(rq->res.json, "data");
    ck_assert_int_eq(json_array_size(data), 1);
    ck_assert_str_eq(rz_json_str(json_array_get(data, 0), "name"), "Domain Inn");
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_array_get(data, 0), "accommodationCount")), 0);
    ck_assert_int_eq(json_integer_value(rz_json_path_get(rq->res.json, "pagination.total")), 1);
}
END_TEST

START_TEST(test_store_errors_are_logged_through_the_ops)
{
    rz_req_t *rq = request(NULL, NULL);

    ck_assert_int_eq(rz_respond_store_error(rq, RZ_ERROR, "boom"), 500);
    ck_assert_int_eq(logged, 1);
    ck_assert(strstr(last_log, "RZ00202: store error RZ_ERROR: boom") == last_log);
    ck_assert_int_eq(rz_respond_store_error(rq, RZ_UNAVAILABLE, NULL), 503);
    ck_assert_str_eq(apr_table_get(rq->res.headers, "Retry-After"), "5");
    rz_respond_reset(rq);
    ck_assert_int_eq(rq->res.status, 0);
    ck_assert_ptr_null(apr_table_get(rq->res.headers, "Retry-After"));
}
END_TEST

/* An active account, written directly. */
static void add_user(const char *email)
{
    rz_user_spec_t u = {.email = email,
                        .password = "desk-pass-123",
                        .first_name = "Desk",
                        .last_name = "Clerk",
                        .role = "super_admin"};
    json_t *doc = rz_userdoc_new(pool, &u, RZ_PW_INTERACTIVE);
    rz_sess_t *s;

    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(rz_store_session(&s, store, pool), RZ_OK);
    ck_assert_int_eq(rz_store_begin(s, NULL, 0), RZ_OK);
    ck_assert_int_eq(rz_store_insert(s, RZ_USERS, doc, NULL), RZ_OK);
    ck_assert_int_eq(rz_store_commit(s), RZ_OK);
}

/* A public request to forgot-password for `email`: 202, with its work left for after the answer
 * and the router's end of the unit of work finding nothing to commit. */
static rz_req_t *forgot(const char *email)
{
    rz_req_t *rq = request(apr_psprintf(pool, "{\"email\": \"%s\"}", email), NULL);
    int before = commits;

    rq->who = NULL;
    ck_assert_int_eq(rz_h_auth_forgot_password(rq), 202);
    ck_assert_ptr_nonnull(after_fn);
    ck_assert_int_eq(rz_write_settle(rq), RZ_OK);
    ck_assert_int_eq(commits, before);
    ck_assert_int_eq(gates_held, 0);
    return rq;
}

START_TEST(test_forgot_password_works_after_its_answer)
{
    rz_req_t *rq;

    add_user("desk@example.bi");
    rq = forgot(" DESK@example.bi ");
    ck_assert_int_eq(seen("reset_tokens"), 0); /* the answer did no store work */
    ck_assert_int_eq(seen(RZ_OUTBOX_COLL), 0);
    answer_sent(rq);
    ck_assert_int_eq(rq->res.status, 202);
    ck_assert_int_eq(commits, 1); /* one unit of work: token, email, audit entry */
    ck_assert_int_eq(gates_held, 0);
    ck_assert_int_eq(seen("reset_tokens"), 1);
    ck_assert_int_eq(seen(RZ_OUTBOX_COLL), 1);
    ck_assert_int_eq(seen(RZ_AUDIT_COLL), 1);
    /* an unknown account: the same answer, and nothing written after it */
    answer_sent(forgot("nobody@example.bi"));
    ck_assert_int_eq(commits, 1);
    ck_assert_int_eq(seen("reset_tokens"), 1);
    ck_assert_int_eq(seen(RZ_OUTBOX_COLL), 1);
    ck_assert_int_eq(logged, 0);
}
END_TEST

START_TEST(test_work_after_the_answer_logs_its_failure)
{
    rz_req_t *rq;

    add_user("desk@example.bi");
    rq = forgot("desk@example.bi");
    gate_busy = 1; /* the write gate stays busy past its 5 s */
    answer_sent(rq);
    ck_assert_int_eq(rq->res.status, 202); /* gone already: only the log says it */
    ck_assert_int_eq(logged, 1);
    ck_assert(strstr(last_log, "RZ00411: forgot-password: the request could not be recorded")
              == last_log);
    ck_assert_ptr_nonnull(strstr(last_log, "write gate stayed busy"));
    ck_assert_ptr_null(strstr(last_log, "desk@")); /* never the email */
    ck_assert_int_eq(seen("reset_tokens"), 0);
    ck_assert_int_eq(gates_held, 0);
}
END_TEST

static Suite *domain_suite(void)
{
    Suite *s = suite_create("domain");
    TCase *tc = tcase_create("handlers");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_health_answers_without_httpd);
    tcase_add_test(tc, test_the_caller_ends_the_unit_of_work);
    tcase_add_test(tc, test_an_abandoned_unit_of_work_leaves_nothing);
    tcase_add_test(tc, test_a_list_validates_then_finds_then_views);
    tcase_add_test(tc, test_store_errors_are_logged_through_the_ops);
    tcase_add_test(tc, test_forgot_password_works_after_its_answer);
    tcase_add_test(tc, test_work_after_the_answer_logs_its_failure);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (apr_initialize() != APR_SUCCESS || sodium_init() < 0) {
        return 1;
    }
    sr = srunner_create(domain_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed ? 1 : 0;
}
