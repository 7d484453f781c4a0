/* ruzizi-ctl.c: the operator's command-line tool (SPEC 8.10, 8.12): migrate, genkey, routes. */
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rz_json.h"
#include "ctl/ctl_admin.h"
#include "ctl/ctl_audit.h"
#include "ctl/ctl_seed.h"
#include "domain/rz_route.h"
#include "store/rz_migrations.h"
#include "store/rz_store.h"

#define EXIT_CHECK 1 /* a failed check or operation */
#define EXIT_USAGE 2 /* bad command line */

typedef struct {
    apr_pool_t *pool;
    const char *store_uri; /* from --store, --store-uri-file or RUZIZI_STORE */
    int argc;              /* the command's own arguments */
    char **argv;
} ctl_t;

typedef int (*ctl_cmd_fn)(ctl_t *c);

static int fail(int code, const char *fmt, const char *arg)
{
    fprintf(stderr, "ruzizi-ctl: ");
    fprintf(stderr, fmt, arg ? arg : "");
    fputc('\n', stderr);
    return code;
}

/* Opens the store and leases a session, or prints one line and returns EXIT_CHECK. */
static int open_session(ctl_t *c, rz_sess_t **out)
{
    rz_store_t *st;
    const char *err = NULL;
    rz_status_t rv;

    if (!c->store_uri) {
        return fail(EXIT_USAGE, "no store: give --store URI, --store-uri-file FILE or RUZIZI_STORE",
                    NULL);
    }
    rv = rz_store_open(&st, c->store_uri, c->pool, &err);
    if (rv != RZ_OK) {
        return fail(rv == RZ_INVALID ? EXIT_USAGE : EXIT_CHECK, "store: %s", err);
    }
    rv = rz_store_session(out, st, c->pool);
    if (rv != RZ_OK) {
        return fail(EXIT_CHECK, "store: %s", *out ? rz_store_last_error(*out) : "unavailable");
    }
    return 0;
}

static int cmd_migrate(ctl_t *c)
{
    rz_sess_t *s;
    const char *err = NULL;
    int applied = 0, version = 0, rc = open_session(c, &s);

    if (rc) {
        return rc;
    }
    if (rz_store_check(s, &err) != RZ_OK) {
        return fail(EXIT_CHECK, "store check failed: %s", err ? err : rz_store_last_error(s));
    }
    if (rz_migrations_run(s, &applied, &err) != RZ_OK) {
        return fail(EXIT_CHECK, "migration failed: %s", err ? err : rz_store_last_error(s));
    }
    rz_migrations_current(s, &version);
    printf("store migrated to schema version %d (%d migration%s applied)\n", version, applied,
           applied == 1 ? "" : "s");
    return 0;
}

