/* rz_config.c: creation and merging of mod_ruzizi's configuration structs, and their getters. */
#include "rz_config.h"
#include "rz_private.h"

#include "apr_strings.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "apr_atomic.h"
#include "apr_time.h"

#include "core/rz_time.h"

void *rz_config_create_server(apr_pool_t *p, server_rec *s)
{
    rz_srv_conf_t *c = apr_pcalloc(p, sizeof(*c));

    /* Every directive starts unset: the getters apply the defaults of SPEC 8.12, and
     * rz_config_merge_server lets a virtual host inherit what it leaves unset. One line per
     * directive's field, so that a new directive shows here too (test_conf_docs.py). */
    c->store_uri = NULL;                   /* RuziziStore (or the file's content) */
    c->store_uri_file = NULL;              /* RuziziStoreUriFile */
    c->store_set = 0;                      /* either of them */
    c->json_body_limit = 0;                /* RuziziJsonBodyLimit */
    c->image_body_limit = 0;               /* RuziziImageBodyLimit */
    c->upload_dir = NULL;                  /* RuziziUploadDir */
    c->cors_origins = NULL;                /* RuziziCorsOrigins */
    c->jwt_key_file = NULL;                /* RuziziJwtKeyFile */
    c->jwt_issuer = NULL;                  /* RuziziJwtIssuer */
    c->jwt_audience = NULL;                /* RuziziJwtAudience */
    c->password_cost = 0;                  /* RuziziPasswordCost */
    c->max_hashes = 0;                     /* RuziziMaxConcurrentHashes */
    c->max_decodes = 0;                    /* RuziziMaxConcurrentImageDecodes */
    memset(c->rates, 0, sizeof(c->rates)); /* RuziziRateLimit */
    memset(c->rate_set, 0, sizeof(c->rate_set));
    c->rate_entries = 0;             /* RuziziRateLimitEntries */
    c->public_base_url = NULL;       /* RuziziPublicBaseUrl */
    c->smtp_url = NULL;              /* RuziziSmtpUrl */
    c->smtp_credentials_file = NULL; /* RuziziSmtpCredentialsFile */
    c->mail_from = NULL;             /* RuziziMailFrom */
    c->test_clock_file = NULL;       /* RuziziTestClockFile */
    return c;
}

void *rz_config_merge_server(apr_pool_t *p, void *basev, void *addv)
{
    rz_srv_conf_t *base = basev, *add = addv;
    rz_srv_conf_t *c = apr_pcalloc(p, sizeof(*c));

    c->store_set = add->store_set || base->store_set;
    c->store_uri = add->store_set ? add->store_uri : base->store_uri;
    c->store_uri_file = add->store_set ? add->store_uri_file : base->store_uri_file;
    c->json_body_limit = add->json_body_limit ? add->json_body_limit : base->json_body_limit;
    c->cors_origins = add->cors_origins ? add->cors_origins : base->cors_origins;
#define RZ_MERGE(f) c->f = add->f ? add->f : base->f
    RZ_MERGE(image_body_limit);
    RZ_MERGE(upload_dir);
    RZ_MERGE(jwt_key_file);
    RZ_MERGE(jwt_keys);
    RZ_MERGE(jwt_issuer);
    RZ_MERGE(jwt_audience);
    RZ_MERGE(password_cost);
    RZ_MERGE(max_hashes);
    RZ_MERGE(max_decodes);
    RZ_MERGE(rate_entries);
    RZ_MERGE(public_base_url);
    RZ_MERGE(smtp_url);
    RZ_MERGE(smtp_credentials_file);
    RZ_MERGE(smtp_user);
    RZ_MERGE(smtp_password);
    RZ_MERGE(mail_from);
    RZ_MERGE(test_clock_file);
#undef RZ_MERGE
    for (int i = 0; i < RZ_RL_NSCOPES; i++) {
        c->rate_set[i] = add->rate_set[i] || base->rate_set[i];
        c->rates[i] = add->rate_set[i] ? add->rates[i] : base->rates[i];
    }
    return c;
}

