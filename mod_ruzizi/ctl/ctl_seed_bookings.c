/* ctl_seed_bookings.c: seed-demo's clients and bookings of every state around today's business
 * date, stored in the shape the API stores them and priced by the server's own code. */
#include "ctl/ctl_seed.h"

#include <apr_strings.h>
#include <stdio.h>
#include <string.h>

#include "core/rz_accdoc.h"
#include "core/rz_audit.h"
#include "core/rz_bkcode.h"
#include "core/rz_booking_events.h"
#include "core/rz_clientdoc.h"
#include "core/rz_estdoc.h"
#include "core/rz_json.h"
#include "core/rz_pricing.h"
#include "core/rz_stay.h"
#include "core/rz_time.h"

#define RZ_BOOKINGS "bookings" /* as in domain/rz_bookings.h, which is httpd-bound */
#define NCLIENTS 8
#define HOUR 3600
#define DAY 86400

/* ---- the demo guests (SPEC 4.6) ---------------------------------------------------------------
 */

typedef struct {
    const char *first, *last, *email, *phone, *gender, *birth, *id_number, *address, *city,
        *country, *lang, *classification, *company;
    int opt_in;
} demo_client_t;

/* NCLIENTS guests per demo establishment (slot 0 Bujumbura, slot 1 Gitega). */
static const demo_client_t demo_clients[2][NCLIENTS] = {
    {
        {"Aline", "Ndayishimiye", "aline.ndayishimiye@guest.ruzizi.demo", "+25779412233", "female",
         "1990-03-14", "BJA-0412-1990", "Rohero, Avenue de la Mission 7", "Bujumbura", "BI", "fr",
         "regular", NULL, 1},
        {"Jean-Claude", "Niyonzima", "jc.niyonzima@guest.ruzizi.demo", "+25761208844", "male",
         "1982-11-02", "BJA-1102-1982", "Kinindo, Avenue Mwaro 15", "Bujumbura", "BI", "fr",
         "regular", NULL, 0},
        {"Espérance", "Nshimirimana", "esperance.nshimirimana@guest.ruzizi.demo", "+25768330571",
         "female", "1995-07-21", "NGZ-0721-1995", "Quartier Swahili 3", "Ngozi", "BI", "fr",
         "regular", NULL, 1},
        {"Didier", "Hakizimana", "didier.hakizimana@guest.ruzizi.demo", "+25772455120", "male",
         "1979-01-30", "BJA-0130-1979", "Chaussée du Peuple Murundi 88", "Bujumbura", "BI", "fr",
         "corporate", "Kaze Consulting SPRL", 0},
        {"Claudine", "Irakoze", "claudine.irakoze@guest.ruzizi.demo", "+25779987310", "female",
         "1988-05-09", "EP0457821", "Rue Gray 41", "Bruxelles", "BE", "en", "regular", NULL, 1},
        {"Emmanuel", "Ndikumana", "emmanuel.ndikumana@guest.ruzizi.demo", "+25769140026", "male",
         "1985-09-17", "RMG-0917-1985", "Quartier Kabondo 12", "Rumonge", "BI", "fr", "regular",
         NULL, 0},
        {"Josiane", "Niyonkuru", "josiane.niyonkuru@guest.ruzizi.demo", "+25771662409", "female",
         "1993-12-05", "BJA-1205-1993", "Mutanga Nord, Avenue Kunkiko 4", "Bujumbura", "BI", "fr",
         "regular", NULL, 0},
        {"Pacifique", "Bizimana", NULL, "+25762775318", "male", NULL, NULL, NULL, "Bujumbura", "BI",
         "fr", "walkin", NULL, 0},
    },
    {
        {"Chantal", "Kaneza", "chantal.kaneza@guest.ruzizi.demo", "+25779230418", "female",
         "1987-02-11", "GTG-0211-1987", "Quartier Magarama 9", "Gitega", "BI", "fr", "regular",
         NULL, 1},
        {"Gilbert", "Nduwimana", "gilbert.nduwimana@guest.ruzizi.demo", "+25761904437", "male",
         "1976-06-24", "GTG-0624-1976", "Quartier Nyamugari 21", "Gitega", "BI", "fr", "regular",
         NULL, 0},
        {"Divine", "Iradukunda", "divine.iradukunda@guest.ruzizi.demo", "+25768511902", "female",
         "1998-10-03", "MRV-1003-1998", "Avenue du Commerce 2", "Muramvya", "BI", "fr", "regular",
         NULL, 1},
        {"Fabrice", "Manirakiza", "fabrice.manirakiza@guest.ruzizi.demo", "+25772089163", "male",
         "1983-04-28", "BJA-0428-1983", "Boulevard de l'Uprona 31", "Bujumbura", "BI", "fr",
         "corporate", "Imbo Logistique SURL", 0},
        {"Sandrine", "Ininahazwe", "sandrine.ininahazwe@guest.ruzizi.demo", "+25779356740",
         "female", "1991-08-15", "PA0318846", "Kanombe, KK 15 Ave", "Kigali", "RW", "en", "regular",
         NULL, 1},
        {"Éric", "Nkurunziza", "eric.nkurunziza@guest.ruzizi.demo", "+25769473015", "male",
         "1980-03-19", "KRS-0319-1980", "Quartier Bwoga 6", "Kirundo", "BI", "fr", "regular", NULL,
         0},
        {"Annick", "Niyonsaba", "annick.niyonsaba@guest.ruzizi.demo", "+25771128854", "female",
         "1994-01-27", "GTG-0127-1994", "Quartier Shatanya 14", "Gitega", "BI", "fr", "regular",
         NULL, 0},
        {"Prosper", "Ntahomvukiye", NULL, "+25762640971", "male", NULL, NULL, NULL, "Gitega", "BI",
         "fr", "walkin", NULL, 0},
    },
};

