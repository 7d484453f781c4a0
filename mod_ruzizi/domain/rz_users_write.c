/* rz_users_write.c: user writes of SPEC 7.2: create, patch, activate, deactivate, set password. */
#include "domain/rz_users.h"

#include "apr_strings.h"

#include <sodium.h>
#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"
#include "services/rz_outbox.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "services/rz_userdoc.h"
#include "core/rz_validate.h"
#include "domain/rz_auth_api.h"
#include "services/rz_sessions.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_write.h"

/* Every write that can lower the number of active super_admins names this key, so the last one
 * can never be deactivated or demoted by two concurrent requests (SPEC 4.1). */
#define SA_KEY "users:super_admin"

static const char *const role_enums[] = {"super_admin", "manager", "staff", NULL};
static const char *const lang_enums[] = {"fr", "en", NULL};

/* Writable fields of SPEC 4.1 (password is read apart: it is never trimmed) and the S fields. */
static const rz_field_t user_schema[] = {
    {.name = "email", .type = RZ_T_EMAIL, .flags = RZ_REQ},
    {.name = "firstName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "lastName", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "phone", .type = RZ_T_PHONE},
    {.name = "role", .type = RZ_T_ENUM, .flags = RZ_REQ, .enums = role_enums},
    {.name = "establishmentId", .type = RZ_T_ID},
    {.name = "preferredLanguage", .type = RZ_T_ENUM, .enums = lang_enums},
    {.name = "isActive", .type = RZ_T_BOOL, .flags = RZ_SERVER},
    {.name = "lastLoginAt", .type = RZ_T_STRING, .flags = RZ_SERVER},
    {.name = "passwordChangedAt", .type = RZ_T_STRING, .flags = RZ_SERVER},
    {.name = "sessionsValidAfter", .type = RZ_T_STRING, .flags = RZ_SERVER},
    {.name = "createdBy", .type = RZ_T_STRING, .flags = RZ_SERVER},
    {.name = NULL},
};

static const char *const ignore_sa[] = {"password", NULL};
static const char *const ignore_m[] = {"password", "establishmentId", NULL};
static const char *const ignore_pw[] = {"newPassword", NULL};

static int forbidden(rz_req_t *rq, const char *msg)
{
    return rz_respond_error(rq, RZ_HTTP_FORBIDDEN, "FORBIDDEN", msg, NULL);
}

static int est_not_found(rz_req_t *rq)
{
    return rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Establishment not found",
                            rz_detail1(rq->pool, "establishmentId", "not found"));
}

static json_t *dup_email_details(rz_req_t *rq)
{
    return rz_detail1(rq->pool, "email", "already used");
}

/* The country used for national phone numbers: of the establishment named in the body, else of
 * the user's (or the caller's) establishment, else BI. */
static const char *phone_country(rz_req_t *rq, rz_sess_t *s, const char *user_id)
{
    const char *est = rz_json_str(rq->body, "establishmentId");
    json_t *doc;

    if (!rz_id_valid(est) && rz_id_valid(user_id)
        && rz_store_get(s, RZ_USERS, user_id, &doc) == RZ_OK) {
        est = rz_json_str(doc, "establishmentId");
    }
    if (!rz_id_valid(est)) {
        est = rq->who->est_id;
    }
    if (rz_id_valid(est) && rz_store_get(s, "establishments", est, &doc) == RZ_OK) {
        const char *c = json_string_value(rz_json_path_get(doc, "location.country"));
        return c ? c : "BI";
    }
    return "BI";
}

/* The role/establishment rule of SPEC 4.1 on the resulting values. */
static void check_role_est(rz_vctx_t *v, const char *role, const char *est)
{
    if (role && strcmp(role, "super_admin") == 0 && est) {
        rz_v_fail(v, "establishmentId", "must be null for a super_admin");
    } else if (role && strcmp(role, "super_admin") != 0 && !est) {
        rz_v_fail(v, "establishmentId", "required for a manager or staff member");
    }
}

