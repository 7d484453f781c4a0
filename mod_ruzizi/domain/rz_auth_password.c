/* rz_auth_password.c: change-password, forgot-password and reset-password (SPEC 7.1, 8.5, 8.7). */
#include "domain/rz_auth_api.h"

#include "rz_config.h"
#include "rz_private.h"
#include "rz_shm.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "auth/rz_password.h"
#include "auth/rz_token.h"
#include "core/rz_json.h"
#include "core/rz_outbox.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "core/rz_userdoc.h"
#include "domain/rz_auth_tokens.h"
#include "domain/rz_sessions.h"
#include "http/rz_auth.h"
#include "http/rz_response.h"
#include "http/rz_write.h"

#define RESET_TTL_S (30 * 60)
#define FORGOT_GATE_WAIT_MS 5000 /* as every unit of work (http/rz_write.c) */

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

    if (rz_password_hash(password, rz_config_password_cost(rz_config_server(rq->r->server)), hash)
        != 0) {
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
                                      now, "ip", w->rq->r->useragent_ip));
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
        return rz_respond_validation(rq->r, v.details);
    }
    if ((policy = rz_password_policy(next, email)) != NULL) {
        rz_v_fail(&v, "newPassword", policy);
    } else if (strcmp(cur, next) == 0) {
        rz_v_fail(&v, "newPassword", "must differ from the current password");
    }
    if (!rz_v_ok(&v)) {
        return rz_respond_validation(rq->r, v.details);
    }
    if (rz_auth_rate_limit(rq, RZ_RL_CHANGE_PASSWORD, rq->who->user_id) != 0
        || rz_auth_hash_slot(rq) != 0) {
        return OK;
    }
    if (!rz_password_verify(json_string_value(json_object_get(rq->who->user, "passwordHash")),
                            cur)) {
        rz_v_fail(&v, "currentPassword", "is incorrect");
        return rz_respond_validation(rq->r, v.details);
    }
    hash = new_hash(rq, next);
    if (rz_write_begin(&w, rq, NULL, 0) != 0) {
        return OK;
    }
    if ((st = set_password(&w, rq->who->user, hash, "password_change")) != RZ_OK
        || !(tokens = rz_tokens_issue(&w, rq->who->user, NULL, NULL, 0, &st))
        || (st = rz_write_audit(&w, "auth.password_change", "user", rq->who->user_id,
                                rq->who->est_id, NULL, NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return OK;
    }
    return rz_respond_data(rq->r, HTTP_OK,
                           rz_json_pool_own(rq->pool, json_pack("{s:O}", "tokens", tokens)), NULL);
}

/* Queues the password_reset email for an active account: a new token (the previous ones are
 * invalidated), stored hashed, valid 30 minutes. */
static rz_status_t request_reset(rz_write_t *w, const json_t *user)
{
    rz_srv_conf_t *sc = rz_config_server(w->rq->r->server);
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

/* The work of one forgot-password request, done after its 202 is written. */
typedef struct {
    rz_req_t *rq;
    const char *email; /* normalised */
} forgot_t;

/* Pre-cleanup of the request pool, so it runs once the response has been handed to the client
 * (the pool dies after the response's last bytes are written) and before the request's store
 * session is released: the account lookup, then for an active account the reset token, the email
 * and the audit entry, in one unit of work. An existing and an unknown account thus answer in the
 * same time: the answer does none of this work (it took 7-15 ms against 1-3 ms). There is no one
 * left to answer: a failure is logged (never the email), and the client may ask again. */
static apr_status_t forgot_after_response(void *data)
{
    forgot_t *f = data;
    rz_req_t *rq = f->rq;
    const char *keys[2] = {apr_pstrcat(rq->pool, "reset:", f->email, NULL), RZ_AUDIT_KEY};
    rz_cond_t c = {"email", RZ_EQ, rz_json_pool_own(rq->pool, json_string(f->email))};
    rz_write_t w = {rq, NULL, {0}};
    json_t *user = NULL;
    apr_uint32_t gate = 0;
    int gated = 0;
    rz_status_t st;

    rz_write_actor(rq, &w.actor);
    if ((st = rz_req_store(rq, &w.s)) != RZ_OK) {
        goto done;
    }
    /* the server's write gate, as rz_write_begin takes it (whose answers must not run here) */
    if (!(gated = rz_shm_gate_enter(FORGOT_GATE_WAIT_MS, &gate))) {
        st = RZ_UNAVAILABLE;
        goto done;
    }
    if ((st = rz_store_begin(w.s, keys, 2)) != RZ_OK) {
        goto done;
    }
    st = rz_store_find_one(w.s, RZ_USERS, &c, 1, &user);
    if (st == RZ_OK && json_is_true(json_object_get(user, "isActive"))) {
        st = request_reset(&w, user);
    } else if (st == RZ_NOT_FOUND || st == RZ_OK) {
        st = RZ_OK; /* unknown or inactive: nothing sent */
    }
    if (st == RZ_OK) {
        st = rz_store_commit(w.s);
    } else {
        rz_store_rollback(w.s);
    }
done:
    if (gated) {
        rz_shm_gate_leave(gate);
    }
    if (st != RZ_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, rq->r,
                      RZ_LOGNO(00411) "forgot-password: the request could not be recorded after "
                                      "its answer (%s: %s)",
                      rz_status_name(st), w.s ? rz_store_last_error(w.s) : "no store session");
    }
    return APR_SUCCESS;
}

int rz_h_auth_forgot_password(rz_req_t *rq)
{
    forgot_t *f = apr_pcalloc(rq->pool, sizeof(*f));
    rz_vctx_t v;

    rz_vctx_init(&v, rq->pool);
    f->rq = rq;
    f->email = rz_auth_email_field(rq, &v);
    if (check_fields(&v, rq->body, "email", NULL) != 0 || !f->email) {
        return rz_respond_validation(rq->r, v.details);
    }
    /* the per-IP limit of forgot-password shares the login-ip scope (SPEC 8.2 names no own scope)
     */
    if (rz_auth_rate_limit(rq, RZ_RL_FORGOT_EMAIL, f->email) != 0
        || rz_auth_rate_limit(rq, RZ_RL_LOGIN_IP, rz_auth_client_key(rq)) != 0) {
        return OK;
    }
    /* SPEC 7.1: 202 in every case; the work comes after the answer (forgot_after_response) */
    apr_pool_pre_cleanup_register(rq->pool, f, forgot_after_response);
    return rz_respond_data(rq->r, HTTP_ACCEPTED, NULL, NULL);
}

static int bad_token(rz_write_t *w, rz_vctx_t *v)
{
    rz_v_fail(v, "token", "is invalid, expired or already used");
    return rz_write_error(w, HTTP_BAD_REQUEST, "VALIDATION_ERROR", "Validation failed", v->details);
}

int rz_h_auth_reset_password(rz_req_t *rq)
{
    const char *token, *next, *policy, *exp, *key, *pw_hash;
    char hash[65], now[21];
    json_t *reset, *user, *throttle;
    int64_t exp_at;
    rz_update_t u = {0};
    rz_cond_t c;
    rz_write_t w;
    rz_vctx_t v;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    token = rz_auth_password_field(rq, &v, "token");
    next = rz_auth_password_field(rq, &v, "newPassword");
    if (check_fields(&v, rq->body, "token", "newPassword") != 0 || !token || !next) {
        return rz_respond_validation(rq->r, v.details);
    }
    if (rz_auth_rate_limit(rq, RZ_RL_RESET_IP, rz_auth_client_key(rq)) != 0) {
        return OK;
    }
    if (!rz_token_well_formed(token)) {
        rz_v_fail(&v, "token", "is invalid, expired or already used");
        return rz_respond_validation(rq->r, v.details);
    }
    rz_sha256_hex(token, strlen(token), hash);
    pw_hash = new_hash(rq, next); /* before the unit of work (see new_hash) */
    key = apr_pstrcat(rq->pool, "reset-token:", hash, NULL);
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return OK;
    }
    c = (rz_cond_t){"tokenHash", RZ_EQ, rz_json_pool_own(rq->pool, json_string(hash))};
    st = rz_store_find_one(w.s, RZ_RESETS, &c, 1, &reset);
    if (st == RZ_NOT_FOUND || (st == RZ_OK && json_string_value(json_object_get(reset, "usedAt")))
        || (st == RZ_OK
            && (!(exp = json_string_value(json_object_get(reset, "expiresAt")))
                || rz_datetime_parse(exp, &exp_at) != 0 || exp_at <= rz_now()))) {
        return bad_token(&w, &v);
    }
    if (st != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    st = rz_store_get(w.s, RZ_USERS, json_string_value(json_object_get(reset, "userId")), &user);
    if (st == RZ_NOT_FOUND || (st == RZ_OK && !json_is_true(json_object_get(user, "isActive")))) {
        return bad_token(&w, &v);
    }
    if (st == RZ_OK
        && (policy = rz_password_policy(next, json_string_value(json_object_get(user, "email"))))) {
        rz_v_fail(&v, "newPassword", policy);
        return rz_write_error(&w, HTTP_BAD_REQUEST, "VALIDATION_ERROR", "Validation failed",
                              v.details);
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
        return OK;
    }
    return rz_respond_data(rq->r, HTTP_OK, NULL, NULL);
}
