/* rz_auth_password.c: change-password, forgot-password and reset-password (SPEC 7.1, 8.5, 8.7). */
#include "domain/rz_auth_api.h"

#include "apr_strings.h"

#include "auth/rz_password.h"
#include "auth/rz_token.h"
#include "core/rz_json.h"
#include "services/rz_outbox.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "services/rz_userdoc.h"
#include "domain/rz_auth_tokens.h"
#include "services/rz_sessions.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_write.h"

#define RESET_TTL_S (30 * 60)

static int check_fields(rz_vctx_t *v, const json_t *body, const char *a, const char *b)
{
    const char *key;
    json_t *val;

    json_object_foreach ((json_t *)body, key, val) {
        if (strcmp(key, a) != 0 && (!b || strcmp(key, b) != 0)) {
            rz_v_fail(v, key, "unknown field");
        }
    }
    return rz_v_ok(v) ? 0 : -1;
}

static const char *lang_of(const json_t *user)
{
    const char *l = json_string_value(json_object_get(user, "preferredLanguage"));
    return l ? l : "fr";
}

/* The argon2id hash of a new password, computed before any unit of work (it takes ~56 ms at the
 * interactive cost, far more at moderate: the keys must not be held meanwhile). NULL when out of
 * memory. */
static const char *new_hash(rz_req_t *rq, const char *password)
{
    char hash[crypto_pwhash_STRBYTES];
    const char *copy;

    if (rz_password_hash(password, rq->conf->password_cost, hash) != 0) {
        return NULL;
    }
    copy = apr_pstrdup(rq->pool, hash);
    sodium_memzero(hash, sizeof(hash));
    return copy;
}

/* Sets the password hash `hash` on `user` inside w: passwordChangedAt and sessionsValidAfter now,
 * every refresh family revoked with `reason`, and the password_changed email queued. */
static rz_status_t set_password(rz_write_t *w, const json_t *user, const char *hash,
                                const char *reason)
{
    const char *id = json_string_value(json_object_get(user, "id"));
    char now[21];
    rz_update_t u = {0};
    json_t *vars;
    rz_status_t st;

    if (!hash) {
        return RZ_ERROR;
    }
    rz_timestamp_format(rz_now(), now);
    u.set = rz_json_pool_own(w->rq->pool, json_pack("{s:s, s:s, s:s, s:s}", "passwordHash", hash,
                                                    "passwordChangedAt", now, "sessionsValidAfter",
                                                    now, "updatedAt", now));
    vars = rz_json_pool_own(w->rq->pool,
                            json_pack("{s:s, s:s, s:s?}", "firstName",
                                      json_string_value(json_object_get(user, "firstName")), "at",
                                      now, "ip", w->rq->client_ip));
    if ((st = rz_store_update(w->s, RZ_USERS, id, &u, -1, NULL)) != RZ_OK
        || (st = rz_sessions_revoke_user(w->s, id, reason, NULL)) != RZ_OK) {
        return st;
    }
    return rz_outbox_enqueue(w->s, json_string_value(json_object_get(user, "email")), lang_of(user),
                             "password_changed", vars, "user", id);
}