/* 0 when the establishment exists, -1 after answering 404 (field establishmentId) or 503. */
static int est_must_exist(rz_req_t *rq, rz_sess_t *s, const char *est, json_t **doc)
{
    rz_status_t st = rz_store_get(s, "establishments", est, doc);

    if (st == RZ_NOT_FOUND) {
        est_not_found(rq);
        return -1;
    }
    if (st != RZ_OK) {
        rz_respond_store_error(rq, st, rz_store_last_error(s));
        return -1;
    }
    return 0;
}

/* RZ_OK when no other user has `email`, RZ_CONFLICT when one has, else the store's status. */
static rz_status_t email_free(rz_sess_t *s, apr_pool_t *p, const char *email)
{
    rz_cond_t c = {"email", RZ_EQ, rz_json_pool_own(p, json_string(email))};
    json_t *doc;
    rz_status_t st = rz_store_find_one(s, RZ_USERS, &c, 1, &doc);

    return st == RZ_OK ? RZ_CONFLICT : st == RZ_NOT_FOUND ? RZ_OK : st;
}

/* ---- POST /api/users ------------------------------------------------------------------------ */

/* The account_created email (SPEC 8.7): never the password. */
static rz_status_t send_account_created(rz_write_t *w, const json_t *user, const json_t *est)
{
    const rz_settings_t *sc = w->rq->conf;
    /* the template needs a non-empty loginUrl: without RuziziPublicBaseUrl it is the bare path */
    const char *login =
        apr_pstrcat(w->rq->pool, sc->public_base_url ? sc->public_base_url : "", "/login", NULL);
    json_t *vars = json_pack(
        "{s:O, s:O, s:O, s:s}", "firstName", json_object_get(user, "firstName"), "email",
        json_object_get(user, "email"), "role", json_object_get(user, "role"), "loginUrl", login);
    rz_status_t st;

    if (est && rz_json_str(est, "name")) {
        json_object_set(vars, "establishmentName", json_object_get(est, "name"));
    }
    st = rz_outbox_enqueue(w->s, rz_json_str(user, "email"), rz_json_str(user, "preferredLanguage"),
                           "account_created", vars, "user", rz_json_str(user, "id"));
    json_decref(vars);
    return st;
}

/* Validates the body of POST /api/users (step 9). Returns the normalised input or NULL with
 * details in v; *pw gets the password. */
static json_t *create_input(rz_req_t *rq, rz_sess_t *s, rz_vctx_t *v, const char **pw)
{
    json_t *in;
    const char *policy;

    rz_vctx_init(v, rq->pool);
    v->ignore = rz_auth_is_sa(rq) ? ignore_sa : ignore_m;
    v->country = phone_country(rq, s, NULL);
    in = rz_validate(v, user_schema, rq->body, RZ_V_CREATE);
    *pw = rz_auth_password_field(rq, v, "password");
    if (in && !rz_auth_is_sa(rq)) {
        json_object_set_new(in, "establishmentId", json_string(rq->who->est_id));
    }
    if (in && *pw && (policy = rz_password_policy(*pw, rz_json_str(in, "email"))) != NULL) {
        rz_v_fail(v, "password", policy);
    }
    if (in) {
        check_role_est(v, rz_json_str(in, "role"), rz_json_str(in, "establishmentId"));
    }
    return rz_v_ok(v) ? in : NULL;
}

/* Hashes and builds the stored document (outside any unit of work: ~56 ms or more). */
static json_t *create_doc(rz_req_t *rq, const json_t *in, const char *pw)
{
    rz_user_spec_t spec = {
        .email = rz_json_str(in, "email"),
        .password = pw,
        .first_name = rz_json_str(in, "firstName"),
        .last_name = rz_json_str(in, "lastName"),
        .phone = rz_json_str(in, "phone"),
        .role = rz_json_str(in, "role"),
        .est_id = rz_json_str(in, "establishmentId"),
        .language = rz_json_str(in, "preferredLanguage"),
        .created_by = rq->who->user_id,
    };

    return rz_userdoc_new(rq->pool, &spec, rq->conf->password_cost);
}

