/* rz_users.c: user reads of SPEC 7.2 (list, stats, read), the User view and the scoped loader. */
#include "domain/rz_users.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_query.h"
#include "services/rz_userdoc.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_list.h"

#define RZ_ESTABLISHMENTS "establishments"

/* Output fields of a User, in output order (SPEC 4.1); `establishment` follows establishmentId. */
static const char *const view_fields[] = {"id",
                                          "email",
                                          "firstName",
                                          "lastName",
                                          "phone",
                                          "role",
                                          "establishmentId",
                                          "isActive",
                                          "preferredLanguage",
                                          "lastLoginAt",
                                          "passwordChangedAt",
                                          "createdBy",
                                          "createdAt",
                                          "updatedAt",
                                          NULL};

json_t *rz_users_est_ref(rz_req_t *rq, rz_sess_t *s, const char *est_id, json_t *cache)
{
    json_t *est = NULL, *ref;

    if (!est_id) {
        return json_null();
    }
    if (cache && (ref = json_object_get(cache, est_id)) != NULL) {
        return json_incref(ref);
    }
    if (rz_store_get(s, RZ_ESTABLISHMENTS, est_id, &est) == RZ_OK) {
        ref = json_pack("{s:s, s:O}", "id", est_id, "name",
                        json_object_get(est, "name") ? json_object_get(est, "name") : json_null());
    } else {
        ref = json_null();
    }
    if (cache) {
        json_object_set(cache, est_id, ref);
    }
    return ref;
}

/* The view with an establishment cache (lists). */
static json_t *user_view_cached(rz_req_t *rq, rz_sess_t *s, const json_t *user, json_t *cache)
{
    json_t *out, *val;
    int i;

    if (!json_is_object(user)) {
        return NULL;
    }
    out = json_object();
    for (i = 0; view_fields[i]; i++) {
        val = json_object_get(user, view_fields[i]);
        json_object_set(out, view_fields[i], val ? val : json_null());
        if (strcmp(view_fields[i], "establishmentId") == 0) {
            json_object_set_new(out, "establishment",
                                rz_users_est_ref(rq, s, json_string_value(val), cache));
        }
    }
    return rz_json_pool_own(rq->pool, out);
}

json_t *rz_user_view(rz_req_t *rq, rz_sess_t *s, const json_t *user)
{
    return user_view_cached(rq, s, user, NULL);
}

static int not_found(rz_req_t *rq)
{
    return rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "User not found", NULL);
}

int rz_users_load(rz_req_t *rq, rz_sess_t **s, json_t **user)
{
    const char *id = rz_req_param(rq, 0), *role = rq->who->role;
    rz_status_t st;

    if (!rz_id_valid(id)) {
        not_found(rq);
        return -1;
    }
    if ((st = rz_req_store(rq, s)) != RZ_OK) {
        rz_respond_store_error(rq, st, NULL);
        return -1;
    }
    st = rz_store_get(*s, RZ_USERS, id, user);
    if (st != RZ_OK && st != RZ_NOT_FOUND) {
        rz_respond_store_error(rq, st, rz_store_last_error(*s));
        return -1;
    }
    if (st == RZ_NOT_FOUND || (strcmp(role, "staff") == 0 && strcmp(id, rq->who->user_id) != 0)
        || !rz_auth_in_scope(rq, json_string_value(json_object_get(*user, "establishmentId")))) {
        not_found(rq);
        return -1;
    }
    return 0;
}

int rz_h_user_get(rz_req_t *rq)
{
    rz_sess_t *s;
    json_t *user;

    if (rz_users_load(rq, &s, &user) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_user_view(rq, s, user), NULL);
}

/* ---- GET /api/users ------------------------------------------------------------------------ */

static const char *const role_enums[] = {"super_admin", "manager", "staff", NULL};
static const char *const list_sorts[] = {"createdAt", "lastName", "email", "lastLoginAt", NULL};

