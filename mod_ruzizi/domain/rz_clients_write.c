/* rz_clients_write.c: client create, patch (merge patch, email uniqueness per establishment) and
 * delete (IN_USE while referenced) (SPEC 4.6, 7.7). */
#include "domain/rz_clients.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_clientdoc.h"
#include "core/rz_estdoc.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_time.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_write.h"

#define RZ_BOOKINGS_COLL "bookings"

static const char *const ignore_est[] = {"establishmentId", NULL};

static const char *email_of(const json_t *c)
{
    return json_string_value(rz_json_path_get(c, "personalInfo.email"));
}

static const char *phone_of(const json_t *c)
{
    return json_string_value(rz_json_path_get(c, "personalInfo.phone"));
}

static int duplicate_email(rz_write_t *w)
{
    return rz_write_error(w, RZ_HTTP_CONFLICT, "DUPLICATE_EMAIL",
                          "Email already used by a client of this establishment",
                          rz_detail1(w->rq->pool, "personalInfo.email", "already used"));
}

/* The unit-of-work key that serialises the writers of one client's writable fields. */
static const char *client_key(apr_pool_t *p, const char *id)
{
    return apr_pstrcat(p, "client:", id, NULL);
}

/* keys[0] = client:<id> (when id is not NULL), then the contact keys of `c` (rz_client_keys).
 * Returns the count (at most 3). */
static int write_keys(apr_pool_t *p, const char *id, const json_t *c, const char *keys[3])
{
    int n = 0;

    if (id) {
        keys[n++] = client_key(p, id);
    }
    return n
           + rz_client_keys(p, rz_json_str(c, "establishmentId"), email_of(c), phone_of(c),
                            keys + n);
}

/* RZ_OK when no other client of c's establishment has c's email key (or c has none),
 * RZ_CONFLICT when one has. */
static rz_status_t email_free(rz_sess_t *s, apr_pool_t *p, const json_t *c, const char *self)
{
    const json_t *key = json_object_get(c, "emailKey");
    rz_cond_t k[3] = {{"establishmentId", RZ_EQ, json_object_get(c, "establishmentId")},
                      {"emailKey", RZ_EQ, (json_t *)key},
                      {"id", RZ_NE, rz_json_pool_own(p, json_string(self ? self : ""))}};
    json_t *doc;
    rz_status_t st;

    if (!json_is_string(key)) {
        return RZ_OK;
    }
    st = rz_store_find_one(s, RZ_CLIENTS, k, 3, &doc);
    return st == RZ_OK ? RZ_CONFLICT : st == RZ_NOT_FOUND ? RZ_OK : st;
}

/* The establishment `id` (may be NULL or malformed: then *est = NULL) read quietly: *est is NULL
 * when it does not exist. Returns the store status (RZ_NOT_FOUND is not an error here). */
static rz_status_t establishment(rz_sess_t *s, const char *id, json_t **est)
{
    rz_status_t st;

    *est = NULL;
    if (!id || !rz_id_valid(id)) {
        return RZ_OK;
    }
    st = rz_store_get(s, RZ_ESTABLISHMENTS, id, est);
    if (st == RZ_NOT_FOUND) {
        *est = NULL;
        return RZ_OK;
    }
    return st;
}

/* A validation context for a client of establishment `est` (may be NULL): national phones belong
 * to its location.country (SPEC 2.5). */
static void vctx_for(rz_req_t *rq, rz_vctx_t *v, const json_t *est)
{
    const char *country = json_string_value(rz_json_path_get(est, "location.country"));

    rz_vctx_init(v, rq->pool);
    if (country) {
        v->country = country;
    }
}

static const char *language_of(const json_t *est)
{
    const char *lang = rz_json_str(est, "defaultLanguage");

    return lang ? lang : "fr";
}

/* ---- POST /api/clients ------------------------------------------------------------------------
 */

