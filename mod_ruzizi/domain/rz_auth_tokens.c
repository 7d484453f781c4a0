/* rz_auth_tokens.c: signs access tokens, stores hashed rotating refresh tokens, and keeps the
 * persistent per-email login lockout. */
#include "domain/rz_auth_tokens.h"

#include "apr_strings.h"

#include "auth/rz_jwt.h"
#include "auth/rz_token.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "services/rz_sessions.h"
#include "domain/rz_auth_scope.h"

#define REFRESH_TTL (7 * 86400)
#define FAMILY_TTL (30 * 86400)
#define UA_MAX 256

static const char *ts(apr_pool_t *p, int64_t epoch)
{
    char *buf = apr_palloc(p, 21);

    rz_timestamp_format(epoch, buf);
    return buf;
}

/* The User-Agent cut at UA_MAX code points (SPEC 4.2), or NULL. */
static const char *user_agent(rz_req_t *rq)
{
    const char *ua = rq->user_agent;
    const char *p;
    size_t n = 0;

    if (!ua) {
        return NULL;
    }
    for (p = ua; *p; p++) {
        if (((unsigned char)*p & 0xc0) != 0x80 && n++ == UA_MAX) {
            return apr_pstrmemdup(rq->pool, ua, (apr_size_t)(p - ua));
        }
    }
    return ua;
}

static json_t *store_session(rz_write_t *w, const json_t *user, const char *family_id,
                             const json_t *parent, int64_t started, const char *token_hash,
                             rz_status_t *st)
{
    int64_t now = rz_now();
    int64_t expires =
        now + REFRESH_TTL < started + FAMILY_TTL ? now + REFRESH_TTL : started + FAMILY_TTL;
    const char *ua = user_agent(w->rq), *ip = w->rq->client_ip;
    json_t *doc = json_pack(
        "{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:n, s:n, s:n, s:o, s:o, s:s, s:s}", "userId",
        json_string_value(json_object_get(user, "id")), "familyId", family_id, "tokenHash",
        token_hash, "parentId", parent ? json_incref(json_object_get(parent, "id")) : json_null(),
        "issuedAt", ts(w->rq->pool, now), "expiresAt", ts(w->rq->pool, expires), "familyStartedAt",
        ts(w->rq->pool, started), "usedAt", "revokedAt", "revokedReason", "ip",
        ip ? json_string(ip) : json_null(), "userAgent", ua ? json_string(ua) : json_null(),
        "createdAt", ts(w->rq->pool, now), "updatedAt", ts(w->rq->pool, now));

    rz_json_pool_own(w->rq->pool, doc);
    *st = doc ? rz_store_insert(w->s, RZ_SESSIONS, doc, NULL) : RZ_ERROR;
    return *st == RZ_OK ? doc : NULL;
}

json_t *rz_tokens_issue(rz_write_t *w, const json_t *user, const char *family_id,
                        const json_t *parent, int64_t family_started, rz_status_t *st)
{
    const rz_settings_t *sc = w->rq->conf;
    char refresh[RZ_TOKEN_LEN + 1], hash[65], jti[33], *fam;
    rz_jwt_claims_t c;
    const char *access;
    json_t *out;

    if (!family_id) {
        fam = apr_palloc(w->rq->pool, RZ_ID_LEN + 1);
        rz_id_new(fam);
        family_id = fam;
        family_started = rz_now();
    }
    rz_token_new(refresh);
    rz_sha256_hex(refresh, RZ_TOKEN_LEN, hash);
    if (!store_session(w, user, family_id, parent, family_started, hash, st)) {
        return NULL;
    }
    rz_hex32_new(jti);
    c.sub = json_string_value(json_object_get(user, "id"));
    c.role = json_string_value(json_object_get(user, "role"));
    c.est = json_string_value(json_object_get(user, "establishmentId"));
    c.sid = family_id;
    c.jti = jti;
    c.iat = c.nbf = rz_now();
    c.exp = c.iat + RZ_ACCESS_TTL;
    access = sc->jwt_keys
                 ? rz_jwt_sign(w->rq->pool, sc->jwt_keys, sc->jwt_issuer, sc->jwt_audience, &c)
                 : NULL;
    if (!access) {
        *st = RZ_ERROR;
        return NULL;
    }
    out = json_pack("{s:s, s:s, s:i}", "accessToken", access, "refreshToken", refresh, "expiresIn",
                    RZ_ACCESS_TTL);
    sodium_memzero(refresh, sizeof(refresh));
    *st = RZ_OK;
    return rz_json_pool_own(w->rq->pool, out);
}

