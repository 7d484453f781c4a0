/* rz_establishments_write.c: establishment create, patch (merge patch, restricted and immutable
 * fields) and delete (SPEC 4.3, 7.3). */
#include "domain/rz_establishments.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_json.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "domain/rz_images.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_write.h"

/* SPEC 3.3 note 2: a manager may not change these. */
static const char *const restricted[] = {"name",          "isActive",         "currency",
                                         "utcOffset",     "businessDayStart", "vatRateBps",
                                         "invoicePrefix", "creditNotePrefix", NULL};

/* Collections whose documents reference an establishment by establishmentId (SPEC 4.3 delete). */
static const char *const referencing[] = {"accommodations", "users",    "employees", "bookings",
                                          "invoices",       "expenses", "images",    NULL};

/* Collections that freeze the currency once they hold a document of the establishment. */
static const char *const currency_users[] = {"accommodations", "invoices", "expenses", "employees",
                                             NULL};

/* The document as audited: without the folded keys (internal, never output). */
static json_t *audit_doc(apr_pool_t *p, const json_t *doc)
{
    json_t *out = json_deep_copy(doc);

    json_object_del(out, "nameKey");
    json_object_del(out, "cityKey");
    return rz_json_pool_own(p, out);
}

/* RZ_OK when no other establishment has the name of `e`, RZ_CONFLICT when one has. */
static rz_status_t name_free(rz_sess_t *s, apr_pool_t *p, const json_t *e, const char *self)
{
    rz_cond_t c[2] = {{"nameKey", RZ_EQ, json_object_get(e, "nameKey")},
                      {"id", RZ_NE, rz_json_pool_own(p, json_string(self ? self : ""))}};
    json_t *doc;
    rz_status_t st = rz_store_find_one(s, RZ_ESTABLISHMENTS, c, 2, &doc);

    return st == RZ_OK ? RZ_CONFLICT : st == RZ_NOT_FOUND ? RZ_OK : st;
}

static int duplicate(rz_write_t *w)
{
    return rz_write_error(w, RZ_HTTP_CONFLICT, "DUPLICATE", "Establishment name already used",
                          rz_detail1(w->rq->pool, "name", "already used"));
}

/* ---- POST /api/establishments ------------------------------------------------------------------
 */