/* The filters of GET /api/users: q, role, isActive, establishmentId (SPEC 3.2 rule 3). */
static int list_filter(rz_list_t *l)
{
    static const char *const searched[] = {"firstName", "lastName", "email", NULL};
    json_t *roles = NULL;
    const char *q = NULL, *est;
    int active = -1;

    rz_query_q(&l->v, l->rq->query, &q);
    rz_query_enum_list(&l->v, l->rq->query, "role", role_enums, &roles);
    rz_query_bool(&l->v, l->rq->query, "isActive", &active);
    est = rz_list_establishment(l);
    rz_list_in(l, "role", roles);
    rz_list_eq_bool(l, "isActive", active);
    rz_list_eq(l, "establishmentId", est);
    rz_list_search(l, q, searched);
    return 0;
}

static json_t *list_view(rz_list_t *l, const json_t *doc, rz_status_t *st)
{
    if (!l->cache) {
        l->cache = rz_json_pool_own(l->rq->pool, json_object());
    }
    return user_view_cached(l->rq, l->s, doc, l->cache);
}

static const rz_list_spec_t users_list = {RZ_USERS, list_sorts,  "-createdAt",
                                          NULL,     list_filter, list_view};

int rz_h_users_list(rz_req_t *rq)
{
    return rz_list_run(rq, &users_list);
}

/* ---- GET /api/users/stats -------------------------------------------------------------------- */

/* byEstablishment: one row per establishment (by name), users counted from `users`. */
static json_t *stats_by_establishment(rz_req_t *rq, rz_sess_t *s, const json_t *users,
                                      rz_status_t *st)
{
    rz_query_t q;
    json_t *ests, *rows, *est, *user;
    size_t i, j;

    memset(&q, 0, sizeof(q));
    q.sort = "nameKey";
    if ((*st = rz_store_find(s, RZ_ESTABLISHMENTS, &q, &ests, NULL)) != RZ_OK) {
        return NULL;
    }
    rows = rz_json_pool_own(rq->pool, json_array());
    json_array_foreach (ests, i, est) {
        const char *id = json_string_value(json_object_get(est, "id"));
        json_int_t total = 0, active = 0;
        json_array_foreach (users, j, user) {
            const char *uest = json_string_value(json_object_get(user, "establishmentId"));
            if (uest && strcmp(uest, id) == 0) {
                total++;
                active += json_is_true(json_object_get(user, "isActive"));
            }
        }
        json_array_append_new(rows, json_pack("{s:s, s:O, s:I, s:I}", "establishmentId", id, "name",
                                              json_object_get(est, "name"), "total", total,
                                              "active", active));
    }
    return rows;
}

int rz_h_users_stats(rz_req_t *rq)
{
    rz_query_t q;
    rz_sess_t *s;
    json_t *users, *user, *by_role, *by_est, *data;
    json_int_t total = 0, active = 0;
    size_t i;
    rz_status_t st;

    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    memset(&q, 0, sizeof(q));
    if ((st = rz_store_find(s, RZ_USERS, &q, &users, NULL)) != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    by_role = json_pack("{s:i, s:i, s:i}", "super_admin", 0, "manager", 0, "staff", 0);
    json_array_foreach (users, i, user) {
        json_t *n = json_object_get(by_role, json_string_value(json_object_get(user, "role")));
        total++;
        active += json_is_true(json_object_get(user, "isActive"));
        if (n) {
            json_integer_set(n, json_integer_value(n) + 1);
        }
    }
    if (!(by_est = stats_by_establishment(rq, s, users, &st))) {
        json_decref(by_role);
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    data = json_pack("{s:I, s:I, s:I, s:o, s:O}", "total", total, "active", active, "inactive",
                     total - active, "byRole", by_role, "byEstablishment", by_est);
    return rz_respond_data(rq, RZ_HTTP_OK, rz_json_pool_own(rq->pool, data), NULL);
}
