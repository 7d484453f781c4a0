/* rz_migrations.c: the list of schema migrations and the runner that applies the missing ones. */
#include "store/rz_migrations.h"
#include "store/rz_store_impl.h"

#include <apr_atomic.h>
#include <apr_strings.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_time.h"

#define MIG_COLL "_migrations"

typedef struct {
    const char *coll;
    rz_index_def_t idx[8];
    int nidx;
} mig_coll_t;

typedef struct {
    int number;
    const char *name;
    const mig_coll_t *colls;
    int ncolls;
} migration_t;

/* 1: the foundation: the migration log itself and a key/value `_meta` collection. */
static const mig_coll_t m1_colls[] = {
    {MIG_COLL, {{"_migrations_number", {"number", NULL}, 1}}, 1},
    {"_meta", {{"_meta_key", {"key", NULL}, 1}}, 1},
};

/* 2: identity and platform services (SPEC 4.1-4.3, 4.12, 4.13, 4.21, 8.5-8.8). Unique
 * case-insensitive names go through a stored folded key (SPEC 2.5). */
static const mig_coll_t m2_colls[] = {
    {"users",
     {{"users_email", {"email", NULL}, 1},
      {"users_establishment", {"establishmentId", "role", NULL}, 0},
      {"users_created", {"createdAt", NULL}, 0}},
     3},
    {"establishments", {{"establishments_name", {"nameKey", NULL}, 1}}, 1},
    {"refresh_sessions",
     {{"refresh_token", {"tokenHash", NULL}, 1},
      {"refresh_family", {"familyId", NULL}, 0},
      {"refresh_user", {"userId", NULL}, 0}},
     3},
    {"revoked_tokens", {{"revoked_jti", {"jti", NULL}, 1}}, 1},
    {"reset_tokens",
     {{"reset_token", {"tokenHash", NULL}, 1}, {"reset_user", {"userId", NULL}, 0}},
     2},
    {"login_throttle", {{"throttle_email", {"emailHash", NULL}, 1}}, 1},
    {"audit",
     {{"audit_seq", {"seq", NULL}, 1},
      {"audit_entity", {"entity", "entityId", NULL}, 0},
      {"audit_establishment", {"establishmentId", NULL}, 0}},
     3},
    {"notifications", {{"notifications_user", {"userId", "createdAt", NULL}, 0}}, 1},
    {"outbox", {{"outbox_due", {"status", "nextAttemptAt", NULL}, 0}}, 1},
    {"job_leases", {{"job_leases_job", {"job", NULL}, 1}}, 1},
    {"idempotency", {{"idempotency_key", {"scope", "key", NULL}, 1}}, 1},
};

/* 3: inventory (SPEC 4.4, 4.14, 7.4): units with a per-establishment unique folded name, images,
 * and the bounding-box prefilter of the public geo search. */
static const mig_coll_t m3_colls[] = {
    {"accommodations",
     {{"accommodations_name", {"establishmentId", "nameKey", NULL}, 1},
      {"accommodations_establishment", {"establishmentId", "status", NULL}, 0},
      {"accommodations_price", {"pricing.basePrice", NULL}, 0}},
     3},
    {"images",
     {{"images_establishment", {"establishmentId", "purpose", NULL}, 0},
      {"images_accommodation", {"accommodationId", NULL}, 0},
      {"images_owner", {"ownerId", NULL}, 0}},
     3},
    {"establishments", {{"establishments_geo", {"location.lat", "location.lng", NULL}, 0}}, 1},
};

/* 4: bookings and the guest CRM (SPEC 4.5, 4.6, 6.1, 6.4, 6.7, 7.6, 7.7). A client's email is
 * unique per establishment through emailKey, present only when the client has an email. */
static const mig_coll_t m4_colls[] = {
    {"bookings",
     {{"bookings_code", {"bookingCode", NULL}, 1},
      {"bookings_unit", {"accommodationId", "status", "checkIn", "checkOut"}, 0},
      {"bookings_establishment", {"establishmentId", "createdAt", NULL}, 0},
      {"bookings_open", {"establishmentId", "status", "checkIn", "checkOut"}, 0},
      {"bookings_checkin_date", {"establishmentId", "checkInDate", NULL}, 0},
      {"bookings_client", {"clientId", "checkIn", NULL}, 0},
      {"bookings_status_expiry", {"status", "expiresAt", NULL}, 0}},
     7},
    {"clients",
     {{"clients_email", {"establishmentId", "emailKey", NULL}, 1},
      {"clients_phone", {"establishmentId", "personalInfo.phone", NULL}, 0},
      {"clients_created", {"establishmentId", "createdAt", NULL}, 0}},
     3},
};

