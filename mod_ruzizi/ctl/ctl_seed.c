/* ctl_seed.c: demo data (two establishments, a user of each role, units of every pricing mode,
 * clients and bookings (ctl_seed_bookings.c) and, with an upload directory, generated images)
 * through the same document rules as the API, audited as actor system. */
#include "ctl/ctl_seed.h"

#include <apr_strings.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/rz_accdoc.h"
#include "core/rz_audit.h"
#include "core/rz_estdoc.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "core/rz_userdoc.h"
#include "domain/rz_image_files.h"
#include "domain/rz_image_proc.h"

#include <vips/vips.h>

#define DEMO_PASSWORD "Ruzizi-demo-2026"
#define DEMO_ADMIN "admin@ruzizi.demo"
#define RZ_IMAGES "images" /* as in domain/rz_images.h, which is httpd-bound */

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

rz_status_t ctl_seed_audit_create(rz_sess_t *s, apr_pool_t *p, const char *entity, const char *id,
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
    return ctl_seed_audit_create(s, p, "establishment", *id, *id, doc);
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
    return ctl_seed_audit_create(s, p, "user", id, est, doc);
}

/* Demo units of the three pricing modes (SPEC 4.4), each with a season; %d is a year. The last one
 * has no demo booking, so a search for tonight offers it. */
static const char *const demo_units[DEMO_UNITS] = {
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
    "{\"name\":\"Chambre Rusizi\",\"type\":\"standard_room\",\"pricingMode\":\"nightly\","
    "\"description\":\"Chambre double c\u00f4t\u00e9 jardin\",\"pricing\":{\"basePrice\":35000,"
    "\"seasons\":[{\"name\":\"Haute saison\",\"from\":\"%d-12-15\",\"to\":\"%d-01-05\","
    "\"price\":45000}]},\"capacity\":{\"maxGuests\":2,\"bedrooms\":1,\"bathrooms\":1},"
    "\"amenities\":[\"wifi\",\"ventilateur\"]}",
};

/* Inserts the demo units of establishment `est` whose names it does not hold yet; ids[i] gets the
 * id of demo unit i either way. */
static rz_status_t seed_accommodations(rz_sess_t *s, apr_pool_t *p, const char *est,
                                       const char *ids[DEMO_UNITS])
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
    for (i = 0; i < DEMO_UNITS; i++) {
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
                ids[i] = json_string_value(json_object_get(found, "id"));
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
        ids[i] = id;
        json_object_del(doc, "nameKey");
        json_object_del(doc, "version");
        if ((st = ctl_seed_audit_create(s, p, "accommodation", id, est, doc)) != RZ_OK) {
            return st;
        }
    }
    return RZ_OK;
}

/* ---- images (SPEC 4.14, 7.20) -----------------------------------------------------------------
 */

typedef struct {
    const char *coll, *owner, *est, *acc; /* acc NULL for an establishment image */
    char id[RZ_ID_LEN + 1];
    json_t *doc; /* the Image document, once its files are written */
} demo_img_t;

/* An 800x600 PNG gradient whose colours depend on n. Returns 0 with *buf (in p) or -1. */
static int demo_png(apr_pool_t *p, int n, const char **buf, apr_size_t *len)
{
    static const double base[][3] = {{30, 90, 140},  {160, 60, 40},  {40, 120, 70},
                                     {120, 50, 130}, {180, 140, 30}, {20, 110, 120}};
    const double *b = base[n % (int)(sizeof(base) / sizeof(base[0]))];
    double a[3] = {100.0 / 800, 100.0 / 600, -60.0 / 800}, c[3];
    VipsImage *xy = NULL, *x = NULL, *y = NULL, *bands[3], *joined = NULL, *lin = NULL, *img = NULL,
              *rgb = NULL;
    void *out = NULL;
    size_t olen = 0;
    int rc = -1;

    c[0] = b[0];
    c[1] = b[1];
    c[2] = b[2] + 60 + 10 * (n / 6);
    if (vips_xyz(&xy, 800, 600, NULL) == 0 && vips_extract_band(xy, &x, 0, NULL) == 0
        && vips_extract_band(xy, &y, 1, NULL) == 0) {
        bands[0] = x;
        bands[1] = y;
        bands[2] = x;
        if (vips_bandjoin(bands, &joined, 3, NULL) == 0
            && vips_linear(joined, &lin, a, c, 3, NULL) == 0
            && vips_cast_uchar(lin, &img, NULL) == 0
            && vips_copy(img, &rgb, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) == 0
            && vips_pngsave_buffer(rgb, &out, &olen, NULL) == 0) {
            *buf = apr_pmemdup(p, out, olen);
            *len = olen;
            rc = 0;
        }
    }
    g_free(out);
    VIPS_UNREF(rgb);
    VIPS_UNREF(lin);
    VIPS_UNREF(img);
    VIPS_UNREF(joined);
    VIPS_UNREF(y);
    VIPS_UNREF(x);
    VIPS_UNREF(xy);
    return rc;
}

