/* mod_ruzizi.c: the module record and the hook bodies (config checks, child init, raw paths,
 * handler). */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

#include "apr_file_io.h"
#include "apr_hash.h"
#include "apr_strings.h"

#include <curl/curl.h>
#include <sodium.h>
#include <sys/stat.h>

#include "rz_config.h"
#include "rz_private.h"
#include "rz_routes.h"
#include "rz_shm.h"
#include "rz_slots.h"

#include "domain/rz_image_proc.h"
#include "domain/rz_system.h"
#include "http/rz_auth.h"
#include "http/rz_request.h"
#include "http/rz_response.h"
#include "http/rz_router.h"
#include "jobs/rz_jobs_runner.h"
#include "store/rz_store.h"

#define RZ_SECRET_MAX 4096

/* Reads a secret file at start-up (SPEC 8.12): refused when writable by group or others, a warning
 * when readable by them. Returns the trimmed content in p, or NULL with *err set. */
static const char *read_secret_file(apr_pool_t *p, server_rec *s, const char *directive,
                                    const char *path, const char **err)
{
    struct stat sb;
    apr_file_t *f;
    char buf[RZ_SECRET_MAX + 1];
    apr_size_t n = RZ_SECRET_MAX;
    char *text;
    size_t len;

    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        *err = apr_psprintf(p, "%s: cannot read %s", directive, path);
        return NULL;
    }
    if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
        *err = apr_psprintf(p, "%s: %s is writable by group or others; make it 0600 root",
                            directive, path);
        return NULL;
    }
    if (sb.st_mode & (S_IRGRP | S_IROTH)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     RZ_LOGNO(00101) "%s: %s is readable by group or others; make it 0600 root",
                     directive, path);
    }
    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, p) != APR_SUCCESS) {
        *err = apr_psprintf(p, "%s: cannot open %s", directive, path);
        return NULL;
    }
    if (apr_file_read(f, buf, &n) != APR_SUCCESS && n == 0) {
        n = 0;
    }
    apr_file_close(f);
    buf[n] = '\0';
    text = apr_pstrdup(p, buf);
    len = strlen(text);
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ')) {
        text[--len] = '\0';
    }
    if (!len) {
        *err = apr_psprintf(p, "%s: %s is empty", directive, path);
        return NULL;
    }
    sodium_memzero(buf, sizeof(buf));
    return text;
}

/* Reads RuziziStoreUriFile, RuziziJwtKeyFile and RuziziSmtpCredentialsFile of one server and
 * checks directives that go together. Returns NULL or the error (logged by the caller). */
static const char *load_server_secrets(apr_pool_t *pconf, server_rec *s, rz_srv_conf_t *sc)
{
    const char *err = NULL, *text;

    if (sc->store_uri_file && !sc->store_uri) {
        text = read_secret_file(pconf, s, "RuziziStoreUriFile", sc->store_uri_file, &err);
        if (!text) {
            return err;
        }
        if (strncmp(text, "sqlite:/", 8) != 0 && strncmp(text, "mongodb://", 10) != 0
            && strncmp(text, "mongodb+srv://", 14) != 0) {
            return apr_psprintf(pconf, "RuziziStoreUriFile: %s does not hold a store URI",
                                sc->store_uri_file);
        }
        sc->store_uri = text;
    }
    if (sc->jwt_key_file && !sc->jwt_keys) {
        text = read_secret_file(pconf, s, "RuziziJwtKeyFile", sc->jwt_key_file, &err);
        if (!text) {
            return err;
        }
        if (rz_jwt_keys_parse(pconf, text, &sc->jwt_keys, &err) != RZ_OK) {
            return apr_psprintf(pconf, "RuziziJwtKeyFile: %s: %s", sc->jwt_key_file, err);
        }
        sodium_memzero((char *)text, strlen(text));
    }
    if (sc->smtp_credentials_file && !sc->smtp_user) {
        char *colon;
        text = read_secret_file(pconf, s, "RuziziSmtpCredentialsFile", sc->smtp_credentials_file,
                                &err);
        if (!text) {
            return err;
        }
        colon = strchr(text, ':');
        if (!colon || colon == text) {
            return "RuziziSmtpCredentialsFile: expected user:password";
        }
        *colon = '\0';
        sc->smtp_user = text;
        sc->smtp_password = colon + 1;
    }
    if (sc->smtp_url && !sc->mail_from) {
        return "RuziziMailFrom: required when RuziziSmtpUrl is set";
    }
    return NULL;
}

/* check_config runs for `apachectl configtest` too, so bad files fail the test there. */
static int rz_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    server_rec *cur;

    if (sodium_init() < 0) { /* key memory comes from sodium_malloc */
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, RZ_LOGNO(00103) "libsodium failed to start");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (cur = s; cur; cur = cur->next) {
        const char *err = load_server_secrets(pconf, cur, rz_config_server(cur));
        if (err) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, cur, RZ_LOGNO(00102) "%s", err);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

static int rz_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    rz_shm_pre_config(pconf);
    return OK;
}