/* ---- the demo bookings (SPEC 4.5, 5.1) --------------------------------------------------------
 */

/* the order of demo_units in ctl_seed.c (the fourth unit gets no bookings) */
enum { U_NIGHTLY, U_MONTHLY, U_HOURLY };

#define WALKIN_TODAY (-999) /* day: the hourly walk-in of today, checkIn about now */

typedef struct {
    int unit, client;
    int day;    /* checkIn: businessToday + day (WALKIN_TODAY: now) */
    int length; /* nightly: nights; monthly: months; hourly: minutes */
    int extra;  /* monthly: days after the months; hourly: local minute of the check-in */
    const char *type;
    const char *path;      /* the statuses from creation on, space-separated */
    const char *reason;    /* of a cancellation */
    const char *companion; /* first names of additional guests (the client's last name), or NULL */
    int guests;
    const char *arrival, *requests, *notes;
} demo_booking_t;

static const demo_booking_t demo_bookings[] = {
    /* nightly unit: two past stays, a no-show, today's departure and arrival, the future */
    {U_NIGHTLY, 0, -30, 4, 0, "onsite", "confirmed checked_in completed", NULL, "Olivier", 2,
     "15:00", NULL, NULL},
    {U_NIGHTLY, 4, -18, 7, 0, "online", "pending accepted confirmed checked_in completed", NULL,
     NULL, 1, "18:30", "Navette depuis l'aéroport", NULL},
    {U_NIGHTLY, 5, -8, 2, 0, "onsite", "confirmed no_show", NULL, NULL, 1, NULL, NULL, NULL},
    {U_NIGHTLY, 1, -3, 3, 0, "onsite", "confirmed checked_in", NULL, "Nadine", 2, NULL, NULL,
     "Client fidèle"},
    {U_NIGHTLY, 2, 0, 3, 0, "online", "pending accepted confirmed", NULL, "Arsène", 2, "16:00",
     "Chambre calme si possible", NULL},
    {U_NIGHTLY, 6, 4, 2, 0, "onsite", "confirmed cancelled", "Voyage reporté par le client", NULL,
     1, NULL, NULL, NULL},
    {U_NIGHTLY, 3, 6, 3, 0, "onsite", "confirmed", NULL, NULL, 1, NULL, NULL,
     "Facturer à l'entreprise"},
    {U_NIGHTLY, 0, 12, 2, 0, "online", "pending", NULL, NULL, 1, "20:00", NULL, NULL},
    {U_NIGHTLY, 5, 20, 5, 0, "online", "pending accepted", NULL, "Ange", 2, NULL, "Lit bébé", NULL},
    /* monthly unit: a past stay, the tenant in house, the future, a cancellation */
    {U_MONTHLY, 3, -100, 2, 0, "onsite", "confirmed checked_in completed", NULL, "Béatrice Kevin",
     3, NULL, NULL, "Mission longue durée"},
    {U_MONTHLY, 4, -20, 1, 5, "onsite", "confirmed checked_in", NULL, "Thierry", 2, NULL, NULL,
     NULL},
    {U_MONTHLY, 1, 20, 1, 0, "onsite", "pending accepted confirmed", NULL, NULL, 1, NULL, NULL,
     NULL},
    {U_MONTHLY, 6, 30, 2, 0, "online", "pending cancelled", "Logement trouvé ailleurs", NULL, 1,
     NULL, NULL, NULL},
    {U_MONTHLY, 2, 60, 3, 0, "onsite", "pending accepted", NULL, "Arsène Inès", 3, NULL,
     "Place de parking", NULL},
    /* hourly unit: past day uses, a no-show, today's walk-in, the future */
    {U_HOURLY, 7, -2, 180, 600, "walkin", "checked_in completed", NULL, NULL, 1, NULL, NULL, NULL},
    {U_HOURLY, 0, -1, 90, 900, "onsite", "confirmed checked_in completed", NULL, NULL, 1, NULL,
     NULL, NULL},
    {U_HOURLY, 5, -1, 120, 540, "onsite", "confirmed no_show", NULL, NULL, 1, NULL, NULL, NULL},
    {U_HOURLY, 7, WALKIN_TODAY, 240, 0, "walkin", "checked_in", NULL, NULL, 1, NULL, NULL, NULL},
    {U_HOURLY, 1, 2, 240, 600, "onsite", "confirmed", NULL, NULL, 1, NULL, NULL,
     "Réunion: prévoir de l'eau"},
    {U_HOURLY, 6, 3, 120, 540, "online", "pending", NULL, NULL, 2, NULL, NULL, NULL},
    {U_HOURLY, 2, 4, 240, 840, "onsite", "pending accepted", NULL, NULL, 1, NULL, NULL, NULL},
};

