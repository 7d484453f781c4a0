/* rz_audit_routes.c: GET /api/audit, /api/audit/entity/{entity}/{id}, /api/audit/stats and
 * /api/audit/verify (SPEC 4.13, 7.12, 8.6). */
#include "domain/rz_audit_routes.h"

#include "httpd.h"
#include "http_protocol.h"

#include "apr_hash.h"
#include "apr_strings.h"

#include <stdlib.h>
#include <string.h>

#include "core/rz_audit.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_query.h"
#include "core/rz_text.h"
#include "core/rz_userdoc.h"
#include "http/rz_auth.h"
#include "http/rz_response.h"

/* Entries read per store round-trip when scanning (stats, an object's establishment). */
#define SCAN_PAGE 500
#define TOP_ACTORS 10
#define ACTION_MAX_ITEMS 50
#define ACTION_MAX_LEN 100

/* The entity names of SPEC 8.6. */
static const char *const entities[] = {
    "user",    "establishment", "payroll_settings", "accommodation",
    "booking", "client",        "invoice",          "credit_note",
    "payment", "expense",       "maintenance",      "notification",
    "image",   "backup",        "employee",         "attendance",
    "leave",   "payroll",       "performance",      NULL,
};

static const char *const sort_fields[] = {"seq", NULL};

/* The output fields of an AuditEntry (SPEC 4.13 plus id), in order; never `version`. */
static const char *const out_fields[] = {
    "id",        "seq",       "at",       "actorId", "actorRole", "establishmentId",
    "action",    "entity",    "entityId", "changes", "meta",      "ip",
    "userAgent", "requestId", "prevHash", "hash",    NULL,
};

static int is_manager(const rz_req_t *rq)
{
    return strcmp(rq->who->role, "super_admin") != 0;
}

static int known_entity(const char *name)
{
    const char *const *e;

    for (e = entities; *e; e++) {
        if (strcmp(*e, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The public view of a stored entry: the fields above, null when missing. Owned by `pool`. */
static json_t *entry_out(apr_pool_t *pool, const json_t *doc)
{
    json_t *o = rz_json_pool_own(pool, json_object());
    const char *const *f;

    for (f = out_fields; *f; f++) {
        json_t *v = json_object_get(doc, *f);
        json_object_set(o, *f, v ? v : json_null());
    }
    return o;
}

static json_t *entries_out(apr_pool_t *pool, const json_t *rows)
{
    json_t *data = rz_json_pool_own(pool, json_array()), *e;
    size_t i;

    json_array_foreach (rows, i, e) {
        json_array_append(data, entry_out(pool, e));
    }
    return data;
}

static int store_fail(rz_req_t *rq, rz_sess_t *s, rz_status_t st)
{
    return rz_respond_store_error(rq->r, st, s ? rz_store_last_error(s) : NULL);
}

static int not_found(rz_req_t *rq)
{
    return rz_respond_error(rq->r, HTTP_NOT_FOUND, "NOT_FOUND", "Not found", NULL);
}

static json_t *pstr(apr_pool_t *pool, const char *s)
{
    return rz_json_pool_own(pool, json_string(s));
}

/* 1 when `s` (n bytes) is "<a-z_>+.<a-z_>+". */
static int action_name_ok(const char *s, size_t n)
{
    size_t i, dot = 0, ndots = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '.') {
            dot = i;
            ndots++;
        } else if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_')) {
            return 0;
        }
    }
    return ndots == 1 && dot > 0 && dot + 1 < n && n <= ACTION_MAX_LEN;
}

/* `action`: a comma list of action names -> *out (JSON array), or a detail. Absent -> 0. */
static int query_actions(rz_vctx_t *v, apr_table_t *q, json_t **out)
{
    const char *raw = apr_table_get(q, "action");
    const char *s = raw ? rz_text_trim(v->pool, raw) : NULL;
    json_t *arr;

    if (!s || !*s) {
        return 0;
    }
    arr = rz_json_pool_own(v->pool, json_array());
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (!action_name_ok(s, n) || json_array_size(arr) >= ACTION_MAX_ITEMS) {
            rz_v_fail(v, "action",
                      "must be a comma list of at most 50 action names (<entity>.<verb>)");
            return -1;
        }
        json_array_append_new(arr, json_stringn(s, n));
        if (!comma) {
            break;
        }
        s = comma + 1;
    }
    *out = arr;
    return 0;
}