int rz_h_establishment_create(rz_req_t *rq)
{
    json_t *in = rz_json_pool_own(rq->pool, json_deep_copy(rq->body)), *e, *view;
    const char *id;
    char now[21];
    rz_vctx_t v;
    rz_write_t w;
    rz_status_t st;

    json_object_del(in, "images"); /* owner arrays are ignored on create (SPEC 4.14) */
    rz_vctx_init(&v, rq->pool);
    if (!(e = rz_est_validate(&v, in))) {
        return rz_respond_validation(rq, v.details);
    }
    rz_est_set_keys(rq->pool, e);
    json_object_set_new(e, "payrollSettings",
                        rz_payroll_settings_defaults(rz_json_str(e, "currency")));
    rz_timestamp_format(rz_now(), now);
    json_object_set_new(e, "createdAt", json_string(now));
    json_object_set_new(e, "updatedAt", json_string(now));
    if (rz_write_begin(&w, rq, NULL, 0) != 0) {
        return rq->res.status;
    }
    if ((st = name_free(w.s, rq->pool, e, NULL)) == RZ_CONFLICT
        || (st == RZ_OK && (st = rz_store_insert(w.s, RZ_ESTABLISHMENTS, e, &id)) == RZ_CONFLICT)) {
        return duplicate(&w);
    }
    if (st != RZ_OK
        || (st = rz_write_audit(&w, "establishment.create", "establishment", id, id, NULL,
                                audit_doc(rq->pool, e), NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    apr_table_setn(rq->res.headers, "Location",
                   apr_pstrcat(rq->pool, "/api/establishments/", id, NULL));
    if (!(view = rz_establishment_view(rq, w.s, e, &st))) {
        return rz_respond_store_error(rq, st, rz_store_last_error(w.s));
    }
    return rz_respond_data(rq, RZ_HTTP_CREATED, view, NULL);
}

/* ---- PATCH /api/establishments/{id} ------------------------------------------------------------
 */

static int field_changed(const json_t *before, const json_t *after, const char *key)
{
    const json_t *a = json_object_get(before, key), *b = json_object_get(after, key);

    return !json_equal(a ? a : json_null(), b ? b : json_null());
}

/* A manager sending a restricted field with another value -> 403 (after the scope check). */
static int restricted_ok(rz_req_t *rq, const json_t *stored, const json_t *after)
{
    int i;

    if (rz_auth_is_sa(rq)) {
        return 1;
    }
    for (i = 0; restricted[i]; i++) {
        if (json_object_get(rq->body, restricted[i])
            && field_changed(stored, after, restricted[i])) {
            rz_respond_error(
                rq, RZ_HTTP_FORBIDDEN, "FORBIDDEN",
                apr_pstrcat(rq->pool, "Only a super_admin may change ", restricted[i], NULL), NULL);
            return 0;
        }
    }
    return 1;
}

/* SPEC 4.14: the PATCH may only reorder or remove image ids. Adds details to v. */
static void check_images(rz_vctx_t *v, const json_t *stored, const json_t *after)
{
    const json_t *old = json_object_get(stored, "images"), *id, *o;
    size_t i, j;

    json_array_foreach (json_object_get(after, "images"), i, id) {
        int known = 0;
        json_array_foreach (old, j, o) {
            known |= json_equal(id, o);
        }
        if (!known) {
            rz_v_fail(v, apr_psprintf(v->pool, "images.%" APR_SIZE_T_FMT, i),
                      "not an image of this establishment");
        }
    }
}

/* SPEC 4.14: an image id the PATCH removed from `images` is deleted (its files once the unit of
 * work commits). An image already gone is fine. */
static rz_status_t delete_removed_images(rz_write_t *w, const json_t *stored, const json_t *after)
{
    const json_t *now = json_object_get(after, "images"), *id, *o;
    size_t i, j;
    rz_status_t st;

    json_array_foreach (json_object_get(stored, "images"), i, id) {
        int kept = 0;
        json_array_foreach (now, j, o) {
            kept |= json_equal(id, o);
        }
        if (!kept && json_is_string(id)
            && (st = rz_images_delete(w, json_string_value(id))) != RZ_OK && st != RZ_NOT_FOUND) {
            return st;
        }
    }
    return RZ_OK;
}

/* The immutable-once-used rules of SPEC 4.3, inside the unit of work. Returns 0, or -1 after
 * answering 409 IN_USE (or a store error). */
static int immutables_ok(rz_write_t *w, const json_t *stored, const json_t *after)
{
    const char *id = rz_json_str(stored, "id"), *field = NULL;
    rz_status_t st = RZ_OK;
    int used = 0, i;

    if (field_changed(stored, after, "utcOffset")
        || field_changed(stored, after, "businessDayStart")) {
        field = field_changed(stored, after, "utcOffset") ? "utcOffset" : "businessDayStart";
        st = rz_est_referenced(w->s, w->rq->pool, "bookings", "establishmentId", id, &used);
    }
    if (st == RZ_OK && !used && field_changed(stored, after, "currency")) {
        field = "currency";
        for (i = 0; currency_users[i] && !used && st == RZ_OK; i++) {
            st = rz_est_referenced(w->s, w->rq->pool, currency_users[i], "establishmentId", id,
                                   &used);
        }
    }
    if (st != RZ_OK) {
        rz_write_fail(w, st);
        return -1;
    }
    if (used) {
        rz_write_error(w, RZ_HTTP_CONFLICT, "IN_USE",
                       apr_pstrcat(w->rq->pool, field, " cannot change once in use", NULL),
                       rz_detail1(w->rq->pool, field, "in use"));
        return -1;
    }
    return 0;
}

/* The new stored document: `after` plus the server fields. When the currency changes while the
 * payroll settings still hold the old currency's default brackets, the new defaults apply. */
static json_t *new_document(rz_req_t *rq, const json_t *stored, json_t *after)
{
    json_t *doc = rz_json_pool_own(rq->pool, json_deep_copy(after));
    json_t *ps = json_deep_copy(json_object_get(stored, "payrollSettings"));
    json_t *old_dflt = rz_payroll_settings_defaults(rz_json_str(stored, "currency"));
    char now[21];

    if (!json_is_object(ps)) {
        json_decref(ps);
        ps = rz_payroll_settings_defaults(rz_json_str(after, "currency"));
    } else if (field_changed(stored, after, "currency")
               && json_equal(json_object_get(ps, "incomeTaxBrackets"),
                             json_object_get(old_dflt, "incomeTaxBrackets"))) {
        json_t *nd = rz_payroll_settings_defaults(rz_json_str(after, "currency"));
        json_object_set(ps, "incomeTaxBrackets", json_object_get(nd, "incomeTaxBrackets"));
        json_decref(nd);
    }
    json_decref(old_dflt);
    json_object_set_new(doc, "payrollSettings", ps);
    rz_est_set_keys(rq->pool, doc);
    rz_timestamp_format(rz_now(), now);
    json_object_set(doc, "createdAt", json_object_get(stored, "createdAt"));
    json_object_set_new(doc, "updatedAt", json_string(now));
    return doc;
}

/* Steps (9)-(11) before the write: returns the validated merged fields, or NULL after answering. */
static json_t *patch_input(rz_req_t *rq, rz_sess_t **s, json_t **stored)
{
    rz_vctx_t v;
    json_t *after;

    rz_vctx_init(&v, rq->pool);
    if (!rz_est_check_patch(&v, rq->body)) {
        rz_respond_validation(rq, v.details);
        return NULL;
    }
    if (rz_est_load(rq, s, stored) != 0) {
        return NULL;
    }
    after =
        rz_est_validate(&v, rz_merge_patch(rq->pool, rz_est_writable(rq->pool, *stored), rq->body));
    if (after) {
        check_images(&v, *stored, after);
    }
    if (!rz_v_ok(&v)) {
        rz_respond_validation(rq, v.details);
        return NULL;
    }
    return restricted_ok(rq, *stored, after) ? after : NULL;
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

static int respond_view(rz_req_t *rq, rz_sess_t *s, const json_t *doc)
{
    rz_status_t st;
    json_t *view = rz_establishment_view(rq, s, doc, &st);

    return view ? rz_respond_data(rq, RZ_HTTP_OK, view, NULL)
                : rz_respond_store_error(rq, st, rz_store_last_error(s));
}

int rz_h_establishment_patch(rz_req_t *rq)
{
    rz_sess_t *s;
    rz_write_t w;
    json_t *stored, *after, *doc, *out;
    const char *key;
    rz_update_t u = {0};
    rz_status_t st;

    if (!(after = patch_input(rq, &s, &stored))) {
        return rq->res.status;
    }
    if (nothing_changed(stored, after)) {
        return respond_view(rq, s, stored); /* 200, no write, no audit entry */
    }
    doc = new_document(rq, stored, after);
    key = apr_pstrcat(rq->pool, "establishment:", rz_json_str(stored, "id"), NULL);
    if (rz_write_begin(&w, rq, &key, 1) != 0 || immutables_ok(&w, stored, after) != 0) {
        return rq->res.status;
    }
    if ((st = name_free(w.s, rq->pool, doc, rz_json_str(stored, "id"))) == RZ_CONFLICT) {
        return duplicate(&w);
    }
    u.set = doc;
    if (st == RZ_OK
        && (st = rz_store_update(w.s, RZ_ESTABLISHMENTS, rz_json_str(stored, "id"), &u,
                                 json_integer_value(json_object_get(stored, "version")), &out))
               == RZ_CONFLICT) {
        return duplicate(&w);
    }
    if (st != RZ_OK
        || (st = rz_write_audit(&w, "establishment.update", "establishment",
                                rz_json_str(stored, "id"), rz_json_str(stored, "id"),
                                audit_doc(rq->pool, stored), audit_doc(rq->pool, out), NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if ((st = delete_removed_images(&w, stored, out)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return respond_view(rq, w.s, out);
}

/* ---- DELETE /api/establishments/{id} -----------------------------------------------------------
 */

int rz_h_establishment_delete(rz_req_t *rq)
{
    rz_sess_t *s;
    rz_write_t w;
    json_t *stored;
    const char *id, *key;
    int used = 0, i;
    rz_status_t st = RZ_OK;

    if (rz_est_load(rq, &s, &stored) != 0) {
        return rq->res.status;
    }
    id = rz_json_str(stored, "id");
    key = apr_pstrcat(rq->pool, "establishment:", id, NULL);
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return rq->res.status;
    }
    for (i = 0; referencing[i] && st == RZ_OK; i++) {
        st = rz_est_referenced(w.s, rq->pool, referencing[i], "establishmentId", id, &used);
        if (st == RZ_OK && used) {
            return rz_write_error(
                &w, RZ_HTTP_CONFLICT, "IN_USE",
                "The establishment is referenced; deactivate it instead",
                rz_detail1(rq->pool, referencing[i], "references this establishment"));
        }
    }
    if (st != RZ_OK || (st = rz_store_delete(w.s, RZ_ESTABLISHMENTS, id)) != RZ_OK
        || (st = rz_write_audit(&w, "establishment.delete", "establishment", id, id,
                                audit_doc(rq->pool, stored), NULL, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, NULL, NULL);
}