#define NBOOKINGS (sizeof(demo_bookings) / sizeof(demo_bookings[0]))

/* One establishment being seeded. */
typedef struct {
    rz_sess_t *s;
    apr_pool_t *p;
    const char *est_id;
    int slot; /* index in demo_clients */
    json_t *est, *acc[DEMO_UNITS];
    rz_est_clock_t clock;
    int64_t now, today; /* rz_now(); businessToday (days) */
    json_int_t ttl;     /* pendingTtlHours */
    json_t *clients[NCLIENTS];
    int64_t client_first[NCLIENTS]; /* createdAt of each client's first booking, or -1 */
    json_t *bookings[NBOOKINGS];
    const char *why; /* what went wrong, for the message */
} seed_t;

static const char *ts(apr_pool_t *p, int64_t t)
{
    char out[21];

    rz_timestamp_format(t, out);
    return apr_pstrdup(p, out);
}

static const char *date(apr_pool_t *p, int64_t days)
{
    char out[11];

    rz_date_format(days, out);
    return apr_pstrdup(p, out);
}

/* ---- clients ----------------------------------------------------------------------------------
 */

/* The validated, stored-shape client of demo guest d (statistics and dates set later). */
static json_t *client_doc(seed_t *z, const demo_client_t *d)
{
    json_t *pi = json_pack("{s:s, s:s}", "firstName", d->first, "lastName", d->last), *in, *c;
    const char *country = json_string_value(rz_json_path_get(z->est, "location.country"));
    rz_vctx_t v;

#define PUT(key, val)                                                                              \
    if (val) {                                                                                     \
        json_object_set_new(pi, key, json_string(val));                                            \
    }
    PUT("email", d->email);
    PUT("phone", d->phone);
    PUT("gender", d->gender);
    PUT("dateOfBirth", d->birth);
    PUT("idNumber", d->id_number);
    PUT("address", d->address);
    PUT("city", d->city);
    PUT("country", d->country);
    if (d->id_number) {
        json_object_set_new(pi, "idType",
                            json_string(strchr(d->id_number, '-') ? "national_id" : "passport"));
    }
    json_object_set_new(pi, "nationality", json_string("BI"));
#undef PUT
    in = rz_json_pool_own(z->p,
                          json_pack("{s:s, s:o, s:s, s:s, s:b}", "establishmentId", z->est_id,
                                    "personalInfo", pi, "classification", d->classification,
                                    "preferredLanguage", d->lang, "marketingOptIn", d->opt_in));
    if (d->company) {
        json_object_set_new(in, "companyName", json_string(d->company));
    }
    rz_vctx_init(&v, z->p);
    if (country) {
        v.country = country;
    }
    if (!(c = rz_client_validate(&v, in,
                                 json_string_value(json_object_get(z->est, "defaultLanguage"))))) {
        z->why = apr_psprintf(z->p, "demo client %s %s refused: %s", d->first, d->last,
                              rz_json_dump(z->p, v.details, NULL));
    }
    return c;
}

