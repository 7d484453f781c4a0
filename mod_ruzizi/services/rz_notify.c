/* rz_notify.c: writing in-app notifications for one user or for every active user of a role. */
#include "services/rz_notify.h"

#include <string.h>

#include "core/rz_time.h"

static const char *const notify_types[] = {
    "booking_new",        "booking_expired",   "booking_no_show",       "expense_submitted",
    "expense_approved",   "expense_rejected",  "leave_requested",       "leave_approved",
    "leave_rejected",     "payroll_paid",      "performance_submitted", "maintenance_assigned",
    "maintenance_urgent", "contract_expiring", "invoice_overdue",       "leave_pending_reminder",
    "backup_failed",      "email_failed",
};

int rz_notify_type_valid(const char *type)
{
    size_t i;

    for (i = 0; type && i < sizeof(notify_types) / sizeof(notify_types[0]); i++) {
        if (strcmp(type, notify_types[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* A JSON string of at most `max` code points of valid UTF-8 `s`. */
static json_t *cut_string(const char *s, size_t max)
{
    size_t i = 0, cps = 0;

    while (s[i] && cps < max) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80) {
            i++;
        }
        cps++;
    }
    return json_stringn(s, i);
}

static json_t *opt_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

rz_status_t rz_notify_user(rz_sess_t *s, const char *user_id, const char *establishment_id,
                           const char *type, const char *title, const char *message,
                           const json_t *data)
{
    char now[21];
    json_t *doc;
    rz_status_t rv;

    if (!user_id || !rz_notify_type_valid(type) || !title || !*title || !message || !*message
        || (data && !json_is_object(data))) {
        return RZ_INVALID;
    }
    rz_timestamp_format(rz_now(), now);
    doc = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:n, s:b, s:s, s:s}", "userId", user_id,
                    "establishmentId", opt_string(establishment_id), "type", type, "title",
                    cut_string(title, RZ_NOTIFY_TITLE_MAX), "message",
                    cut_string(message, RZ_NOTIFY_MESSAGE_MAX), "data",
                    data ? json_deep_copy(data) : json_object(), "readAt", "read", 0, "createdAt",
                    now, "updatedAt", now);
    if (!doc) {
        return RZ_INVALID; /* a string that is not UTF-8 */
    }
    rv = rz_store_insert(s, RZ_NOTIFY_COLL, doc, NULL);
    json_decref(doc);
    return rv;
}

rz_status_t rz_notify_role(rz_sess_t *s, const char *establishment_id, const char *role,
                           const char *except_user_id, const char *type, const char *title,
                           const char *message, const json_t *data, int *notified)
{
    json_t *jrole = json_string(role ? role : ""), *jtrue = json_true();
    json_t *jest = establishment_id ? json_string(establishment_id) : NULL;
    rz_cond_t conds[3] = {
        {"role", RZ_EQ, jrole}, {"isActive", RZ_EQ, jtrue}, {"establishmentId", RZ_EQ, jest}};
    rz_query_t q;
    json_t *users = NULL, *u;
    size_t i;
    rz_status_t rv;
    int n = 0;

    memset(&q, 0, sizeof(q));
    q.all = conds;
    q.nall = jest && strcmp(role ? role : "", "super_admin") != 0 ? 3 : 2;
    q.sort = "createdAt";
    rv = jrole ? rz_store_find(s, RZ_USERS_COLL, &q, &users, NULL) : RZ_INVALID;
    json_array_foreach (users, i, u) {
        const char *uid = json_string_value(json_object_get(u, "id"));
        if (rv != RZ_OK || !uid || (except_user_id && strcmp(uid, except_user_id) == 0)) {
            continue;
        }
        rv = rz_notify_user(s, uid, establishment_id, type, title, message, data);
        n += rv == RZ_OK;
    }
    json_decref(jrole);
    json_decref(jest);
    if (notified) {
        *notified = n;
    }
    return rv;
}
