/* rz_notifications.c: list, unread count, mark read and read-all of one's own notifications
 * (SPEC 4.12, 7.11). */
#include "domain/rz_notifications.h"

#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"
#include "services/rz_notify.h"
#include "core/rz_query.h"
#include "core/rz_time.h"
#include "core/rz_validate.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_write.h"

/* Unread notifications marked per store round-trip by read-all. */
#define READ_ALL_BATCH 200

static const char *const notif_types[] = {
    "booking_new",
    "booking_expired",
    "booking_no_show",
    "expense_submitted",
    "expense_approved",
    "expense_rejected",
    "leave_requested",
    "leave_approved",
    "leave_rejected",
    "payroll_paid",
    "performance_submitted",
    "maintenance_assigned",
    "maintenance_urgent",
    "contract_expiring",
    "invoice_overdue",
    "leave_pending_reminder",
    "backup_failed",
    "email_failed",
    NULL,
};

/* The output fields of a Notification, in order (SPEC 4.12); never `version`. */
static const char *const out_fields[] = {
    "id",     "userId", "establishmentId", "type",      "title", "message", "data",
    "readAt", "read",   "createdAt",       "updatedAt", NULL,
};

/* An action POST takes `{}`: any field is unknown. */
static const rz_field_t empty_schema[] = {{.name = NULL}};

/* The public view of a stored notification: the fields above, null when missing; `read` is derived
 * from readAt. Owned by `pool`. */
static json_t *notif_out(apr_pool_t *pool, const json_t *doc)
{
    json_t *o = rz_json_pool_own(pool, json_object());
    const char *const *f;

    for (f = out_fields; *f; f++) {
        json_t *v = json_object_get(doc, *f);
        json_object_set(o, *f, v ? v : json_null());
    }
    json_object_set_new(o, "read", json_boolean(json_is_string(json_object_get(doc, "readAt"))));
    return o;
}

/* Answers a store failure (rz_respond_store_error with the session's message). */
static int store_fail(rz_req_t *rq, rz_sess_t *s, rz_status_t st)
{
    return rz_respond_store_error(rq, st, s ? rz_store_last_error(s) : NULL);
}

static int not_found(rz_req_t *rq)
{
    return rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Notification not found", NULL);
}

int rz_h_notifications_list(rz_req_t *rq)
{
    rz_vctx_t v;
    rz_page_t page;
    rz_cond_t c[3];
    rz_query_t q;
    rz_sess_t *s = NULL;
    json_t *types = NULL, *rows = NULL, *data, *e;
    int unread = -1, n = 0;
    long total = 0;
    size_t i;
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    rz_query_page(&v, rq->query, &page);
    rz_query_bool(&v, rq->query, "unread", &unread);
    rz_query_enum_list(&v, rq->query, "type", notif_types, &types);
    if (!rz_v_ok(&v)) {
        return rz_respond_validation(rq, v.details);
    }
    c[n++] =
        (rz_cond_t){"userId", RZ_EQ, rz_json_pool_own(rq->pool, json_string(rq->who->user_id))};
    if (unread >= 0) {
        /* `read` is stored with readAt (rz_notify_user, mark read): false <=> readAt null */
        c[n++] = (rz_cond_t){"read", RZ_EQ, unread ? json_false() : json_true()};
    }
    if (types) {
        c[n++] = (rz_cond_t){"type", RZ_IN, types};
    }
    q = (rz_query_t){c, n, NULL, 0, "createdAt", 1, (page.page - 1) * page.limit, page.limit, 1};
    if ((st = rz_req_store(rq, &s)) != RZ_OK
        || (st = rz_store_find(s, RZ_NOTIFY_COLL, &q, &rows, &total)) != RZ_OK) {
        return store_fail(rq, s, st);
    }
    data = rz_json_pool_own(rq->pool, json_array());
    json_array_foreach (rows, i, e) {
        json_array_append(data, notif_out(rq->pool, e));
    }
    return rz_respond_list(rq, data, rz_pagination_json(rq->pool, &page, total));
}

