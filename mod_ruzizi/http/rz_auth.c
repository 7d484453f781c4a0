/* rz_auth.c: IP rate limit, Bearer JWT authentication against the stored user, and role rules. */
#include "http/rz_auth.h"

#include "rz_config.h"
#include "rz_private.h"
#include "rz_shm.h"

#include "apr_strings.h"
#include "apr_thread_mutex.h"
#include "http_protocol.h"

#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_time.h"
#include "domain/rz_route.h"

#define RZ_BEARER_MAX 4096

int rz_auth_rate_limit_ip(rz_req_t *rq)
{
    if (rq->route->flags & RZ_RF_NO_RATELIMIT) {
        return 0;
    }
    return rz_auth_rate_limit(rq, RZ_RL_API, rz_auth_client_key(rq));
}

static int unauthorized(rz_req_t *rq, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, rz_request_rec(rq),
                  RZ_LOGNO(00401) "token refused: %s", why);
    rz_respond_error(rq, HTTP_UNAUTHORIZED, "UNAUTHORIZED", "Authentication required", NULL);
    return -1;
}

/* Per-process cache of steps (6)-(7) (SPEC 8.5 allows the user record and revocations to be cached
 * <= 5 s per process): keyed by store and jti, valid for AUTH_CACHE_TTL seconds and only while the
 * server-wide write epoch is unchanged, so a logout, deactivation or revocation committed by any
 * process of this server invalidates every entry at once. An entry answers only a token with the
 * same store, jti, sub and sid as the one that filled it: two virtual hosts on two stores never
 * share a user, and a token that reuses a jti with another subject or session is checked anew. */
#define AUTH_CACHE_SLOTS 256
#define AUTH_CACHE_TTL 5

typedef struct {
    const rz_store_t *store; /* the store the user was read from */
    char jti[33];
    char sub[RZ_ID_LEN + 1];
    char sid[33];
    apr_uint32_t epoch;
    int64_t fetched;
    json_t *user; /* deep copy, touched only under auth_cache_mu */
} auth_cache_t;

static auth_cache_t auth_cache[AUTH_CACHE_SLOTS];
static apr_thread_mutex_t *auth_cache_mu;

static apr_status_t auth_cache_clear(void *data)
{
    int i;

    for (i = 0; i < AUTH_CACHE_SLOTS; i++) {
        json_decref(auth_cache[i].user);
        memset(&auth_cache[i], 0, sizeof(auth_cache[i]));
    }
    auth_cache_mu = NULL;
    return APR_SUCCESS;
}

void rz_auth_child_init(apr_pool_t *pchild)
{
    if (apr_thread_mutex_create(&auth_cache_mu, APR_THREAD_MUTEX_DEFAULT, pchild) != APR_SUCCESS) {
        auth_cache_mu = NULL; /* no cache: every request asks the store */
        return;
    }
    apr_pool_cleanup_register(pchild, NULL, auth_cache_clear, apr_pool_cleanup_null);
}

static auth_cache_t *auth_slot(const char *jti)
{
    return &auth_cache[strtoul(jti + 24, NULL, 16) % AUTH_CACHE_SLOTS]; /* jti is 32 hex */
}

/* 1 when entry e was filled for this store and these claims (caller holds auth_cache_mu). */
static int auth_cache_matches(const auth_cache_t *e, const rz_store_t *st, const rz_jwt_claims_t *c)
{
    return e->user && e->store == st && strcmp(e->jti, c->jti) == 0 && strcmp(e->sub, c->sub) == 0
           && strcmp(e->sid, c->sid) == 0;
}

/* A copy of the cached user for these claims on store st (owned by the request pool), or NULL. */
static json_t *auth_cache_get(rz_req_t *rq, const rz_store_t *st, const rz_jwt_claims_t *c)
{
    auth_cache_t *e = auth_slot(c->jti);
    json_t *user = NULL;

    if (!st || !auth_cache_mu || apr_thread_mutex_lock(auth_cache_mu) != APR_SUCCESS) {
        return NULL;
    }
    if (auth_cache_matches(e, st, c) && e->epoch == rz_shm_epoch()
        && rz_now() - e->fetched < AUTH_CACHE_TTL) {
        user = json_deep_copy(e->user);
    }
    apr_thread_mutex_unlock(auth_cache_mu);
    return rz_json_pool_own(rq->pool, user);
}

static void auth_cache_put(const rz_store_t *st, const rz_jwt_claims_t *c, apr_uint32_t epoch,
                           const json_t *user)
{
    auth_cache_t *e = auth_slot(c->jti);

    if (!st || strlen(c->sub) >= sizeof(e->sub) || strlen(c->sid) >= sizeof(e->sid)
        || !auth_cache_mu || apr_thread_mutex_lock(auth_cache_mu) != APR_SUCCESS) {
        return;
    }
    json_decref(e->user);
    e->user = json_deep_copy(user);
    e->store = st;
    apr_cpystrn(e->jti, c->jti, sizeof(e->jti));
    apr_cpystrn(e->sub, c->sub, sizeof(e->sub));
    apr_cpystrn(e->sid, c->sid, sizeof(e->sid));
    e->epoch = epoch;
    e->fetched = rz_now();
    apr_thread_mutex_unlock(auth_cache_mu);
}

