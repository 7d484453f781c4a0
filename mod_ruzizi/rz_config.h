/* rz_config.h: per-server and per-directory configuration of mod_ruzizi, and getters with defaults.
 */
#ifndef RZ_CONFIG_H
#define RZ_CONFIG_H

#include "httpd.h"
#include "http_config.h"
#include "apr_tables.h"

#include "auth/rz_jwt.h"
#include "auth/rz_password.h"
#include "auth/rz_ratelimit.h"
#include "store/rz_store.h"

#define RZ_DEFAULT_JSON_BODY_LIMIT 65536
#define RZ_DEFAULT_IMAGE_BODY_LIMIT 10485760
#define RZ_DEFAULT_JWT_AUDIENCE "ruzizi-api"
#define RZ_DEFAULT_JWT_ISSUER "ruzizi"

/* The server configuration. Every field set by a directive names it in its comment: a test checks
 * that each directive has such a field, set in rz_config_create_server and merged in
 * rz_config_merge_server (tests/integration/test_conf_docs.py). */
typedef struct {
    /* RuziziStore, or the content of RuziziStoreUriFile (read by check_config) */
    const char *store_uri;
    const char *store_uri_file; /* RuziziStoreUriFile */
    int store_set;              /* 1: RuziziStore or RuziziStoreUriFile given in this context */
    apr_off_t json_body_limit;  /* RuziziJsonBodyLimit at server level; 0 = unset */
    apr_off_t image_body_limit; /* RuziziImageBodyLimit at server level; 0 = unset */
    const char *upload_dir;     /* RuziziUploadDir; NULL = uploads answer 503 */
    /* RuziziCorsOrigins: exact origins (const char *); NULL = unset */
    apr_array_header_t *cors_origins;

    const char *jwt_key_file; /* RuziziJwtKeyFile */
    rz_jwt_keys_t *jwt_keys;  /* parsed by check_config (root, parent), inherited by children */
    const char *jwt_issuer;   /* RuziziJwtIssuer; NULL = default */
    const char *jwt_audience; /* RuziziJwtAudience; NULL = default */
    int password_cost;        /* RuziziPasswordCost: 0 unset, 1 + rz_pw_cost_t */
    int max_hashes;           /* RuziziMaxConcurrentHashes; 0 = number of CPU cores */
    int max_decodes;          /* RuziziMaxConcurrentImageDecodes; 0 = number of CPU cores */
    rz_rate_t rates[RZ_RL_NSCOPES];        /* RuziziRateLimit overrides */
    unsigned char rate_set[RZ_RL_NSCOPES]; /* RuziziRateLimit: 1 where rates[] was set */
    int rate_entries;                      /* RuziziRateLimitEntries; 0 = default */
    const char *public_base_url;           /* RuziziPublicBaseUrl */
    const char *smtp_url;                  /* RuziziSmtpUrl */
    const char *smtp_credentials_file;     /* RuziziSmtpCredentialsFile (user:password) */
    const char *smtp_user, *smtp_password; /* read from that file by check_config */
    const char *mail_from;                 /* RuziziMailFrom */

    const char *test_clock_file; /* RuziziTestClockFile (test builds only) */

    rz_store_t *store; /* per child: opened in child_init (pchild), NULL in the parent */
} rz_srv_conf_t;

/* The directory configuration (directives allowed in <Location>, named the same way). */
typedef struct {
    apr_off_t json_body_limit;  /* RuziziJsonBodyLimit inside <Location>; 0 = inherit */
    apr_off_t image_body_limit; /* RuziziImageBodyLimit inside <Location>; 0 = inherit */
} rz_dir_conf_t;

void *rz_config_create_server(apr_pool_t *p, server_rec *s);
void *rz_config_merge_server(apr_pool_t *p, void *base, void *add);
void *rz_config_create_dir(apr_pool_t *p, char *dir);
void *rz_config_merge_dir(apr_pool_t *p, void *base, void *add);

/* Getters: never NULL; apply the defaults of SPEC 8.12. */
rz_srv_conf_t *rz_config_server(const server_rec *s);
apr_off_t rz_config_json_body_limit(const request_rec *r);
apr_off_t rz_config_image_body_limit(const request_rec *r); /* default 10 MiB (SPEC 8.3) */
const char *
rz_config_jwt_issuer(const rz_srv_conf_t *sc); /* issuer, else base URL, else "ruzizi" */
const char *rz_config_jwt_audience(const rz_srv_conf_t *sc); /* default "ruzizi-api" */
rz_pw_cost_t rz_config_password_cost(const rz_srv_conf_t *sc);
int rz_config_max_hashes(const rz_srv_conf_t *sc);
int rz_config_max_decodes(const rz_srv_conf_t *sc); /* default: CPU cores */
const rz_rate_t *rz_config_rate(const rz_srv_conf_t *sc, int scope);

/* 1 when `origin` is exactly one of RuziziCorsOrigins. */
int rz_config_cors_allowed(const server_rec *s, const char *origin);

extern const command_rec rz_cmds[];

/* Test builds: re-reads RuziziTestClockFile (at most once per second) into the clock offset of
 * rz_now(). A no-op in production builds and when the directive is unset. Thread-safe. */
void rz_config_test_clock_tick(const server_rec *s);

#endif
