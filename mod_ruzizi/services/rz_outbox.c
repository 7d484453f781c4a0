/* rz_outbox.c: the email outbox: enqueue, claim by compare-and-set, mark, and one delivery run. */
#include "services/rz_outbox.h"

#include <apr_strings.h>
#include <string.h>
#include <unistd.h>

#include "core/rz_id.h"
#include "core/rz_mail.h"
#include "services/rz_notify.h"
#include "core/rz_text.h"
#include "core/rz_time.h"

#define BACKOFF_CAP_S (6 * 3600)
#define LEASE_MARGIN_S 15 /* a send must end this long before the lease does */

int64_t rz_outbox_backoff_s(int attempts)
{
    if (attempts < 1) {
        attempts = 1;
    }
    if (attempts > 10) { /* 2^9 min = 512 min is already past the cap */
        return BACKOFF_CAP_S;
    }
    return (60LL << (attempts - 1)) < BACKOFF_CAP_S ? (60LL << (attempts - 1)) : BACKOFF_CAP_S;
}

/* A scratch pool for one call, a child of the session's pool (the caller destroys it). */
static apr_pool_t *scratch_pool(rz_sess_t *s)
{
    apr_pool_t *p = NULL;

    return apr_pool_create(&p, rz_store_sess_pool(s)) == APR_SUCCESS ? p : NULL;
}

static json_t *opt_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void stamp(int64_t t, char out[21])
{
    rz_timestamp_format(t, out);
}

/* ---- enqueue -------------------------------------------------------------------------------- */

rz_status_t rz_outbox_enqueue(rz_sess_t *s, const char *to, const char *lang,
                              const char *template_name, const json_t *vars, const char *entity,
                              const char *entity_id)
{
    apr_pool_t *p = scratch_pool(s);
    const char *addr, *subject, *body;
    char now[21];
    json_t *doc = NULL;
    rz_status_t rv;

    if (!p) {
        return RZ_ERROR;
    }
    addr = to ? rz_email_normalize(p, to) : NULL;
    rv = addr ? rz_mail_render(p, template_name, lang, vars, &subject, &body) : RZ_INVALID;
    if (rv == RZ_OK) {
        stamp(rz_now(), now);
        doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:n, s:n, s:n, s:n, s:o, s:o, "
                        "s:s, s:s}",
                        "to", addr, "language", lang, "template", template_name, "subject", subject,
                        "bodyText", body, "status", "pending", "attempts", 0, "nextAttemptAt", now,
                        "leaseUntil", "leaseOwner", "lastError", "sentAt", "entity",
                        opt_string(entity), "entityId", opt_string(entity_id), "createdAt", now,
                        "updatedAt", now);
        rv = doc ? rz_store_insert(s, RZ_OUTBOX_COLL, doc, NULL) : RZ_INVALID;
    }
    json_decref(doc);
    apr_pool_destroy(p);
    return rv;
}

/* ---- claim ---------------------------------------------------------------------------------- */

static const char *doc_id(const json_t *doc)
{
    return json_string_value(json_object_get(doc, "id"));
}

static int64_t doc_version(const json_t *doc)
{
    return json_integer_value(json_object_get(doc, "version"));
}

/* Up to `limit` documents with the given status whose `field` compares `op` to `now`. */
static rz_status_t find_due(rz_sess_t *s, const char *status, const char *field, rz_op_t op,
                            const char *now, long limit, json_t **out)
{
    json_t *js = json_string(status), *jn = json_string(now);
    rz_cond_t c[2] = {{"status", RZ_EQ, js}, {field, op, jn}};
    rz_query_t q;
    rz_status_t rv;

    memset(&q, 0, sizeof(q));
    q.all = c;
    q.nall = 2;
    q.sort = field;
    q.limit = limit;
    rv = rz_store_find(s, RZ_OUTBOX_COLL, &q, out, NULL);
    json_decref(js);
    json_decref(jn);
    return rv;
}

