/* rz_auth_api.c: login, refresh (rotation, reuse detection), logout, logout-all and the caller's
 * own profile (SPEC 7.1, 8.2, 8.5). */
#include "domain/rz_auth_api.h"

#include "rz_config.h"
#include "rz_private.h"
#include "rz_shm.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "auth/rz_password.h"
#include "auth/rz_token.h"
#include "core/rz_json.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "core/rz_userdoc.h"
#include "domain/rz_auth_tokens.h"
#include "domain/rz_sessions.h"
#include "domain/rz_users.h"
#include "http/rz_auth.h"
#include "http/rz_response.h"
#include "http/rz_write.h"

#define REUSE_GRACE_S 10

const char *rz_auth_password_field(rz_req_t *rq, rz_vctx_t *v, const char *field)
{
    json_t *val = json_object_get(rq->body, field);

    if (!val || json_is_null(val)) {
        rz_v_fail(v, field, "required");
        return NULL;
    }
    if (!json_is_string(val)) {
        rz_v_fail(v, field, "must be a string");
        return NULL;
    }
    return json_string_value(val);
}

const char *rz_auth_email_field(rz_req_t *rq, rz_vctx_t *v)
{
    static const rz_field_t email = {.name = "email", .type = RZ_T_STRING, .flags = RZ_REQ};
    json_t *val = json_object_get(rq->body, "email"), *out;

    if (!val || json_is_null(val)) {
        rz_v_fail(v, "email", "required");
        return NULL;
    }
    out = rz_validate_value(v, &email, val, "email", RZ_V_CREATE);
    return json_is_string(out) ? rz_text_fold(rq->pool, json_string_value(out)) : NULL;
}

/* Only the listed fields are accepted (an auth body has no server-owned fields). */
static int only_fields(rz_vctx_t *v, const json_t *body, const char *const *names)
{
    const char *key;
    json_t *val;

    json_object_foreach ((json_t *)body, key, val) {
        int i, known = 0;
        for (i = 0; names[i]; i++) {
            known |= strcmp(names[i], key) == 0;
        }
        if (!known) {
            rz_v_fail(v, key, "unknown field");
        }
    }
    return rz_v_ok(v) ? 0 : -1;
}

static apr_status_t release_hash_slot(void *data)
{
    rz_shm_hash_leave();
    return APR_SUCCESS;
}

int rz_auth_hash_slot(rz_req_t *rq)
{
    if (!rz_shm_hash_enter(rz_config_max_hashes(rz_config_server(rq->r->server)))) {
        rz_respond_error(rq->r, HTTP_SERVICE_UNAVAILABLE, "SERVER_BUSY",
                         "Too many password checks at once, retry", NULL);
        return -1;
    }
    apr_pool_cleanup_register(rq->pool, NULL, release_hash_slot, apr_pool_cleanup_null);
    return 0;
}

static int invalid_credentials(rz_req_t *rq)
{
    return rz_respond_error(rq->r, HTTP_UNAUTHORIZED, "INVALID_CREDENTIALS",
                            "Invalid email or password", NULL);
}

static int too_many(rz_req_t *rq, int64_t retry)
{
    apr_table_setn(rq->r->err_headers_out, "Retry-After",
                   apr_psprintf(rq->pool, "%" APR_INT64_T_FMT, retry < 1 ? 1 : retry));
    return rz_respond_error(rq->r, HTTP_TOO_MANY_REQUESTS, "RATE_LIMITED", "Too many attempts",
                            NULL);
}

/* A failed login: the IP token is spent, the lockout advances, auth.login_failed is audited. */
static int login_failed(rz_req_t *rq, const char *email, const char *user_id)
{
    rz_srv_conf_t *sc = rz_config_server(rq->r->server);
    const char *hash, *key;
    json_t *throttle, *meta;
    rz_write_t w;
    rz_status_t st;
    int retry;

    /* spend the IP token of a failed attempt; a 429 comes with the next attempt (peek) */
    rz_shm_rate_take(rq->r, RZ_RL_LOGIN_IP, rz_auth_client_key(rq),
                     rz_config_rate(sc, RZ_RL_LOGIN_IP), &retry);
    key = apr_pstrcat(rq->pool, "login:", rz_text_fold(rq->pool, email), NULL);
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return OK;
    }
    meta = rz_json_pool_own(rq->pool, json_pack("{s:s}", "email", email));
    if ((st = rz_throttle_get(w.s, rq->pool, email, &throttle, &hash)) != RZ_OK
        || (st = rz_throttle_fail(w.s, throttle, hash)) != RZ_OK
        || (st = rz_write_audit(&w, "auth.login_failed", "user", user_id, NULL, NULL, NULL, meta))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return OK;
    }
    return invalid_credentials(rq);
}

