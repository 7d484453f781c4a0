/* rz_clients.c: the Client view (SPEC 4.6), the scoped lookup, list and read (SPEC 7.7), and the
 * booking-side contract: unit-of-work keys, linkage and stay statistics (SPEC 6.7). */
#include "domain/rz_clients.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_clientdoc.h"
#include "core/rz_estdoc.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_query.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_list.h"

/* ---- view ------------------------------------------------------------------------------------ */

/* SPEC 4.6 / 6.6: the sum of max(0, balance) over the client's issued, non-void invoices.
 * Invoices do not exist yet: while there is no invoice the balance is 0. The invoices issue
 * replaces this body with that sum over the "invoices" collection (clientId = id, status not
 * draft or void); until then no collection is queried. */
static rz_status_t client_outstanding_balance(rz_sess_t *s, const char *client_id, int64_t *out)
{
    (void)s;
    (void)client_id;
    *out = 0;
    return RZ_OK;
}

json_t *rz_client_view(apr_pool_t *p, rz_sess_t *s, const json_t *c)
{
    static const char *const personal[] = {
        "firstName",   "lastName", "email",   "phone", "idType",  "idNumber", "nationality",
        "dateOfBirth", "gender",   "address", "city",  "country", NULL};
    static const char *const head[] = {"id", "establishmentId", NULL};
    static const char *const tail[] = {
        "classification", "companyName", "preferences", "preferredLanguage", "marketingOptIn",
        "notes",          "totalStays",  "totalSpent",  "lastStayAt",        NULL};
    static const char *const stamps[] = {"createdBy", "createdAt", "updatedAt", NULL};
    json_t *out = rz_json_pool_own(p, json_object()), *pi = json_object();
    const json_t *spi = json_object_get(c, "personalInfo");
    int64_t balance = 0;
    int i;

    for (i = 0; head[i]; i++) {
        json_t *val = json_object_get(c, head[i]);
        json_object_set_new(out, head[i], val ? json_deep_copy(val) : json_null());
    }
    for (i = 0; personal[i]; i++) {
        json_t *val = json_object_get(spi, personal[i]);
        json_object_set_new(pi, personal[i], val ? json_deep_copy(val) : json_null());
    }
    json_object_set_new(out, "personalInfo", pi);
    for (i = 0; tail[i]; i++) {
        json_t *val = json_object_get(c, tail[i]);
        json_object_set_new(out, tail[i], val ? json_deep_copy(val) : json_null());
    }
    if (!json_is_array(json_object_get(out, "preferences"))) {
        json_object_set_new(out, "preferences", json_array());
    }
    if (client_outstanding_balance(s, rz_json_str(c, "id"), &balance) != RZ_OK) {
        balance = 0;
    }
    json_object_set_new(out, "outstandingBalance", json_integer((json_int_t)balance));
    for (i = 0; stamps[i]; i++) {
        json_t *val = json_object_get(c, stamps[i]);
        json_object_set_new(out, stamps[i], val ? json_deep_copy(val) : json_null());
    }
    return out;
}

/* ---- reads ----------------------------------------------------------------------------------- */

int rz_client_load(rz_req_t *rq, rz_sess_t **s, json_t **c)
{
    return rz_auth_load_scoped(rq, RZ_CLIENTS, "Client", s, c);
}

int rz_h_client_get(rz_req_t *rq)
{
    rz_sess_t *s;
    json_t *c;

    if (rz_client_load(rq, &s, &c) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_client_view(rq->pool, s, c), NULL);
}

/* ---- GET /api/clients ------------------------------------------------------------------------ */

static const char *const list_sorts[] = {"createdAt",  "lastName",   "totalStays",
                                         "totalSpent", "lastStayAt", NULL};

/* The country that national phone numbers of the filter belong to: the establishment's
 * location.country (SA without establishmentId, or an unknown one: "BI", the default country). */
static rz_status_t filter_country(rz_sess_t *s, const char *est, const char **country)
{
    json_t *doc;
    rz_status_t st;
    const char *c;

    *country = "BI";
    if (!est) {
        return RZ_OK;
    }
    st = rz_store_get(s, RZ_ESTABLISHMENTS, est, &doc);
    if (st == RZ_NOT_FOUND) {
        return RZ_OK;
    }
    if (st == RZ_OK && (c = json_string_value(rz_json_path_get(doc, "location.country")))) {
        *country = c;
    }
    return st;
}

