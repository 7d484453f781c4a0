/* rz_jobs.c: job leases by compare-and-set on one document per job, due times, and the purge job.
 */
#include "services/rz_jobs.h"

#include <string.h>

#include "core/rz_time.h"

#define DAY_S 86400LL

static json_t *find_lease(rz_sess_t *s, const char *job, rz_status_t *rv)
{
    json_t *jjob = json_string(job), *doc = NULL;
    rz_cond_t c = {"job", RZ_EQ, jjob};

    *rv = jjob ? rz_store_find_one(s, RZ_JOBS_COLL, &c, 1, &doc) : RZ_INVALID;
    json_decref(jjob);
    return *rv == RZ_OK ? doc : NULL;
}

rz_status_t rz_job_get(rz_sess_t *s, const char *job, json_t **doc)
{
    rz_status_t rv;

    *doc = find_lease(s, job, &rv);
    return rv;
}

/* 1 if doc's lease is held by someone other than `owner` and has not expired at `now`. */
static int held_by_other(const json_t *doc, const char *owner, const char *now)
{
    const char *cur = json_string_value(json_object_get(doc, "owner"));
    const char *until = json_string_value(json_object_get(doc, "leaseUntil"));

    return cur && until && strcmp(cur, owner) != 0 && strcmp(until, now) > 0;
}

static int holds(const json_t *doc, const char *owner)
{
    const char *cur = json_string_value(json_object_get(doc, "owner"));

    return cur && strcmp(cur, owner) == 0;
}

/* Compare-and-set of `set` (stolen) on the lease document as read. */
static rz_status_t cas(rz_sess_t *s, const json_t *doc, json_t *set)
{
    rz_update_t u = {set, NULL, NULL};
    rz_status_t rv;

    rv = set ? rz_store_update(s, RZ_JOBS_COLL, json_string_value(json_object_get(doc, "id")), &u,
                               json_integer_value(json_object_get(doc, "version")), NULL)
             : RZ_ERROR;
    json_decref(set);
    return rv;
}

/* First use of a job: insert the document already held by `owner`. *created is 1 when ours. */
static rz_status_t create_lease(rz_sess_t *s, const char *job, const char *owner, const char *now,
                                const char *until, int *created)
{
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:n, s:n, s:s, s:s}", "job", job, "owner", owner, "leaseUntil",
                  until, "lastRunAt", "lastResult", "createdAt", now, "updatedAt", now);
    rz_status_t rv = doc ? rz_store_insert(s, RZ_JOBS_COLL, doc, NULL) : RZ_INVALID;

    json_decref(doc);
    *created = rv == RZ_OK;
    return rv == RZ_CONFLICT ? RZ_OK : rv; /* someone else created it: compete on it */
}

rz_status_t rz_job_try_lease(rz_sess_t *s, const char *job, const char *owner, int lease_s,
                             int *acquired)
{
    char now[21], until[21];
    int64_t t = rz_now();
    json_t *doc;
    rz_status_t rv;

    *acquired = 0;
    if (!job || !*job || !owner || !*owner || lease_s < 1) {
        return RZ_INVALID;
    }
    rz_timestamp_format(t, now);
    rz_timestamp_format(t + lease_s, until);
    doc = find_lease(s, job, &rv);
    if (rv == RZ_NOT_FOUND) {
        if ((rv = create_lease(s, job, owner, now, until, acquired)) != RZ_OK || *acquired) {
            return rv;
        }
        doc = find_lease(s, job, &rv);
    }
    if (rv != RZ_OK || held_by_other(doc, owner, now)) {
        return rv;
    }
    rv = cas(s, doc,
             json_pack("{s:s, s:s, s:s}", "owner", owner, "leaseUntil", until, "updatedAt", now));
    *acquired = rv == RZ_OK;
    return rv == RZ_VERSION_MISMATCH ? RZ_OK : rv;
}