/* `entity`: one SPEC 8.6 entity name, or a detail. Absent -> 0. */
static int query_entity(rz_vctx_t *v, apr_table_t *q, const char **out)
{
    const char *raw = apr_table_get(q, "entity");
    const char *s = raw ? rz_text_trim(v->pool, raw) : NULL;
    const char *list = NULL;
    const char *const *e;

    if (!s || !*s) {
        return 0;
    }
    if (known_entity(s)) {
        *out = s;
        return 0;
    }
    for (e = entities; *e; e++) {
        list = list ? apr_pstrcat(v->pool, list, ", ", *e, NULL) : *e;
    }
    rz_v_fail(v, "entity", apr_pstrcat(v->pool, "must be one of: ", list, NULL));
    return -1;
}

/* from/to (UTC dates of `at`, inclusive) as conditions on `at`; appends to c[*n]. */
static int query_at_range(rz_vctx_t *v, apr_table_t *q, rz_cond_t *c, int *n)
{
    const char *from = NULL, *to = NULL;

    rz_query_date(v, q, "from", &from);
    rz_query_date(v, q, "to", &to);
    if (!rz_v_ok(v) || rz_query_date_range(v, from, to, "to") != 0) {
        return -1;
    }
    if (from) {
        c[(*n)++] = (rz_cond_t){"at", RZ_GTE,
                                pstr(v->pool, apr_pstrcat(v->pool, from, "T00:00:00Z", NULL))};
    }
    if (to) {
        c[(*n)++] =
            (rz_cond_t){"at", RZ_LTE, pstr(v->pool, apr_pstrcat(v->pool, to, "T23:59:59Z", NULL))};
    }
    return 0;
}

/* The filters of GET /api/audit as conditions (at most 8) in c; *n gets their count. */
static int list_filters(rz_req_t *rq, rz_vctx_t *v, rz_cond_t *c, int *n)
{
    const char *actor = NULL, *entity = NULL, *entity_id = NULL, *est = NULL;
    json_t *actions = NULL;

    rz_query_id(v, rq->query, "actorId", &actor);
    query_actions(v, rq->query, &actions);
    query_entity(v, rq->query, &entity);
    rz_query_id(v, rq->query, "entityId", &entity_id);
    if (is_manager(rq)) {
        est = rq->who->est_id; /* SPEC 3.2 rule 3: the query value is ignored */
    } else {
        rz_query_id(v, rq->query, "establishmentId", &est);
    }
    *n = 0;
    if (query_at_range(v, rq->query, c, n) != 0 || !rz_v_ok(v)) {
        return -1;
    }
    if (is_manager(rq) || est) {
        c[(*n)++] = (rz_cond_t){"establishmentId", RZ_EQ, est ? pstr(rq->pool, est) : json_null()};
    }
    if (actor) {
        c[(*n)++] = (rz_cond_t){"actorId", RZ_EQ, pstr(rq->pool, actor)};
    }
    if (actions) {
        c[(*n)++] = (rz_cond_t){"action", RZ_IN, actions};
    }
    if (entity) {
        c[(*n)++] = (rz_cond_t){"entity", RZ_EQ, pstr(rq->pool, entity)};
    }
    if (entity_id) {
        c[(*n)++] = (rz_cond_t){"entityId", RZ_EQ, pstr(rq->pool, entity_id)};
    }
    return 0;
}

