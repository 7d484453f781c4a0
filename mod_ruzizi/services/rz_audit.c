/* rz_audit.c: the audit trail (SPEC 4.13, 8.6): change lists, hash-chained append, verification. */
#include <apr_strings.h>
#include <apr_tables.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "services/rz_audit.h"
#include "core/rz_json.h"
#include "core/rz_time.h"

const rz_index_def_t rz_audit_indexes[RZ_AUDIT_NINDEX] = {
    {"audit_seq", {"seq", NULL}, 1},
    {"audit_entity", {"entity", "entityId", NULL}, 0},
};

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define VERIFY_PAGE 500
#define REDACTED "[REDACTED]"

/* ---- changes -------------------------------------------------------------------------------- */

static const char *const secret_names[] = {
    "password",     "currentPassword", "newPassword", "passwordHash", "token", "tokenHash",
    "refreshToken", "accessToken",     "key",         "secret",       NULL};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int is_secret(const char *key)
{
    int i;

    for (i = 0; secret_names[i]; i++) {
        if (strcmp(key, secret_names[i]) == 0) {
            return 1;
        }
    }
    return ends_with(key, "Secret") || ends_with(key, "Key");
}

/* Byte length of the first max_cp code points of valid UTF-8 s (len bytes). */
static size_t utf8_prefix(const char *s, size_t len, size_t max_cp)
{
    size_t i, cp = 0;

    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && cp++ == max_cp) {
            return i;
        }
    }
    return len;
}

/* A deep copy of v with every string cut at RZ_AUDIT_MAX_STRING code points (new reference). */
static json_t *clip(const json_t *v)
{
    json_t *out, *child;
    const char *key;
    size_t i;

    if (json_is_string(v)) {
        const char *str = json_string_value(v);
        size_t len = json_string_length(v);
        return json_stringn(str, utf8_prefix(str, len, RZ_AUDIT_MAX_STRING));
    }
    if (json_is_array(v)) {
        out = json_array();
        json_array_foreach ((json_t *)v, i, child) {
            json_array_append_new(out, clip(child));
        }
        return out;
    }
    if (json_is_object(v)) {
        out = json_object();
        json_object_foreach ((json_t *)v, key, child) {
            json_object_set_new(out, key, clip(child));
        }
        return out;
    }
    return json_copy((json_t *)v);
}

static int absent(const json_t *v)
{
    return v == NULL || json_is_null(v);
}

/* The value shown for one side of a change: null, "[REDACTED]" or a clipped copy. */
static json_t *shown(const char *key, const json_t *v)
{
    if (absent(v)) {
        return json_null();
    }
    return is_secret(key) ? json_string(REDACTED) : clip(v);
}

