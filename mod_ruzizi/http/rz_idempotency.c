/* rz_idempotency.c: SPEC 8.1 idempotency keys: header check, fingerprint, record lookup (replay,
 * 422, 409 in progress, takeover) and the outcome stored with the request's deferred commit. */
#include "http/rz_idempotency.h"

#include "rz_private.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include <sodium.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_time.h"
#include "domain/rz_route.h"
#include "domain/rz_write.h"
#include "http/rz_response.h"

#define RZ_IDEM_COLL "idempotency"
#define RZ_IDEM_HEADER "Idempotency-Key"
#define RZ_IDEM_MAX_KEY 255
#define RZ_IDEM_TTL_S (24 * 3600) /* a record expires 24 h after its creation */
#define RZ_IDEM_LOCK_S 60         /* in_progress for this long: another request may take over */
#define RZ_IDEM_TRIES 4           /* lookups of one request that races others on the same key */

struct rz_idem_t {
    rz_req_t *rq;
    rz_sess_t *s;
    const char *id;      /* the record's id */
    const char *uow_key; /* "idempotency:<id>": every later write to the record names it */
    int64_t version;     /* the record's version while this request owns it */
    int done;            /* the outcome was handled: stored, dropped or released */
};

/* ---- small helpers --------------------------------------------------------------------------- */

static int64_t version_of(const json_t *doc)
{
    return (int64_t)json_integer_value(json_object_get(doc, "version"));
}

/* SPEC 8.1: 1..255 printable ASCII characters (0x21-0x7E). */
static int key_valid(const char *k)
{
    size_t n = 0;

    for (; k[n]; n++) {
        if ((unsigned char)k[n] < 0x21 || (unsigned char)k[n] > 0x7E || n >= RZ_IDEM_MAX_KEY) {
            return 0;
        }
    }
    return n > 0;
}

static int bad_key(rz_req_t *rq, const char *message)
{
    return rz_respond_invalid(rq, RZ_IDEM_HEADER, message);
}

static int in_progress(rz_req_t *rq)
{
    return rz_respond_error(rq, HTTP_CONFLICT, "IDEMPOTENCY_IN_PROGRESS",
                            "A request with this Idempotency-Key is still being processed", NULL);
}

/* Lowercase hex SHA-256 of method LF path LF query LF body (SPEC 8.1); the body is the canonical
 * form of the parsed JSON ({} when empty), or the raw bytes on RZ_RF_BODY_RAW routes. */
static const char *fingerprint(rz_req_t *rq)
{
    request_rec *r = rz_request_rec(rq);
    crypto_hash_sha256_state h;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char *hex = apr_palloc(rq->pool, crypto_hash_sha256_BYTES * 2 + 1);
    const char *parts[3] = {r->method, r->uri, r->args ? r->args : ""};
    const char *body = rq->raw_body;
    size_t len = rq->raw_len;
    int i;

    if (!(rq->route->flags & RZ_RF_BODY_RAW)) {
        body = rz_json_canonical(rq->pool, rq->body);
        if (!body) {
            body = "{}";
        }
        len = strlen(body);
    }
    crypto_hash_sha256_init(&h);
    for (i = 0; i < 3; i++) {
        crypto_hash_sha256_update(&h, (const unsigned char *)parts[i], strlen(parts[i]));
        crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    }
    crypto_hash_sha256_update(&h, (const unsigned char *)(body ? body : ""), body ? len : 0);
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(hex, crypto_hash_sha256_BYTES * 2 + 1, digest, sizeof(digest));
    return hex;
}

/* The stored outcomes of SPEC 8.1: 2xx, 404 and 409 other than IDEMPOTENCY_IN_PROGRESS. */
static int stored_outcome(int status, const json_t *body)
{
    const char *code;

    if (status >= 200 && status < 300) {
        return 1;
    }
    if (status == HTTP_NOT_FOUND) {
        return 1;
    }
    if (status != HTTP_CONFLICT) {
        return 0;
    }
    code = rz_json_str(json_object_get(body, "error"), "code");
    return !code || strcmp(code, "IDEMPOTENCY_IN_PROGRESS") != 0;
}

/* ---- record writes after the insert: each in a unit of work naming the record's key -------- */

/* Updates (u != NULL) or deletes the held record on its own, provided it is still at the version
 * this request owns (RZ_VERSION_MISMATCH otherwise: it was taken over). A plain compare-and-set,
 * not a unit of work: this runs once per answered request (fifty losers of one booking race store
 * fifty 409s), and the test server's transactions under that load failed to see records committed
 * just before (seen). The takeover (after 60 s) and a request's pending unit of work still name
 * the record's key. */