int rz_h_audit_list(rz_req_t *rq)
{
    rz_vctx_t v;
    rz_page_t page;
    rz_cond_t c[8];
    rz_query_t q;
    rz_sess_t *s = NULL;
    const char *sort = NULL;
    json_t *rows = NULL;
    int n = 0, desc = 1;
    long total = 0;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    rz_query_page(&v, rq->query, &page);
    rz_query_sort(&v, rq->query, sort_fields, "-seq", &sort, &desc);
    if (list_filters(rq, &v, c, &n) != 0 || !rz_v_ok(&v)) {
        return rz_respond_validation(rq->r, v.details);
    }
    q = (rz_query_t){c, n, NULL, 0, "seq", desc, (page.page - 1) * page.limit, page.limit, 1};
    if ((st = rz_req_store(rq, &s)) != RZ_OK
        || (st = rz_store_find(s, RZ_AUDIT_COLL, &q, &rows, &total)) != RZ_OK) {
        return store_fail(rq, s, st);
    }
    return rz_respond_list(rq->r, entries_out(rq->pool, rows),
                           rz_pagination_json(rq->pool, &page, total));
}

/* The establishment of an object as its audit trail tells it: the establishmentId of its newest
 * entry that has one (*est NULL when none has: a chain-level object). */
static rz_status_t object_establishment(rz_sess_t *s, const rz_cond_t *c, const char **est)
{
    rz_query_t q = {c, 2, NULL, 0, "seq", 1, 0, SCAN_PAGE, 0};
    rz_status_t st;

    *est = NULL;
    for (;;) {
        json_t *rows = NULL, *e;
        size_t i;

        if ((st = rz_store_find(s, RZ_AUDIT_COLL, &q, &rows, NULL)) != RZ_OK) {
            return st;
        }
        json_array_foreach (rows, i, e) {
            const char *v = json_string_value(json_object_get(e, "establishmentId"));
            if (v) {
                *est = v; /* rows stay owned by the session pool */
                return RZ_OK;
            }
        }
        if (json_array_size(rows) < SCAN_PAGE) {
            return RZ_OK;
        }
        q.skip += SCAN_PAGE;
    }
}

/* The establishment whose managers may read an object's history (*est NULL: super_admins only).
 * A user is scoped by its current establishment, not by its trail: a user who moved to another
 * establishment or became super_admin leaves the reach of its former managers. A user missing
 * from the store (SPEC: users are never deleted; only a store edited outside the API) is
 * chain-level. Other objects never change establishment: their trail tells it. */
static rz_status_t scope_establishment(rz_sess_t *s, const char *entity, const char *id,
                                       const rz_cond_t *c, const char **est)
{
    json_t *user;
    rz_status_t st;

    if (strcmp(entity, "user") != 0) {
        return object_establishment(s, c, est);
    }
    *est = NULL;
    st = rz_store_get(s, RZ_USERS, id, &user);
    if (st == RZ_OK) {
        *est = json_string_value(json_object_get(user, "establishmentId"));
    }
    return st == RZ_NOT_FOUND ? RZ_OK : st;
}

int rz_h_audit_entity(rz_req_t *rq)
{
    const char *entity = rz_req_param(rq, 0), *id = rz_req_param(rq, 1), *est = NULL;
    rz_vctx_t v;
    rz_page_t page;
    rz_cond_t c[2];
    rz_query_t q;
    rz_sess_t *s = NULL;
    json_t *rows = NULL;
    long total = 0;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (rz_query_page(&v, rq->query, &page) != 0) {
        return rz_respond_validation(rq->r, v.details);
    }
    if (!entity || !id || !known_entity(entity) || !rz_id_valid(id)) {
        return not_found(rq);
    }
    c[0] = (rz_cond_t){"entity", RZ_EQ, pstr(rq->pool, entity)};
    c[1] = (rz_cond_t){"entityId", RZ_EQ, pstr(rq->pool, id)};
    q = (rz_query_t){c, 2, NULL, 0, "seq", 0, (page.page - 1) * page.limit, page.limit, 1};
    if ((st = rz_req_store(rq, &s)) != RZ_OK
        || (st = rz_store_find(s, RZ_AUDIT_COLL, &q, &rows, &total)) != RZ_OK) {
        return store_fail(rq, s, st);
    }
    if (total == 0) {
        return not_found(rq); /* the trail has never heard of it */
    }
    if (is_manager(rq)) {
        if ((st = scope_establishment(s, entity, id, c, &est)) != RZ_OK) {
            return store_fail(rq, s, st);
        }
        if (!rz_auth_in_scope(rq, est)) {
            return not_found(rq);
        }
    }
    return rz_respond_list(rq->r, entries_out(rq->pool, rows),
                           rz_pagination_json(rq->pool, &page, total));
}