/* Compare-and-set update of a document as read (its version); *out may be NULL. */
static rz_status_t cas_update(rz_sess_t *s, const json_t *doc, json_t *set, json_t **out)
{
    rz_update_t u = {set, NULL, NULL};
    rz_status_t rv;

    rv =
        set ? rz_store_update(s, RZ_OUTBOX_COLL, doc_id(doc), &u, doc_version(doc), out) : RZ_ERROR;
    json_decref(set);
    return rv;
}

/* 1 if doc, as read, is due at `now`. The find already asked for this; checking again costs
 * nothing and keeps a claim safe when a server's find returns a document that no longer matches
 * (seen on jongodb under concurrent updates: the compare-and-set then runs on the new version). */
static int is_due(const json_t *doc, const char *now)
{
    const char *status = json_string_value(json_object_get(doc, "status"));
    const char *next = json_string_value(json_object_get(doc, "nextAttemptAt"));
    const char *until = json_string_value(json_object_get(doc, "leaseUntil"));

    if (status && strcmp(status, "pending") == 0) {
        return next && strcmp(next, now) <= 0;
    }
    return status && strcmp(status, "sending") == 0 && until && strcmp(until, now) < 0;
}

/* Claims the candidates of `cands` in order into `into` until it holds `max`. */
static rz_status_t claim_from(rz_sess_t *s, json_t *cands, json_t *into, int max, const char *owner,
                              const char *now, const char *until)
{
    json_t *c, *got;
    size_t i;
    rz_status_t rv;

    json_array_foreach (cands, i, c) {
        if ((int)json_array_size(into) >= max) {
            break;
        }
        if (!is_due(c, now)) {
            continue;
        }
        rv = cas_update(s, c,
                        json_pack("{s:s, s:s, s:s, s:s}", "status", "sending", "leaseUntil", until,
                                  "leaseOwner", owner, "updatedAt", now),
                        &got);
        if (rv == RZ_OK) {
            json_array_append(into, got);
        } else if (rv != RZ_VERSION_MISMATCH && rv != RZ_NOT_FOUND) {
            return rv; /* a lost race is not an error; a store failure is */
        }
    }
    return RZ_OK;
}

/* The finds and compare-and-sets of one claim, inside the caller's unit of work. */
static rz_status_t claim_in_uow(rz_sess_t *s, const char *owner, int max, const char *now,
                                const char *until, json_t **claimed)
{
    json_t *pending = NULL, *expired = NULL, *into;
    rz_status_t rv;

    /* more candidates than wanted, so a concurrent claimer taking some rarely leaves us short */
    if ((rv = find_due(s, "pending", "nextAttemptAt", RZ_LTE, now, 2L * max, &pending)) != RZ_OK
        || (rv = find_due(s, "sending", "leaseUntil", RZ_LT, now, 2L * max, &expired)) != RZ_OK) {
        return rv;
    }
    /* `expired` is an array owned by the session pool: reuse it as the result */
    into = json_array();
    if ((rv = claim_from(s, pending, into, max, owner, now, until)) == RZ_OK) {
        rv = claim_from(s, expired, into, max, owner, now, until);
    }
    json_array_clear(expired);
    json_array_extend(expired, into);
    json_decref(into);
    *claimed = expired;
    return rv;
}

rz_status_t rz_outbox_claim(rz_sess_t *s, const char *owner, int max, json_t **claimed)
{
    static const char *const keys[1] = {RZ_OUTBOX_CLAIM_KEY};
    char now[21], until[21];
    int64_t t = rz_now();
    rz_status_t rv;

    *claimed = NULL;
    if (!owner || !*owner || max < 1) {
        return RZ_INVALID;
    }
    stamp(t, now);
    stamp(t + RZ_OUTBOX_LEASE_S, until);
    if ((rv = rz_store_begin(s, (const char *const *)keys, 1)) != RZ_OK) {
        return rv;
    }
    if ((rv = claim_in_uow(s, owner, max, now, until, claimed)) == RZ_OK
        && (rv = rz_store_commit(s)) == RZ_OK) {
        return RZ_OK;
    }
    rz_store_rollback(s);
    *claimed = NULL; /* nothing was claimed */
    return rv;
}