rz_status_t rz_throttle_get(rz_sess_t *s, apr_pool_t *p, const char *email, json_t **doc,
                            const char **hash)
{
    const char *folded = rz_text_fold(p, email);
    char *h = apr_palloc(p, 65);
    rz_cond_t c;
    rz_status_t st;

    rz_sha256_hex(folded, strlen(folded), h);
    *hash = h;
    c = (rz_cond_t){"emailHash", RZ_EQ, rz_json_pool_own(p, json_string(h))};
    st = rz_store_find_one(s, RZ_THROTTLE, &c, 1, doc);
    if (st == RZ_NOT_FOUND) {
        *doc = NULL;
        return RZ_OK;
    }
    return st;
}

int64_t rz_throttle_locked_for(const json_t *doc, int64_t now)
{
    const char *until = doc ? json_string_value(json_object_get(doc, "lockedUntil")) : NULL;
    int64_t t;

    if (!until || rz_datetime_parse(until, &t) != 0 || t <= now) {
        return 0;
    }
    return t - now;
}

rz_status_t rz_throttle_fail(rz_sess_t *s, const json_t *doc, const char *hash)
{
    int64_t now = rz_now(), n = doc ? json_integer_value(json_object_get(doc, "failures")) + 1 : 1;
    char when[21], until[21];
    json_t *set;
    rz_update_t u = {0};
    rz_status_t st;

    rz_timestamp_format(now, when);
    if (n >= 5) {
        int64_t minutes = n - 5 >= 6 ? 60 : (int64_t)1 << (n - 5);
        rz_timestamp_format(now + 60 * (minutes > 60 ? 60 : minutes), until);
    }
    set = json_pack("{s:I, s:s, s:s, s:s}", "failures", (json_int_t)n, "lastFailureAt", when,
                    "lockedUntil", n >= 5 ? until : "", "updatedAt", when);
    if (n < 5) {
        json_object_set_new(set, "lockedUntil", json_null());
    }
    if (!doc) {
        json_object_set_new(set, "emailHash", json_string(hash));
        json_object_set_new(set, "createdAt", json_string(when));
        st = rz_store_insert(s, RZ_THROTTLE, set, NULL);
    } else {
        u.set = set;
        st = rz_store_update(s, RZ_THROTTLE, json_string_value(json_object_get(doc, "id")), &u, -1,
                             NULL);
    }
    json_decref(set);
    return st;
}

rz_status_t rz_throttle_clear(rz_sess_t *s, const json_t *doc)
{
    if (!doc || json_integer_value(json_object_get(doc, "failures")) == 0) {
        return RZ_OK;
    }
    return rz_store_delete(s, RZ_THROTTLE, json_string_value(json_object_get(doc, "id")));
}

rz_status_t rz_tokens_revoke_jti(rz_sess_t *s, const char *jti, int64_t exp)
{
    char when[21];
    json_t *doc;
    rz_status_t st;

    rz_timestamp_format(exp, when);
    doc = json_pack("{s:s, s:s}", "jti", jti, "expiresAt", when);
    st = rz_store_insert(s, RZ_REVOKED, doc, NULL);
    json_decref(doc);
    return st == RZ_CONFLICT ? RZ_OK : st;
}