/* ---- stats ------------------------------------------------------------------------------------
 */

typedef struct {
    long total;
    apr_hash_t *actions; /* action -> long * */
} entity_count_t;

typedef struct {
    apr_pool_t *pool;
    long total;
    apr_hash_t *entities; /* entity -> entity_count_t * */
    apr_hash_t *actors;   /* actorId -> long * */
} stats_t;

static long *counter(apr_pool_t *pool, apr_hash_t *h, const char *key)
{
    long *n = apr_hash_get(h, key, APR_HASH_KEY_STRING);

    if (!n) {
        n = apr_pcalloc(pool, sizeof(*n));
        apr_hash_set(h, apr_pstrdup(pool, key), APR_HASH_KEY_STRING, n);
    }
    return n;
}

static void stats_add(stats_t *t, const json_t *e)
{
    const char *entity = json_string_value(json_object_get(e, "entity"));
    const char *action = json_string_value(json_object_get(e, "action"));
    const char *actor = json_string_value(json_object_get(e, "actorId"));
    entity_count_t *ec;

    t->total++;
    if (!entity) {
        entity = "";
    }
    ec = apr_hash_get(t->entities, entity, APR_HASH_KEY_STRING);
    if (!ec) {
        ec = apr_pcalloc(t->pool, sizeof(*ec));
        ec->actions = apr_hash_make(t->pool);
        apr_hash_set(t->entities, apr_pstrdup(t->pool, entity), APR_HASH_KEY_STRING, ec);
    }
    ec->total++;
    (*counter(t->pool, ec->actions, action ? action : ""))++;
    if (actor) {
        (*counter(t->pool, t->actors, actor))++;
    }
}

/* Scans the entries matching c[0..n) by ascending seq, a page at a time (a cursor on seq, so
 * entries appended meanwhile are simply included). Fine at the current volumes; an aggregation in
 * the store would be the next step. */