static rz_status_t record_alone(rz_idem_t *idem, const rz_update_t *u)
{
    rz_sess_t *s = idem->s;
    json_t *cur;
    rz_status_t st = rz_store_get(s, RZ_IDEM_COLL, idem->id, &cur);
    if (st == RZ_OK && version_of(cur) != idem->version) {
        st = RZ_VERSION_MISMATCH;
    }
    if (st == RZ_OK) {
        st = u ? rz_store_update(s, RZ_IDEM_COLL, idem->id, u, idem->version, NULL)
               : rz_store_delete(s, RZ_IDEM_COLL, idem->id);
    }
    return st;
}

/* Deletes the held record so that the key may be used again. A failure is logged only: the record
 * is then taken over after 60 s, or expires. */
static void drop(rz_idem_t *idem)
{
    rz_status_t st = record_alone(idem, NULL);

    if (st != RZ_OK && st != RZ_NOT_FOUND && st != RZ_VERSION_MISMATCH) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, rz_request_rec(idem->rq),
                      RZ_LOGNO(00801) "idempotency record %s could not be deleted (%s: %s); "
                                      "the key stays in progress for 60 s",
                      idem->id, rz_status_name(st), rz_store_last_error(idem->s));
    }
}

/* The update that stores an outcome: state done, status, Location (if any), the body bytes.
 * NULL if it cannot be built (the response text is not UTF-8: never for rz_json_dump output). */
static rz_update_t *outcome(rz_idem_t *idem, int status, const char *text, size_t len)
{
    rz_req_t *rq = idem->rq;
    rz_update_t *u = apr_pcalloc(rq->pool, sizeof(*u));
    const char *loc = apr_table_get(rq->res.headers, "Location");
    json_t *headers = json_object();

    if (loc) {
        json_object_set_new(headers, "Location", json_string(loc));
    }
    u->set = rz_json_pool_own(rq->pool,
                              json_pack("{s:s, s:i, s:o, s:o}", "state", "done", "status", status,
                                        "headers", headers, "body", json_stringn(text, len)));
    return u->set ? u : NULL;
}

/* ---- the end of the request ------------------------------------------------------------------ */

/* A pending unit of work: store the outcome in it and commit, or roll it all back. A failure
 * replaces the handler's answer. */
static void finish_pending(rz_req_t *rq, rz_idem_t *idem, int stored)
{
    request_rec *r = rz_request_rec(rq);
    rz_sess_t *s = idem->s;
    const char *msg;
    rz_update_t *u;
    rz_status_t st;

    if (!stored) {
        rz_write_abandon(rq);
        drop(idem);
        return;
    }
    u = outcome(idem, rq->res.status, rq->res.bytes, rq->res.len);
    st = u ? rz_store_update(s, RZ_IDEM_COLL, idem->id, u, idem->version, NULL) : RZ_ERROR;
    if (st == RZ_OK) {
        st = rz_write_settle(rq); /* the backend rolls everything back itself when this fails */
        if (st == RZ_OK) {
            return;
        }
    } else {
        rz_write_abandon(rq);
    }
    /* nothing the handler did stays: its success answer must not go out */
    rz_respond_reset(rq);
    if (st == RZ_VERSION_MISMATCH || st == RZ_NOT_FOUND) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      RZ_LOGNO(00802) "idempotency record %s was taken over while this request "
                                      "ran: its unit of work was rolled back",
                      idem->id);
        in_progress(rq);
        return;
    }
    msg = apr_pstrdup(rq->pool, rz_store_last_error(s)); /* before drop() makes other calls */
    drop(idem);
    rz_respond_store_error(rq, st, msg);
}

