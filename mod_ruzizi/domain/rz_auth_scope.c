/* rz_auth_scope.c: the caller's role and establishment scope, scoped loads and per-key rate limits
 * for handlers. */
#include "domain/rz_auth_scope.h"

#include <apr_strings.h>
#include <string.h>

#include "auth/rz_ratelimit.h"
#include "core/rz_id.h"
#include "core/rz_json.h"

int rz_auth_is_sa(const rz_req_t *rq)
{
    return rq->who && strcmp(rq->who->role, "super_admin") == 0;
}

const char *rz_auth_client_key(rz_req_t *rq)
{
    char *key = apr_palloc(rq->pool, RZ_RL_CLIENT_KEY_MAX);

    rz_rl_client_key(rq->client_ip, key, RZ_RL_CLIENT_KEY_MAX);
    return key;
}

int rz_auth_rate_limit(rz_req_t *rq, int scope, const char *key)
{
    int retry = 1;

    if (rq->ops->rate(rq, scope, key, 1, &retry)) {
        return 0;
    }
    apr_table_setn(rq->res.headers, "Retry-After", apr_itoa(rq->pool, retry < 1 ? 1 : retry));
    rz_respond_error(rq, RZ_HTTP_TOO_MANY_REQUESTS, "RATE_LIMITED", "Too many requests", NULL);
    return -1;
}

int rz_auth_in_scope(const rz_req_t *rq, const char *est_id)
{
    if (!rq->who) {
        return 0;
    }
    if (strcmp(rq->who->role, "super_admin") == 0) {
        return 1;
    }
    return est_id && rq->who->est_id && strcmp(est_id, rq->who->est_id) == 0;
}

int rz_auth_load_scoped(rz_req_t *rq, const char *coll, const char *what, rz_sess_t **s,
                        json_t **doc)
{
    const char *id = rz_req_param(rq, 0);
    rz_status_t st = RZ_NOT_FOUND;

    if (rz_id_valid(id)) {
        if ((st = rz_req_store(rq, s)) != RZ_OK) {
            rz_respond_store_error(rq, st, NULL);
            return -1;
        }
        st = rz_store_get(*s, coll, id, doc);
        if (st == RZ_OK && !rz_auth_in_scope(rq, rz_json_str(*doc, "establishmentId"))) {
            st = RZ_NOT_FOUND;
        }
    }
    if (st == RZ_NOT_FOUND) {
        rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND",
                         apr_pstrcat(rq->pool, what, " not found", NULL), NULL);
        return -1;
    }
    if (st != RZ_OK) {
        rz_respond_store_error(rq, st, rz_store_last_error(*s));
        return -1;
    }
    return 0;
}