/* Booking.clientInfo: a snapshot of the client's personalInfo plus its companyName, every member
 * present (SPEC 4.5, rz_bookings.h). New reference. */
static json_t *client_info(const json_t *client)
{
    static const char *const names[] = {
        "firstName",   "lastName", "email",   "phone", "idType",  "idNumber",    "nationality",
        "dateOfBirth", "gender",   "address", "city",  "country", "companyName", NULL};
    const json_t *pi = json_object_get(client, "personalInfo");
    json_t *ci = json_object();
    int i;

    for (i = 0; names[i]; i++) {
        json_t *val = json_object_get(i == 12 ? client : pi, names[i]);
        json_object_set_new(ci, names[i], val ? json_deep_copy(val) : json_null());
    }
    return ci;
}

/* ---- bookings ---------------------------------------------------------------------------------
 */

/* The stay of booking d, built from input strings as the API resolves them (SPEC 2.8). Returns 0
 * or -1 with z->why. */
static int demo_stay(seed_t *z, const demo_booking_t *d, rz_stay_t *st)
{
    rz_mode_t mode = d->unit == U_NIGHTLY   ? RZ_MODE_NIGHTLY
                     : d->unit == U_MONTHLY ? RZ_MODE_MONTHLY
                                            : RZ_MODE_HOURLY;
    const char *in, *out, *field = NULL, *why;
    int64_t t_in, t_out;
    int is_date;

    if (mode == RZ_MODE_HOURLY) {
        int64_t start = rz_local_instant(&z->clock, z->today + d->day, d->extra);
        if (d->day == WALKIN_TODAY) { /* walked in up to 90 min ago, within today's business day */
            start = rz_local_instant(&z->clock, z->today, z->clock.business_day_start);
            if (start < z->now - 90 * 60) {
                start = (z->now - 90 * 60) / 60 * 60;
            }
        }
        in = ts(z->p, start);
        out = ts(z->p, start + (int64_t)d->length * 60);
    } else {
        int64_t d1 = mode == RZ_MODE_NIGHTLY
                         ? z->today + d->day + d->length
                         : rz_add_months(z->today + d->day, d->length) + d->extra;
        in = date(z->p, z->today + d->day);
        out = date(z->p, d1);
    }
    if (rz_stay_point(&z->clock, in, 0, &t_in, &is_date) != 0
        || rz_stay_point(&z->clock, out, 1, &t_out, &is_date) != 0) {
        z->why = apr_psprintf(z->p, "demo stay %s -> %s unreadable", in, out);
        return -1;
    }
    if ((why = rz_stay_derive(&z->clock, mode, t_in, t_out, st, &field))) {
        z->why = apr_psprintf(z->p, "demo stay %s -> %s: %s: %s", in, out, field, why);
        return -1;
    }
    return 0;
}