void *rz_config_create_dir(apr_pool_t *p, char *dir)
{
    rz_dir_conf_t *c = apr_pcalloc(p, sizeof(*c));

    c->json_body_limit = 0;  /* RuziziJsonBodyLimit: inherit */
    c->image_body_limit = 0; /* RuziziImageBodyLimit: inherit */
    return c;
}

void *rz_config_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    rz_dir_conf_t *base = basev, *add = addv;
    rz_dir_conf_t *c = apr_pcalloc(p, sizeof(*c));

    c->json_body_limit = add->json_body_limit ? add->json_body_limit : base->json_body_limit;
    c->image_body_limit = add->image_body_limit ? add->image_body_limit : base->image_body_limit;
    return c;
}

rz_srv_conf_t *rz_config_server(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &ruzizi_module);
}

apr_off_t rz_config_json_body_limit(const request_rec *r)
{
    rz_dir_conf_t *d = ap_get_module_config(r->per_dir_config, &ruzizi_module);
    rz_srv_conf_t *sc = rz_config_server(r->server);

    if (d && d->json_body_limit) {
        return d->json_body_limit;
    }
    if (sc->json_body_limit) {
        return sc->json_body_limit;
    }
    return RZ_DEFAULT_JSON_BODY_LIMIT;
}

apr_off_t rz_config_image_body_limit(const request_rec *r)
{
    rz_dir_conf_t *d = ap_get_module_config(r->per_dir_config, &ruzizi_module);
    rz_srv_conf_t *sc = rz_config_server(r->server);

    if (d && d->image_body_limit) {
        return d->image_body_limit;
    }
    if (sc->image_body_limit) {
        return sc->image_body_limit;
    }
    return RZ_DEFAULT_IMAGE_BODY_LIMIT;
}

int rz_config_cors_allowed(const server_rec *s, const char *origin)
{
    rz_srv_conf_t *sc = rz_config_server(s);
    int i;

    if (!origin || !sc->cors_origins) {
        return 0;
    }
    for (i = 0; i < sc->cors_origins->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(sc->cors_origins, i, const char *), origin) == 0) {
            return 1;
        }
    }
    return 0;
}

const char *rz_config_jwt_issuer(const rz_srv_conf_t *sc)
{
    if (sc->jwt_issuer) {
        return sc->jwt_issuer;
    }
    return sc->public_base_url ? sc->public_base_url : RZ_DEFAULT_JWT_ISSUER;
}

const char *rz_config_jwt_audience(const rz_srv_conf_t *sc)
{
    return sc->jwt_audience ? sc->jwt_audience : RZ_DEFAULT_JWT_AUDIENCE;
}

rz_pw_cost_t rz_config_password_cost(const rz_srv_conf_t *sc)
{
    return sc->password_cost ? (rz_pw_cost_t)(sc->password_cost - 1) : RZ_PW_INTERACTIVE;
}

/* The number of CPU cores, the default of the concurrency caps. */
static int cpu_cores(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    return cores > 0 ? (int)cores : 1;
}

int rz_config_max_hashes(const rz_srv_conf_t *sc)
{
    return sc->max_hashes ? sc->max_hashes : cpu_cores();
}

int rz_config_max_decodes(const rz_srv_conf_t *sc)
{
    return sc->max_decodes ? sc->max_decodes : cpu_cores();
}

const rz_rate_t *rz_config_rate(const rz_srv_conf_t *sc, int scope)
{
    return sc->rate_set[scope] ? &sc->rates[scope] : rz_rl_default_rate(scope);
}

void rz_config_test_clock_tick(const server_rec *s)
{
#ifdef RZ_TEST_HOOKS
    static volatile apr_uint32_t last_read;
    const char *path = rz_config_server(s)->test_clock_file;
    apr_uint32_t now = (apr_uint32_t)apr_time_sec(apr_time_now());
    char buf[32];
    FILE *f;

    if (!path || apr_atomic_xchg32(&last_read, now) == now) {
        return;
    }
    f = fopen(path, "r");
    if (f) {
        if (fgets(buf, sizeof(buf), f)) {
            rz_clock_set_offset(strtoll(buf, NULL, 10));
        }
        fclose(f);
    }
#else
    (void)s;
#endif
}
