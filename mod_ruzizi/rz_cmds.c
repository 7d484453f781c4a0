/* rz_cmds.c: the directive table of mod_ruzizi and thin setters (scope check, parse, error string).
 */
#include "rz_config.h"
#include "rz_private.h"

#include "apr_strings.h"
#include "http_config.h"

#include <ctype.h>
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

static const char *set_json_body_limit(cmd_parms *cmd, void *dcv, const char *arg)
{
    rz_dir_conf_t *dc = dcv;
    char *end = NULL;
    apr_int64_t n;

    errno = 0;
    n = apr_strtoi64(arg, &end, 10);
    if (errno || !end || *end || end == arg || n < 1 || n > 1073741824) {
        return "RuziziJsonBodyLimit: expected a number of bytes between 1 and 1073741824";
    }
    if (cmd->path) {
        dc->json_body_limit = (apr_off_t)n;
    } else {
        rz_config_server(cmd->server)->json_body_limit = (apr_off_t)n;
    }
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

const command_rec rz_cmds[] = {
    AP_INIT_TAKE1("RuziziStore", set_store, NULL, RSRC_CONF,
                  "store URI: sqlite:/path/file.db, mongodb://... or mongodb+srv://..."),
    AP_INIT_TAKE1("RuziziStoreUriFile", set_store_uri_file, NULL, RSRC_CONF,
                  "file (root-only) holding the store URI, for credentials"),
    AP_INIT_TAKE1("RuziziJsonBodyLimit", set_json_body_limit, NULL, RSRC_CONF | ACCESS_CONF,
                  "maximum JSON request body in bytes (default 65536)"),
    AP_INIT_ITERATE("RuziziCorsOrigins", add_cors_origin, NULL, RSRC_CONF,
                    "exact origins allowed for CORS (default none)"),
    {NULL}};
