/* ctl_audit.c: `ruzizi-ctl verify-audit`, the command-line face of rz_audit_verify (SPEC 8.6). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/rz_audit.h"
#include "ctl/ctl_audit.h"

#define CTL_EXIT_INVALID 1
#define CTL_EXIT_USAGE 2

/* Parses a decimal integer >= 1 with nothing after it; returns 0 or -1. */
static int parse_seq(const char *str, int64_t *out)
{
    char *end;
    long long v;

    if (!str || *str < '0' || *str > '9') {
        return -1;
    }
    errno = 0;
    v = strtoll(str, &end, 10);
    if (errno || *end || v < 1) {
        return -1;
    }
    *out = v;
    return 0;
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "ruzizi-ctl verify-audit: %s%s (usage: verify-audit [--from-seq N])\n", what,
            arg ? arg : "");
    return CTL_EXIT_USAGE;
}

/* Reads [--from-seq N] or [--from-seq=N]; returns 0 or the usage exit code. */
static int parse_args(int argc, char **argv, int64_t *from)
{
    int i;

    for (i = 0; i < argc; i++) {
        const char *val = NULL;

        if (strcmp(argv[i], "--from-seq") == 0) {
            if (i + 1 >= argc) {
                return usage_error("--from-seq needs a value", NULL);
            }
            val = argv[++i];
        } else if (strncmp(argv[i], "--from-seq=", 11) == 0) {
            val = argv[i] + 11;
        } else {
            return usage_error("unknown argument ", argv[i]);
        }
        if (parse_seq(val, from) != 0) {
            return usage_error("--from-seq must be an integer >= 1, not ", val);
        }
    }
    return 0;
}

int ctl_verify_audit(rz_sess_t *s, int argc, char **argv)
{
    int64_t from = 1;
    json_t *r = NULL;
    char *text;
    int rc = parse_args(argc, argv, &from);
    rz_status_t rv;

    if (rc) {
        return rc;
    }
    rv = rz_audit_verify(s, from, &r);
    if (rv != RZ_OK) {
        fprintf(stderr, "ruzizi-ctl verify-audit: store: %s (%s)\n", rz_status_name(rv),
                rz_store_last_error(s) ? rz_store_last_error(s) : "no detail");
        return CTL_EXIT_INVALID;
    }
    text = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
    printf("%s\n", text ? text : "{}");
    free(text);
    if (!json_is_true(json_object_get(r, "valid"))) {
        fprintf(stderr,
                "ruzizi-ctl verify-audit: the audit chain is broken at seq %" JSON_INTEGER_FORMAT
                " (%s)\n",
                json_integer_value(json_object_get(r, "firstInvalidSeq")),
                json_string_value(json_object_get(r, "reason")));
        return CTL_EXIT_INVALID;
    }
    return 0;
}
