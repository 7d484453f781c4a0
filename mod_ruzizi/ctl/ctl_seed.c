/* ctl_seed.c: demo data (two establishments, a user of each role, units of every pricing mode)
 * through the same document rules as the API, audited as actor system. */
#include "ctl/ctl_seed.h"

#include <apr_strings.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/rz_accdoc.h"
#include "core/rz_audit.h"
#include "core/rz_estdoc.h"
#include "core/rz_json.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "core/rz_userdoc.h"

#define DEMO_PASSWORD "Ruzizi-demo-2026"

typedef struct {
    const char *name, *city, *address, *phone, *email, *slug;
    double lat, lng;
} demo_est_t;

static const demo_est_t demo_ests[] = {
    {"Hôtel Ruzizi Bujumbura", "Bujumbura", "Boulevard du Lac Tanganyika 12", "+25722223344",
     "bujumbura@ruzizi.demo", "bujumbura", -3.3869, 29.3622},
    {"Résidence Ruzizi Gitega", "Gitega", "Avenue de l'Indépendance 4", "+25722402020",
     "gitega@ruzizi.demo", "gitega", -3.4264, 29.9246},
};

static const rz_actor_t system_actor = {NULL, "system", NULL, "ruzizi-ctl seed-demo", NULL};

static rz_status_t audit_create(rz_sess_t *s, apr_pool_t *p, const char *entity, const char *id,
                                const char *est, const json_t *doc)
{
    return rz_audit_append(s, &system_actor, apr_pstrcat(p, entity, ".create", NULL), entity, id,
                           est, rz_audit_changes(p, NULL, doc), NULL, NULL);
}

/* Inserts a demo establishment unless one with its name exists; *id gets its id either way. */
static rz_status_t seed_establishment(rz_sess_t *s, apr_pool_t *p, const demo_est_t *d,
                                      const char **id)
{
    rz_cond_t c = {"nameKey", RZ_EQ, rz_json_pool_own(p, json_string(rz_text_fold(p, d->name)))};
    json_t *found, *in, *doc;
    char now[21];
    rz_vctx_t v;
    rz_status_t st = rz_store_find_one(s, RZ_ESTABLISHMENTS, &c, 1, &found);

    if (st == RZ_OK) {
        *id = json_string_value(json_object_get(found, "id"));
        return RZ_OK;
    }
    if (st != RZ_NOT_FOUND) {
        return st;
    }
    in = rz_json_pool_own(
        p,
        json_pack("{s:s, s:s, s:{s:s, s:s, s:f, s:f}, s:{s:[s], s:s}, s:[s,s,s]}", "name", d->name,
                  "description", "Établissement de démonstration", "location", "city", d->city,
                  "address", d->address, "lat", d->lat, "lng", d->lng, "contacts", "phones",
                  d->phone, "email", d->email, "services", "wifi", "parking", "restaurant"));
    rz_vctx_init(&v, p);
    if (!(doc = rz_est_validate(&v, in))) {
        return RZ_INVALID;
    }
    rz_est_set_keys(p, doc);
    json_object_set_new(doc, "payrollSettings", rz_payroll_settings_defaults("BIF"));
    rz_timestamp_format(rz_now(), now);
    json_object_set_new(doc, "createdAt", json_string(now));
    json_object_set_new(doc, "updatedAt", json_string(now));
    if ((st = rz_store_insert(s, RZ_ESTABLISHMENTS, doc, id)) != RZ_OK) {
        return st;
    }
    return audit_create(s, p, "establishment", *id, *id, doc);
}

/* Inserts a demo user unless the email is taken. */
static rz_status_t seed_user(rz_sess_t *s, apr_pool_t *p, const char *email, const char *first,
                             const char *last, const char *role, const char *est)
{
    rz_user_spec_t u = {email, DEMO_PASSWORD, first, last, NULL, role, est, "fr", NULL};
    rz_cond_t c = {"email", RZ_EQ, rz_json_pool_own(p, json_string(email))};
    json_t *found, *doc;
    const char *id;
    rz_status_t st = rz_store_find_one(s, RZ_USERS, &c, 1, &found);

    if (st != RZ_NOT_FOUND) {
        return st;
    }
    if (!(doc = rz_userdoc_new(p, &u, RZ_PW_INTERACTIVE))) {
        return RZ_ERROR;
    }
    if ((st = rz_store_insert(s, RZ_USERS, doc, &id)) != RZ_OK) {
        return st;
    }
    return audit_create(s, p, "user", id, est, doc);
}