/* ---- marking -------------------------------------------------------------------------------- */

rz_status_t rz_outbox_mark_sent(rz_sess_t *s, const json_t *doc)
{
    char now[21];

    stamp(rz_now(), now);
    return cas_update(s, doc,
                      json_pack("{s:s, s:s, s:n, s:n, s:s}", "status", "sent", "sentAt", now,
                                "leaseUntil", "leaseOwner", "updatedAt", now),
                      NULL);
}

rz_status_t rz_outbox_release(rz_sess_t *s, const json_t *doc)
{
    char now[21];

    stamp(rz_now(), now);
    return cas_update(s, doc,
                      json_pack("{s:s, s:n, s:n, s:s}", "status", "pending", "leaseUntil",
                                "leaseOwner", "updatedAt", now),
                      NULL);
}

/* A JSON string of at most `max` code points of `s` (valid UTF-8 expected; else a fixed text). */
static json_t *cut_text(const char *s, size_t max)
{
    size_t i = 0, cps = 0;
    json_t *v;

    while (s[i] && cps < max) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80) {
            i++;
        }
        cps++;
    }
    v = json_stringn(s, i);
    return v ? v : json_string("(unprintable error)");
}

/* The email_failed notification to every active super_admin (inside the caller's unit of work). */
static rz_status_t notify_failure(rz_sess_t *s, const json_t *doc, int attempts, const char *error)
{
    apr_pool_t *p = scratch_pool(s);
    json_t *data;
    const char *msg;
    rz_status_t rv;

    if (!p) {
        return RZ_ERROR;
    }
    msg = apr_psprintf(p, "The email \"%s\" to %s could not be delivered (%d attempt%s): %s",
                       json_string_value(json_object_get(doc, "subject")),
                       json_string_value(json_object_get(doc, "to")), attempts,
                       attempts > 1 ? "s" : "", error);
    data = json_pack("{s:s, s:s, s:O, s:O, s:O, s:O}", "entity", "outbox", "entityId", doc_id(doc),
                     "template", json_object_get(doc, "template"), "to", json_object_get(doc, "to"),
                     "sourceEntity", json_object_get(doc, "entity"), "sourceEntityId",
                     json_object_get(doc, "entityId"));
    rv = data ? rz_notify_role(s, NULL, "super_admin", NULL, "email_failed",
                               "Email delivery failed", msg, data, NULL)
              : RZ_ERROR;
    json_decref(data);
    apr_pool_destroy(p);
    return rv;
}

#define FINAL_TRIES 3 /* a transaction that meets a transient write conflict is run again */

/* The final failure: status failed and the notifications, in one unit of work. */
static rz_status_t mark_failed_final_once(rz_sess_t *s, const json_t *doc, int attempts,
                                          json_t *lasterr, const char *now)
{
    char key[8 + RZ_ID_LEN + 1];
    const char *keys[1] = {key};
    rz_status_t rv;

    apr_snprintf(key, sizeof(key), "outbox:%s", doc_id(doc));
    if ((rv = rz_store_begin(s, keys, 1)) != RZ_OK) {
        return rv;
    }
    rv = cas_update(s, doc,
                    json_pack("{s:s, s:i, s:n, s:n, s:O, s:s}", "status", "failed", "attempts",
                              attempts, "leaseUntil", "leaseOwner", "lastError", lasterr,
                              "updatedAt", now),
                    NULL);
    if (rv == RZ_OK) {
        rv = notify_failure(s, doc, attempts, json_string_value(lasterr));
    }
    if (rv == RZ_OK) {
        return rz_store_commit(s);
    }
    rz_store_rollback(s);
    return rv;
}

