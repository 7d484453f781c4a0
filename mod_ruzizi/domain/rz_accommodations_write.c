/* rz_accommodations_write.c: accommodation create, patch (merge patch, images, pricingMode
 * IN_USE), delete and the housekeeping status (SPEC 4.4, 4.14, 7.5). */
#include "domain/rz_accommodations.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_estdoc.h"
#include "core/rz_json.h"
#include "core/rz_time.h"
#include "domain/rz_images.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_write.h"

#define RZ_BOOKINGS "bookings"
#define RZ_MAINTENANCE "maintenance"

/* Booking statuses that hold a unit (SPEC 2.8). */
static const char *const blocking[] = {"pending", "accepted", "confirmed", "checked_in", NULL};
static const char *const ignore_est[] = {"establishmentId", NULL};

/* The document as audited: without the folded key and the store's version. */
static json_t *audit_doc(apr_pool_t *p, const json_t *doc)
{
    json_t *out = json_deep_copy(doc);

    json_object_del(out, "nameKey");
    json_object_del(out, "version");
    return rz_json_pool_own(p, out);
}

/* RZ_OK when no other unit of the establishment of `a` has its name, RZ_CONFLICT when one has. */
static rz_status_t name_free(rz_sess_t *s, apr_pool_t *p, const json_t *a, const char *self)
{
    rz_cond_t c[3] = {{"establishmentId", RZ_EQ, json_object_get(a, "establishmentId")},
                      {"nameKey", RZ_EQ, json_object_get(a, "nameKey")},
                      {"id", RZ_NE, rz_json_pool_own(p, json_string(self ? self : ""))}};
    json_t *doc;
    rz_status_t st = rz_store_find_one(s, RZ_ACCOMMODATIONS, c, 3, &doc);

    return st == RZ_OK ? RZ_CONFLICT : st == RZ_NOT_FOUND ? RZ_OK : st;
}

static int duplicate(rz_write_t *w)
{
    return rz_write_error(w, RZ_HTTP_CONFLICT, "DUPLICATE",
                          "Accommodation name already used in this establishment",
                          rz_detail1(w->rq->pool, "name", "already used"));
}

/* Counts documents of `coll` whose accommodationId is `id` (and, when `statuses` is not NULL,
 * whose status is one of them). */
static rz_status_t references(rz_sess_t *s, apr_pool_t *p, const char *coll, const char *id,
                              const char *const *statuses, long *n)
{
    rz_cond_t c[2];
    rz_query_t q;
    int i;

    memset(&q, 0, sizeof(q));
    c[0] = (rz_cond_t){"accommodationId", RZ_EQ, rz_json_pool_own(p, json_string(id))};
    q.nall = 1;
    if (statuses) {
        json_t *arr = rz_json_pool_own(p, json_array());
        for (i = 0; statuses[i]; i++) {
            json_array_append_new(arr, json_string(statuses[i]));
        }
        c[q.nall++] = (rz_cond_t){"status", RZ_IN, arr};
    }
    q.all = c;
    *n = 0;
    return rz_store_count(s, coll, &q, n);
}

static void stamp(json_t *doc, const json_t *stored)
{
    char now[21];

    rz_timestamp_format(rz_now(), now);
    if (stored) {
        json_object_set(doc, "createdAt", json_object_get(stored, "createdAt"));
    } else {
        json_object_set_new(doc, "createdAt", json_string(now));
    }
    json_object_set_new(doc, "updatedAt", json_string(now));
}

/* ---- POST /api/accommodations ------------------------------------------------------------------
 */

/* The establishment the new unit belongs to (SA: the body's, 404 when unknown). Returns it, or
 * NULL after answering. */
static json_t *owner_establishment(rz_req_t *rq, rz_sess_t *s, const char *est)
{
    json_t *doc;
    rz_status_t st = rz_store_get(s, RZ_ESTABLISHMENTS, est, &doc);

    if (st == RZ_OK) {
        return doc;
    }
    if (st == RZ_NOT_FOUND) {
        rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Establishment not found",
                         rz_detail1(rq->pool, "establishmentId", "not found"));
    } else {
        rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    return NULL;
}