rz_status_t rz_job_renew(rz_sess_t *s, const char *job, const char *owner, int lease_s)
{
    char now[21], until[21];
    int64_t t = rz_now();
    json_t *doc;
    rz_status_t rv;

    if (!owner || lease_s < 1) {
        return RZ_INVALID;
    }
    if (!(doc = find_lease(s, job, &rv))) {
        return rv;
    }
    if (!holds(doc, owner)) {
        return RZ_VERSION_MISMATCH;
    }
    rz_timestamp_format(t, now);
    rz_timestamp_format(t + lease_s, until);
    return cas(s, doc, json_pack("{s:s, s:s}", "leaseUntil", until, "updatedAt", now));
}

rz_status_t rz_job_release(rz_sess_t *s, const char *job, const char *owner, const char *result)
{
    char now[21];
    json_t *doc;
    rz_status_t rv;

    if (!owner) {
        return RZ_INVALID;
    }
    if (!(doc = find_lease(s, job, &rv))) {
        return rv;
    }
    if (!holds(doc, owner)) {
        return RZ_VERSION_MISMATCH;
    }
    rz_timestamp_format(rz_now(), now);
    return cas(s, doc,
               json_pack("{s:n, s:n, s:s, s:o, s:s}", "owner", "leaseUntil", "lastRunAt", now,
                         "lastResult", result ? json_string(result) : json_null(), "updatedAt",
                         now));
}

int rz_job_due(const json_t *lease_doc, int64_t now, int every_s)
{
    const char *last = json_string_value(json_object_get(lease_doc, "lastRunAt"));
    int64_t t;

    if (!last || rz_datetime_parse(last, &t) != 0) {
        return 1;
    }
    return t + every_s <= now;
}

/* ---- purge ---------------------------------------------------------------------------------- */

typedef struct {
    const char *coll;
    const char *field;  /* timestamp compared with RZ_LT */
    int64_t age_s;      /* deleted when field < now - age_s */
    const char *status; /* and, when set, status == this */
} purge_rule_t;

static const purge_rule_t purge_rules[] = {
    {"idempotency", "expiresAt", 0, NULL},    {"refresh_sessions", "expiresAt", 30 * DAY_S, NULL},
    {"revoked_tokens", "expiresAt", 0, NULL}, {"reset_tokens", "expiresAt", 0, NULL},
    {"outbox", "sentAt", 30 * DAY_S, "sent"}, {"notifications", "readAt", 180 * DAY_S, NULL},
};

static rz_status_t purge_one(rz_sess_t *s, const purge_rule_t *r, int64_t now, long *deleted)
{
    char cut[21];
    json_t *jcut, *jstatus = r->status ? json_string(r->status) : NULL;
    rz_cond_t c[2];
    rz_status_t rv;

    rz_timestamp_format(now - r->age_s, cut);
    jcut = json_string(cut);
    c[0].field = r->field;
    c[0].op = RZ_LT;
    c[0].value = jcut;
    c[1].field = "status";
    c[1].op = RZ_EQ;
    c[1].value = jstatus;
    rv = rz_store_delete_many(s, r->coll, c, jstatus ? 2 : 1, deleted);
    json_decref(jcut);
    json_decref(jstatus);
    return rv;
}

rz_status_t rz_purge_run(rz_sess_t *s, int64_t now, json_t **counts)
{
    json_t *out = json_object();
    rz_status_t rv, first = RZ_OK;
    size_t i;
    long n;

    for (i = 0; i < sizeof(purge_rules) / sizeof(purge_rules[0]); i++) {
        n = 0;
        rv = purge_one(s, &purge_rules[i], now, &n);
        if (rv != RZ_OK && first == RZ_OK) {
            first = rv;
        }
        json_object_set_new(out, purge_rules[i].coll, json_integer(n));
    }
    if (counts) {
        *counts = out;
    } else {
        json_decref(out);
    }
    return first;
}