/* When booking d (stay st, created at c0) reaches path step i (> 0) of status `to`. */
static int64_t step_at(seed_t *z, const rz_stay_t *st, int64_t c0, int i, const char *to)
{
    if (strcmp(to, "checked_in") == 0) {
        return st->check_in + (st->mode == RZ_MODE_HOURLY ? 5 : 35) * 60;
    }
    if (strcmp(to, "completed") == 0) {
        return st->check_out - (st->mode == RZ_MODE_HOURLY ? 10 : 40) * 60;
    }
    if (strcmp(to, "no_show") == 0) { /* the no_show job, once its guard holds (SPEC 5.1) */
        return st->mode == RZ_MODE_HOURLY
                   ? st->check_out + 5 * 60
                   : rz_local_instant(&z->clock, st->check_in_date + 1, z->clock.business_day_start)
                         + 5 * 60;
    }
    return c0 + (int64_t)i * 3 * HOUR; /* accept, confirm, cancel at the desk */
}

/* Splits space-separated words of `s` (may be NULL) into out[max] (copies in p), NULL-terminated;
 * returns how many. */
static int words(apr_pool_t *p, const char *s, const char **out, int max)
{
    char *copy = apr_pstrdup(p, s ? s : ""), *last = NULL, *w;
    int n = 0;

    for (w = apr_strtok(copy, " ", &last); w && n < max - 1; w = apr_strtok(NULL, " ", &last)) {
        out[n++] = w;
    }
    out[n] = NULL;
    return n;
}

/* Check-out at `at` (rz_bookings_actions.c): checkedOutAt, and an early departure moves checkOut
 * to that minute with the dates re-derived; pricing is kept. */
static void check_out(seed_t *z, json_t *doc, const rz_stay_t *st, int64_t at)
{
    int64_t t = at / 60 * 60, day = rz_local_date(&z->clock, t);

    if (t < st->check_out) {
        if (st->mode != RZ_MODE_HOURLY && day < st->check_in_date + 1) {
            day = st->check_in_date + 1;
        }
        json_object_set_new(doc, "checkOut", json_string(ts(z->p, t)));
        json_object_set_new(doc, "checkOutDate", json_string(date(z->p, day)));
        json_object_set_new(doc, "nights",
                            json_integer(st->mode == RZ_MODE_HOURLY ? 0 : day - st->check_in_date));
    }
    json_object_set_new(doc, "checkedOutAt", json_string(ts(z->p, at)));
}

/* The stored document of demo booking d as creation and then each transition of its path leave
 * it (rz_bookings_create.c new_doc, rz_booking_transition_set, rz_bookings_actions.c). */