static int login_succeeded(rz_req_t *rq, json_t *user, const char *password, json_t *throttle)
{
    rz_srv_conf_t *sc = rz_config_server(rq->r->server);
    const char *id = json_string_value(json_object_get(user, "id"));
    const char *email = json_string_value(json_object_get(user, "email"));
    const char *key = apr_pstrcat(rq->pool, "login:", email, NULL);
    char now[21], hash[crypto_pwhash_STRBYTES];
    rz_update_t u = {0};
    json_t *tokens, *after = NULL;
    rz_write_t w;
    rz_status_t st;

    /* the upgraded hash is computed before the unit of work: argon2id must never hold the keys */
    rz_timestamp_format(rz_now(), now);
    u.set = rz_json_pool_own(rq->pool, json_pack("{s:s}", "lastLoginAt", now));
    if (rz_password_needs_rehash(json_string_value(json_object_get(user, "passwordHash")),
                                 rz_config_password_cost(sc))
        && rz_password_hash(password, rz_config_password_cost(sc), hash) == 0) {
        json_object_set_new(u.set, "passwordHash", json_string(hash));
        sodium_memzero(hash, sizeof(hash));
    }
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return OK;
    }
    if ((st = rz_throttle_clear(w.s, throttle)) != RZ_OK
        || (st = rz_store_update(w.s, RZ_USERS, id, &u, -1, &after)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    tokens = rz_tokens_issue(&w, after, NULL, NULL, 0, &st);
    if (!tokens
        || (st = rz_write_audit(&w, "auth.login", "user", id,
                                json_string_value(json_object_get(after, "establishmentId")), NULL,
                                NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return OK;
    }
    return rz_respond_data(
        rq->r, HTTP_OK,
        rz_json_pool_own(rq->pool,
                         json_pack("{s:o, s:O}", "user", json_incref(rz_user_view(rq, w.s, after)),
                                   "tokens", tokens)),
        NULL);
}

int rz_h_auth_login(rz_req_t *rq)
{
    static const char *const fields[] = {"email", "password", NULL};
    rz_srv_conf_t *sc = rz_config_server(rq->r->server);
    const char *password, *email, *hash, *thash;
    json_t *user = NULL, *throttle = NULL;
    rz_cond_t c;
    rz_sess_t *s;
    rz_status_t st;
    rz_vctx_t v;
    int retry = 0, ok;

    rz_vctx_init(&v, rq->pool);
    email = rz_auth_email_field(rq, &v);
    password = rz_auth_password_field(rq, &v, "password");
    if (only_fields(&v, rq->body, fields) != 0 || !email || !password) {
        return rz_respond_validation(rq->r, v.details);
    }
    /* (9a): every attempt spends an email token; failed attempts spend an IP token */
    if (rz_auth_rate_limit(rq, RZ_RL_LOGIN_EMAIL, email) != 0) {
        return OK;
    }
    if (!rz_shm_rate_peek(rq->r, RZ_RL_LOGIN_IP, rz_auth_client_key(rq),
                          rz_config_rate(sc, RZ_RL_LOGIN_IP), &retry)) {
        return too_many(rq, retry);
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK
        || (st = rz_throttle_get(s, rq->pool, email, &throttle, &thash)) != RZ_OK) {
        return rz_respond_store_error(rq->r, st, NULL);
    }
    if (rz_throttle_locked_for(throttle, rz_now()) > 0) {
        return too_many(rq, rz_throttle_locked_for(throttle, rz_now()));
    }
    c = (rz_cond_t){"email", RZ_EQ, rz_json_pool_own(rq->pool, json_string(email))};
    st = rz_store_find_one(s, RZ_USERS, &c, 1, &user);
    if (st != RZ_OK && st != RZ_NOT_FOUND) {
        return rz_respond_store_error(rq->r, st, rz_store_last_error(s));
    }
    if (rz_auth_hash_slot(rq) != 0) {
        return OK;
    }
    /* the same argon2id work whether or not the account exists (timing, SPEC 8.5) */
    hash = user ? json_string_value(json_object_get(user, "passwordHash"))
                : rz_password_dummy_hash(rz_config_password_cost(sc));
    ok = rz_password_verify(hash, password) && user
         && json_is_true(json_object_get(user, "isActive"));
    if (!ok) {
        return login_failed(rq, email,
                            user ? json_string_value(json_object_get(user, "id")) : NULL);
    }
    return login_succeeded(rq, user, password, throttle);
}

/* Refresh: the old token is consumed once; within 10 s of its use a second presentation is a plain
 * 401 (a concurrent refresh lost the race); later, the whole family is revoked (reuse). */
static int refresh_in_uow(rz_req_t *rq, rz_write_t *w, const char *token_hash)
{
    rz_cond_t c = {"tokenHash", RZ_EQ, rz_json_pool_own(rq->pool, json_string(token_hash))};
    json_t *sess, *user, *tokens;
    const char *used, *exp, *fam, *started;
    int64_t used_at, exp_at, started_at, now = rz_now();
    rz_update_t u = {0};
    char when[21];
    rz_status_t st;

    if ((st = rz_store_find_one(w->s, RZ_SESSIONS, &c, 1, &sess)) != RZ_OK) {
        return st == RZ_NOT_FOUND ? rz_write_error(w, HTTP_UNAUTHORIZED, "UNAUTHORIZED",
                                                   "Invalid refresh token", NULL)
                                  : rz_write_fail(w, st);
    }
    fam = json_string_value(json_object_get(sess, "familyId"));
    used = json_string_value(json_object_get(sess, "usedAt"));
    exp = json_string_value(json_object_get(sess, "expiresAt"));
    started = json_string_value(json_object_get(sess, "familyStartedAt"));
    if (json_string_value(json_object_get(sess, "revokedAt")) || !exp
        || rz_datetime_parse(exp, &exp_at) != 0 || exp_at <= now) {
        return rz_write_error(w, HTTP_UNAUTHORIZED, "UNAUTHORIZED", "Invalid refresh token", NULL);
    }
    if (used && rz_datetime_parse(used, &used_at) == 0) {
        if (now - used_at <= REUSE_GRACE_S) {
            return rz_write_error(w, HTTP_UNAUTHORIZED, "UNAUTHORIZED",
                                  "Refresh token already used", NULL);
        }
        if ((st = rz_sessions_revoke_family(w->s, fam, "reuse", NULL)) != RZ_OK
            || (st = rz_write_audit(w, "auth.refresh_reuse", "user",
                                    json_string_value(json_object_get(sess, "userId")), NULL, NULL,
                                    NULL, NULL))
                   != RZ_OK) {
            return rz_write_fail(w, st);
        }
        if (rz_write_commit(w) != 0) {
            return OK;
        }
        return rz_respond_error(rq->r, HTTP_UNAUTHORIZED, "UNAUTHORIZED",
                                "Refresh token reused: the session is revoked", NULL);
    }
    st = rz_store_get(w->s, RZ_USERS, json_string_value(json_object_get(sess, "userId")), &user);
    if (st != RZ_OK || !json_is_true(json_object_get(user, "isActive"))) {
        return st == RZ_OK || st == RZ_NOT_FOUND ? rz_write_error(
                   w, HTTP_UNAUTHORIZED, "UNAUTHORIZED", "Invalid refresh token", NULL)
                                                 : rz_write_fail(w, st);
    }
    rz_timestamp_format(now, when);
    u.set = rz_json_pool_own(rq->pool, json_pack("{s:s}", "usedAt", when));
    if (!started || rz_datetime_parse(started, &started_at) != 0) {
        started_at = now;
    }
    if ((st = rz_store_update(w->s, RZ_SESSIONS, json_string_value(json_object_get(sess, "id")), &u,
                              json_integer_value(json_object_get(sess, "version")), NULL))
            != RZ_OK
        || !(tokens = rz_tokens_issue(w, user, fam, sess, started_at, &st))
        || (st = rz_write_audit(
                w, "auth.refresh", "user", json_string_value(json_object_get(user, "id")),
                json_string_value(json_object_get(user, "establishmentId")), NULL, NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(w, st);
    }
    if (rz_write_commit(w) != 0) {
        return OK;
    }
    return rz_respond_data(rq->r, HTTP_OK,
                           rz_json_pool_own(rq->pool, json_pack("{s:O}", "tokens", tokens)), NULL);
}

int rz_h_auth_refresh(rz_req_t *rq)
{
    static const char *const fields[] = {"refreshToken", NULL};
    const char *token, *key;
    char hash[65];
    rz_write_t w;
    rz_vctx_t v;

    rz_vctx_init(&v, rq->pool);
    token = rz_auth_password_field(rq, &v, "refreshToken");
    if (only_fields(&v, rq->body, fields) != 0 || !token) {
        return rz_respond_validation(rq->r, v.details);
    }
    if (rz_auth_rate_limit(rq, RZ_RL_REFRESH_IP, rz_auth_client_key(rq)) != 0) {
        return OK;
    }
    if (!rz_token_well_formed(token)) {
        return rz_respond_error(rq->r, HTTP_UNAUTHORIZED, "UNAUTHORIZED", "Invalid refresh token",
                                NULL);
    }
    rz_sha256_hex(token, strlen(token), hash);
    /* one refresh of a token at a time: the unit of work serialises on the token's hash */
    key = apr_pstrcat(rq->pool, "refresh:", hash, NULL);
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return OK;
    }
    return refresh_in_uow(rq, &w, hash);
}

int rz_h_auth_logout(rz_req_t *rq)
{
    static const char *const fields[] = {NULL};
    rz_write_t w;
    rz_vctx_t v;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (only_fields(&v, rq->body, fields) != 0) {
        return rz_respond_validation(rq->r, v.details);
    }
    if (rz_write_begin(&w, rq, NULL, 0) != 0) {
        return OK;
    }
    if ((st = rz_sessions_revoke_family(w.s, rq->who->sid, "logout", NULL)) != RZ_OK
        || (st = rz_tokens_revoke_jti(w.s, rq->who->jti, rq->who->exp)) != RZ_OK
        || (st = rz_write_audit(&w, "auth.logout", "user", rq->who->user_id, rq->who->est_id, NULL,
                                NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return OK;
    }
    return rz_respond_data(rq->r, HTTP_OK, NULL, NULL);
}

int rz_h_auth_logout_all(rz_req_t *rq)
{
    static const char *const fields[] = {NULL};
    rz_update_t u = {0};
    char now[21];
    rz_write_t w;
    rz_vctx_t v;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (only_fields(&v, rq->body, fields) != 0) {
        return rz_respond_validation(rq->r, v.details);
    }
    if (rz_write_begin(&w, rq, NULL, 0) != 0) {
        return OK;
    }
    rz_timestamp_format(rz_now(), now);
    u.set = rz_json_pool_own(rq->pool,
                             json_pack("{s:s, s:s}", "sessionsValidAfter", now, "updatedAt", now));
    /* the calling token itself may share the current second with sessionsValidAfter: deny its jti
     */
    if ((st = rz_sessions_revoke_user(w.s, rq->who->user_id, "logout_all", NULL)) != RZ_OK
        || (st = rz_store_update(w.s, RZ_USERS, rq->who->user_id, &u, -1, NULL)) != RZ_OK
        || (st = rz_tokens_revoke_jti(w.s, rq->who->jti, rq->who->exp)) != RZ_OK
        || (st = rz_write_audit(&w, "auth.logout_all", "user", rq->who->user_id, rq->who->est_id,
                                NULL, NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return OK;
    }
    return rz_respond_data(rq->r, HTTP_OK, NULL, NULL);
}

int rz_h_auth_me(rz_req_t *rq)
{
    rz_sess_t *s;
    rz_status_t st = rz_req_store(rq, &s);

    if (st != RZ_OK) {
        return rz_respond_store_error(rq->r, st, NULL);
    }
    return rz_respond_data(rq->r, HTTP_OK, rz_user_view(rq, s, rq->who->user), NULL);
}

static const char *const languages[] = {"fr", "en", NULL};

static const rz_field_t me_schema[] = {
    {.name = "firstName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "lastName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "phone", .type = RZ_T_PHONE},
    {.name = "preferredLanguage", .type = RZ_T_ENUM, .enums = languages},
    {.name = NULL},
};

int rz_h_auth_me_patch(rz_req_t *rq)
{
    json_t *patch, *before = rq->who->user, *after = NULL, *set;
    const char *key, *id = rq->who->user_id;
    rz_update_t u = {0};
    char now[21];
    rz_write_t w;
    rz_vctx_t v;
    json_t *val;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    patch = rz_validate(&v, me_schema, rq->body, RZ_V_PATCH);
    if (!patch) {
        return rz_respond_validation(rq->r, v.details);
    }
    set = rz_json_pool_own(rq->pool, json_object());
    json_object_foreach (patch, key, val) {
        if (!json_equal(val, json_object_get(before, key))
            && !(json_is_null(val) && !json_object_get(before, key))) {
            json_object_set(set, key, val);
        }
    }
    if (json_object_size(set) == 0) { /* nothing changes: 200, no audit entry */
        return rz_h_auth_me(rq);
    }
    rz_timestamp_format(rz_now(), now);
    json_object_set_new(set, "updatedAt", json_string(now));
    u.set = set;
    if (rz_write_begin(&w, rq, NULL, 0) != 0) {
        return OK;
    }
    if ((st = rz_store_update(w.s, RZ_USERS, id, &u, -1, &after)) != RZ_OK
        || (st =
                rz_write_audit(&w, "user.update", "user", id, rq->who->est_id, before, after, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return OK;
    }
    return rz_respond_data(rq->r, HTTP_OK, rz_user_view(rq, w.s, after), NULL);
}