/* Later issues append here; numbers are consecutive and never reused. */
static const migration_t migrations[] = {
    {1, "foundation", m1_colls, sizeof(m1_colls) / sizeof(m1_colls[0])},
    {2, "identity", m2_colls, sizeof(m2_colls) / sizeof(m2_colls[0])},
    {3, "inventory", m3_colls, sizeof(m3_colls) / sizeof(m3_colls[0])},
    {4, "bookings", m4_colls, sizeof(m4_colls) / sizeof(m4_colls[0])},
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

rz_status_t rz_migrations_current(rz_sess_t *s, int *version)
{
    rz_query_t q;
    json_t *arr;
    rz_status_t rv;

    *version = 0;
    memset(&q, 0, sizeof(q));
    q.sort = "number";
    q.sort_desc = 1;
    q.limit = 1;
    if ((rv = rz_store_find(s, MIG_COLL, &q, &arr, NULL)) != RZ_OK) {
        return rv;
    }
    if (json_array_size(arr) > 0) {
        *version = (int)json_integer_value(json_object_get(json_array_get(arr, 0), "number"));
    }
    return RZ_OK;
}

#define SCHEMA_RECHECK_S 5

rz_status_t rz_migrations_require(rz_sess_t *s, int *version, int *first_report)
{
    rz_store_t *st = s->st;
    apr_uint32_t state = apr_atomic_read32(&st->schema_state);
    apr_uint32_t now = (apr_uint32_t)rz_now();
    rz_status_t rv;

    *version = -1;
    *first_report = 0;
    if (state == 1) {
        return RZ_OK;
    }
    if (state == 2 && now - apr_atomic_read32(&st->schema_checked_at) < SCHEMA_RECHECK_S) {
        return RZ_SCHEMA_BEHIND;
    }
    if ((rv = rz_migrations_current(s, version)) != RZ_OK) {
        return rv;
    }
    apr_atomic_set32(&st->schema_checked_at, now);
    if (*version >= RZ_SCHEMA_VERSION) {
        apr_atomic_set32(&st->schema_state, 1);
        return RZ_OK;
    }
    apr_atomic_set32(&st->schema_state, 2);
    *first_report = apr_atomic_cas32(&st->schema_reported, 1, 0) == 0;
    return RZ_SCHEMA_BEHIND;
}

static rz_status_t apply_one(rz_sess_t *s, const migration_t *m, int *recorded)
{
    char ts[21];
    json_t *doc;
    rz_status_t rv;
    int i;

    *recorded = 0;
    for (i = 0; i < m->ncolls; i++) {
        const mig_coll_t *c = &m->colls[i];
        if ((rv = rz_store_ensure_collection(s, c->coll, c->idx, c->nidx)) != RZ_OK) {
            return rv;
        }
    }
    rz_timestamp_format(rz_now(), ts);
    doc = rz_json_pool_own(s->pool, json_pack("{s:i, s:s, s:s}", "number", m->number, "name",
                                              m->name, "appliedAt", ts));
    rv = rz_store_insert(s, MIG_COLL, doc, NULL);
    if (rv == RZ_CONFLICT) {
        return RZ_OK; /* another process recorded it first; the steps are idempotent */
    }
    *recorded = rv == RZ_OK;
    return rv;
}

rz_status_t rz_migrations_run(rz_sess_t *s, int *applied, const char **err)
{
    const char *dummy;
    int cur, i, n = 0, rec;
    rz_status_t rv;

    if (!err) {
        err = &dummy;
    }
    *err = NULL;
    if (applied) {
        *applied = 0;
    }
    /* the log must exist (with its unique index) before anything is recorded in it */
    if ((rv = rz_store_ensure_collection(s, MIG_COLL, m1_colls[0].idx, m1_colls[0].nidx)) != RZ_OK
        || (rv = rz_migrations_current(s, &cur)) != RZ_OK) {
        *err = apr_psprintf(s->pool, "cannot read the migration log: %s", rz_store_last_error(s));
        return rv;
    }
    if (cur > RZ_SCHEMA_VERSION) {
        *err = apr_psprintf(s->pool, "the store schema (%d) is newer than this build (%d)", cur,
                            RZ_SCHEMA_VERSION);
        return RZ_INVALID;
    }
    for (i = 0; i < NMIGRATIONS; i++) {
        if (migrations[i].number <= cur) {
            continue;
        }
        if ((rv = apply_one(s, &migrations[i], &rec)) != RZ_OK) {
            *err = apr_psprintf(s->pool, "migration %d (%s) failed: %s", migrations[i].number,
                                migrations[i].name, rz_store_last_error(s));
            break;
        }
        n += rec;
    }
    if (applied) {
        *applied = n;
    }
    return rv;
}
