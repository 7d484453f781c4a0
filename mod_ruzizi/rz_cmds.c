/* rz_cmds.c: the directive table of mod_ruzizi and thin setters (scope check, parse, error string).
 */
#include "rz_config.h"
#include "rz_private.h"

#include "apr_strings.h"
#include "http_config.h"

#include "services/rz_smtp.h"
#include "core/rz_text.h"

#include <ctype.h>
#include <strings.h>
#include <errno.h>
#include <stdlib.h>

/* Setters have no side effects (they also run in the short-lived `apachectl -k graceful` process):
 * they parse and validate only. Every error message starts with the directive's name. */

static int store_uri_valid(const char *uri)
{
    if (strncmp(uri, "sqlite:", 7) == 0) {
        return uri[7] == '/' && uri[8] != '\0';
    }
    return (strncmp(uri, "mongodb://", 10) == 0 && uri[10] != '\0')
           || (strncmp(uri, "mongodb+srv://", 14) == 0 && uri[14] != '\0');
}

static const char *set_store(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    if (err) {
        return err;
    }
    if (!store_uri_valid(arg)) {
        return "RuziziStore: expected sqlite:/absolute/path.db, mongodb://... or mongodb+srv://...";
    }
    if (sc->store_uri_file) {
        return "RuziziStore: cannot be combined with RuziziStoreUriFile";
    }
    sc->store_uri = arg;
    sc->store_set = 1;
    return NULL;
}

static const char *set_store_uri_file(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    if (err) {
        return err;
    }
    if (sc->store_set && sc->store_uri) {
        return "RuziziStoreUriFile: cannot be combined with RuziziStore";
    }
    sc->store_uri_file = ap_server_root_relative(cmd->pool, arg);
    if (!sc->store_uri_file) {
        return "RuziziStoreUriFile: invalid path";
    }
    sc->store_set = 1;
    return NULL;
}

/* RuziziJsonBodyLimit / RuziziImageBodyLimit: bytes in [1, 1 GiB], server or <Location>. The
 * field is chosen by the directive's name (cmd->info: 0 JSON, 1 image). */
static const char *set_body_limit(cmd_parms *cmd, void *dcv, const char *arg)
{
    rz_dir_conf_t *dc = dcv;
    int image = cmd->info != NULL;
    char *end = NULL;
    apr_int64_t n;

    errno = 0;
    n = apr_strtoi64(arg, &end, 10);
    if (errno || !end || *end || end == arg || n < 1 || n > 1073741824) {
        return apr_psprintf(cmd->pool, "%s: expected a number of bytes between 1 and 1073741824",
                            cmd->cmd->name);
    }
    if (cmd->path) {
        *(image ? &dc->image_body_limit : &dc->json_body_limit) = (apr_off_t)n;
    } else {
        rz_srv_conf_t *sc = rz_config_server(cmd->server);
        *(image ? &sc->image_body_limit : &sc->json_body_limit) = (apr_off_t)n;
    }
    return NULL;
}

/* RuziziUploadDir: an absolute directory (checked for existence when uploads run, not here:
 * setters touch nothing on disk). */
static const char *set_upload_dir(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    size_t n = strlen(arg);

    if (err) {
        return err;
    }
    if (arg[0] != '/' || n < 2 || n > 900 || strstr(arg, "/../") || strstr(arg, "/./")) {
        return "RuziziUploadDir: expected an absolute directory path";
    }
    sc->upload_dir = apr_pstrndup(cmd->pool, arg, arg[n - 1] == '/' ? n - 1 : n);
    return NULL;
}

/* An origin is scheme://host[:port] with no path, query or trailing slash (exact match later). */
static int origin_valid(const char *o)
{
    const char *host;

    if (strncmp(o, "https://", 8) == 0) {
        host = o + 8;
    } else if (strncmp(o, "http://", 7) == 0) {
        host = o + 7;
    } else {
        return 0;
    }
    if (!*host) {
        return 0;
    }
    for (; *host; host++) {
        if (!isalnum((unsigned char)*host) && !strchr(".-:[]", *host)) {
            return 0;
        }
    }
    return 1;
}