/* Counts the caller's unread notifications into *count. */
static rz_status_t count_unread(rz_req_t *rq, rz_sess_t *s, long *count)
{
    rz_cond_t c[2] = {
        {"userId", RZ_EQ, rz_json_pool_own(rq->pool, json_string(rq->who->user_id))},
        {"read", RZ_EQ, json_false()},
    };
    rz_query_t q = {c, 2, NULL, 0, NULL, 0, 0, 0, 0};

    return rz_store_count(s, RZ_NOTIFY_COLL, &q, count);
}

int rz_h_notifications_unread_count(rz_req_t *rq)
{
    rz_sess_t *s = NULL;
    long count = 0;
    rz_status_t st;

    if ((st = rz_req_store(rq, &s)) != RZ_OK || (st = count_unread(rq, s, &count)) != RZ_OK) {
        return store_fail(rq, s, st);
    }
    return rz_respond_data(
        rq, RZ_HTTP_OK,
        rz_json_pool_own(rq->pool, json_pack("{s:I}", "unreadCount", (json_int_t)count)), NULL);
}

/* Step (9) of an action POST: the body must be {}. Returns 0, or -1 after answering 400. */
static int check_empty_body(rz_req_t *rq)
{
    rz_vctx_t v;

    rz_vctx_init(&v, rq->pool);
    if (!rz_validate(&v, empty_schema, rq->body, RZ_V_CREATE)) {
        rz_respond_validation(rq, v.details);
        return -1;
    }
    return 0;
}

/* Reads notification `id` if it belongs to the caller: RZ_OK, RZ_NOT_FOUND (missing or someone
 * else's) or the store's status. */
static rz_status_t get_own(rz_req_t *rq, rz_sess_t *s, const char *id, json_t **doc)
{
    rz_status_t st = rz_store_get(s, RZ_NOTIFY_COLL, id, doc);
    const char *owner;

    if (st != RZ_OK) {
        return st;
    }
    owner = json_string_value(json_object_get(*doc, "userId"));
    return owner && strcmp(owner, rq->who->user_id) == 0 ? RZ_OK : RZ_NOT_FOUND;
}

/* The readAt/read/updatedAt change that marks one notification read now. */
static rz_update_t mark_read_update(apr_pool_t *pool)
{
    char ts[21];
    rz_update_t u = {NULL, NULL, NULL};

    rz_timestamp_format(rz_now(), ts);
    u.set = rz_json_pool_own(
        pool, json_pack("{s:s, s:b, s:s}", "readAt", ts, "read", 1, "updatedAt", ts));
    return u;
}

/* Inside the unit of work: re-reads the notification (a concurrent request may have marked it),
 * marks it read and audits the change. *out gets the document to answer with; *changed is 0 when
 * it was already read (nothing written). */
static rz_status_t mark_one(rz_write_t *w, const char *id, json_t **out, int *changed)
{
    rz_update_t u;
    json_t *before = NULL, *after = NULL;
    rz_status_t st = get_own(w->rq, w->s, id, &before);

    *changed = 0;
    if (st != RZ_OK) {
        return st;
    }
    if (json_is_string(json_object_get(before, "readAt"))) {
        *out = before;
        return RZ_OK;
    }
    *changed = 1;
    u = mark_read_update(w->rq->pool);
    if ((st = rz_store_update(w->s, RZ_NOTIFY_COLL, id, &u, -1, &after)) != RZ_OK) {
        return st;
    }
    *out = after;
    return rz_write_audit(w, "notification.read", "notification", id,
                          json_string_value(json_object_get(before, "establishmentId")), before,
                          after, NULL);
}

