/* ctl_admin.c: creates the first super_admin from the command line (no public registration). */
#include "ctl/ctl_admin.h"

#include <apr_strings.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/rz_password.h"
#include "services/rz_audit.h"
#include "core/rz_text.h"
#include "services/rz_userdoc.h"

static int usage_error(const char *msg)
{
    fprintf(stderr, "ruzizi-ctl: create-admin: %s\n", msg);
    return 2;
}

/* Reads the password from the first line of stdin (without its newline) into buf. */
static int read_password(char *buf, size_t len)
{
    if (!fgets(buf, (int)len, stdin)) {
        return -1;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int create(rz_sess_t *s, apr_pool_t *p, const rz_user_spec_t *u, int force)
{
    static const char *const keys[] = {"users:super_admin", RZ_AUDIT_KEY};
    rz_actor_t actor = {NULL, "system", NULL, "ruzizi-ctl", NULL};
    json_t *doc;
    const char *id;
    long admins = 0;
    rz_status_t st;

    if ((st = rz_store_begin(s, keys, 2)) != RZ_OK) {
        fprintf(stderr, "ruzizi-ctl: create-admin: store: %s\n", rz_store_last_error(s));
        return 1;
    }
    if ((st = rz_userdoc_count_active_admins(s, &admins)) != RZ_OK) {
        goto store_error;
    }
    if (admins > 0 && !force) {
        rz_store_rollback(s);
        fprintf(stderr, "ruzizi-ctl: create-admin: an active super_admin exists (use --force)\n");
        return 1;
    }
    doc = rz_userdoc_new(p, u, RZ_PW_INTERACTIVE);
    if (!doc) {
        rz_store_rollback(s);
        fprintf(stderr, "ruzizi-ctl: create-admin: out of memory while hashing\n");
        return 1;
    }
    st = rz_store_insert(s, RZ_USERS, doc, &id);
    if (st == RZ_CONFLICT) {
        rz_store_rollback(s);
        fprintf(stderr, "ruzizi-ctl: create-admin: that email is already used\n");
        return 1;
    }
    if (st != RZ_OK
        || (st = rz_audit_append(s, &actor, "user.create", "user", id, NULL,
                                 rz_audit_changes(p, NULL, doc), NULL, NULL))
               != RZ_OK
        || (st = rz_store_commit(s)) != RZ_OK) {
        goto store_error;
    }
    printf("%s\n", id);
    return 0;
store_error:
    fprintf(stderr, "ruzizi-ctl: create-admin: store: %s\n", rz_store_last_error(s));
    rz_store_rollback(s);
    return 1;
}

int ctl_create_admin(rz_sess_t *s, apr_pool_t *p, int argc, char **argv)
{
    rz_user_spec_t u = {.role = "super_admin", .language = "fr"};
    char password[256];
    const char *policy;
    int i, force = 0, rc;

    for (i = 0; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--force") == 0) {
            force = 1;
        } else if (strcmp(argv[i], "--email") == 0 && v) {
            u.email = rz_email_normalize(p, v), i++;
            if (!u.email) {
                return usage_error("--email is not a valid email address");
            }
        } else if (strcmp(argv[i], "--first-name") == 0 && v) {
            u.first_name = rz_text_trim(p, v), i++;
        } else if (strcmp(argv[i], "--last-name") == 0 && v) {
            u.last_name = rz_text_trim(p, v), i++;
        } else {
            return usage_error(apr_psprintf(p, "unexpected argument %s", argv[i]));
        }
    }
    if (!u.email || !u.first_name || !u.last_name) {
        return usage_error("--email, --first-name and --last-name are required");
    }
    if (!*u.first_name || !*u.last_name || rz_text_codepoints(u.first_name) > 50
        || rz_text_codepoints(u.last_name) > 50) {
        return usage_error("names must have 1..50 characters");
    }
    if (read_password(password, sizeof(password)) != 0) {
        return usage_error("the password is read from standard input (one line)");
    }
    if ((policy = rz_password_policy(password, u.email)) != NULL) {
        sodium_memzero(password, sizeof(password));
        return usage_error(apr_psprintf(p, "password %s", policy));
    }
    u.password = password;
    rc = create(s, p, &u, force);
    sodium_memzero(password, sizeof(password));
    return rc;
}