/* A trimmed query value, NULL when absent or empty. */
static const char *query_text(rz_req_t *rq, const char *name)
{
    const char *raw = apr_table_get(rq->query, name);
    const char *t = raw ? rz_text_trim(rq->pool, raw) : NULL;

    return t && *t ? t : NULL;
}

/* The filters of GET /api/clients: q, classification, establishmentId (SPEC 3.2 rule 3), email
 * (normalised, exact) and phone (normalised with the establishment's country, exact). The store
 * session is taken first: the phone's country is read from it. */
static int list_filter(rz_list_t *l)
{
    static const char *const searched[] = {"personalInfo.firstName",
                                           "personalInfo.lastName",
                                           "personalInfo.email",
                                           "personalInfo.phone",
                                           "personalInfo.idNumber",
                                           "companyName",
                                           NULL};
    rz_req_t *rq = l->rq;
    json_t *classes = NULL;
    const char *est, *q = NULL, *email, *phone, *country = "BI", *norm = NULL;
    rz_status_t st;

    if (rz_list_store(l) != 0) {
        return -1;
    }
    rz_query_q(&l->v, rq->query, &q);
    rz_query_enum_list(&l->v, rq->query, "classification", rz_client_classes, &classes);
    est = rz_list_establishment(l);
    if ((email = query_text(rq, "email")) && !(norm = rz_email_normalize(rq->pool, email))) {
        rz_v_fail(&l->v, "email", "must be a valid email");
    }
    email = email ? norm : NULL;
    if ((phone = query_text(rq, "phone")) && rz_v_ok(&l->v)) {
        if ((st = filter_country(l->s, est, &country)) != RZ_OK) {
            rz_respond_store_error(rq, st, rz_store_last_error(l->s));
            return -1;
        }
        if (!(phone = rz_phone_normalize(rq->pool, phone, country))) {
            rz_v_fail(&l->v, "phone", "must be a valid phone number");
        }
    }
    rz_list_eq(l, "establishmentId", est);
    rz_list_in(l, "classification", classes);
    rz_list_eq(l, "emailKey", email);
    rz_list_eq(l, "personalInfo.phone", phone);
    rz_list_search(l, q, searched);
    return 0;
}

static json_t *list_view(rz_list_t *l, const json_t *doc, rz_status_t *st)
{
    return rz_client_view(l->rq->pool, l->s, doc);
}

static const char *const list_sort_fields[] = {"lastName", "personalInfo.lastName", NULL};

static const rz_list_spec_t clients_list = {RZ_CLIENTS,       list_sorts,  "-createdAt",
                                            list_sort_fields, list_filter, list_view};

int rz_h_clients_list(rz_req_t *rq)
{
    return rz_list_run(rq, &clients_list);
}

/* ---- the booking-side contract (SPEC 6.7) ------------------------------------------------------
 */

int rz_client_keys(apr_pool_t *p, const char *est, const char *email, const char *phone,
                   const char *keys[2])
{
    int n = 0;

    if (email) {
        keys[n++] = apr_pstrcat(p, "client-email:", est, ":", rz_text_fold(p, email), NULL);
    }
    if (phone) {
        keys[n++] = apr_pstrcat(p, "client-phone:", est, ":", phone, NULL);
    }
    return n;
}

/* The oldest client of `est` with this phone, or RZ_NOT_FOUND. */
static rz_status_t find_by_phone(rz_sess_t *s, apr_pool_t *p, const char *est, const char *phone,
                                 json_t **out)
{
    rz_cond_t c[2] = {{"establishmentId", RZ_EQ, rz_json_pool_own(p, json_string(est))},
                      {"personalInfo.phone", RZ_EQ, rz_json_pool_own(p, json_string(phone))}};
    rz_query_t q;
    json_t *arr;
    rz_status_t st;

    json_t *item;
    const char *best_at = NULL, *at;
    size_t i;

    /* No store sort: SQLite would then walk the establishment's clients in createdAt order
     * (clients_created) instead of using the phone index, reading every client (seen: 28% of a
     * booking creation with 1,400 clients). A phone has few clients; the oldest is picked here,
     * ties by id like a store sort (ids were read in ascending order). */
    memset(&q, 0, sizeof(q));
    q.all = c;
    q.nall = 2;
    if ((st = rz_store_find(s, RZ_CLIENTS, &q, &arr, NULL)) != RZ_OK) {
        return st;
    }
    *out = NULL;
    json_array_foreach (arr, i, item) {
        at = rz_json_str(item, "createdAt") ? rz_json_str(item, "createdAt") : "";
        if (!*out || strcmp(at, best_at) < 0) {
            *out = item;
            best_at = at;
        }
    }
    return *out ? RZ_OK : RZ_NOT_FOUND;
}

