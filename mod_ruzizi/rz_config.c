/* rz_config.c: creation and merging of mod_ruzizi's configuration structs, and their getters. */
#include "rz_config.h"
#include "rz_private.h"

#include "apr_strings.h"

void *rz_config_create_server(apr_pool_t *p, server_rec *s)
{
    return apr_pcalloc(p, sizeof(rz_srv_conf_t));
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
    return c;
}

void *rz_config_create_dir(apr_pool_t *p, char *dir)
{
    return apr_pcalloc(p, sizeof(rz_dir_conf_t));
}

void *rz_config_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    rz_dir_conf_t *base = basev, *add = addv;
    rz_dir_conf_t *c = apr_pcalloc(p, sizeof(*c));

    c->json_body_limit = add->json_body_limit ? add->json_body_limit : base->json_body_limit;
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