static void fill_principal(rz_principal_t *who, const rz_jwt_claims_t *c, json_t *user)
{
    who->user_id = c->sub;
    who->role = json_string_value(json_object_get(user, "role"));
    who->est_id = json_string_value(json_object_get(user, "establishmentId"));
    who->sid = c->sid;
    who->jti = c->jti;
    who->exp = c->exp;
    who->user = user;
}

/* Steps (6)-(7) of SPEC 8.5 against the store: jti not revoked, user active, iat not before
 * sessionsValidAfter, family not revoked. Returns 0, 1 (refused, *why set) or -1 (response
 * already written: store error). */
static int check_stored_state(rz_req_t *rq, const rz_jwt_claims_t *c, rz_principal_t *who,
                              const char **why)
{
    rz_sess_t *s;
    rz_status_t st = rz_req_store(rq, &s);
    rz_cond_t cond[2];
    json_t *doc, *user;
    const char *sva;
    int64_t valid_after;

    if (st != RZ_OK) {
        rz_respond_store_error(rq, st, NULL);
        return -1;
    }
    cond[0] = (rz_cond_t){"jti", RZ_EQ, rz_json_pool_own(rq->pool, json_string(c->jti))};
    st = rz_store_find_one(s, "revoked_tokens", cond, 1, &doc);
    if (st == RZ_OK) {
        *why = "jti revoked";
        return 1;
    }
    if (st != RZ_NOT_FOUND) {
        rz_respond_store_error(rq, st, rz_store_last_error(s));
        return -1;
    }
    st = rz_store_get(s, "users", c->sub, &user);
    if (st == RZ_NOT_FOUND || (st == RZ_OK && !json_is_true(json_object_get(user, "isActive")))) {
        *why = "user missing or inactive";
        return 1;
    }
    if (st != RZ_OK) {
        rz_respond_store_error(rq, st, rz_store_last_error(s));
        return -1;
    }
    sva = json_string_value(json_object_get(user, "sessionsValidAfter"));
    if (sva && rz_datetime_parse(sva, &valid_after) == 0 && c->iat < valid_after) {
        *why = "issued before sessionsValidAfter";
        return 1;
    }
    cond[0] = (rz_cond_t){"familyId", RZ_EQ, rz_json_pool_own(rq->pool, json_string(c->sid))};
    cond[1] = (rz_cond_t){"revokedAt", RZ_NE, rz_json_pool_own(rq->pool, json_null())};
    st = rz_store_find_one(s, "refresh_sessions", cond, 2, &doc);
    if (st == RZ_OK) {
        *why = "session family revoked";
        return 1;
    }
    if (st != RZ_NOT_FOUND) {
        rz_respond_store_error(rq, st, rz_store_last_error(s));
        return -1;
    }
    fill_principal(who, c, user);
    return 0;
}

static unsigned role_bit(const char *role)
{
    if (!role) {
        return 0;
    }
    if (strcmp(role, "super_admin") == 0) {
        return RZ_ACC_SA;
    }
    if (strcmp(role, "manager") == 0) {
        return RZ_ACC_M;
    }
    return strcmp(role, "staff") == 0 ? RZ_ACC_ST : 0;
}

int rz_auth_authenticate(rz_req_t *rq)
{
    request_rec *r = rz_request_rec(rq);
    rz_srv_conf_t *sc = rz_config_server(r->server);
    const char *h = apr_table_get(r->headers_in, "Authorization"), *why = "no token";
    rz_jwt_claims_t claims;
    rz_principal_t *who;
    json_t *cached;
    int rc;

    if (rq->route->access & (RZ_ACC_PUBLIC | RZ_ACC_TEST)) {
        return 0;
    }
    if (!h || strncmp(h, "Bearer ", 7) != 0) {
        return unauthorized(rq, why);
    }
    h += 7;
    if (strlen(h) > RZ_BEARER_MAX) {
        return unauthorized(rq, "token too long");
    }
    if (!sc->jwt_keys) {
        return unauthorized(rq, "RuziziJwtKeyFile is not set");
    }
    if (rz_jwt_verify(rq->pool, sc->jwt_keys, h, rz_config_jwt_issuer(sc),
                      rz_config_jwt_audience(sc), rz_now(), &claims, &why)
        != 0) {
        return unauthorized(rq, why);
    }
    who = apr_pcalloc(rq->pool, sizeof(*who));
    cached = auth_cache_get(rq, sc->store, &claims);
    if (cached) {
        fill_principal(who, &claims, cached);
    } else {
        apr_uint32_t epoch = rz_shm_epoch(); /* read before the store: a later write wins */
        rc = check_stored_state(rq, &claims, who, &why);
        if (rc < 0) {
            return -1;
        }
        if (rc > 0) {
            return unauthorized(rq, why);
        }
        auth_cache_put(sc->store, &claims, epoch, who->user);
    }
    rq->who = who;
    if (!(rq->route->access & role_bit(who->role))) {
        rz_respond_error(rq, HTTP_FORBIDDEN, "FORBIDDEN", "Not allowed for your role", NULL);
        return -1;
    }
    return 0;
}