/* The Image document the upload endpoint stores, for generated PNG bytes (uploadedBy null). */
static json_t *demo_image_doc(apr_pool_t *p, const demo_img_t *m, const char *png, apr_size_t len,
                              const rz_renditions_t *rr)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1], now[21];
    const rz_rendition_t *full = &rr->r[RZ_IMG_NSIZES - 1];
    json_t *sizes = json_object();
    int i;

    crypto_hash_sha256(digest, (const unsigned char *)png, len);
    sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
    for (i = 0; i < RZ_IMG_NSIZES; i++) {
        json_object_set_new(sizes, rz_img_sizes[i],
                            json_pack("{s:i, s:i, s:I}", "width", rr->r[i].width, "height",
                                      rr->r[i].height, "bytes", (json_int_t)rr->r[i].len));
    }
    rz_timestamp_format(rz_now(), now);
    return rz_json_pool_own(
        p, json_pack("{s:s, s:s, s:s, s:o, s:n, s:s, s:s, s:s, s:I, s:i, s:i, s:o, s:n, s:s, s:s}",
                     "id", m->id, "establishmentId", m->est, "purpose",
                     m->acc ? "accommodation" : "establishment", "accommodationId",
                     m->acc ? json_string(m->acc) : json_null(), "ownerId", "sourceFilename",
                     "demo.png", "mimeType", "image/png", "sha256", hex, "bytes", (json_int_t)len,
                     "width", full->width, "height", full->height, "sizes", sizes, "uploadedBy",
                     "createdAt", now, "updatedAt", now));
}

/* Generates, processes (like an upload) and writes the image of owner m, outside any unit of
 * work. Returns 0, or -1 after printing why. */
static int demo_image_files(apr_pool_t *p, const char *root, int n, demo_img_t *m)
{
    const char *png = NULL, *why = NULL, *err = NULL;
    apr_size_t len = 0;
    rz_renditions_t rr;

    if (demo_png(p, n, &png, &len) != 0) {
        fprintf(stderr, "ruzizi-ctl: seed-demo: libvips: %s\n", vips_error_buffer());
        return -1;
    }
    if (rz_image_check_header(p, "image/png", png, len, &why) != 0
        || rz_image_process(p, "image/png", png, len, &rr, &why) != 0) {
        fprintf(stderr, "ruzizi-ctl: seed-demo: generated image refused: %s\n", why);
        return -1;
    }
    rz_id_new(m->id);
    if (rz_images_write_files(p, root, m->est, m->id, &rr, &err) != 0) {
        fprintf(stderr, "ruzizi-ctl: seed-demo: %s\n", err);
        return -1;
    }
    m->doc = demo_image_doc(p, m, png, len, &rr);
    return 0;
}

/* Inserts image m and appends its id to its owner's images, unless the owner got images since
 * it was read (then m->doc becomes NULL). Inside the unit of work. */
static rz_status_t demo_image_insert(rz_sess_t *s, apr_pool_t *p, demo_img_t *m)
{
    rz_update_t up = {0};
    json_t *owner, *view;
    char now[21];
    rz_status_t st;

    if ((st = rz_store_get(s, m->coll, m->owner, &owner)) != RZ_OK) {
        return st;
    }
    if (json_array_size(json_object_get(owner, "images")) > 0) {
        m->doc = NULL;
        return RZ_OK;
    }
    rz_timestamp_format(rz_now(), now);
    up.set = rz_json_pool_own(p, json_pack("{s:[s], s:s}", "images", m->id, "updatedAt", now));
    if ((st = rz_store_insert(s, RZ_IMAGES, m->doc, NULL)) != RZ_OK
        || (st = rz_store_update(s, m->coll, m->owner, &up,
                                 json_integer_value(json_object_get(owner, "version")), NULL))
               != RZ_OK) {
        return st;
    }
    view = rz_json_pool_own(p, json_deep_copy(m->doc));
    json_object_del(view, "version");
    return ctl_seed_audit_create(s, p, "image", m->id, m->est, view);
}

/* One generated image per demo establishment and demo unit that has none: libvips and the files
 * first, then one unit of work for the documents; files of images not stored are removed. */