static json_t *booking_doc(seed_t *z, const demo_booking_t *d, const rz_stay_t *st0,
                           json_t *pricing, int64_t *created)
{
    const json_t *client = z->clients[d->client];
    const char *path[8], *names[3], *first,
        *lang = json_string_value(json_object_get(client, "preferredLanguage"));
    json_t *doc = rz_json_pool_own(z->p, json_object()), *guests = json_array();
    rz_stay_t st = *st0;
    int64_t c0, prev;
    int i, n;

    words(z->p, d->companion, names, 3);
    if ((n = words(z->p, d->path, path, 8)) == 0) {
        z->why = "demo booking without a status";
        return NULL;
    }
    first = path[0];
    if (strcmp(first, "checked_in") == 0) {
        c0 = st.check_in; /* a walk-in: checkIn := now */
    } else if (n == 1) {
        c0 = z->now - 5 * HOUR; /* still pending, or booked lately: not expired yet */
    } else {
        c0 = st.check_in - 14 * DAY;
        if (c0 > z->now - 3 * DAY) {
            c0 = z->now - 3 * DAY;
        }
    }
    *created = c0;
    for (i = 0; names[i]; i++) {
        json_array_append_new(guests,
                              json_pack("{s:s, s:O, s:b}", "firstName", names[i], "lastName",
                                        rz_json_path_get(client, "personalInfo.lastName"),
                                        "isMinor", i == 1 && d->guests > 2));
    }
    json_object_set_new(doc, "establishmentId", json_string(z->est_id));
    json_object_set(doc, "accommodationId", json_object_get(z->acc[d->unit], "id"));
    json_object_set_new(doc, "bookingType", json_string(d->type));
    json_object_set_new(doc, "status", json_string(first));
    json_object_set_new(doc, "paymentStatus", json_string("unpaid"));
    json_object_set_new(doc, "checkIn", json_string(ts(z->p, st.check_in)));
    json_object_set_new(doc, "checkOut", json_string(ts(z->p, st.check_out)));
    json_object_set_new(doc, "checkInDate", json_string(date(z->p, st.check_in_date)));
    json_object_set_new(doc, "checkOutDate", json_string(date(z->p, st.check_out_date)));
    json_object_set_new(doc, "nights", json_integer(st.nights));
    json_object_set(doc, "pricing", pricing);
    json_object_set_new(doc, "numberOfGuests", json_integer(d->guests));
    json_object_set_new(doc, "clientInfo", client_info(client));
    json_object_set_new(doc, "additionalGuests", guests);
    json_object_set_new(doc, "arrivalTime", d->arrival ? json_string(d->arrival) : json_null());
    json_object_set_new(doc, "specialRequests",
                        d->requests ? json_string(d->requests) : json_null());
    json_object_set_new(doc, "notes", d->notes ? json_string(d->notes) : json_null());
    json_object_set_new(doc, "language", json_string(lang ? lang : "fr"));
    json_object_set(doc, "marketingOptIn", json_object_get(client, "marketingOptIn"));
    json_object_set_new(doc, "invoiceId", json_null());
    json_object_set_new(doc, "expiresAt",
                        strcmp(first, "pending") == 0 && z->ttl > 0
                            ? json_string(ts(z->p, c0 + z->ttl * HOUR))
                            : json_null());
    json_object_set_new(doc, "cancelReason", json_null());
    json_object_set_new(doc, "checkedInAt",
                        strcmp(first, "checked_in") == 0 ? json_string(ts(z->p, c0)) : json_null());
    json_object_set_new(doc, "checkedOutAt", json_null());
    json_object_set_new(
        doc, "statusHistory",
        json_pack("[{s:s, s:s, s:n, s:n}]", "status", first, "at", ts(z->p, c0), "by", "reason"));
    json_object_set_new(doc, "createdBy", json_null());
    json_object_set_new(doc, "createdAt", json_string(ts(z->p, c0)));
    json_object_set_new(doc, "updatedAt", json_string(ts(z->p, c0)));
    for (prev = c0, i = 1; path[i]; i++) {
        const char *to = path[i];
        int64_t at = step_at(z, &st, c0, i, to);
        const char *at_ts = ts(z->p, at);
        int cancel = strcmp(to, "cancelled") == 0;
        if (at < prev || at > z->now) {
            z->why = apr_psprintf(z->p, "demo booking %d: %s at %s out of order",
                                  (int)(d - demo_bookings), to, at_ts);
            return NULL;
        }
        prev = at;
        json_object_update(
            doc, rz_booking_transition_set(z->p, doc, to, NULL, cancel ? d->reason : NULL, at_ts));
        if (cancel) {
            json_object_set_new(doc, "cancelReason", json_string(d->reason));
        } else if (strcmp(to, "checked_in") == 0) {
            json_object_set_new(doc, "checkedInAt", json_string(at_ts));
        } else if (strcmp(to, "completed") == 0) {
            check_out(z, doc, &st, at);
        }
    }
    return doc;
}