int rz_h_client_create(rz_req_t *rq)
{
    json_t *in = rz_json_pool_own(rq->pool, json_deep_copy(rq->body)), *c, *est;
    const char *id, *keys[3];
    char now[21];
    int nkeys;
    rz_vctx_t v;
    rz_write_t w;
    rz_sess_t *s = NULL;
    rz_status_t st;

    if (!rz_auth_is_sa(rq)) { /* replaced by the caller's own (SPEC 2.1) */
        json_object_set_new(in, "establishmentId", json_string(rq->who->est_id));
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK
        || (st = establishment(s, rz_json_str(in, "establishmentId"), &est)) != RZ_OK) {
        return rz_respond_store_error(rq, st, s ? rz_store_last_error(s) : NULL);
    }
    vctx_for(rq, &v, est);
    if (!(c = rz_client_validate(&v, in, language_of(est)))) {
        return rz_respond_validation(rq, v.details);
    }
    if (!est) {
        return rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Establishment not found",
                                rz_detail1(rq->pool, "establishmentId", "not found"));
    }
    rz_timestamp_format(rz_now(), now);
    rz_client_init_server_fields(rq->pool, c, rq->who->user_id, now);
    /* the contact keys: a concurrent booking linking the same new contact waits for us (6.7) */
    nkeys = write_keys(rq->pool, NULL, c, keys);
    if (rz_write_begin(&w, rq, keys, nkeys) != 0) {
        return rq->res.status;
    }
    if ((st = email_free(w.s, rq->pool, c, NULL)) == RZ_CONFLICT
        || (st == RZ_OK && (st = rz_store_insert(w.s, RZ_CLIENTS, c, &id)) == RZ_CONFLICT)) {
        return duplicate_email(&w);
    }
    if (st != RZ_OK
        || (st =
                rz_write_audit(&w, "client.create", "client", id, rz_json_str(c, "establishmentId"),
                               NULL, rz_client_audit_doc(rq->pool, c), NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    apr_table_setn(rq->res.headers, "Location", apr_pstrcat(rq->pool, "/api/clients/", id, NULL));
    return rz_respond_data(rq, RZ_HTTP_CREATED, rz_client_view(rq->pool, w.s, c), NULL);
}

/* ---- PATCH /api/clients/{id} ------------------------------------------------------------------
 */

static int field_changed(const json_t *before, const json_t *after, const char *key)
{
    const json_t *a = json_object_get(before, key), *b = json_object_get(after, key);

    return !json_equal(a ? a : json_null(), b ? b : json_null());
}

static int nothing_changed(const json_t *stored, const json_t *after)
{
    const char *key;
    json_t *val;

    json_object_foreach ((json_t *)after, key, val) {
        if (field_changed(stored, after, key)) {
            return 0;
        }
    }
    return 1;
}

/* The validated writable fields of `stored` merged with the body (RFC 7396), or NULL with
 * details in v. establishmentId: ignored for manager/staff, immutable for super_admin. */
static json_t *merged_after(rz_req_t *rq, rz_vctx_t *v, const json_t *stored, const json_t *est)
{
    json_t *patch = rz_json_pool_own(rq->pool, json_deep_copy(rq->body)), *merged;
    const json_t *pest = json_object_get(patch, "establishmentId");

    if (!rz_auth_is_sa(rq)) {
        json_object_del(patch, "establishmentId");
    } else if (pest && !json_equal(pest, json_object_get(stored, "establishmentId"))) {
        rz_v_fail(v, "establishmentId", "cannot be changed");
        return NULL;
    }
    merged = rz_merge_patch(rq->pool, rz_client_writable(rq->pool, stored), patch);
    v->ignore = NULL; /* the merged document keeps its stored establishmentId */
    return rz_client_validate(v, merged, language_of(est));
}

/* Steps (9)-(10) and the merged document's rules: returns the validated merged fields (*stored,
 * *est and *s set), or NULL after answering. The client is read before step (9) because national
 * phones of the body belong to its establishment's country; a missing or foreign client still
 * answers 404 only after the body passed step (9). */
static json_t *patch_input(rz_req_t *rq, rz_sess_t **s, json_t **stored, json_t **est)
{
    const char *id = rz_req_param(rq, 0), *est_id;
    json_t *after;
    rz_vctx_t v;
    rz_status_t st;

    *stored = NULL;
    if ((st = rz_req_store(rq, s)) != RZ_OK) {
        rz_respond_store_error(rq, st, NULL);
        return NULL;
    }
    if (rz_id_valid(id) && (st = rz_store_get(*s, RZ_CLIENTS, id, stored)) != RZ_OK) {
        *stored = NULL;
        if (st != RZ_NOT_FOUND) {
            rz_respond_store_error(rq, st, rz_store_last_error(*s));
            return NULL;
        }
    }
    if (*stored && !rz_auth_in_scope(rq, rz_json_str(*stored, "establishmentId"))) {
        *stored = NULL;
    }
    est_id = *stored ? rz_json_str(*stored, "establishmentId") : rq->who->est_id;
    if ((st = establishment(*s, est_id, est)) != RZ_OK) {
        rz_respond_store_error(rq, st, rz_store_last_error(*s));
        return NULL;
    }
    vctx_for(rq, &v, *est);
    v.ignore = rz_auth_is_sa(rq) ? NULL : ignore_est;
    if (!rz_client_check_patch(&v, rq->body)) {
        rz_respond_validation(rq, v.details);
        return NULL;
    }
    if (!*stored) {
        rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Client not found", NULL);
        return NULL;
    }
    if (!(after = merged_after(rq, &v, *stored, *est))) {
        rz_respond_validation(rq, v.details);
    }
    return after;
}

/* The update of `stored` into `after`: the writable fields, updatedAt and the email key (unset
 * when the email was cleared, so the unique index ignores the client). */
static rz_status_t apply_update(rz_write_t *w, const json_t *stored, json_t *after, json_t **out)
{
    apr_pool_t *p = w->rq->pool;
    json_t *set = rz_json_pool_own(p, json_deep_copy(after));
    rz_update_t u = {0};
    char now[21];

    rz_timestamp_format(rz_now(), now);
    json_object_set_new(set, "updatedAt", json_string(now));
    if (!rz_client_set_key(p, set) && json_object_get(stored, "emailKey")) {
        u.unset = rz_json_pool_own(p, json_pack("[s]", "emailKey"));
    }
    u.set = set;
    /* no version guard: the client key serialises writers of these fields, and a check-out's
     * statistics (rz_client_record_stay) touch only fields a PATCH never writes */
    return rz_store_update(w->s, RZ_CLIENTS, rz_json_str(stored, "id"), &u, -1, out);
}

int rz_h_client_patch(rz_req_t *rq)
{
    rz_sess_t *s;
    rz_write_t w;
    rz_vctx_t v;
    json_t *stored, *est, *after, *cur, *out;
    const char *id, *keys[3];
    int nkeys;
    rz_status_t st;

    if (!(after = patch_input(rq, &s, &stored, &est))) {
        return rq->res.status;
    }
    if (nothing_changed(stored, after)) {
        return rz_respond_data(rq, RZ_HTTP_OK, rz_client_view(rq->pool, s, stored), NULL);
    }
    id = rz_json_str(stored, "id");
    nkeys = write_keys(rq->pool, id, after, keys);
    if (rz_write_begin(&w, rq, keys, nkeys) != 0) {
        return rq->res.status;
    }
    /* re-read under the key: another writer may have changed the client since the lookup */
    if ((st = rz_store_get(w.s, RZ_CLIENTS, id, &cur)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (!json_equal(json_object_get(cur, "version"), json_object_get(stored, "version"))) {
        vctx_for(rq, &v, est);
        if (!(after = merged_after(rq, &v, cur, est))) {
            return rz_write_error(&w, RZ_HTTP_BAD_REQUEST, "VALIDATION_ERROR", "Validation failed",
                                  v.details);
        }
        if (nothing_changed(cur, after)) {
            rz_store_rollback(w.s);
            return rz_respond_data(rq, RZ_HTTP_OK, rz_client_view(rq->pool, w.s, cur), NULL);
        }
    }
    rz_client_set_key(rq->pool, after);
    if (field_changed(cur, after, "emailKey")
        && (st = email_free(w.s, rq->pool, after, id)) == RZ_CONFLICT) {
        return duplicate_email(&w);
    }
    if (st != RZ_OK || (st = apply_update(&w, cur, after, &out)) != RZ_OK) {
        return st == RZ_CONFLICT ? duplicate_email(&w) : rz_write_fail(&w, st);
    }
    if ((st = rz_write_audit(&w, "client.update", "client", id, rz_json_str(cur, "establishmentId"),
                             rz_client_audit_doc(rq->pool, cur), rz_client_audit_doc(rq->pool, out),
                             NULL))
        != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_client_view(rq->pool, w.s, out), NULL);
}

/* ---- DELETE /api/clients/{id} -----------------------------------------------------------------
 */

/* Counts the bookings that reference client `id`. Invoices reference clients too (SPEC 4.6): the
 * invoices issue adds their count here; the collection does not exist yet. */
static rz_status_t references(rz_sess_t *s, apr_pool_t *p, const char *id, long *n)
{
    rz_cond_t c[1] = {{"clientId", RZ_EQ, rz_json_pool_own(p, json_string(id))}};
    rz_query_t q;

    memset(&q, 0, sizeof(q));
    q.all = c;
    q.nall = 1;
    *n = 0;
    return rz_store_count(s, RZ_BOOKINGS_COLL, &q, n);
}

int rz_h_client_delete(rz_req_t *rq)
{
    rz_sess_t *s;
    rz_write_t w;
    json_t *stored;
    const char *id, *keys[3];
    long bookings = 0;
    int nkeys;
    rz_status_t st;

    if (rz_client_load(rq, &s, &stored) != 0) {
        return rq->res.status;
    }
    id = rz_json_str(stored, "id");
    /* the contact keys too: a booking linking to this client by email or phone (SPEC 6.7) runs
     * either wholly before the count below or after the client is gone */
    nkeys = write_keys(rq->pool, id, stored, keys);
    if (rz_write_begin(&w, rq, keys, nkeys) != 0) {
        return rq->res.status;
    }
    if ((st = references(w.s, rq->pool, id, &bookings)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (bookings > 0) {
        return rz_write_error(&w, RZ_HTTP_CONFLICT, "IN_USE",
                              "The client is referenced and cannot be deleted",
                              rz_detail1(rq->pool, "bookings", "reference this client"));
    }
    if ((st = rz_store_delete(w.s, RZ_CLIENTS, id)) != RZ_OK
        || (st = rz_write_audit(&w, "client.delete", "client", id,
                                rz_json_str(stored, "establishmentId"),
                                rz_client_audit_doc(rq->pool, stored), NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, NULL, NULL);
}