int rz_h_user_create(rz_req_t *rq)
{
    const char *role = rz_json_str(rq->body, "role"), *pw, *id;
    json_t *in, *doc, *est = NULL;
    rz_write_t w;
    rz_vctx_t v;
    rz_sess_t *s;
    rz_status_t st;

    /* step (4) of SPEC 2.3: a manager may never create another role (an invalid value is a 400) */
    role = role ? rz_text_trim(rq->pool, role) : NULL;
    if (!rz_auth_is_sa(rq) && role
        && (strcmp(role, "manager") == 0 || strcmp(role, "super_admin") == 0)) {
        return forbidden(rq, "A manager may create staff accounts only");
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    if (!(in = create_input(rq, s, &v, &pw))) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_json_str(in, "establishmentId")
        && est_must_exist(rq, s, rz_json_str(in, "establishmentId"), &est)) {
        return rq->res.status;
    }
    if ((st = email_free(s, rq->pool, rz_json_str(in, "email"))) != RZ_OK) {
        return st == RZ_CONFLICT ? rz_respond_error(rq, RZ_HTTP_CONFLICT, "DUPLICATE_EMAIL",
                                                    "Email already used", dup_email_details(rq))
                                 : rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    if (rz_auth_hash_slot(rq) != 0) {
        return rq->res.status;
    }
    if (!(doc = create_doc(rq, in, pw))) {
        return rz_respond_store_error(rq, RZ_ERROR, "password hash failed");
    }
    if (rz_write_begin(&w, rq, NULL, 0) != 0) {
        return rq->res.status;
    }
    if ((st = rz_store_insert(w.s, RZ_USERS, doc, &id)) == RZ_CONFLICT) {
        return rz_write_error(&w, RZ_HTTP_CONFLICT, "DUPLICATE_EMAIL", "Email already used",
                              dup_email_details(rq));
    }
    if (st != RZ_OK
        || (st = rz_write_audit(&w, "user.create", "user", id, rz_json_str(doc, "establishmentId"),
                                NULL, doc, NULL))
               != RZ_OK
        || (st = send_account_created(&w, doc, est)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    apr_table_setn(rq->res.headers, "Location", apr_pstrcat(rq->pool, "/api/users/", id, NULL));
    return rz_respond_data(rq, RZ_HTTP_CREATED, rz_user_view(rq, w.s, doc), NULL);
}

/* ---- shared by the writes on an existing user ------------------------------------------------ */

/* A manager acts on staff accounts of their establishment only (SPEC 3.3): rz_users_load already
 * answered 404 outside the establishment; a visible manager account -> 403 (SPEC 3.2 rule 7). */
static int manager_may_act(rz_req_t *rq, const json_t *user)
{
    if (rz_auth_is_sa(rq)
        || strcmp(rz_json_str(user, "role") ? rz_json_str(user, "role") : "", "staff") == 0) {
        return 1;
    }
    forbidden(rq, "A manager may act on staff accounts only");
    return 0;
}

/* Opens the unit of work (on SA_KEY) and re-reads the user inside it, so the state rules below see
 * what the commit will see. Returns 0, or -1 after answering. */
static int begin_on_user(rz_write_t *w, rz_req_t *rq, const char *id, json_t **user)
{
    const char *key = SA_KEY;
    rz_status_t st;

    if (rz_write_begin(w, rq, &key, 1) != 0) {
        return -1;
    }
    if ((st = rz_store_get(w->s, RZ_USERS, id, user)) != RZ_OK) {
        rz_write_fail(w, st);
        return -1;
    }
    return 0;
}

/* 1 when `user` is the last active super_admin (inside the unit of work holding SA_KEY). */
static rz_status_t last_active_admin(rz_write_t *w, const json_t *user, int *last)
{
    long n = 0;
    rz_status_t st = RZ_OK;

    *last = 0;
    if (strcmp(rz_json_str(user, "role"), "super_admin") == 0
        && json_is_true(json_object_get(user, "isActive"))) {
        st = rz_userdoc_count_active_admins(w->s, &n);
        *last = n <= 1;
    }
    return st;
}

static int transition(rz_write_t *w, const char *msg)
{
    return rz_write_error(w, RZ_HTTP_CONFLICT, "INVALID_TRANSITION", msg, NULL);
}

/* Updates the user with `set` (+ updatedAt, + sessionsValidAfter and revocation when `revoke` is a
 * reason), compare-and-set on the version read in the unit of work. */
static rz_status_t apply_update(rz_write_t *w, const json_t *user, json_t *set, const char *revoke,
                                json_t **after)
{
    rz_update_t u = {.set = set};
    char now[21];
    rz_status_t st;

    rz_timestamp_format(rz_now(), now);
    json_object_set_new(set, "updatedAt", json_string(now));
    if (revoke) {
        json_object_set_new(set, "sessionsValidAfter", json_string(now));
        if ((st = rz_sessions_revoke_user(w->s, rz_json_str(user, "id"), revoke, NULL)) != RZ_OK) {
            return st;
        }
    }
    return rz_store_update(w->s, RZ_USERS, rz_json_str(user, "id"), &u,
                           json_integer_value(json_object_get(user, "version")), after);
}

/* ---- PATCH /api/users/{id} ------------------------------------------------------------------ */

/* The fields of `in` whose value differs from `user`, as a new object (null clears; a cleared
 * preferredLanguage falls back to fr). */
static json_t *patch_changes(const json_t *user, const json_t *in)
{
    json_t *set = json_object(), *val, *cur;
    const char *key;

    json_object_foreach ((json_t *)in, key, val) {
        if (strcmp(key, "preferredLanguage") == 0 && json_is_null(val)) {
            val = json_string_nocheck("fr");
        } else {
            json_incref(val);
        }
        cur = json_object_get(user, key);
        if (!json_equal(cur ? cur : json_null(), val)) {
            json_object_set(set, key, val);
        }
        json_decref(val);
    }
    return set;
}

static int changed(const json_t *set, const char *key)
{
    return json_object_get(set, key) != NULL;
}

/* Step (11) of a PATCH inside the unit of work: the role/establishment rule and the establishment.
 * Returns 0, or -1 after answering (rolled back). */
static int patch_refs(rz_write_t *w, const json_t *user, const json_t *set)
{
    json_t *merged = rz_json_pool_own(w->rq->pool, json_deep_copy(user)), *est;
    rz_vctx_t v;
    rz_status_t st;

    json_object_update(merged, (json_t *)set);
    rz_vctx_init(&v, w->rq->pool);
    check_role_est(&v, rz_json_str(merged, "role"), rz_json_str(merged, "establishmentId"));
    if (!rz_v_ok(&v)) {
        rz_write_error(w, RZ_HTTP_BAD_REQUEST, "VALIDATION_ERROR", "Invalid input", v.details);
        return -1;
    }
    if (!changed(set, "establishmentId") || !rz_json_str(set, "establishmentId")) {
        return 0;
    }
    st = rz_store_get(w->s, "establishments", rz_json_str(set, "establishmentId"), &est);
    if (st == RZ_NOT_FOUND) {
        rz_write_error(w, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Establishment not found",
                       rz_detail1(w->rq->pool, "establishmentId", "not found"));
        return -1;
    }
    if (st != RZ_OK) {
        rz_write_fail(w, st);
        return -1;
    }
    return 0;
}

/* The 409s of a PATCH inside the unit of work: the email, and the last-super-admin rules.
 * Returns 0, or -1 after answering (rolled back). */
static int patch_conflicts(rz_write_t *w, const json_t *user, const json_t *set)
{
    rz_status_t st;
    int last;

    if (changed(set, "email")
        && (st = email_free(w->s, w->rq->pool, rz_json_str(set, "email"))) != RZ_OK) {
        if (st == RZ_CONFLICT) {
            rz_write_error(w, RZ_HTTP_CONFLICT, "DUPLICATE_EMAIL", "Email already used",
                           dup_email_details(w->rq));
        } else {
            rz_write_fail(w, st);
        }
        return -1;
    }
    if (!changed(set, "role") || strcmp(rz_json_str(user, "role"), "super_admin") != 0) {
        return 0;
    }
    if (strcmp(rz_json_str(user, "id"), w->rq->who->user_id) == 0) {
        transition(w, "You cannot change your own role");
        return -1;
    }
    if ((st = last_active_admin(w, user, &last)) != RZ_OK) {
        rz_write_fail(w, st);
        return -1;
    }
    if (last) {
        transition(w, "The last active super_admin must keep the role");
        return -1;
    }
    return 0;
}

int rz_h_user_patch(rz_req_t *rq)
{
    rz_vctx_t v;
    rz_write_t w;
    rz_sess_t *s;
    json_t *in, *user, *set, *after;
    const char *revoke = NULL;
    rz_status_t st;

    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    rz_vctx_init(&v, rq->pool);
    v.country = phone_country(rq, s, rz_req_param(rq, 0));
    if (!(in = rz_validate(&v, user_schema, rq->body, RZ_V_PATCH))) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_users_load(rq, &s, &user) != 0 || !manager_may_act(rq, user)) {
        return rq->res.status;
    }
    if (!rz_auth_is_sa(rq)
        && (json_object_get(in, "role") || json_object_get(in, "establishmentId"))) {
        return forbidden(rq, "Only a super_admin may change a role or an establishment");
    }
    if (begin_on_user(&w, rq, rz_json_str(user, "id"), &user) != 0) {
        return rq->res.status;
    }
    set = rz_json_pool_own(rq->pool, patch_changes(user, in));
    if (json_object_size(set) == 0) {
        rz_store_rollback(w.s); /* nothing changes: 200, no write, no audit entry */
        return rz_respond_data(rq, RZ_HTTP_OK, rz_user_view(rq, w.s, user), NULL);
    }
    if (patch_refs(&w, user, set) != 0 || patch_conflicts(&w, user, set) != 0) {
        return rq->res.status;
    }
    if (changed(set, "email") || changed(set, "role") || changed(set, "establishmentId")) {
        revoke = "account_change";
    }
    st = apply_update(&w, user, set, revoke, &after);
    if (st == RZ_CONFLICT) {
        return rz_write_error(&w, RZ_HTTP_CONFLICT, "DUPLICATE_EMAIL", "Email already used",
                              dup_email_details(rq));
    }
    if (st != RZ_OK
        || (st = rz_write_audit(&w, "user.update", "user", rz_json_str(user, "id"),
                                rz_json_str(after, "establishmentId"), user, after, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_user_view(rq, w.s, after), NULL);
}

/* ---- POST /api/users/{id}/activate, /deactivate ---------------------------------------------- */

/* An action takes `{}`: any field is unknown. Returns 0, or -1 after answering 400. */
static int body_empty(rz_req_t *rq)
{
    rz_vctx_t v;

    rz_vctx_init(&v, rq->pool);
    if (!rz_validate(&v, NULL, rq->body, RZ_V_CREATE)) {
        rz_respond_validation(rq, v.details);
        return -1;
    }
    return 0;
}

/* Step (11) of a deactivation inside the unit of work. Returns 0, or -1 after answering. */
static int deactivate_rules(rz_write_t *w, const json_t *user)
{
    rz_status_t st;
    int last;

    if (strcmp(rz_json_str(user, "id"), w->rq->who->user_id) == 0) {
        transition(w, "You cannot deactivate your own account");
        return -1;
    }
    if ((st = last_active_admin(w, user, &last)) != RZ_OK) {
        rz_write_fail(w, st);
        return -1;
    }
    if (last) {
        transition(w, "The last active super_admin cannot be deactivated");
        return -1;
    }
    return 0;
}

static int set_active(rz_req_t *rq, int on)
{
    rz_write_t w;
    rz_sess_t *s;
    json_t *user, *set, *after;
    rz_status_t st;

    if (body_empty(rq) != 0 || rz_users_load(rq, &s, &user) != 0 || !manager_may_act(rq, user)
        || begin_on_user(&w, rq, rz_json_str(user, "id"), &user) != 0) {
        return rq->res.status;
    }
    if (json_is_true(json_object_get(user, "isActive")) == on) {
        return transition(&w, on ? "The user is already active" : "The user is already inactive");
    }
    if (!on && deactivate_rules(&w, user) != 0) {
        return rq->res.status;
    }
    set = rz_json_pool_own(rq->pool, json_pack("{s:b}", "isActive", on));
    if ((st = apply_update(&w, user, set, on ? NULL : "deactivated", &after)) != RZ_OK
        || (st = rz_write_audit(&w, on ? "user.activate" : "user.deactivate", "user",
                                rz_json_str(user, "id"), rz_json_str(user, "establishmentId"), user,
                                after, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_user_view(rq, w.s, after), NULL);
}

int rz_h_user_activate(rz_req_t *rq)
{
    return set_active(rq, 1);
}

int rz_h_user_deactivate(rz_req_t *rq)
{
    return set_active(rq, 0);
}

/* ---- POST /api/users/{id}/password ----------------------------------------------------------- */

/* The password_changed email (SPEC 8.7): when and from which address. */
static rz_status_t send_password_changed(rz_write_t *w, const json_t *user, const char *at)
{
    json_t *vars = json_pack("{s:O, s:s, s:s}", "firstName", json_object_get(user, "firstName"),
                             "at", at, "ip", w->actor.ip ? w->actor.ip : "unknown");
    rz_status_t st =
        rz_outbox_enqueue(w->s, rz_json_str(user, "email"), rz_json_str(user, "preferredLanguage"),
                          "password_changed", vars, "user", rz_json_str(user, "id"));

    json_decref(vars);
    return st;
}

/* Hashes `pw` into a new set {passwordHash, passwordChangedAt} (outside the unit of work). */
static json_t *password_set(rz_req_t *rq, const char *pw)
{
    char hash[crypto_pwhash_STRBYTES], now[21];
    json_t *set;

    if (rz_password_hash(pw, rq->conf->password_cost, hash) != 0) {
        return NULL;
    }
    rz_timestamp_format(rz_now(), now);
    set = json_pack("{s:s, s:s}", "passwordHash", hash, "passwordChangedAt", now);
    sodium_memzero(hash, sizeof(hash));
    return rz_json_pool_own(rq->pool, set);
}

int rz_h_user_set_password(rz_req_t *rq)
{
    rz_vctx_t v;
    rz_write_t w;
    rz_sess_t *s;
    json_t *user, *set, *after;
    const char *pw, *policy;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    v.ignore = ignore_pw;
    rz_validate(&v, NULL, rq->body, RZ_V_CREATE); /* unknown fields */
    if ((pw = rz_auth_password_field(rq, &v, "newPassword")) != NULL
        && (policy = rz_password_policy(pw, NULL)) != NULL) {
        rz_v_fail(&v, "newPassword", policy);
    }
    if (!rz_v_ok(&v)) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_users_load(rq, &s, &user) != 0 || !manager_may_act(rq, user)) {
        return rq->res.status;
    }
    if ((policy = rz_password_policy(pw, rz_json_str(user, "email"))) != NULL) {
        rz_v_fail(&v, "newPassword", policy);
        return rz_respond_validation(rq, v.details);
    }
    if (rz_auth_hash_slot(rq) != 0) {
        return rq->res.status;
    }
    if (!(set = password_set(rq, pw))) {
        return rz_respond_store_error(rq, RZ_ERROR, "password hash failed");
    }
    if (begin_on_user(&w, rq, rz_json_str(user, "id"), &user) != 0) {
        return rq->res.status;
    }
    if ((st = apply_update(&w, user, set, "admin", &after)) != RZ_OK
        || (st = rz_write_audit(&w, "user.password_set", "user", rz_json_str(user, "id"),
                                rz_json_str(user, "establishmentId"), user, after, NULL))
               != RZ_OK
        || (st = send_password_changed(&w, after, rz_json_str(after, "passwordChangedAt")))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, NULL, NULL);
}