/* Demo units of the three pricing modes (SPEC 4.4), each with a season; %d is a year. */
static const char *const demo_units[] = {
    "{\"name\":\"Suite Tanganyika\",\"type\":\"suite\",\"pricingMode\":\"nightly\","
    "\"description\":\"Suite avec vue sur le lac\",\"pricing\":{\"basePrice\":50000,"
    "\"seasons\":[{\"name\":\"Haute saison\",\"from\":\"%d-12-15\",\"to\":\"%d-01-05\","
    "\"price\":70000}]},\"capacity\":{\"maxGuests\":2,\"bedrooms\":1,\"bathrooms\":1},"
    "\"details\":{\"floor\":2,\"areaM2\":45,\"view\":\"lac\",\"bedType\":\"king\"},"
    "\"amenities\":[\"wifi\",\"climatisation\",\"minibar\"]}",
    "{\"name\":\"Appartement Kiriri\",\"type\":\"apartment\",\"pricingMode\":\"monthly\","
    "\"pricing\":{\"basePrice\":900000,\"seasons\":[{\"name\":\"Fin d'ann\u00e9e\","
    "\"from\":\"%d-12-01\",\"to\":\"%d-01-31\",\"price\":1000000}]},"
    "\"capacity\":{\"maxGuests\":4,\"bedrooms\":2,\"bathrooms\":1,\"livingRooms\":1,"
    "\"kitchens\":1,\"balconies\":1},\"amenities\":[\"wifi\",\"cuisine \u00e9quip\u00e9e\"]}",
    "{\"name\":\"Chambre de jour\",\"type\":\"standard_room\",\"pricingMode\":\"hourly\","
    "\"pricing\":{\"basePrice\":10000,\"minHours\":2,\"seasons\":[{\"name\":\"F\u00eates\","
    "\"from\":\"%d-12-24\",\"to\":\"%d-12-31\",\"price\":12000}]},"
    "\"capacity\":{\"maxGuests\":2,\"bathrooms\":1},\"amenities\":[\"wifi\"]}",
};

/* Inserts the demo units of establishment `est` whose names it does not hold yet. */
static rz_status_t seed_accommodations(rz_sess_t *s, apr_pool_t *p, const char *est)
{
    time_t t = time(NULL);
    struct tm tm;
    json_t *estdoc, *found, *in, *doc;
    const char *id;
    char now[21];
    size_t i;
    int year;
    rz_status_t st;

    gmtime_r(&t, &tm);
    year = tm.tm_year + 1900;
    if ((st = rz_store_get(s, RZ_ESTABLISHMENTS, est, &estdoc)) != RZ_OK) {
        return st;
    }
    for (i = 0; i < sizeof(demo_units) / sizeof(demo_units[0]); i++) {
        rz_vctx_t v;
        int last = strstr(demo_units[i], "-12-31") != NULL; /* a season within one year */
        const char *text = apr_psprintf(p, demo_units[i], year, last ? year : year + 1);
        if (!(in = rz_json_pool_own(p, json_loads(text, 0, NULL)))) {
            return RZ_ERROR;
        }
        json_object_set_new(in, "establishmentId", json_string(est));
        rz_vctx_init(&v, p);
        if (!(doc = rz_acc_validate(&v, in))) {
            return RZ_INVALID;
        }
        rz_acc_set_server_fields(p, doc, json_string_value(json_object_get(estdoc, "currency")));
        {
            rz_cond_t c[2] = {{"establishmentId", RZ_EQ, json_object_get(doc, "establishmentId")},
                              {"nameKey", RZ_EQ, json_object_get(doc, "nameKey")}};
            if ((st = rz_store_find_one(s, RZ_ACCOMMODATIONS, c, 2, &found)) == RZ_OK) {
                continue; /* already seeded */
            }
            if (st != RZ_NOT_FOUND) {
                return st;
            }
        }
        rz_timestamp_format(rz_now(), now);
        json_object_set_new(doc, "createdAt", json_string(now));
        json_object_set_new(doc, "updatedAt", json_string(now));
        if ((st = rz_store_insert(s, RZ_ACCOMMODATIONS, doc, &id)) != RZ_OK) {
            return st;
        }
        json_object_del(doc, "nameKey");
        json_object_del(doc, "version");
        if ((st = audit_create(s, p, "accommodation", id, est, doc)) != RZ_OK) {
            return st;
        }
    }
    return RZ_OK;
}

int ctl_seed_demo(rz_sess_t *s, apr_pool_t *p)
{
    static const char *const keys[] = {"users:super_admin", "seed-demo", RZ_AUDIT_KEY};
    const char *est[2];
    rz_status_t st;
    size_t i;

    if ((st = rz_store_begin(s, keys, 3)) != RZ_OK) {
        goto fail;
    }
    for (i = 0; i < 2; i++) {
        const demo_est_t *d = &demo_ests[i];
        if ((st = seed_establishment(s, p, d, &est[i])) != RZ_OK
            || (st = seed_user(s, p, apr_psprintf(p, "manager.%s@ruzizi.demo", d->slug), "Marie",
                               "Manager", "manager", est[i]))
                   != RZ_OK
            || (st = seed_user(s, p, apr_psprintf(p, "staff.%s@ruzizi.demo", d->slug), "Samuel",
                               "Staff", "staff", est[i]))
                   != RZ_OK
            || (st = seed_accommodations(s, p, est[i])) != RZ_OK) {
            goto fail;
        }
    }
    if ((st = seed_user(s, p, "admin@ruzizi.demo", "Ada", "Admin", "super_admin", NULL)) != RZ_OK
        || (st = rz_store_commit(s)) != RZ_OK) {
        goto fail;
    }
    printf("demo logins (password %s):\n", DEMO_PASSWORD);
    printf("  %-12s %-32s\n", "super_admin", "admin@ruzizi.demo");
    for (i = 0; i < 2; i++) {
        const char *roles[] = {"manager", "staff"};
        for (int r = 0; r < 2; r++) {
            printf("  %-12s %-32s %s\n", roles[r],
                   apr_psprintf(p, "%s.%s@ruzizi.demo", roles[r], demo_ests[i].slug),
                   demo_ests[i].name);
        }
    }
    return 0;
fail:
    fprintf(stderr, "ruzizi-ctl: seed-demo: store: %s (%s)\n", rz_store_last_error(s),
            rz_status_name(st));
    rz_store_rollback(s);
    return 1;
}
