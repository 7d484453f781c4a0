/* rz_userdoc.c: builds stored User documents and answers the few chain-wide questions about them.
 */
#include "services/rz_userdoc.h"

#include <sodium.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_time.h"

json_t *rz_userdoc_new(apr_pool_t *p, const rz_user_spec_t *u, rz_pw_cost_t cost)
{
    char hash[crypto_pwhash_STRBYTES], now[21];
    json_t *doc;

    if (rz_password_hash(u->password, cost, hash) != 0) {
        return NULL;
    }
    rz_timestamp_format(rz_now(), now);
    doc = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:b, s:s, s:n, s:n, s:n, s:o, s:s, s:s}",
                    "email", u->email, "passwordHash", hash, "firstName", u->first_name, "lastName",
                    u->last_name, "phone", u->phone ? json_string(u->phone) : json_null(), "role",
                    u->role, "establishmentId", u->est_id ? json_string(u->est_id) : json_null(),
                    "isActive", 1, "preferredLanguage", u->language ? u->language : "fr",
                    "lastLoginAt", "passwordChangedAt", "sessionsValidAfter", "createdBy",
                    u->created_by ? json_string(u->created_by) : json_null(), "createdAt", now,
                    "updatedAt", now);
    sodium_memzero(hash, sizeof(hash));
    return rz_json_pool_own(p, doc);
}

rz_status_t rz_userdoc_count_active_admins(rz_sess_t *s, long *count)
{
    json_t *role = json_string("super_admin");
    rz_cond_t c[2] = {{"role", RZ_EQ, role}, {"isActive", RZ_EQ, json_true()}};
    rz_query_t q;
    rz_status_t st;

    memset(&q, 0, sizeof(q));
    q.all = c;
    q.nall = 2;
    st = rz_store_count(s, RZ_USERS, &q, count);
    json_decref(role);
    return st;
}