void rz_idem_finish(rz_req_t *rq)
{
    rz_idem_t *idem = rq->idem;
    request_rec *r = rz_request_rec(rq);
    rz_sess_t *s;
    rz_update_t *u;
    rz_status_t st;
    int stored, status;

    if (!idem || idem->done) {
        return;
    }
    idem->done = 1;
    rq->uow_key = NULL;
    s = idem->s;
    if (rq->res.kind != RZ_RES_JSON) {
        rz_write_abandon(rq);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      RZ_LOGNO(00807) "%s %s: the handler set no JSON answer; its unit of work "
                                      "was rolled back and idempotency record %s deleted",
                      r->method, rq->route ? rq->route->pattern : "-", idem->id);
        drop(idem);
        return;
    }
    rz_response_render(rq);
    status = rq->res.status;
    stored = stored_outcome(status, rq->res.json);
    if (rq->uow_pending && rz_store_in_uow(s)) {
        finish_pending(rq, idem, stored);
        return;
    }
    if (rz_store_in_uow(s)) {
        /* answered with a unit of work that was never handed over: none of it will stay, so a
         * success cannot be replayed; a 404/409 has no effects and still can */
        rz_write_abandon(rq);
        stored = stored && status >= 300;
    }
    if (!stored) {
        drop(idem);
        return;
    }
    u = outcome(idem, status, rq->res.bytes, rq->res.len);
    st = u ? record_alone(idem, u) : RZ_ERROR;
    if (st != RZ_OK && st != RZ_VERSION_MISMATCH) {
        /* a record gone (NOT_FOUND) leaves nothing to repair: the key is simply usable again; the
         * loaded test server was seen losing one in a 50-request race, so that is info only */
        ap_log_rerror(APLOG_MARK, st == RZ_NOT_FOUND ? APLOG_INFO : APLOG_WARNING, 0, r,
                      RZ_LOGNO(00803) "the outcome %d could not be stored in idempotency record "
                                      "%s (%s: %s); the record is deleted",
                      status, idem->id, rz_status_name(st), rz_store_last_error(s));
        drop(idem);
    }
}

/* ---- step (8) -------------------------------------------------------------------------------- */

/* Answers with the stored outcome of a done record: status, Location, body bytes exactly. */
static int replay(rz_req_t *rq, const json_t *rec)
{
    const json_t *body = json_object_get(rec, "body");
    const char *loc = rz_json_str(json_object_get(rec, "headers"), "Location");
    json_int_t status = json_integer_value(json_object_get(rec, "status"));
    size_t len = json_string_length(body);

    if (!json_is_string(body) || status < 200 || status > 599) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, rz_request_rec(rq),
                      RZ_LOGNO(00804) "idempotency record %s is done but malformed",
                      rz_json_str(rec, "id"));
        return rz_respond_error(rq, HTTP_INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal error",
                                NULL);
    }
    if (loc) {
        apr_table_setn(rq->res.headers, "Location", apr_pstrdup(rq->pool, loc));
    }
    apr_table_setn(rq->res.headers, "Idempotent-Replayed", "true");
    return rz_respond_bytes(rq, (int)status, "application/json; charset=utf-8",
                            apr_pstrmemdup(rq->pool, json_string_value(body), len), len);
}

/* A new record {scope, key, fingerprint, in_progress}, committed on its own. */
static rz_status_t insert_new(rz_sess_t *s, apr_pool_t *p, const char *scope, const char *key,
                              const char *fp, int64_t now, json_t **out)
{
    char at[21], exp[21];
    json_t *doc;

    rz_timestamp_format(now, at);
    rz_timestamp_format(now + RZ_IDEM_TTL_S, exp);
    doc = rz_json_pool_own(p, json_pack("{s:s, s:s, s:s, s:s, s:n, s:n, s:n, s:s, s:s, s:s}",
                                        "scope", scope, "key", key, "fingerprint", fp, "state",
                                        "in_progress", "status", "headers", "body", "lockedAt", at,
                                        "expiresAt", exp, "createdAt", at));
    *out = doc;
    return doc ? rz_store_insert(s, RZ_IDEM_COLL, doc, NULL) : RZ_ERROR;
}

/* Takes over a record left in_progress for 60 s or more: a compare-and-set of lockedAt on the
 * version that was read, in a unit of work on the record's key (so it waits for, and then sees,
 * a unit of work of the request that still holds it). RZ_OK with *out the record now owned, or
 * RZ_VERSION_MISMATCH / RZ_NOT_FOUND when it changed meanwhile (look again). */
static rz_status_t take_over(rz_sess_t *s, apr_pool_t *p, const json_t *rec, int64_t now,
                             json_t **out)
{
    const char *key = apr_pstrcat(p, "idempotency:", rz_json_str(rec, "id"), NULL);
    rz_update_t u = {0};
    char at[21];
    json_t *cur;
    rz_status_t st = rz_store_begin(s, &key, 1);

    if (st != RZ_OK) {
        return st;
    }
    st = rz_store_get(s, RZ_IDEM_COLL, rz_json_str(rec, "id"), &cur);
    if (st == RZ_OK && version_of(cur) != version_of(rec)) {
        st = RZ_VERSION_MISMATCH;
    }
    if (st == RZ_OK) {
        rz_timestamp_format(now, at);
        u.set = rz_json_pool_own(p, json_pack("{s:s}", "lockedAt", at));
        st = rz_store_update(s, RZ_IDEM_COLL, rz_json_str(rec, "id"), &u, version_of(rec), out);
    }
    if (st == RZ_OK) {
        return rz_store_commit(s);
    }
    rz_store_rollback(s);
    return st;
}

