/* rz_sessions.c: revocation of refresh-token families in the store. */
#include "services/rz_sessions.h"

#include <string.h>

#include "core/rz_json.h"
#include "core/rz_time.h"

/* Sets revokedAt/revokedReason on every unrevoked session matching `field` == `value`. */
static rz_status_t revoke_where(rz_sess_t *s, const char *field, const char *value,
                                const char *reason, long *count)
{
    json_t *v = json_string(value), *null = json_null(), *found = NULL, *doc;
    rz_cond_t c[2] = {{field, RZ_EQ, v}, {"revokedAt", RZ_EQ, null}};
    rz_query_t q;
    rz_update_t u = {0};
    char now[21];
    size_t i;
    long n = 0;
    rz_status_t st;

    memset(&q, 0, sizeof(q));
    q.all = c;
    q.nall = 2;
    rz_timestamp_format(rz_now(), now);
    st = rz_store_find(s, RZ_SESSIONS, &q, &found, NULL);
    u.set = json_pack("{s:s, s:s}", "revokedAt", now, "revokedReason", reason);
    json_array_foreach (st == RZ_OK ? found : NULL, i, doc) {
        const char *id = json_string_value(json_object_get(doc, "id"));
        if ((st = rz_store_update(s, RZ_SESSIONS, id, &u, -1, NULL)) != RZ_OK) {
            break;
        }
        n++;
    }
    json_decref(u.set);
    json_decref(v);
    json_decref(null);
    if (count) {
        *count = n;
    }
    return st;
}

rz_status_t rz_sessions_revoke_user(rz_sess_t *s, const char *user_id, const char *reason,
                                    long *count)
{
    return revoke_where(s, "userId", user_id, reason, count);
}

rz_status_t rz_sessions_revoke_family(rz_sess_t *s, const char *family_id, const char *reason,
                                      long *count)
{
    return revoke_where(s, "familyId", family_id, reason, count);
}