static int rz_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    rz_srv_conf_t *sc = rz_config_server(s);
    int rc;

    if (sodium_init() < 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, RZ_LOGNO(00104) "libsodium failed to start");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rc = rz_shm_post_config(pconf, s, sc->rate_entries ? sc->rate_entries : RZ_RL_DEFAULT_ENTRIES);
    if (rc != OK || (rc = rz_slots_post_config(pconf, s)) != OK) {
        return rc;
    }
    if (!sc->smtp_url) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     RZ_LOGNO(00110) "RuziziSmtpUrl is not set: emails stay queued in the outbox");
    }
    if (!sc->jwt_keys) {
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            RZ_LOGNO(00109) "RuziziJwtKeyFile is not set: authenticated routes answer 401");
    }
    if (!sc->upload_dir) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     RZ_LOGNO(00701) "RuziziUploadDir is not set: image uploads answer 503");
    }
    if (!rz_config_server(s)->store_uri) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     RZ_LOGNO(00105) "RuziziStore is not set: the API answers 503 until it is");
    }
    rz_system_mark_start();
    return OK;
}

/* Opens each distinct store once per child (never in the parent: MongoDB pools must not cross a
 * fork) and checks the deployment (replica set for MongoDB) with one clear log line. */
static void rz_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_hash_t *opened = apr_hash_make(pchild);
    unsigned costs_started = 0; /* bit per rz_pw_cost_t whose dummy hash is being built */
    server_rec *cur;

    if (sodium_init() < 0) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, RZ_LOGNO(00106) "libsodium failed to start");
        return;
    }
    /* libcurl's global state is not thread-safe to set up: once, before the job thread starts */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rz_shm_child_init(pchild, s);
    {
        const char *verr = NULL; /* libvips only after fork: a parent that used it deadlocks */
        if (rz_image_proc_child_init(&verr) != 0) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         RZ_LOGNO(00702) "libvips failed to start: %s (image uploads fail)",
                         verr ? verr : "-");
        }
    }
    rz_auth_child_init(pchild);
    for (cur = s; cur; cur = cur->next) {
        rz_srv_conf_t *sc = rz_config_server(cur);
        rz_store_t *st;
        const char *err = NULL;
        apr_pool_t *tmp;
        rz_sess_t *sess;

        /* built from the child's start, not by its first login with an unknown email (once per
         * cost and process, in the background: neither start nor shutdown waits for argon2id) */
        if (!(costs_started & (1u << rz_config_password_cost(sc)))) {
            costs_started |= 1u << rz_config_password_cost(sc);
            rz_password_dummy_prepare(rz_config_password_cost(sc));
        }
        if (!sc->store_uri) {
            continue;
        }
        st = apr_hash_get(opened, sc->store_uri, APR_HASH_KEY_STRING);
        if (st) {
            sc->store = st;
            continue;
        }
        if (rz_store_open(&st, sc->store_uri, pchild, &err) != RZ_OK) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, cur, RZ_LOGNO(00107) "store: %s", err);
            continue;
        }
        apr_hash_set(opened, sc->store_uri, APR_HASH_KEY_STRING, st);
        sc->store = st;
        if (apr_pool_create(&tmp, pchild) != APR_SUCCESS) {
            continue;
        }
        if (rz_store_session(&sess, st, tmp) == RZ_OK && rz_store_check(sess, &err) == RZ_INVALID) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, cur, RZ_LOGNO(00108) "store: %s", err);
        }
        apr_pool_destroy(tmp);
    }
    rz_jobs_start(pchild, s);
}

/* The raw-path rules of SPEC 2.1 must see the request line before httpd decodes and normalises
 * the path (and answers %2F / %00 itself with HTML). Also stamps every /api request with its id
 * and the security headers, so even httpd's own error responses carry them. */
static int rz_post_read_request(request_rec *r)
{
    const char *path = r->parsed_uri.path;

    if (!path || strncmp(path, "/api", 4) != 0 || (path[4] != '\0' && path[4] != '/')) {
        return DECLINED;
    }
    rz_response_prepare(r, rz_request_id(r));
    if (rz_route_raw_path_rejected(path)) {
        rz_router_reject_raw_path(r);
    } else if (r->method_number == M_TRACE) {
        /* httpd's core answers TRACE (TraceEnable off: HTML 405) before any handler: answer it
         * here with the envelope; DONE ends the request after this response. */
        rz_router_answer_trace(r, &rz_route_list);
        return DONE;
    }
    return DECLINED;
}

#ifdef RZ_TEST_HOOKS
/* `SetHandler ruzizi-trivial` (test builds): the constant answer that benchmarks compare every
 * endpoint with, measured in the same run on the same server (tests/bench). */
static int rz_trivial_handler(request_rec *r)
{
    static const char body[] = "{\"success\":true,\"data\":null}";

    ap_set_content_type(r, "application/json; charset=utf-8");
    ap_set_content_length(r, sizeof(body) - 1);
    if (!r->header_only) {
        ap_rwrite(body, sizeof(body) - 1, r);
    }
    return OK;
}
#endif

static int rz_handler(request_rec *r)
{
    if (!r->handler) {
        return DECLINED;
    }
#ifdef RZ_TEST_HOOKS
    if (strcmp(r->handler, "ruzizi-trivial") == 0) {
        return rz_trivial_handler(r);
    }
#endif
    if (strcmp(r->handler, "ruzizi") != 0) {
        return DECLINED;
    }
    return rz_router_handle(r, &rz_route_list);
}

static void rz_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(rz_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(rz_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(rz_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(rz_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_read_request(rz_post_read_request, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_handler(rz_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

/* not AP_DECLARE_MODULE: rz_private.h already did APLOG_USE_MODULE(ruzizi) for this file */
module AP_MODULE_DECLARE_DATA ruzizi_module = {
    STANDARD20_MODULE_STUFF, rz_config_create_dir,   rz_config_merge_dir,
    rz_config_create_server, rz_config_merge_server, rz_cmds,
    rz_register_hooks,       AP_MODULE_FLAG_NONE,
};