int rz_h_auth_change_password(rz_req_t *rq)
{
    const char *cur, *next, *policy, *hash,
        *email = json_string_value(json_object_get(rq->who->user, "email"));
    json_t *tokens;
    rz_write_t w;
    rz_vctx_t v;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    cur = rz_auth_password_field(rq, &v, "currentPassword");
    next = rz_auth_password_field(rq, &v, "newPassword");
    if (check_fields(&v, rq->body, "currentPassword", "newPassword") != 0 || !cur || !next) {
        return rz_respond_validation(rq, v.details);
    }
    if ((policy = rz_password_policy(next, email)) != NULL) {
        rz_v_fail(&v, "newPassword", policy);
    } else if (strcmp(cur, next) == 0) {
        rz_v_fail(&v, "newPassword", "must differ from the current password");
    }
    if (!rz_v_ok(&v)) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_auth_rate_limit(rq, RZ_RL_CHANGE_PASSWORD, rq->who->user_id) != 0
        || rz_auth_hash_slot(rq) != 0) {
        return rq->res.status;
    }
    if (!rz_password_verify(json_string_value(json_object_get(rq->who->user, "passwordHash")),
                            cur)) {
        rz_v_fail(&v, "currentPassword", "is incorrect");
        return rz_respond_validation(rq, v.details);
    }
    hash = new_hash(rq, next);
    if (rz_write_begin(&w, rq, NULL, 0) != 0) {
        return rq->res.status;
    }
    if ((st = set_password(&w, rq->who->user, hash, "password_change")) != RZ_OK
        || !(tokens = rz_tokens_issue(&w, rq->who->user, NULL, NULL, 0, &st))
        || (st = rz_write_audit(&w, "auth.password_change", "user", rq->who->user_id,
                                rq->who->est_id, NULL, NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK,
                           rz_json_pool_own(rq->pool, json_pack("{s:O}", "tokens", tokens)), NULL);
}

/* Queues the password_reset email for an active account: a new token (the previous ones are
 * invalidated), stored hashed, valid 30 minutes. */
static rz_status_t request_reset(rz_write_t *w, const json_t *user)
{
    const rz_settings_t *sc = w->rq->conf;
    const char *id = json_string_value(json_object_get(user, "id"));
    char token[RZ_TOKEN_LEN + 1], hash[65], now[21], until[21];
    rz_cond_t c = {"userId", RZ_EQ, rz_json_pool_own(w->rq->pool, json_string(id))};
    json_t *doc, *vars;
    rz_status_t st;

    rz_token_new(token);
    rz_sha256_hex(token, RZ_TOKEN_LEN, hash);
    rz_timestamp_format(rz_now(), now);
    rz_timestamp_format(rz_now() + RESET_TTL_S, until);
    doc = rz_json_pool_own(w->rq->pool,
                           json_pack("{s:s, s:s, s:s, s:n, s:s}", "userId", id, "tokenHash", hash,
                                     "expiresAt", until, "usedAt", "createdAt", now));
    vars = rz_json_pool_own(
        w->rq->pool,
        json_pack("{s:s, s:s, s:i}", "firstName",
                  json_string_value(json_object_get(user, "firstName")), "resetUrl",
                  apr_pstrcat(w->rq->pool, sc->public_base_url ? sc->public_base_url : "",
                              "/reset-password?token=", token, NULL),
                  "validMinutes", RESET_TTL_S / 60));
    sodium_memzero(token, sizeof(token));
    if ((st = rz_store_delete_many(w->s, RZ_RESETS, &c, 1, NULL)) != RZ_OK
        || (st = rz_store_insert(w->s, RZ_RESETS, doc, NULL)) != RZ_OK
        || (st = rz_outbox_enqueue(w->s, json_string_value(json_object_get(user, "email")),
                                   lang_of(user), "password_reset", vars, "user", id))
               != RZ_OK) {
        return st;
    }
    return rz_write_audit(w, "auth.password_reset_request", "user", id,
                          json_string_value(json_object_get(user, "establishmentId")), NULL, NULL,
                          NULL);
}

/* The work of one forgot-password request, run after its 202 went to the client
 * (rz_req_after_answer), `data` being the normalised email: the account lookup, then for an active
 * account the reset token, the email and the audit entry, in one unit of work of its own. An
 * existing and an unknown account thus answer in the same time: the answer does none of this work
 * (it took 7-15 ms against 1-3 ms). There is no one left to answer: a failure is logged (never the
 * email), and the client may ask again. */
static void forgot_after_answer(rz_req_t *rq, void *data)
{
    const char *email = data, *key = apr_pstrcat(rq->pool, "reset:", email, NULL);
    rz_cond_t c = {"email", RZ_EQ, rz_json_pool_own(rq->pool, json_string(email))};
    json_t *user = NULL;
    rz_write_t w;
    rz_status_t st;

    if ((st = rz_write_open(&w, rq, &key, 1)) == RZ_OK) {
        st = rz_store_find_one(w.s, RZ_USERS, &c, 1, &user);
        if (st == RZ_OK && json_is_true(json_object_get(user, "isActive"))) {
            if ((st = request_reset(&w, user)) == RZ_OK) {
                rz_write_commit(&w);
                st = rz_write_settle(rq);
            }
        } else if (st == RZ_NOT_FOUND || st == RZ_OK) {
            st = RZ_OK; /* unknown or inactive: nothing sent, nothing written */
        }
    }
    rz_write_abandon(rq); /* whatever did not commit */
    rz_write_gate_release(rq);
    if (st != RZ_OK) {
        if (!w.error) {
            w.error = w.s ? rz_store_last_error(w.s) : "no store session";
        }
        rz_req_log(rq, RZ_LOG_WARNING,
                   RZ_LOGNO(00411) "forgot-password: the request could not be recorded after its "
                                   "answer (%s: %s)",
                   rz_status_name(st), w.error);
    }
}

int rz_h_auth_forgot_password(rz_req_t *rq)
{
    const char *email;
    rz_vctx_t v;

    rz_vctx_init(&v, rq->pool);
    email = rz_auth_email_field(rq, &v);
    if (check_fields(&v, rq->body, "email", NULL) != 0 || !email) {
        return rz_respond_validation(rq, v.details);
    }
    /* the per-IP limit of forgot-password shares the login-ip scope (SPEC 8.2 names no own scope)
     */
    if (rz_auth_rate_limit(rq, RZ_RL_FORGOT_EMAIL, email) != 0
        || rz_auth_rate_limit(rq, RZ_RL_LOGIN_IP, rz_auth_client_key(rq)) != 0) {
        return rq->res.status;
    }
    /* SPEC 7.1: 202 in every case; the work comes after the answer (forgot_after_answer) */
    rz_req_after_answer(rq, forgot_after_answer, (void *)email);
    return rz_respond_data(rq, RZ_HTTP_ACCEPTED, NULL, NULL);
}

static int bad_token(rz_write_t *w, rz_vctx_t *v)
{
    rz_v_fail(v, "token", "is invalid, expired or already used");
    return rz_write_error(w, RZ_HTTP_BAD_REQUEST, "VALIDATION_ERROR", "Validation failed",
                          v->details);
}

/* The reset record of token hash `hash` when it is unused and unexpired, with its active user:
 * RZ_OK, RZ_NOT_FOUND for every kind of unusable token (they all get the same 400), or the
 * store's failure. */
static rz_status_t find_reset(rz_sess_t *s, apr_pool_t *p, const char *hash, json_t **reset,
                              json_t **user)
{
    rz_cond_t c = {"tokenHash", RZ_EQ, rz_json_pool_own(p, json_string(hash))};
    const char *exp;
    int64_t exp_at;
    rz_status_t st = rz_store_find_one(s, RZ_RESETS, &c, 1, reset);

    if (st != RZ_OK) {
        return st;
    }
    if (json_string_value(json_object_get(*reset, "usedAt"))
        || !(exp = json_string_value(json_object_get(*reset, "expiresAt")))
        || rz_datetime_parse(exp, &exp_at) != 0 || exp_at <= rz_now()) {
        return RZ_NOT_FOUND;
    }
    st = rz_store_get(s, RZ_USERS, json_string_value(json_object_get(*reset, "userId")), user);
    if (st == RZ_OK && !json_is_true(json_object_get(*user, "isActive"))) {
        return RZ_NOT_FOUND;
    }
    return st;
}

int rz_h_auth_reset_password(rz_req_t *rq)
{
    const char *token, *next, *policy, *key, *pw_hash;
    char hash[65], now[21];
    json_t *reset, *user, *throttle;
    rz_update_t u = {0};
    rz_write_t w;
    rz_vctx_t v;
    rz_sess_t *s;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    token = rz_auth_password_field(rq, &v, "token");
    next = rz_auth_password_field(rq, &v, "newPassword");
    if (check_fields(&v, rq->body, "token", "newPassword") != 0 || !token || !next) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_auth_rate_limit(rq, RZ_RL_RESET_IP, rz_auth_client_key(rq)) != 0) {
        return rq->res.status;
    }
    if (!rz_token_well_formed(token)) {
        rz_v_fail(&v, "token", "is invalid, expired or already used");
        return rz_respond_validation(rq, v.details);
    }
    rz_sha256_hex(token, strlen(token), hash);
    /* the token first: an unusable one costs no argon2id */
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    if ((st = find_reset(s, rq->pool, hash, &reset, &user)) == RZ_NOT_FOUND) {
        rz_v_fail(&v, "token", "is invalid, expired or already used");
        return rz_respond_validation(rq, v.details);
    }
    if (st != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    if ((policy = rz_password_policy(next, json_string_value(json_object_get(user, "email"))))) {
        rz_v_fail(&v, "newPassword", policy);
        return rz_respond_validation(rq, v.details);
    }
    /* then the hash, under the server-wide cap and before the unit of work (see new_hash) */
    if (rz_auth_hash_slot(rq) != 0) {
        return rq->res.status;
    }
    pw_hash = new_hash(rq, next);
    key = apr_pstrcat(rq->pool, "reset-token:", hash, NULL);
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return rq->res.status;
    }
    /* again under the token's key: a concurrent reset may have used it meanwhile */
    if ((st = find_reset(w.s, rq->pool, hash, &reset, &user)) == RZ_NOT_FOUND) {
        return bad_token(&w, &v);
    }
    rz_timestamp_format(rz_now(), now);
    u.set = rz_json_pool_own(rq->pool, json_pack("{s:s}", "usedAt", now));
    if (st != RZ_OK
        || (st = rz_store_update(w.s, RZ_RESETS, json_string_value(json_object_get(reset, "id")),
                                 &u, -1, NULL))
               != RZ_OK
        || (st = set_password(&w, user, pw_hash, "password_reset")) != RZ_OK
        || (st = rz_throttle_get(w.s, rq->pool, json_string_value(json_object_get(user, "email")),
                                 &throttle, &key))
               != RZ_OK
        || (st = rz_throttle_clear(w.s, throttle)) != RZ_OK
        || (st = rz_write_audit(
                &w, "auth.password_reset", "user", json_string_value(json_object_get(user, "id")),
                json_string_value(json_object_get(user, "establishmentId")), NULL, NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, NULL, NULL);
}