static void add_change(json_t *out, const char *path, const char *key, const json_t *old,
                       const json_t *new)
{
    if (json_array_size(out) >= RZ_AUDIT_MAX_CHANGES) {
        return;
    }
    json_array_append_new(out, json_pack("{s:s, s:o, s:o}", "field", path, "old", shown(key, old),
                                         "new", shown(key, new)));
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted, de-duplicated union of the keys of two objects (either may be NULL). */
static apr_array_header_t *key_union(apr_pool_t *p, const json_t *a, const json_t *b)
{
    apr_array_header_t *keys = apr_array_make(p, 16, sizeof(const char *));
    const json_t *objs[2] = {a, b};
    const char *key, **k;
    json_t *child;
    int i, n = 0;

    for (i = 0; i < 2; i++) {
        if (objs[i]) {
            json_object_foreach ((json_t *)objs[i], key, child) {
                *(const char **)apr_array_push(keys) = key;
            }
        }
    }
    qsort(keys->elts, keys->nelts, sizeof(const char *), cmp_keys);
    k = (const char **)keys->elts;
    for (i = 0; i < keys->nelts; i++) {
        if (n == 0 || strcmp(k[n - 1], k[i]) != 0) {
            k[n++] = k[i];
        }
    }
    keys->nelts = n;
    return keys;
}

/* 1 when a side-by-side walk should descend: both sides are objects or absent, one non-empty. */
static int descend(const json_t *b, const json_t *a)
{
    return (absent(b) || json_is_object(b)) && (absent(a) || json_is_object(a))
           && ((json_is_object(b) && json_object_size(b) > 0)
               || (json_is_object(a) && json_object_size(a) > 0));
}

static void diff_obj(apr_pool_t *p, json_t *out, const char *prefix, const json_t *b,
                     const json_t *a);

static void diff_value(apr_pool_t *p, json_t *out, const char *path, const char *key,
                       const json_t *b, const json_t *a)
{
    if (absent(b) && absent(a)) {
        return;
    }
    if (!is_secret(key) && descend(b, a)) {
        diff_obj(p, out, path, absent(b) ? NULL : b, absent(a) ? NULL : a);
        return;
    }
    if (!absent(b) && !absent(a) && json_equal((json_t *)b, (json_t *)a)) {
        return;
    }
    add_change(out, path, key, b, a);
}

/* prefix NULL: the top level, where the bookkeeping fields are skipped. */
static void diff_obj(apr_pool_t *p, json_t *out, const char *prefix, const json_t *b,
                     const json_t *a)
{
    apr_array_header_t *keys = key_union(p, b, a);
    int i;

    for (i = 0; i < keys->nelts && json_array_size(out) < RZ_AUDIT_MAX_CHANGES; i++) {
        const char *key = APR_ARRAY_IDX(keys, i, const char *);
        const char *path = prefix ? apr_pstrcat(p, prefix, ".", key, NULL) : key;

        if (!prefix && (strcmp(key, "updatedAt") == 0 || strcmp(key, "version") == 0)) {
            continue;
        }
        diff_value(p, out, path, key, b ? json_object_get(b, key) : NULL,
                   a ? json_object_get(a, key) : NULL);
    }
}

json_t *rz_audit_changes(apr_pool_t *p, const json_t *before, const json_t *after)
{
    json_t *out;

    if ((!before && !after) || (before && !json_is_object(before))
        || (after && !json_is_object(after))) {
        return NULL;
    }
    out = json_array();
    diff_obj(p, out, NULL, before, after);
    return rz_json_pool_own(p, out);
}

/* ---- hashing ------------------------------------------------------------------------------- */

/* The 14 hashed fields: every field of SPEC 4.13 except hash. */
static const char *const hashed_fields[] = {
    "seq",     "at",   "actorId", "actorRole", "establishmentId", "action",   "entity", "entityId",
    "changes", "meta", "ip",      "userAgent", "requestId",       "prevHash", NULL};

/* hex = SHA-256(prevHash "\n" canonical(the hashed fields of entry)), lowercase hex. Temporary
 * strings go to `tmp`. Returns 0, or -1 when the entry cannot be serialised. */
static int entry_hash(apr_pool_t *tmp, const json_t *entry, char hex[65])
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    json_t *h = json_object(), *v;
    const char *prev, *canon;
    int i;

    for (i = 0; hashed_fields[i]; i++) {
        v = json_object_get(entry, hashed_fields[i]);
        json_object_set_new(h, hashed_fields[i], v ? json_incref(v) : json_null());
    }
    canon = rz_json_canonical(tmp, h);
    json_decref(h);
    if (!canon) {
        return -1;
    }
    prev = json_string_value(json_object_get(entry, "prevHash"));
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)(prev ? prev : ""),
                              prev ? strlen(prev) : 0);
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)canon, strlen(canon));
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(hex, 65, digest, sizeof(digest));
    return 0;
}

/* ---- append -------------------------------------------------------------------------------- */