rz_status_t rz_outbox_mark_failed_attempt(rz_sess_t *s, const json_t *doc, const char *error,
                                          int permanent)
{
    int attempts = (int)json_integer_value(json_object_get(doc, "attempts")) + 1, i;
    int64_t t = rz_now();
    char now[21], next[21];
    json_t *lasterr = cut_text(error && *error ? error : "unknown error", RZ_OUTBOX_ERROR_MAX);
    rz_status_t rv = RZ_UNAVAILABLE;

    stamp(t, now);
    if (permanent || attempts >= RZ_OUTBOX_MAX_ATTEMPTS) {
        for (i = 0; i < FINAL_TRIES && rv == RZ_UNAVAILABLE; i++) {
            rv = mark_failed_final_once(s, doc, attempts, lasterr, now);
        }
        json_decref(lasterr);
        return rv;
    }
    stamp(t + rz_outbox_backoff_s(attempts), next);
    return cas_update(s, doc,
                      json_pack("{s:s, s:i, s:s, s:n, s:n, s:o, s:s}", "status", "pending",
                                "attempts", attempts, "nextAttemptAt", next, "leaseUntil",
                                "leaseOwner", "lastError", lasterr, "updatedAt", now),
                      NULL);
}

/* ---- one delivery run ----------------------------------------------------------------------- */

/* 1 if the claim of doc still covers a whole send (timeout_s) with a margin. */
static int lease_covers(const json_t *doc, long timeout_s)
{
    int64_t until;

    if (rz_datetime_parse(json_string_value(json_object_get(doc, "leaseUntil")), &until) != 0) {
        return 0;
    }
    return rz_now() + (timeout_s > 0 ? timeout_s : 30) + LEASE_MARGIN_S < until;
}

static rz_status_t deliver_one(rz_sess_t *s, const rz_smtp_conf_t *smtp, const json_t *doc,
                               int *sent, int *failed)
{
    char err[600];
    int rc;
    rz_status_t rv;

    if (!lease_covers(doc, smtp->timeout_s)) {
        return rz_outbox_release(s, doc);
    }
    rc = rz_smtp_send(smtp, json_string_value(json_object_get(doc, "to")),
                      json_string_value(json_object_get(doc, "subject")),
                      json_string_value(json_object_get(doc, "bodyText")), err, sizeof(err));
    if (rc == RZ_SMTP_SENT) {
        /* mark at once: until then a crash means a second send after the lease (at-least-once) */
        rv = rz_outbox_mark_sent(s, doc);
        if (rv == RZ_UNAVAILABLE || rv == RZ_ERROR) {
            rv = rz_outbox_mark_sent(s, doc);
        }
        *sent += 1;
        return rv;
    }
    *failed += 1;
    return rz_outbox_mark_failed_attempt(s, doc, err, rc == RZ_SMTP_PERMANENT);
}

rz_status_t rz_outbox_deliver_batch(rz_sess_t *s, const rz_smtp_conf_t *smtp, int *sent,
                                    int *failed)
{
    char owner[64], rnd[33];
    json_t *batch, *doc;
    size_t i;
    int ns = 0, nf = 0;
    rz_status_t rv, first = RZ_OK;

    if (!smtp || !smtp->url) {
        goto done; /* no relay configured: mail stays queued (SPEC 8.12) */
    }
    rz_hex32_new(rnd);
    apr_snprintf(owner, sizeof(owner), "outbox:%ld:%.8s", (long)getpid(), rnd);
    if ((first = rz_outbox_claim(s, owner, RZ_OUTBOX_BATCH, &batch)) != RZ_OK && !batch) {
        goto done;
    }
    json_array_foreach (batch, i, doc) {
        rv = deliver_one(s, smtp, doc, &ns, &nf);
        if (first == RZ_OK && rv != RZ_OK && rv != RZ_VERSION_MISMATCH) {
            first = rv;
        }
    }
done:
    if (sent) {
        *sent = ns;
    }
    if (failed) {
        *failed = nf;
    }
    return first;
}