/* genkey: one key-file line "kid:base64url-key" (32 random bytes) for RuziziJwtKeyFile. */
static int cmd_genkey(ctl_t *c)
{
    unsigned char key[32], kid[4];
    char key64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    char kidhex[9];

    randombytes_buf(key, sizeof(key));
    randombytes_buf(kid, sizeof(kid));
    sodium_bin2hex(kidhex, sizeof(kidhex), kid, sizeof(kid));
    sodium_bin2base64(key64, sizeof(key64), key, sizeof(key),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    printf("%s:%s\n", kidhex, key64);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(key64, sizeof(key64));
    return 0;
}

/* routes: the route table as JSON lines, for the openapi.json agreement test. */
typedef struct {
    const char *method, *pattern;
    unsigned access, flags;
    const char *query, *summary;
} ctl_route_t;

#define RZ_ROUTE(method, pattern, handler, access, flags, query, summary)                          \
    {method, pattern, access, flags, query, summary},
static const ctl_route_t ctl_routes[] = {
#include "domain/rz_routes.def"
};
#undef RZ_ROUTE

static int cmd_routes(ctl_t *c)
{
    size_t i;

    for (i = 0; i < sizeof(ctl_routes) / sizeof(ctl_routes[0]); i++) {
        const ctl_route_t *rt = &ctl_routes[i];
        json_t *q = json_array();
        char *list = apr_pstrdup(c->pool, rt->query), *tok, *state = NULL;
        json_t *line;
        char *text;

        for (tok = apr_strtok(list, ",", &state); tok; tok = apr_strtok(NULL, ",", &state)) {
            json_array_append_new(q, json_string(tok));
        }
        line = json_pack("{s:s, s:s, s:s, s:o, s:b, s:b}", "method", rt->method, "path",
                         rt->pattern, "access", rz_access_name(rt->access), "query", q,
                         "idempotencyRequired", (rt->flags & RZ_RF_IK_REQUIRED) != 0,
                         "idempotencyRefused", (rt->flags & RZ_RF_IK_REFUSED) != 0);
        text = json_dumps(line, JSON_COMPACT);
        puts(text);
        free(text);
        json_decref(line);
    }
    return 0;
}

static int cmd_create_admin(ctl_t *c)
{
    rz_sess_t *s;
    int rc = open_session(c, &s);

    return rc ? rc : ctl_create_admin(s, c->pool, c->argc, c->argv);
}

static int cmd_seed_demo(ctl_t *c)
{
    const char *upload_dir = NULL;
    rz_sess_t *s;
    int i, rc, force = 0;

    for (i = 0; i < c->argc; i++) {
        if (strcmp(c->argv[i], "--upload-dir") == 0 && i + 1 < c->argc && c->argv[i + 1][0]) {
            upload_dir = c->argv[++i];
        } else if (strcmp(c->argv[i], "--force") == 0) {
            force = 1;
        } else {
            return fail(EXIT_USAGE, "seed-demo: unexpected argument %s (try --help)", c->argv[i]);
        }
    }
    if ((rc = open_session(c, &s)) != 0) {
        return rc;
    }
    return ctl_seed_demo(s, c->pool, upload_dir, force);
}

static int cmd_verify_audit(ctl_t *c)
{
    rz_sess_t *s;
    int rc = open_session(c, &s);

    return rc ? rc : ctl_verify_audit(s, c->argc, c->argv);
}

static const struct {
    const char *name;
    ctl_cmd_fn fn;
    const char *help;
} commands[] = {
    {"migrate", cmd_migrate, "apply missing store migrations (checks MongoDB is a replica set)"},
    {"create-admin", cmd_create_admin,
     "--email E --first-name F --last-name L [--force]; password on stdin"},
    {"seed-demo", cmd_seed_demo,
     "[--upload-dir DIR] [--force] add demo establishments, a user of each role (one shared, "
     "published password), units, clients, bookings in every state around today and, with DIR "
     "(RuziziUploadDir), generated images (idempotent); refused on a store with a super_admin "
     "of its own unless --force"},
    {"verify-audit", cmd_verify_audit, "[--from-seq N] verify the audit hash chain"},
    {"genkey", cmd_genkey, "print a fresh RuziziJwtKeyFile line kid:key"},
    {"routes", cmd_routes, "print the route table as JSON lines"},
};

static int usage(void)
{
    size_t i;

    fprintf(stderr, "usage: ruzizi-ctl [--store URI | --store-uri-file FILE] COMMAND [ARGS]\n"
                    "the store may also come from the environment variable RUZIZI_STORE\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(stderr, "  %-14s %s\n", commands[i].name, commands[i].help);
    }
    return EXIT_USAGE;
}

/* Reads the URI from a file (first line, trimmed); NULL when unreadable or empty. */
static const char *read_uri_file(apr_pool_t *p, const char *path)
{
    char buf[4096];
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f) {
        return NULL;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf[0] ? apr_pstrdup(p, buf) : NULL;
}

int main(int argc, char **argv)
{
    ctl_t c = {0};
    int i = 1, rc;
    size_t k;

    apr_app_initialize(&argc, (const char *const **)&argv, NULL);
    atexit(apr_terminate);
    if (sodium_init() < 0) {
        return fail(EXIT_CHECK, "libsodium failed to start", NULL);
    }
    if (apr_pool_create(&c.pool, NULL) != APR_SUCCESS) {
        return fail(EXIT_CHECK, "out of memory", NULL);
    }
    c.store_uri = getenv("RUZIZI_STORE");
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--store") == 0 && i + 1 < argc) {
            c.store_uri = argv[++i];
        } else if (strcmp(argv[i], "--store-uri-file") == 0 && i + 1 < argc) {
            c.store_uri = read_uri_file(c.pool, argv[++i]);
            if (!c.store_uri) {
                return fail(EXIT_USAGE, "cannot read a store URI from %s", argv[i]);
            }
        } else if (strcmp(argv[i], "--help") == 0) {
            usage();
            return 0;
        } else {
            return fail(EXIT_USAGE, "unknown option %s (try --help)", argv[i]);
        }
    }
    if (i >= argc) {
        return usage();
    }
    for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
        if (strcmp(argv[i], commands[k].name) == 0) {
            c.argc = argc - i - 1;
            c.argv = argv + i + 1;
            rc = commands[k].fn(&c);
            apr_pool_destroy(c.pool);
            return rc;
        }
    }
    return fail(EXIT_USAGE, "unknown command %s (try --help)", argv[i]);
}