/* 1 when booking document b blocks its unit (SPEC 2.8). */
static int blocking(const json_t *b)
{
    static const char *const blocking_statuses[] = {"pending", "accepted", "confirmed",
                                                    "checked_in", NULL};
    const char *s = json_string_value(json_object_get(b, "status"));
    int i;

    for (i = 0; blocking_statuses[i]; i++) {
        if (strcmp(s, blocking_statuses[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* SPEC 6.1 over the plan: no two blocking bookings of one unit overlap. Returns 0 or -1. */
static int plan_is_free(seed_t *z)
{
    size_t i, j;

    for (i = 0; i < NBOOKINGS; i++) {
        for (j = i + 1; j < NBOOKINGS; j++) {
            const json_t *a = z->bookings[i], *b = z->bookings[j];
            if (demo_bookings[i].unit != demo_bookings[j].unit || !blocking(a) || !blocking(b)) {
                continue;
            }
            /* timestamps of one format compare as strings */
            if (strcmp(json_string_value(json_object_get(a, "checkIn")),
                       json_string_value(json_object_get(b, "checkOut")))
                    < 0
                && strcmp(json_string_value(json_object_get(b, "checkIn")),
                          json_string_value(json_object_get(a, "checkOut")))
                       < 0) {
                z->why = apr_psprintf(z->p, "demo bookings %d and %d overlap", (int)i, (int)j);
                return -1;
            }
        }
    }
    return 0;
}

/* ---- the plan and its writing -----------------------------------------------------------------
 */

/* SPEC 6.7 for the plan: each client is created with its first booking and counts its completed
 * stays (totalStays, totalSpent, lastStayAt = the latest checkedOutAt). */
static void client_stats(seed_t *z)
{
    size_t i;
    int c;

    for (c = 0; c < NCLIENTS; c++) {
        json_t *doc = z->clients[c];
        const char *created = ts(z->p, z->client_first[c] >= 0 ? z->client_first[c] : z->now);
        const char *last = NULL;
        json_int_t stays = 0, spent = 0;
        for (i = 0; i < NBOOKINGS; i++) {
            const json_t *b = z->bookings[i];
            const char *out = json_string_value(json_object_get(b, "checkedOutAt"));
            if (demo_bookings[i].client != c
                || strcmp(json_string_value(json_object_get(b, "status")), "completed") != 0) {
                continue;
            }
            stays++;
            spent += json_integer_value(rz_json_path_get(b, "pricing.total"));
            if (!last || strcmp(out, last) > 0) {
                last = out;
            }
        }
        rz_client_init_server_fields(z->p, doc, NULL, created);
        json_object_set_new(doc, "totalStays", json_integer(stays));
        json_object_set_new(doc, "totalSpent", json_integer(spent));
        json_object_set_new(doc, "lastStayAt", last ? json_string(last) : json_null());
        json_object_set_new(doc, "updatedAt", json_string(last ? last : created));
    }
}

/* Builds every client and booking document of the establishment in memory. Returns 0 or -1 with
 * z->why. */
static int plan(seed_t *z)
{
    size_t i;
    int c;

    for (c = 0; c < NCLIENTS; c++) {
        z->client_first[c] = -1;
        if (!(z->clients[c] = client_doc(z, &demo_clients[z->slot][c]))) {
            return -1;
        }
    }
    for (i = 0; i < NBOOKINGS; i++) {
        const demo_booking_t *d = &demo_bookings[i];
        const char *err = NULL;
        json_t *pricing;
        int64_t created;
        rz_stay_t st;
        if (demo_stay(z, d, &st) != 0) {
            return -1;
        }
        if (!(pricing =
                  rz_json_pool_own(z->p, rz_price_quote(z->acc[d->unit], z->est, &st, &err)))) {
            z->why = apr_psprintf(z->p, "demo booking %d cannot be priced: %s", (int)i, err);
            return -1;
        }
        if (!(z->bookings[i] = booking_doc(z, d, &st, pricing, &created))) {
            return -1;
        }
        if (z->client_first[d->client] < 0 || created < z->client_first[d->client]) {
            z->client_first[d->client] = created;
        }
    }
    if (plan_is_free(z) != 0) {
        return -1;
    }
    client_stats(z);
    return 0;
}

/* Inserts the planned clients, then the bookings pointing to them, each with its audit entry
 * (client.create, booking.create; actor system). Inside the unit of work. */
static rz_status_t write_plan(seed_t *z)
{
    const char *client_ids[NCLIENTS], *id, *code;
    rz_status_t st;
    size_t i;
    int c;

    for (c = 0; c < NCLIENTS; c++) {
        if ((st = rz_store_insert(z->s, RZ_CLIENTS, z->clients[c], &id)) != RZ_OK
            || (st = ctl_seed_audit_create(z->s, z->p, "client", id, z->est_id,
                                           rz_client_audit_doc(z->p, z->clients[c])))
                   != RZ_OK) {
            return st;
        }
        client_ids[c] = apr_pstrdup(z->p, id);
    }
    for (i = 0; i < NBOOKINGS; i++) {
        json_t *doc = z->bookings[i], *view;
        if ((st = rz_bkcode_fresh(z->s, z->p, &code)) != RZ_OK) {
            return st;
        }
        json_object_set_new(doc, "bookingCode", json_string(code));
        json_object_set_new(doc, "clientId", json_string(client_ids[demo_bookings[i].client]));
        if ((st = rz_store_insert(z->s, RZ_BOOKINGS, doc, &id)) != RZ_OK) {
            return st;
        }
        view = rz_json_pool_own(z->p, json_deep_copy(doc));
        json_object_del(view, "version");
        if ((st = ctl_seed_audit_create(z->s, z->p, "booking", id, z->est_id, view)) != RZ_OK) {
            return st;
        }
    }
    return RZ_OK;
}

/* RZ_OK with *any 1 when establishment `est` has a document in `coll`. */
static rz_status_t has_any(seed_t *z, const char *coll, int *any)
{
    rz_cond_t c = {"establishmentId", RZ_EQ, rz_json_pool_own(z->p, json_string(z->est_id))};
    json_t *doc;
    rz_status_t st = rz_store_find_one(z->s, coll, &c, 1, &doc);

    *any = st == RZ_OK;
    return st == RZ_NOT_FOUND ? RZ_OK : st;
}

/* The unit-of-work keys: the seed, the audit chain, the units (as booking creation names them)
 * and the guests' contacts (as client creation names them). Returns their count. */
static int plan_keys(seed_t *z, const char *const units[DEMO_UNITS], const char **keys)
{
    int n = 0, c;

    keys[n++] = "seed-demo";
    keys[n++] = RZ_AUDIT_KEY;
    for (c = 0; c < DEMO_UNITS; c++) {
        keys[n++] = apr_pstrcat(z->p, "accommodation:", units[c], NULL);
    }
    for (c = 0; c < NCLIENTS; c++) {
        const demo_client_t *d = &demo_clients[z->slot][c];
        if (d->email) {
            keys[n++] = apr_pstrcat(z->p, "client-email:", z->est_id, ":", d->email, NULL);
        }
        keys[n++] = apr_pstrcat(z->p, "client-phone:", z->est_id, ":", d->phone, NULL);
    }
    return n;
}

int ctl_seed_bookings(rz_sess_t *s, apr_pool_t *p, const char *est, int slot,
                      const char *const units[DEMO_UNITS], int *nclients, int *nbookings)
{
    const char *keys[2 + DEMO_UNITS + 2 * NCLIENTS];
    seed_t z;
    rz_status_t st;
    int any = 0, c;

    memset(&z, 0, sizeof(z));
    z.s = s;
    z.p = p;
    z.est_id = est;
    z.slot = slot;
    *nclients = *nbookings = 0;
    if ((st = rz_store_begin(s, keys, plan_keys(&z, units, keys))) != RZ_OK
        || (st = has_any(&z, RZ_BOOKINGS, &any)) != RZ_OK
        || (!any && (st = has_any(&z, RZ_CLIENTS, &any)) != RZ_OK)) {
        goto fail;
    }
    if (any) { /* seeded before, or in use: leave it alone */
        rz_store_rollback(s);
        return 0;
    }
    if ((st = rz_store_get(s, RZ_ESTABLISHMENTS, est, &z.est)) != RZ_OK) {
        goto fail;
    }
    for (c = 0; c < DEMO_UNITS; c++) {
        if ((st = rz_store_get(s, RZ_ACCOMMODATIONS, units[c], &z.acc[c])) != RZ_OK) {
            goto fail;
        }
    }
    rz_est_clock_from_doc(&z.clock, z.est);
    z.now = rz_now();
    z.today = rz_business_date(&z.clock, z.now);
    z.ttl = json_is_integer(json_object_get(z.est, "pendingTtlHours"))
                ? json_integer_value(json_object_get(z.est, "pendingTtlHours"))
                : 48;
    if (plan(&z) != 0) {
        fprintf(stderr, "ruzizi-ctl: seed-demo: %s\n", z.why);
        rz_store_rollback(s);
        return 1;
    }
    if ((st = write_plan(&z)) != RZ_OK || (st = rz_store_commit(s)) != RZ_OK) {
        goto fail;
    }
    *nclients = NCLIENTS;
    *nbookings = (int)NBOOKINGS;
    return 0;
fail:
    fprintf(stderr, "ruzizi-ctl: seed-demo: store: %s (%s)\n", rz_store_last_error(s),
            rz_status_name(st));
    rz_store_rollback(s);
    return 1;
}