/* The establishment's defaultLanguage ("fr" when it has none or is gone). */
static rz_status_t default_language(rz_sess_t *s, const char *est, const char **lang)
{
    json_t *doc;
    rz_status_t st = rz_store_get(s, RZ_ESTABLISHMENTS, est, &doc);

    *lang = "fr";
    if (st == RZ_OK && rz_json_str(doc, "defaultLanguage")) {
        *lang = rz_json_str(doc, "defaultLanguage");
    }
    return st == RZ_NOT_FOUND ? RZ_OK : st;
}

rz_status_t rz_client_link(rz_sess_t *s, apr_pool_t *p, const char *est, const json_t *client_info,
                           const char *classification, const char *language, int opt_in,
                           const char **client_id, json_t **created)
{
    const char *email = rz_json_str(client_info, "email"),
               *phone = rz_json_str(client_info, "phone"), *id;
    json_t *doc = NULL, *c;
    char now[21];
    rz_status_t st = RZ_NOT_FOUND;

    if (created) {
        *created = NULL;
    }
    *client_id = NULL;
    if (email) {
        rz_cond_t k[2] = {
            {"establishmentId", RZ_EQ, rz_json_pool_own(p, json_string(est))},
            {"emailKey", RZ_EQ, rz_json_pool_own(p, json_string(rz_text_fold(p, email)))}};
        st = rz_store_find_one(s, RZ_CLIENTS, k, 2, &doc);
    }
    if (st == RZ_NOT_FOUND && phone) {
        st = find_by_phone(s, p, est, phone, &doc);
    }
    if (st == RZ_OK) {
        *client_id = apr_pstrdup(p, rz_json_str(doc, "id"));
        return RZ_OK;
    }
    if (st != RZ_NOT_FOUND) {
        return st;
    }
    if (!language && (st = default_language(s, est, &language)) != RZ_OK) {
        return st;
    }
    rz_timestamp_format(rz_now(), now);
    c = rz_client_from_info(p, est, client_info, classification, language, opt_in, now);
    if ((st = rz_store_insert(s, RZ_CLIENTS, c, &id)) != RZ_OK) {
        return st;
    }
    *client_id = apr_pstrdup(p, id);
    if (created) {
        *created = rz_client_audit_doc(p, c);
    }
    return RZ_OK;
}

rz_status_t rz_client_record_stay(rz_sess_t *s, apr_pool_t *p, const char *client_id, int64_t total,
                                  const char *checked_out_at, json_t **before, json_t **after)
{
    json_t *cur, *out = NULL;
    rz_update_t u = {0};
    char now[21];
    rz_status_t st;

    if ((st = rz_store_get(s, RZ_CLIENTS, client_id, &cur)) != RZ_OK) {
        return st;
    }
    rz_timestamp_format(rz_now(), now);
    u.inc = rz_json_pool_own(
        p, json_pack("{s:I, s:I}", "totalStays", (json_int_t)1, "totalSpent", (json_int_t)total));
    u.set = rz_json_pool_own(p, json_pack("{s:s, s:s}", "lastStayAt",
                                          checked_out_at ? checked_out_at : now, "updatedAt", now));
    /* no version guard: the increments commute, and a PATCH never writes these fields */
    if ((st = rz_store_update(s, RZ_CLIENTS, client_id, &u, -1, &out)) != RZ_OK) {
        return st;
    }
    if (before) {
        *before = rz_client_audit_doc(p, cur);
    }
    if (after) {
        *after = rz_client_audit_doc(p, out);
    }
    return RZ_OK;
}