static rz_status_t stats_scan(rz_sess_t *s, stats_t *t, rz_cond_t *c, int n)
{
    json_t *last = NULL;
    rz_status_t st;

    for (;;) {
        rz_query_t q = {c, n, NULL, 0, "seq", 0, 0, SCAN_PAGE, 0};
        json_t *rows = NULL, *e;
        size_t i;

        c[n] = (rz_cond_t){"seq", RZ_GT, last};
        q.nall = last ? n + 1 : n;
        if ((st = rz_store_find(s, RZ_AUDIT_COLL, &q, &rows, NULL)) != RZ_OK) {
            return st;
        }
        json_array_foreach (rows, i, e) {
            stats_add(t, e);
        }
        if (json_array_size(rows) < SCAN_PAGE) {
            return RZ_OK;
        }
        e = json_array_get(rows, json_array_size(rows) - 1);
        last =
            rz_json_pool_own(t->pool, json_integer(json_integer_value(json_object_get(e, "seq"))));
        json_array_clear(rows);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of `h`, sorted, as an APR array of const char *. */
static apr_array_header_t *sorted_keys(apr_pool_t *pool, apr_hash_t *h)
{
    apr_array_header_t *keys = apr_array_make(pool, (int)apr_hash_count(h), sizeof(const char *));
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(pool, h); hi; hi = apr_hash_next(hi)) {
        const void *k;
        apr_hash_this(hi, &k, NULL, NULL);
        APR_ARRAY_PUSH(keys, const char *) = k;
    }
    qsort(keys->elts, (size_t)keys->nelts, sizeof(const char *), cmp_str);
    return keys;
}

static json_t *by_entity_json(stats_t *t)
{
    apr_array_header_t *keys = sorted_keys(t->pool, t->entities), *acts;
    json_t *arr = json_array();
    int i, j;

    for (i = 0; i < keys->nelts; i++) {
        const char *name = APR_ARRAY_IDX(keys, i, const char *);
        entity_count_t *ec = apr_hash_get(t->entities, name, APR_HASH_KEY_STRING);
        json_t *by_action = json_object();

        acts = sorted_keys(t->pool, ec->actions);
        for (j = 0; j < acts->nelts; j++) {
            const char *a = APR_ARRAY_IDX(acts, j, const char *);
            long *n = apr_hash_get(ec->actions, a, APR_HASH_KEY_STRING);
            json_object_set_new(by_action, a, json_integer(*n));
        }
        json_array_append_new(arr, json_pack("{s:s, s:I, s:o}", "entity", name, "total",
                                             (json_int_t)ec->total, "byAction", by_action));
    }
    return arr;
}

typedef struct {
    const char *id;
    long count;
} actor_count_t;

static int cmp_actor(const void *a, const void *b)
{
    const actor_count_t *x = a, *y = b;

    if (x->count != y->count) {
        return x->count > y->count ? -1 : 1;
    }
    return strcmp(x->id, y->id);
}

static json_t *top_actors_json(stats_t *t)
{
    int n = (int)apr_hash_count(t->actors), i = 0;
    actor_count_t *all = apr_pcalloc(t->pool, sizeof(*all) * (size_t)(n ? n : 1));
    apr_hash_index_t *hi;
    json_t *arr = json_array();

    for (hi = apr_hash_first(t->pool, t->actors); hi; hi = apr_hash_next(hi)) {
        const void *k;
        void *v;
        apr_hash_this(hi, &k, NULL, &v);
        all[i].id = k;
        all[i++].count = *(long *)v;
    }
    qsort(all, (size_t)n, sizeof(*all), cmp_actor);
    for (i = 0; i < n && i < TOP_ACTORS; i++) {
        json_array_append_new(
            arr, json_pack("{s:s, s:I}", "actorId", all[i].id, "count", (json_int_t)all[i].count));
    }
    return arr;
}

int rz_h_audit_stats(rz_req_t *rq)
{
    rz_vctx_t v;
    rz_cond_t c[3];
    rz_sess_t *s = NULL;
    stats_t t;
    int n = 0;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (query_at_range(&v, rq->query, c, &n) != 0) {
        return rz_respond_validation(rq->r, v.details);
    }
    t.pool = rq->pool;
    t.total = 0;
    t.entities = apr_hash_make(rq->pool);
    t.actors = apr_hash_make(rq->pool);
    if ((st = rz_req_store(rq, &s)) != RZ_OK || (st = stats_scan(s, &t, c, n)) != RZ_OK) {
        return store_fail(rq, s, st);
    }
    return rz_respond_data(
        rq->r, HTTP_OK,
        rz_json_pool_own(rq->pool,
                         json_pack("{s:I, s:o, s:o}", "total", (json_int_t)t.total, "byEntity",
                                   by_entity_json(&t), "topActors", top_actors_json(&t))),
        NULL);
}

/* ---- verify -----------------------------------------------------------------------------------
 */

int rz_h_audit_verify(rz_req_t *rq)
{
    rz_vctx_t v;
    rz_sess_t *s = NULL;
    json_t *result = NULL;
    long from = 1;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (rz_query_int(&v, rq->query, "fromSeq", 1, RZ_JSON_MAX_SAFE_INT, &from) != 0) {
        return rz_respond_validation(rq->r, v.details);
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK
        || (st = rz_audit_verify(s, (int64_t)from, &result)) != RZ_OK) {
        return store_fail(rq, s, st);
    }
    return rz_respond_data(rq->r, HTTP_OK, result, NULL);
}