int rz_h_accommodation_create(rz_req_t *rq)
{
    json_t *in = rz_json_pool_own(rq->pool, json_deep_copy(rq->body)), *a, *est;
    const char *id;
    rz_vctx_t v;
    rz_write_t w;
    rz_sess_t *s;
    rz_status_t st;

    json_object_del(in, "images"); /* owner arrays are ignored on create (SPEC 4.14) */
    if (!rz_auth_is_sa(rq)) {      /* replaced by the caller's own (SPEC 2.1) */
        json_object_set_new(in, "establishmentId", json_string(rq->who->est_id));
    }
    rz_vctx_init(&v, rq->pool);
    if (!(a = rz_acc_validate(&v, in))) {
        return rz_respond_validation(rq, v.details);
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    if (!(est = owner_establishment(rq, s, rz_json_str(a, "establishmentId")))) {
        return rq->res.status;
    }
    rz_acc_set_server_fields(rq->pool, a, rz_json_str(est, "currency"));
    stamp(a, NULL);
    if (rz_write_begin(&w, rq, NULL, 0) != 0) {
        return rq->res.status;
    }
    if ((st = name_free(w.s, rq->pool, a, NULL)) == RZ_CONFLICT
        || (st == RZ_OK && (st = rz_store_insert(w.s, RZ_ACCOMMODATIONS, a, &id)) == RZ_CONFLICT)) {
        return duplicate(&w);
    }
    if (st != RZ_OK
        || (st = rz_write_audit(&w, "accommodation.create", "accommodation", id,
                                rz_json_str(a, "establishmentId"), NULL, audit_doc(rq->pool, a),
                                NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    apr_table_setn(rq->res.headers, "Location",
                   apr_pstrcat(rq->pool, "/api/accommodations/", id, NULL));
    return rz_respond_data(rq, RZ_HTTP_CREATED, rz_accommodation_view(rq->pool, a), NULL);
}

/* ---- PATCH /api/accommodations/{id} ------------------------------------------------------------
 */

static int field_changed(const json_t *before, const json_t *after, const char *key)
{
    const json_t *a = json_object_get(before, key), *b = json_object_get(after, key);

    return !json_equal(a ? a : json_null(), b ? b : json_null());
}

static int contains(const json_t *arr, const json_t *item)
{
    const json_t *x;
    size_t i;

    json_array_foreach (arr, i, x) {
        if (json_equal(x, item)) {
            return 1;
        }
    }
    return 0;
}

/* SPEC 4.14: the PATCH may only reorder or remove image ids. Adds details to v. */
static void check_images(rz_vctx_t *v, const json_t *stored, const json_t *after)
{
    const json_t *id;
    size_t i;

    json_array_foreach (json_object_get(after, "images"), i, id) {
        if (!contains(json_object_get(stored, "images"), id)) {
            rz_v_fail(v, apr_psprintf(v->pool, "images.%" APR_SIZE_T_FMT, i),
                      "not an image of this accommodation");
        }
    }
}

/* The body as merged: establishmentId ignored for manager/staff and immutable for super_admin;
 * a stored minHours is dropped when the unit leaves hourly pricing and the body does not name
 * minHours (it would otherwise make the merged document invalid). */
static json_t *merged_input(rz_req_t *rq, rz_vctx_t *v, const json_t *stored)
{
    json_t *patch = rz_json_pool_own(rq->pool, json_deep_copy(rq->body)), *merged;
    const json_t *est = json_object_get(patch, "establishmentId");
    const char *mode;

    if (!rz_auth_is_sa(rq)) {
        json_object_del(patch, "establishmentId");
    } else if (est && !json_equal(est, json_object_get(stored, "establishmentId"))) {
        rz_v_fail(v, "establishmentId", "cannot be changed");
    }
    merged = rz_merge_patch(rq->pool, rz_acc_writable(rq->pool, stored), patch);
    mode = rz_json_str(merged, "pricingMode");
    if (mode && strcmp(mode, "hourly") != 0 && !rz_json_path_get(patch, "pricing.minHours")
        && json_is_object(json_object_get(merged, "pricing"))) {
        json_object_del(json_object_get(merged, "pricing"), "minHours");
    }
    return merged;
}

/* Steps (9)-(10) before the write: returns the validated merged fields, or NULL after answering. */
static json_t *patch_input(rz_req_t *rq, rz_sess_t **s, json_t **stored)
{
    rz_vctx_t v;
    json_t *merged, *after = NULL;

    rz_vctx_init(&v, rq->pool);
    if (!rz_auth_is_sa(rq)) {
        v.ignore = ignore_est;
    }
    if (!rz_acc_check_patch(&v, rq->body)) {
        rz_respond_validation(rq, v.details);
        return NULL;
    }
    if (rz_acc_load(rq, s, stored) != 0) {
        return NULL;
    }
    v.ignore = NULL; /* the merged document keeps its stored establishmentId */
    merged = merged_input(rq, &v, *stored);
    if (rz_v_ok(&v) && (after = rz_acc_validate(&v, merged))) {
        check_images(&v, *stored, after);
    }
    if (!rz_v_ok(&v)) {
        rz_respond_validation(rq, v.details);
        return NULL;
    }
    return after;
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

/* Deletes the images of `old` that `keep` (may be NULL) no longer holds, in w's unit of work. An
 * image already gone is not an error. */
static rz_status_t delete_images(rz_write_t *w, const json_t *old, const json_t *keep)
{
    const json_t *id;
    size_t i;
    rz_status_t st;

    json_array_foreach (old, i, id) {
        if (json_is_string(id) && (!keep || !contains(keep, id))
            && (st = rz_images_delete(w, json_string_value(id))) != RZ_OK && st != RZ_NOT_FOUND) {
            return st;
        }
    }
    return RZ_OK;
}

/* SPEC 4.4: pricingMode is frozen while blocking bookings exist. 0, or -1 after answering. */
static int mode_change_ok(rz_write_t *w, const json_t *stored, const json_t *after)
{
    long n = 0;
    rz_status_t st;

    if (!field_changed(stored, after, "pricingMode")) {
        return 0;
    }
    if ((st = references(w->s, w->rq->pool, RZ_BOOKINGS, rz_json_str(stored, "id"), blocking, &n))
        != RZ_OK) {
        rz_write_fail(w, st);
        return -1;
    }
    if (n > 0) {
        rz_write_error(w, RZ_HTTP_CONFLICT, "IN_USE",
                       "pricingMode cannot change while blocking bookings exist",
                       rz_detail1(w->rq->pool, "pricingMode", "blocking bookings exist"));
        return -1;
    }
    return 0;
}

int rz_h_accommodation_patch(rz_req_t *rq)
{
    rz_sess_t *s;
    rz_write_t w;
    json_t *stored, *after, *doc, *out;
    const char *id, *key;
    rz_update_t u = {0};
    rz_status_t st;

    if (!(after = patch_input(rq, &s, &stored))) {
        return rq->res.status;
    }
    id = rz_json_str(stored, "id");
    doc = rz_json_pool_own(rq->pool, json_deep_copy(after));
    rz_acc_set_server_fields(rq->pool, doc,
                             json_string_value(rz_json_path_get(stored, "pricing.currency")));
    if (nothing_changed(stored, doc)) {
        return rz_respond_data(rq, RZ_HTTP_OK, rz_accommodation_view(rq->pool, stored), NULL);
    }
    stamp(doc, stored);
    key = rz_acc_key(rq->pool, id);
    if (rz_write_begin(&w, rq, &key, 1) != 0 || mode_change_ok(&w, stored, after) != 0) {
        return rq->res.status;
    }
    if ((st = name_free(w.s, rq->pool, doc, id)) == RZ_CONFLICT) {
        return duplicate(&w);
    }
    u.set = doc;
    if (st == RZ_OK
        && (st = rz_store_update(w.s, RZ_ACCOMMODATIONS, id, &u,
                                 json_integer_value(json_object_get(stored, "version")), &out))
               == RZ_CONFLICT) {
        return duplicate(&w);
    }
    if (st != RZ_OK
        || (st = rz_write_audit(&w, "accommodation.update", "accommodation", id,
                                rz_json_str(stored, "establishmentId"), audit_doc(rq->pool, stored),
                                audit_doc(rq->pool, out), NULL))
               != RZ_OK
        || (st = delete_images(&w, json_object_get(stored, "images"),
                               json_object_get(doc, "images")))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_accommodation_view(rq->pool, out), NULL);
}

/* ---- DELETE /api/accommodations/{id} -----------------------------------------------------------
 */

int rz_h_accommodation_delete(rz_req_t *rq)
{
    rz_sess_t *s;
    rz_write_t w;
    json_t *stored;
    const char *id, *key;
    long bookings = 0, tasks = 0;
    rz_status_t st;

    if (rz_acc_load(rq, &s, &stored) != 0) {
        return rq->res.status;
    }
    id = rz_json_str(stored, "id");
    key = rz_acc_key(rq->pool, id);
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return rq->res.status;
    }
    if ((st = references(w.s, rq->pool, RZ_BOOKINGS, id, NULL, &bookings)) != RZ_OK
        || (st = references(w.s, rq->pool, RZ_MAINTENANCE, id, NULL, &tasks)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (bookings > 0 || tasks > 0) {
        return rz_write_error(&w, RZ_HTTP_CONFLICT, "IN_USE",
                              "The accommodation is referenced and cannot be deleted",
                              rz_detail1(rq->pool, bookings > 0 ? "bookings" : "maintenance",
                                         "references this accommodation"));
    }
    if ((st = delete_images(&w, json_object_get(stored, "images"), NULL)) != RZ_OK
        || (st = rz_store_delete(w.s, RZ_ACCOMMODATIONS, id)) != RZ_OK
        || (st = rz_write_audit(&w, "accommodation.delete", "accommodation", id,
                                rz_json_str(stored, "establishmentId"), audit_doc(rq->pool, stored),
                                NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, NULL, NULL);
}

/* ---- PATCH /api/accommodations/{id}/housekeeping -----------------------------------------------
 */

static const char *const hk_enums[] = {"clean", "dirty", "inspected", NULL};
static const rz_field_t hk_schema[] = {
    {.name = "housekeepingStatus", .type = RZ_T_ENUM, .flags = RZ_REQ, .enums = hk_enums},
    {.name = NULL},
};

int rz_h_accommodation_housekeeping(rz_req_t *rq)
{
    rz_sess_t *s;
    rz_write_t w;
    rz_vctx_t v;
    json_t *in, *stored, *out;
    const char *id, *key;
    char now[21];
    rz_update_t u = {0};
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (!(in = rz_validate(&v, hk_schema, rq->body, RZ_V_CREATE))) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_acc_load(rq, &s, &stored) != 0) {
        return rq->res.status;
    }
    if (!field_changed(stored, in, "housekeepingStatus")) {
        return rz_respond_data(rq, RZ_HTTP_OK, rz_accommodation_view(rq->pool, stored), NULL);
    }
    id = rz_json_str(stored, "id");
    key = rz_acc_key(rq->pool, id);
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return rq->res.status;
    }
    /* re-read under the key: a booking check-out may have set it meanwhile */
    if ((st = rz_store_get(w.s, RZ_ACCOMMODATIONS, id, &stored)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (!field_changed(stored, in, "housekeepingStatus")) {
        rz_store_rollback(w.s);
        return rz_respond_data(rq, RZ_HTTP_OK, rz_accommodation_view(rq->pool, stored), NULL);
    }
    rz_timestamp_format(rz_now(), now);
    u.set = rz_json_pool_own(rq->pool, json_pack("{s:O, s:s}", "housekeepingStatus",
                                                 json_object_get(in, "housekeepingStatus"),
                                                 "updatedAt", now));
    if ((st = rz_store_update(w.s, RZ_ACCOMMODATIONS, id, &u,
                              json_integer_value(json_object_get(stored, "version")), &out))
            != RZ_OK
        || (st = rz_write_audit(&w, "accommodation.update", "accommodation", id,
                                rz_json_str(stored, "establishmentId"), audit_doc(rq->pool, stored),
                                audit_doc(rq->pool, out), NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_accommodation_view(rq->pool, out), NULL);
}