int rz_h_notification_read(rz_req_t *rq)
{
    const char *id = rz_req_param(rq, 0);
    rz_sess_t *s = NULL;
    rz_write_t w;
    json_t *doc = NULL;
    int changed = 0;
    rz_status_t st;

    if (check_empty_body(rq) != 0) {
        return rq->res.status;
    }
    if (!id || !rz_id_valid(id)) {
        return not_found(rq);
    }
    /* a first read outside the unit of work: 404 and "already read" take no write lock */
    if ((st = rz_req_store(rq, &s)) == RZ_OK) {
        st = get_own(rq, s, id, &doc);
    }
    if (st == RZ_NOT_FOUND) {
        return not_found(rq);
    }
    if (st != RZ_OK) {
        return store_fail(rq, s, st);
    }
    if (!json_is_string(json_object_get(doc, "readAt"))) {
        if (rz_write_begin(&w, rq, NULL, 0) != 0) {
            return rq->res.status;
        }
        st = mark_one(&w, id, &doc, &changed);
        if (st == RZ_NOT_FOUND) {
            rz_store_rollback(w.s);
            return not_found(rq);
        }
        if (st != RZ_OK) {
            return rz_write_fail(&w, st);
        }
        if (!changed) {
            rz_store_rollback(w.s); /* marked meanwhile: unchanged, nothing audited */
        } else if (rz_write_commit(&w) != 0) {
            return rq->res.status;
        }
    }
    return rz_respond_data(rq, RZ_HTTP_OK, notif_out(rq->pool, doc), NULL);
}

/* Inside the unit of work: marks the caller's unread notifications read, batch by batch (the
 * unit of work's reads see its own writes, so marked ones leave the filter). *updated counts them.
 */
static rz_status_t mark_all(rz_write_t *w, long *updated)
{
    rz_cond_t c[2] = {
        {"userId", RZ_EQ, rz_json_pool_own(w->rq->pool, json_string(w->rq->who->user_id))},
        {"read", RZ_EQ, json_false()},
    };
    rz_query_t q = {c, 2, NULL, 0, NULL, 0, 0, READ_ALL_BATCH, 0};
    rz_update_t u = mark_read_update(w->rq->pool);
    rz_status_t st;

    *updated = 0;
    for (;;) {
        json_t *rows = NULL, *e;
        size_t i;

        if ((st = rz_store_find(w->s, RZ_NOTIFY_COLL, &q, &rows, NULL)) != RZ_OK) {
            return st;
        }
        json_array_foreach (rows, i, e) {
            const char *id = json_string_value(json_object_get(e, "id"));
            if ((st = rz_store_update(w->s, RZ_NOTIFY_COLL, id, &u, -1, NULL)) != RZ_OK) {
                return st;
            }
            (*updated)++;
        }
        if (json_array_size(rows) < READ_ALL_BATCH) {
            return RZ_OK;
        }
        json_array_clear(rows);
    }
}

int rz_h_notifications_read_all(rz_req_t *rq)
{
    rz_write_t w;
    long updated = 0;
    json_t *meta;
    rz_status_t st;

    if (check_empty_body(rq) != 0 || rz_write_begin(&w, rq, NULL, 0) != 0) {
        return rq->res.status;
    }
    if ((st = mark_all(&w, &updated)) != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (updated == 0) {
        rz_store_rollback(w.s); /* nothing changed: nothing to commit or audit */
    } else {
        meta = rz_json_pool_own(rq->pool, json_pack("{s:I}", "updated", (json_int_t)updated));
        st = rz_write_audit(&w, "notification.read_all", "notification", NULL, rq->who->est_id,
                            NULL, NULL, meta);
        if (st != RZ_OK) {
            return rz_write_fail(&w, st);
        }
        if (rz_write_commit(&w) != 0) {
            return rq->res.status;
        }
    }
    return rz_respond_data(
        rq, RZ_HTTP_OK,
        rz_json_pool_own(rq->pool, json_pack("{s:I}", "updated", (json_int_t)updated)), NULL);
}