static const char *add_cors_origin(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    if (err) {
        return err;
    }
    if (!origin_valid(arg)) {
        return apr_psprintf(cmd->pool,
                            "RuziziCorsOrigins: '%s' is not an origin (scheme://host[:port])", arg);
    }
    if (!sc->cors_origins) {
        sc->cors_origins = apr_array_make(cmd->pool, 4, sizeof(const char *));
    }
    APR_ARRAY_PUSH(sc->cors_origins, const char *) = arg;
    return NULL;
}

/* Server-scope string directive stored at the offset given in cmd->info (no validation). */
static const char *set_server_path(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    const char *path;

    if (err) {
        return err;
    }
    path = ap_server_root_relative(cmd->pool, arg);
    if (!path) {
        return apr_psprintf(cmd->pool, "%s: invalid path", cmd->cmd->name);
    }
    *(const char **)((char *)sc + (size_t)cmd->info) = path;
    return NULL;
}

static const char *set_server_token(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    const char *p;

    if (err) {
        return err;
    }
    if (!*arg || strlen(arg) > 200) {
        return apr_psprintf(cmd->pool, "%s: expected 1..200 characters", cmd->cmd->name);
    }
    for (p = arg; *p; p++) {
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
            return apr_psprintf(cmd->pool, "%s: printable ASCII without spaces only",
                                cmd->cmd->name);
        }
    }
    *(const char **)((char *)sc + (size_t)cmd->info) = arg;
    return NULL;
}

static const char *set_public_base_url(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    size_t n = strlen(arg);

    if (strncmp(arg, "https://", 8) != 0 || n < 9 || n > 200 || arg[n - 1] == '/'
        || strpbrk(arg, " ?#\"")) {
        return "RuziziPublicBaseUrl: expected an https:// URL without a trailing slash";
    }
    sc->public_base_url = arg;
    return NULL;
}

static const char *set_password_cost(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);

    if (strcasecmp(arg, "interactive") == 0) {
        sc->password_cost = 1 + RZ_PW_INTERACTIVE;
    } else if (strcasecmp(arg, "moderate") == 0) {
        sc->password_cost = 1 + RZ_PW_MODERATE;
    } else {
        return "RuziziPasswordCost: expected interactive or moderate";
    }
    return NULL;
}

/* Positive integer in [1, max] for the int field at cmd->info. */
static const char *set_server_count(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    long max = strcmp(cmd->cmd->name, "RuziziRateLimitEntries") == 0 ? RZ_RL_MAX_ENTRIES : 1024;
    long min = strcmp(cmd->cmd->name, "RuziziRateLimitEntries") == 0 ? RZ_RL_MIN_ENTRIES : 1;
    char *end = NULL;
    long n;

    errno = 0;
    n = strtol(arg, &end, 10);
    if (errno || !end || *end || end == arg || n < min || n > max) {
        return apr_psprintf(cmd->pool, "%s: expected a whole number from %ld to %ld",
                            cmd->cmd->name, min, max);
    }
    *(int *)((char *)sc + (size_t)cmd->info) = (int)n;
    return NULL;
}

static const char *set_rate_limit(cmd_parms *cmd, void *dc, const char *scope, const char *rate,
                                  const char *burst)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    int i = rz_rl_scope_from_name(scope);
    const char *err = NULL;

    if (i < 0) {
        return apr_psprintf(cmd->pool, "RuziziRateLimit: unknown scope '%s'", scope);
    }
    if (rz_rate_parse(rate, burst, &sc->rates[i], &err) != 0) {
        return apr_psprintf(cmd->pool, "RuziziRateLimit: %s", err);
    }
    sc->rate_set[i] = 1;
    return NULL;
}

static const char *set_smtp_url(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    const char *err = NULL;

    if (rz_smtp_url_check(arg, &err) != 0) {
        return apr_psprintf(cmd->pool, "RuziziSmtpUrl: %s", err);
    }
    sc->smtp_url = arg;
    return NULL;
}

static const char *set_mail_from(cmd_parms *cmd, void *dc, const char *arg)
{
    rz_srv_conf_t *sc = rz_config_server(cmd->server);
    const char *email = rz_email_normalize(cmd->pool, arg);

    if (!email) {
        return "RuziziMailFrom: expected an email address";
    }
    sc->mail_from = email;
    return NULL;
}