/* Holds `rec` for this request: the handler runs, then rz_idem_finish settles the record. */
static int hold(rz_req_t *rq, rz_sess_t *s, const json_t *rec)
{
    rz_idem_t *idem = apr_pcalloc(rq->pool, sizeof(*idem));

    idem->rq = rq;
    idem->s = s;
    idem->id = apr_pstrdup(rq->pool, rz_json_str(rec, "id"));
    idem->uow_key = apr_pstrcat(rq->pool, "idempotency:", idem->id, NULL);
    idem->version = version_of(rec);
    rq->idem = idem;
    rq->uow_key = idem->uow_key; /* every unit of work of the request names it */
    return 0;
}

/* 1 when the timestamp field of `doc` is at or before `limit` (a missing one counts as past). */
static int at_or_before(const json_t *doc, const char *field, int64_t limit)
{
    const char *v = rz_json_str(doc, field);
    int64_t t;

    return !v || rz_datetime_parse(v, &t) != 0 || t <= limit;
}

int rz_idem_begin(rz_req_t *rq)
{
    request_rec *r = rz_request_rec(rq);
    const char *key, *scope, *fp;
    json_t *rec, *kv, *sv;
    rz_cond_t c[2];
    rz_sess_t *s;
    rz_status_t st;
    int64_t now;
    int tries;

    if (r->method_number != M_POST || (rq->route->flags & RZ_RF_IK_REFUSED)) {
        return 0;
    }
    key = apr_table_get(r->headers_in, RZ_IDEM_HEADER);
    if (!key) {
        return (rq->route->flags & RZ_RF_IK_REQUIRED) ? (bad_key(rq, "required"), -1) : 0;
    }
    if (!key_valid(key)) {
        bad_key(rq, "must be 1 to 255 printable ASCII characters");
        return -1;
    }
    scope = rq->who ? rq->who->user_id : "public";
    fp = fingerprint(rq);
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        rz_respond_store_error(rq, st, NULL);
        return -1;
    }
    kv = rz_json_pool_own(rq->pool, json_string(key));
    sv = rz_json_pool_own(rq->pool, json_string(scope));
    c[0] = (rz_cond_t){"scope", RZ_EQ, sv};
    c[1] = (rz_cond_t){"key", RZ_EQ, kv};
    for (tries = 0; tries < RZ_IDEM_TRIES; tries++) {
        now = rz_now();
        st = rz_store_find_one(s, RZ_IDEM_COLL, c, 2, &rec);
        if (st == RZ_NOT_FOUND) {
            st = insert_new(s, rq->pool, scope, key, fp, now, &rec);
            if (st == RZ_OK) {
                return hold(rq, s, rec);
            }
            if (st == RZ_CONFLICT) {
                continue; /* a concurrent request with the same key won: it is known now */
            }
            break;
        }
        if (st != RZ_OK) {
            break;
        }
        if (at_or_before(rec, "expiresAt", now)) { /* expired: as if unknown */
            st = rz_store_delete(s, RZ_IDEM_COLL, rz_json_str(rec, "id"));
            if (st != RZ_OK && st != RZ_NOT_FOUND) {
                break;
            }
            continue;
        }
        if (!rz_json_str(rec, "fingerprint") || strcmp(rz_json_str(rec, "fingerprint"), fp) != 0) {
            rz_respond_error(rq, HTTP_UNPROCESSABLE_ENTITY, "IDEMPOTENCY_KEY_REUSED",
                             "This Idempotency-Key was used for a different request", NULL);
            return -1;
        }
        if (rz_json_str(rec, "state") && strcmp(rz_json_str(rec, "state"), "done") == 0) {
            replay(rq, rec);
            return -1;
        }
        if (!at_or_before(rec, "lockedAt", now - RZ_IDEM_LOCK_S)) {
            in_progress(rq);
            return -1;
        }
        st = take_over(s, rq->pool, rec, now, &rec);
        if (st == RZ_OK) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          RZ_LOGNO(00805) "idempotency record %s was in progress for 60 s or "
                                          "more: taken over",
                          rz_json_str(rec, "id"));
            return hold(rq, s, rec);
        }
        if (st == RZ_UNAVAILABLE) { /* its owner still holds the record's key: still running */
            in_progress(rq);
            return -1;
        }
        if (st != RZ_VERSION_MISMATCH && st != RZ_NOT_FOUND) {
            break;
        }
    }
    if (tries == RZ_IDEM_TRIES) { /* still racing others on this key: let the client retry */
        in_progress(rq);
        return -1;
    }
    rz_respond_store_error(rq, st, rz_store_last_error(s));
    return -1;
}