static int role_valid(const char *r)
{
    static const char *const roles[] = {"super_admin", "manager", "staff",
                                        "public",      "system",  NULL};
    int i;

    for (i = 0; r && roles[i]; i++) {
        if (strcmp(r, roles[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Request-supplied text (ip, User-Agent, request id): NULL -> null; bytes that are not valid
 * UTF-8 become '?' (headers are not guaranteed UTF-8); cut at max_cp code points (0: no cut). */
static json_t *text_value(apr_pool_t *tmp, const char *s, size_t max_cp)
{
    json_t *v;
    char *c, *q;

    if (!s) {
        return json_null();
    }
    v = json_string(s);
    if (!v) {
        c = apr_pstrdup(tmp, s);
        for (q = c; *q; q++) {
            if ((unsigned char)*q >= 0x80) {
                *q = '?';
            }
        }
        v = json_string(c);
    }
    if (v && max_cp) {
        size_t n = utf8_prefix(json_string_value(v), json_string_length(v), max_cp);
        if (n < json_string_length(v)) {
            json_t *cut = json_stringn(json_string_value(v), n);
            json_decref(v);
            v = cut;
        }
    }
    return v;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* A copy of changes (NULL -> []), at most RZ_AUDIT_MAX_CHANGES items. */
static json_t *copy_changes(const json_t *changes)
{
    json_t *out = json_array(), *item;
    size_t i;

    json_array_foreach ((json_t *)changes, i, item) {
        if (i >= RZ_AUDIT_MAX_CHANGES) {
            break;
        }
        json_array_append_new(out, json_deep_copy(item));
    }
    return out;
}

/* A copy of meta (NULL -> {}); {"truncated":true} when its canonical form exceeds 2 KiB. */
static json_t *copy_meta(apr_pool_t *tmp, const json_t *meta)
{
    const char *canon;

    if (!meta) {
        return json_object();
    }
    canon = rz_json_canonical(tmp, meta);
    if (!canon || strlen(canon) > RZ_AUDIT_MAX_META) {
        return json_pack("{s:b}", "truncated", 1);
    }
    return json_deep_copy(meta);
}

/* Reads the entry with the highest seq: *arr is the store's (session-owned) result array and
 * *head its only item, or NULL for an empty chain. */
static rz_status_t read_head(rz_sess_t *s, json_t **arr, json_t **head)
{
    rz_query_t q = {NULL, 0, NULL, 0, "seq", 1, 0, 1, 0};
    rz_status_t rv = rz_store_find(s, RZ_AUDIT_COLL, &q, arr, NULL);

    *head = rv == RZ_OK ? json_array_get(*arr, 0) : NULL;
    return rv;
}

/* Every array the store returns is released by a cleanup on the session's pool: holding v in such
 * an array gives v exactly the session's lifetime. */
static json_t *keep_with_session(json_t *session_array, json_t *v)
{
    json_array_append(session_array, v);
    return v;
}

rz_status_t rz_audit_append(rz_sess_t *s, const rz_actor_t *a, const char *action,
                            const char *entity, const char *entity_id, const char *establishment_id,
                            const json_t *changes, const json_t *meta, json_t **out)
{
    apr_pool_t *tmp = NULL;
    json_t *arr, *head, *entry = NULL;
    json_int_t seq = 1;
    const char *prev = ZERO_HASH;
    char at[21], hex[65];
    rz_status_t rv;

    if (!s || !a || !action || !entity || !role_valid(a->actor_role)
        || (changes && !json_is_array(changes)) || (meta && !json_is_object(meta))
        || !rz_store_in_uow(s)) {
        return RZ_INVALID;
    }
    if ((rv = read_head(s, &arr, &head)) != RZ_OK) {
        return rv;
    }
    if (head) {
        json_t *hs = json_object_get(head, "seq");
        prev = json_string_value(json_object_get(head, "hash"));
        if (!json_is_integer(hs) || json_integer_value(hs) < 1 || !prev) {
            return RZ_ERROR; /* the head is corrupt: no seq to continue from */
        }
        seq = json_integer_value(hs) + 1;
    }
    if (apr_pool_create(&tmp, rz_store_sess_pool(s)) != APR_SUCCESS) {
        return RZ_ERROR;
    }
    rz_timestamp_format(rz_now(), at);
    entry =
        json_pack("{s:I, s:s, s:o, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "seq",
                  seq, "at", at, "actorId", str_or_null(a->actor_id), "actorRole", a->actor_role,
                  "establishmentId", str_or_null(establishment_id), "action", action, "entity",
                  entity, "entityId", str_or_null(entity_id), "changes", copy_changes(changes),
                  "meta", copy_meta(tmp, meta), "ip", text_value(tmp, a->ip, 0), "userAgent",
                  text_value(tmp, a->user_agent, RZ_AUDIT_MAX_UA), "requestId",
                  text_value(tmp, a->request_id, 0), "prevHash", prev);
    if (!entry || entry_hash(tmp, entry, hex) != 0) {
        rv = RZ_INVALID; /* a string that is not UTF-8, or out of memory */
        goto done;
    }
    json_object_set_new(entry, "hash", json_string(hex));
    rv = rz_store_insert(s, RZ_AUDIT_COLL, entry, NULL);
    if (rv == RZ_OK && out) {
        *out = keep_with_session(arr, entry);
    }
done:
    json_decref(entry);
    apr_pool_destroy(tmp);
    return rv;
}

/* ---- verify -------------------------------------------------------------------------------- */

typedef struct {
    apr_pool_t *pool; /* lives for the whole walk */
    apr_pool_t *tmp;  /* cleared per entry */
    int64_t expect;   /* the seq the next entry must carry */
    const char *prev; /* the hash its prevHash must equal; NULL: the anchor entry is missing */
    long checked;
    int64_t bad_seq;
    const char *reason; /* NULL while valid */
} walk_t;

/* Checks one entry; returns 0 if it passed, -1 after recording the failure in w. */
static int check_entry(walk_t *w, const json_t *e)
{
    json_t *sv = json_object_get(e, "seq");
    const char *ph = json_string_value(json_object_get(e, "prevHash"));
    const char *stored = json_string_value(json_object_get(e, "hash"));
    int64_t seq = json_is_integer(sv) ? json_integer_value(sv) : w->expect;
    char hex[65];

    w->bad_seq = seq;
    apr_pool_clear(w->tmp);
    if (!json_is_integer(sv) || seq != w->expect || !w->prev) {
        w->reason = "gap";
    } else if (!ph || strcmp(ph, w->prev) != 0) {
        w->reason = "link";
    } else if (!stored || entry_hash(w->tmp, e, hex) != 0 || strcmp(stored, hex) != 0) {
        w->reason = "hash";
    } else {
        w->prev = apr_pstrdup(w->pool, stored);
        w->expect = seq + 1;
        w->checked++;
        return 0;
    }
    return -1;
}

/* Sets w->prev from entry from_seq - 1 (the anchor, itself not checked). */
static rz_status_t load_anchor(rz_sess_t *s, walk_t *w)
{
    json_t *v, *e = NULL;
    rz_cond_t c = {"seq", RZ_EQ, NULL};
    rz_status_t rv;

    if (w->expect == 1) {
        w->prev = ZERO_HASH;
        return RZ_OK;
    }
    v = json_integer(w->expect - 1);
    c.value = v;
    rv = rz_store_find_one(s, RZ_AUDIT_COLL, &c, 1, &e);
    json_decref(v);
    if (rv == RZ_NOT_FOUND) {
        w->prev = NULL;
        return RZ_OK;
    }
    if (rv == RZ_OK) {
        const char *h = json_string_value(json_object_get(e, "hash"));
        w->prev = apr_pstrdup(w->pool, h ? h : "");
    }
    return rv;
}

/* Walks pages of VERIFY_PAGE entries with seq >= w->expect until the end or the first failure. */
static rz_status_t walk(rz_sess_t *s, walk_t *w)
{
    for (;;) {
        json_t *v = json_integer(w->expect), *page = NULL, *e;
        rz_cond_t c = {"seq", RZ_GTE, v};
        rz_query_t q = {&c, 1, NULL, 0, "seq", 0, 0, VERIFY_PAGE, 0};
        rz_status_t rv = rz_store_find(s, RZ_AUDIT_COLL, &q, &page, NULL);
        size_t i, n;

        json_decref(v);
        if (rv != RZ_OK) {
            return rv;
        }
        n = json_array_size(page);
        json_array_foreach (page, i, e) {
            if (check_entry(w, e) != 0) {
                break;
            }
        }
        /* the page stays referenced by the session pool: free its documents now */
        json_array_clear(page);
        if (w->reason || n < VERIFY_PAGE) {
            return RZ_OK;
        }
    }
}

static rz_status_t verify_result(rz_sess_t *s, const walk_t *w, json_t **result)
{
    json_t *arr, *head, *r;
    rz_status_t rv = read_head(s, &arr, &head);

    if (rv != RZ_OK) {
        return rv;
    }
    r = json_pack(
        "{s:b, s:I, s:I, s:O, s:o, s:o}", "valid", w->reason == NULL, "checked",
        (json_int_t)w->checked, "headSeq",
        head ? json_integer_value(json_object_get(head, "seq")) : (json_int_t)0, "headHash",
        head && json_object_get(head, "hash") ? json_object_get(head, "hash") : json_null(),
        "firstInvalidSeq", w->reason ? json_integer(w->bad_seq) : json_null(), "reason",
        w->reason ? json_string(w->reason) : json_null());
    if (!r) {
        return RZ_ERROR;
    }
    *result = keep_with_session(arr, r);
    json_decref(r);
    return RZ_OK;
}

rz_status_t rz_audit_verify(rz_sess_t *s, int64_t from_seq, json_t **result)
{
    walk_t w;
    rz_status_t rv;

    if (!s || !result || from_seq < 1) {
        return RZ_INVALID;
    }
    memset(&w, 0, sizeof(w));
    if (apr_pool_create(&w.pool, rz_store_sess_pool(s)) != APR_SUCCESS) {
        return RZ_ERROR;
    }
    if (apr_pool_create(&w.tmp, w.pool) != APR_SUCCESS) {
        apr_pool_destroy(w.pool);
        return RZ_ERROR;
    }
    w.expect = from_seq;
    rv = load_anchor(s, &w);
    if (rv == RZ_OK) {
        rv = walk(s, &w);
    }
    if (rv == RZ_OK) {
        rv = verify_result(s, &w, result);
    }
    apr_pool_destroy(w.pool);
    return rv;
}