#define RZ_OFF(f) ((void *)APR_OFFSETOF(rz_srv_conf_t, f))

const command_rec rz_cmds[] = {
    AP_INIT_TAKE1("RuziziStore", set_store, NULL, RSRC_CONF,
                  "store URI: sqlite:/path/file.db, mongodb://... or mongodb+srv://..."),
    AP_INIT_TAKE1("RuziziStoreUriFile", set_store_uri_file, NULL, RSRC_CONF,
                  "file (root-only) holding the store URI, for credentials"),
    AP_INIT_TAKE1("RuziziJsonBodyLimit", set_body_limit, NULL, RSRC_CONF | ACCESS_CONF,
                  "maximum JSON request body in bytes (default 65536)"),
    AP_INIT_TAKE1("RuziziImageBodyLimit", set_body_limit, (void *)1, RSRC_CONF | ACCESS_CONF,
                  "maximum image upload body in bytes (default 10485760)"),
    AP_INIT_TAKE1("RuziziUploadDir", set_upload_dir, NULL, RSRC_CONF,
                  "directory of image renditions (default none: uploads answer 503)"),
    AP_INIT_ITERATE("RuziziCorsOrigins", add_cors_origin, NULL, RSRC_CONF,
                    "exact origins allowed for CORS (default none)"),
    AP_INIT_TAKE1("RuziziJwtKeyFile", set_server_path, RZ_OFF(jwt_key_file), RSRC_CONF,
                  "root-only file of kid:base64url-key lines (>= 32-byte keys); first signs"),
    AP_INIT_TAKE1("RuziziJwtIssuer", set_server_token, RZ_OFF(jwt_issuer), RSRC_CONF,
                  "access token iss (default RuziziPublicBaseUrl, else ruzizi)"),
    AP_INIT_TAKE1("RuziziJwtAudience", set_server_token, RZ_OFF(jwt_audience), RSRC_CONF,
                  "access token aud (default ruzizi-api)"),
    AP_INIT_TAKE1("RuziziPublicBaseUrl", set_public_base_url, NULL, RSRC_CONF,
                  "https base URL of links in emails"),
    AP_INIT_TAKE1("RuziziPasswordCost", set_password_cost, NULL, RSRC_CONF,
                  "argon2id cost: interactive (default) or moderate"),
    AP_INIT_TAKE1("RuziziMaxConcurrentHashes", set_server_count, RZ_OFF(max_hashes), RSRC_CONF,
                  "server-wide cap on concurrent password hashes (default: CPU cores)"),
    AP_INIT_TAKE1("RuziziMaxConcurrentImageDecodes", set_server_count, RZ_OFF(max_decodes),
                  RSRC_CONF, "server-wide cap on concurrent image decodes (default: CPU cores)"),
    AP_INIT_TAKE23("RuziziRateLimit", set_rate_limit, NULL, RSRC_CONF,
                   "RuziziRateLimit <scope> <n/s|n/min|n/h> [burst]"),
    AP_INIT_TAKE1("RuziziRateLimitEntries", set_server_count, RZ_OFF(rate_entries), RSRC_CONF,
                  "size of the shared rate-limit table (default 65536)"),
    AP_INIT_TAKE1("RuziziSmtpUrl", set_smtp_url, NULL, RSRC_CONF,
                  "smtps://host:465 or smtp://host:587 (STARTTLS); plain smtp:// to loopback only"),
    AP_INIT_TAKE1("RuziziSmtpCredentialsFile", set_server_path, RZ_OFF(smtp_credentials_file),
                  RSRC_CONF, "root-only file holding user:password for the SMTP relay"),
    AP_INIT_TAKE1("RuziziMailFrom", set_mail_from, NULL, RSRC_CONF, "sender address of emails"),
#ifdef RZ_TEST_HOOKS
    AP_INIT_TAKE1("RuziziTestClockFile", set_server_path, RZ_OFF(test_clock_file), RSRC_CONF,
                  "test builds only: file holding seconds added to the server clock"),
#endif
    {NULL},
};
