/* rz_config.h: per-server and per-directory configuration of mod_ruzizi, and getters with defaults.
 */
#ifndef RZ_CONFIG_H
#define RZ_CONFIG_H

#include "httpd.h"
#include "http_config.h"
#include "apr_tables.h"

#include "store/rz_store.h"

#define RZ_DEFAULT_JSON_BODY_LIMIT 65536

typedef struct {
    const char *store_uri; /* RuziziStore, or the content of RuziziStoreUriFile (after check) */
    const char *store_uri_file; /* RuziziStoreUriFile */
    int store_set;              /* 1 when RuziziStore was given in this server's context */
    apr_off_t json_body_limit;  /* RuziziJsonBodyLimit at server level; 0 = unset */
    apr_array_header_t
        *cors_origins; /* RuziziCorsOrigins: const char * exact origins; NULL = unset */
    rz_store_t *store; /* per child: opened in child_init (pchild), NULL in the parent */
} rz_srv_conf_t;

typedef struct {
    apr_off_t json_body_limit; /* RuziziJsonBodyLimit inside <Location>; 0 = inherit */
} rz_dir_conf_t;

void *rz_config_create_server(apr_pool_t *p, server_rec *s);
void *rz_config_merge_server(apr_pool_t *p, void *base, void *add);
void *rz_config_create_dir(apr_pool_t *p, char *dir);
void *rz_config_merge_dir(apr_pool_t *p, void *base, void *add);

/* Getters: never NULL; apply the defaults of SPEC 8.12. */
rz_srv_conf_t *rz_config_server(const server_rec *s);
apr_off_t rz_config_json_body_limit(const request_rec *r);

/* 1 when `origin` is exactly one of RuziziCorsOrigins. */
int rz_config_cors_allowed(const server_rec *s, const char *origin);

extern const command_rec rz_cmds[];

#endif