static int seed_images(rz_sess_t *s, apr_pool_t *p, const char *root, const char *const est[2],
                       const char *const units[2][DEMO_UNITS])
{
    demo_img_t m[2 * (DEMO_UNITS + 1)];
    const char *keys[2 * (DEMO_UNITS + 1) + 2];
    const char *err = NULL;
    int n = 0, nkeys = 0, i, j, done = 0;
    rz_status_t st = RZ_OK;

    for (i = 0; i < 2; i++) {
        for (j = -1; j < DEMO_UNITS; j++) {
            json_t *owner;
            demo_img_t *d = &m[n];
            memset(d, 0, sizeof(*d));
            d->coll = j < 0 ? RZ_ESTABLISHMENTS : RZ_ACCOMMODATIONS;
            d->owner = j < 0 ? est[i] : units[i][j];
            d->est = est[i];
            d->acc = j < 0 ? NULL : units[i][j];
            if ((st = rz_store_get(s, d->coll, d->owner, &owner)) != RZ_OK) {
                goto fail;
            }
            if (json_array_size(json_object_get(owner, "images")) == 0) {
                n++;
            }
        }
    }
    if (n == 0) {
        return 0;
    }
    if (rz_image_proc_child_init(&err) != 0) {
        fprintf(stderr, "ruzizi-ctl: seed-demo: libvips: %s\n", err);
        return 1;
    }
    keys[nkeys++] = "seed-demo";
    keys[nkeys++] = RZ_AUDIT_KEY;
    for (i = 0; i < n; i++) {
        if (demo_image_files(p, root, i, &m[i]) != 0) {
            goto remove;
        }
        done = i + 1;
        keys[nkeys++] =
            apr_pstrcat(p, m[i].acc ? "accommodation:" : "establishment:", m[i].owner, NULL);
    }
    if ((st = rz_store_begin(s, keys, nkeys)) != RZ_OK) {
        goto fail;
    }
    for (i = 0; i < n; i++) {
        if ((st = demo_image_insert(s, p, &m[i])) != RZ_OK) {
            goto fail;
        }
    }
    if ((st = rz_store_commit(s)) != RZ_OK) {
        goto fail;
    }
    for (i = 0; i < n; i++) {
        if (!m[i].doc) {
            rz_images_remove_files(p, root, m[i].est, m[i].id); /* lost a race: not stored */
        }
    }
    return 0;
fail:
    fprintf(stderr, "ruzizi-ctl: seed-demo: store: %s (%s)\n", rz_store_last_error(s),
            rz_status_name(st));
    rz_store_rollback(s);
remove:
    for (i = 0; i < done; i++) {
        rz_images_remove_files(p, root, m[i].est, m[i].id);
    }
    return 1;
}

/* The number of super_admins of the store other than the demo one (active or not): an
 * operator's own accounts, whose store must not get a super_admin with a published password. */
static rz_status_t own_super_admins(rz_sess_t *s, apr_pool_t *p, long *n)
{
    rz_cond_t c[2] = {{"role", RZ_EQ, rz_json_pool_own(p, json_string("super_admin"))},
                      {"email", RZ_NE, rz_json_pool_own(p, json_string(DEMO_ADMIN))}};
    rz_query_t q = {c, 2, NULL, 0, NULL, 0, 0, 0, 0};

    return rz_store_count(s, RZ_USERS, &q, n);
}

int ctl_seed_demo(rz_sess_t *s, apr_pool_t *p, const char *upload_dir, int force)
{
    static const char *const keys[] = {"users:super_admin", "seed-demo", RZ_AUDIT_KEY};
    const char *est[2], *units[2][DEMO_UNITS];
    int clients = 0, bookings = 0, skipped = 0;
    long admins = 0;
    rz_status_t st;
    size_t i;

    if ((st = rz_store_begin(s, keys, 3)) != RZ_OK
        || (st = own_super_admins(s, p, &admins)) != RZ_OK) {
        goto fail;
    }
    if (admins > 0 && !force) {
        rz_store_rollback(s);
        fprintf(stderr,
                "ruzizi-ctl: seed-demo: this store has a super_admin of its own; the demo accounts "
                "have a published password, so nothing was added (use --force to add them "
                "anyway)\n");
        return 1;
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
            || (st = seed_accommodations(s, p, est[i], units[i])) != RZ_OK) {
            goto fail;
        }
    }
    if ((st = seed_user(s, p, DEMO_ADMIN, "Ada", "Admin", "super_admin", NULL)) != RZ_OK
        || (st = rz_store_commit(s)) != RZ_OK) {
        goto fail;
    }
    for (i = 0; i < 2; i++) {
        int nc = 0, nb = 0;
        if (ctl_seed_bookings(s, p, est[i], (int)i, units[i], &nc, &nb) != 0) {
            return 1;
        }
        clients += nc;
        bookings += nb;
        skipped += nb == 0;
    }
    if (upload_dir
        && seed_images(s, p, upload_dir, est, (const char *const(*)[DEMO_UNITS])units) != 0) {
        return 1;
    }
    printf("demo clients and bookings: %d clients and %d bookings added, %d establishment(s) "
           "skipped (already had bookings or clients)\n",
           clients, bookings, skipped);
    printf("demo logins (password %s):\n", DEMO_PASSWORD);
    printf("  %-12s %-32s\n", "super_admin", DEMO_ADMIN);
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
