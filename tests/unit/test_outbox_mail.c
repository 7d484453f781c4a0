/* test_outbox_mail.c: store-free tests of the email templates, fr/en formatting, SMTP URL rules
 * and MIME message building. */
#include "test_outbox.h"

#include <apr_pools.h>
#include <jansson.h>
#include <string.h>

#include "core/rz_mail.h"
#include "services/rz_smtp.h"

static apr_pool_t *mp;

static void mail_setup(void)
{
    ck_assert_int_eq(apr_pool_create(&mp, NULL), APR_SUCCESS);
}

static void mail_teardown(void)
{
    apr_pool_destroy(mp);
}

static json_t *vars_of(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);

    ck_assert_msg(v != NULL, "bad vars %s: %s", text, e.text);
    return v;
}

#define BOOKING_VARS                                                                               \
    "{\"guestName\":\"Aline Ndayishimiye\",\"bookingCode\":\"RZ-AB12-CD34\","                      \
    "\"establishmentName\":\"Hôtel du Lac\",\"accommodationName\":\"Chambre 12\","                \
    "\"checkInDate\":\"2026-11-25\",\"checkOutDate\":\"2026-11-27\",\"checkInTime\":\"14:00\","    \
    "\"checkOutTime\":\"11:00\",\"numberOfGuests\":2,\"total\":494000,\"currency\":\"BIF\","       \
    "\"reason\":\"Travaux\",\"lookupUrl\":\"https://ruzizi.example/booking?code=RZ-AB12-CD34\","   \
    "\"backofficeUrl\":\"https://ruzizi.example/admin/bookings/1\"}"

static const struct {
    const char *name, *vars, *fr, *en;
} subjects[] = {
    {"booking_received", BOOKING_VARS, "Demande de réservation reçue – RZ-AB12-CD34",
     "Booking request received – RZ-AB12-CD34"},
    {"booking_accepted", BOOKING_VARS, "Réservation acceptée – RZ-AB12-CD34",
     "Booking accepted – RZ-AB12-CD34"},
    {"booking_confirmed", BOOKING_VARS, "Réservation confirmée – RZ-AB12-CD34",
     "Booking confirmed – RZ-AB12-CD34"},
    {"booking_cancelled", BOOKING_VARS, "Réservation annulée – RZ-AB12-CD34",
     "Booking cancelled – RZ-AB12-CD34"},
    {"new_booking", BOOKING_VARS, "Nouvelle réservation RZ-AB12-CD34", "New booking RZ-AB12-CD34"},
    {"account_created",
     "{\"firstName\":\"Jean\",\"email\":\"jean@example.bi\",\"role\":\"manager\","
     "\"establishmentName\":\"Hôtel du Lac\",\"loginUrl\":\"https://ruzizi.example/login\"}",
     "Votre compte Ruzizi", "Your Ruzizi account"},
    {"password_reset",
     "{\"resetUrl\":\"https://ruzizi.example/reset-password?token=abc\",\"validMinutes\":30}",
     "Réinitialisation du mot de passe", "Password reset"},
    {"password_changed", "{\"at\":\"2026-11-25T05:00:00Z\",\"ip\":\"198.51.100.7\"}",
     "Mot de passe modifié", "Password changed"},
};

START_TEST(test_subjects_exact)
{
    size_t i;
    const char *subj, *body;

    ck_assert_int_eq(rz_mail_ntemplates, 8);
    for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
        json_t *v = vars_of(subjects[i].vars);
        ck_assert_int_eq(rz_mail_render(mp, subjects[i].name, "fr", v, &subj, &body), RZ_OK);
        ck_assert_str_eq(subj, subjects[i].fr);
        ck_assert_msg(!strchr(body, '{'), "%s fr: unexpanded placeholder", subjects[i].name);
        ck_assert_int_eq(rz_mail_render(mp, subjects[i].name, "en", v, &subj, &body), RZ_OK);
        ck_assert_str_eq(subj, subjects[i].en);
        ck_assert_msg(!strchr(body, '{'), "%s en: unexpanded placeholder", subjects[i].name);
        ck_assert_int_eq(rz_mail_render(mp, subjects[i].name, "de", v, &subj, &body), RZ_INVALID);
        json_decref(v);
    }
}
END_TEST

START_TEST(test_render_errors_and_bodies)
{
    json_t *v = vars_of(BOOKING_VARS);
    const char *subj, *body;

    ck_assert_int_eq(rz_mail_render(mp, "no_such", "fr", v, &subj, &body), RZ_INVALID);
    ck_assert_int_eq(rz_mail_render(mp, "booking_received", NULL, v, &subj, &body), RZ_INVALID);
    ck_assert_int_eq(rz_mail_render(mp, "booking_received", "fr", NULL, &subj, &body), RZ_INVALID);
    ck_assert_int_eq(rz_mail_render(mp, "booking_received", "fr", v, &subj, &body), RZ_OK);
    ck_assert_ptr_nonnull(strstr(body, "Arrivée : mercredi 25 novembre 2026, à partir de 14:00"));
    ck_assert_ptr_nonnull(strstr(body, "Montant total : 494 000 BIF"));
    ck_assert_ptr_nonnull(strstr(body, "https://ruzizi.example/booking?code=RZ-AB12-CD34"));
    ck_assert_int_eq(rz_mail_render(mp, "booking_cancelled", "en", v, &subj, &body), RZ_OK);
    ck_assert_ptr_nonnull(strstr(body, "Reason: Travaux"));
    json_object_del(v, "reason"); /* optional: the whole line goes */
    ck_assert_int_eq(rz_mail_render(mp, "booking_cancelled", "en", v, &subj, &body), RZ_OK);
    ck_assert_ptr_null(strstr(body, "Reason"));
    json_object_del(v, "guestName"); /* required */
    ck_assert_int_eq(rz_mail_render(mp, "booking_confirmed", "en", v, &subj, &body), RZ_INVALID);
    /* a value cannot add a header line to the subject */
    json_object_set_new(v, "guestName", json_string("x"));
    json_object_set_new(v, "bookingCode", json_string("RZ\r\nBcc: evil@example.com"));
    ck_assert_int_eq(rz_mail_render(mp, "booking_confirmed", "en", v, &subj, &body), RZ_OK);
    ck_assert_ptr_null(strpbrk(subj, "\r\n"));
    json_decref(v);
    v = vars_of(
        "{\"at\":\"2026-11-25T05:00:00Z\",\"ip\":\"198.51.100.7\",\"utcOffset\":\"+02:00\"}");
    ck_assert_int_eq(rz_mail_render(mp, "password_changed", "fr", v, &subj, &body), RZ_OK);
    ck_assert_ptr_nonnull(strstr(body, "le mercredi 25 novembre 2026 à 07:00 (UTC+02:00)"));
    json_decref(v);
}
END_TEST

START_TEST(test_account_created_no_password)
{
    json_t *v = vars_of("{\"firstName\":\"Jean\",\"email\":\"jean@example.bi\",\"role\":\"staff\","
                        "\"loginUrl\":\"https://ruzizi.example/login\"}");
    const char *subj, *body;

    ck_assert_int_eq(rz_mail_render(mp, "account_created", "fr", v, &subj, &body), RZ_OK);
    ck_assert_ptr_nonnull(strstr(body, "Bonjour Jean,"));
    ck_assert_ptr_nonnull(strstr(body, "jean@example.bi"));
    ck_assert_ptr_nonnull(strstr(body, "Rôle : personnel d'accueil"));
    ck_assert_ptr_null(strstr(body, "établissement ")); /* super admin style: no establishment */
    json_object_set_new(v, "password", json_string("S3cret-pass!"));
    ck_assert_int_eq(rz_mail_render(mp, "account_created", "en", v, &subj, &body), RZ_INVALID);
    json_object_del(v, "password");
    json_object_set_new(v, "newPassword", json_string("S3cret-pass!"));
    ck_assert_int_eq(rz_mail_render(mp, "account_created", "en", v, &subj, &body), RZ_INVALID);
    json_object_del(v, "newPassword");
    ck_assert_int_eq(rz_mail_render(mp, "account_created", "en", v, &subj, &body), RZ_OK);
    ck_assert_ptr_null(strstr(body, "S3cret"));
    ck_assert_ptr_nonnull(strstr(body, "Role: front-desk staff"));
    json_decref(v);
}
END_TEST

START_TEST(test_money_and_dates)
{
    int64_t t = 1795582800; /* 2026-11-25T05:00:00Z */

    ck_assert_str_eq(rz_mail_format_money(mp, 494000, "BIF", "fr"), "494 000 BIF");
    ck_assert_str_eq(rz_mail_format_money(mp, 494000, "BIF", "en"), "494 000 BIF");
    ck_assert_str_eq(rz_mail_format_money(mp, 1250, "USD", "en"), "12.50 USD");
    ck_assert_str_eq(rz_mail_format_money(mp, 1250, "USD", "fr"), "12,50 USD");
    ck_assert_str_eq(rz_mail_format_money(mp, 123456789, "EUR", "en"), "1 234 567.89 EUR");
    ck_assert_str_eq(rz_mail_format_money(mp, 1000000000000LL, "BIF", "fr"),
                     "1 000 000 000 000 BIF");
    ck_assert_str_eq(rz_mail_format_money(mp, 0, "USD", "fr"), "0,00 USD");
    ck_assert_str_eq(rz_mail_format_money(mp, -5, "USD", "en"), "-0.05 USD");
    ck_assert_str_eq(rz_mail_format_money(mp, 999, "BIF", "en"), "999 BIF");
    ck_assert_ptr_null(rz_mail_format_money(mp, 1, "XYZ", "en"));
    ck_assert_ptr_null(rz_mail_format_money(mp, 1, "BIF", "rn"));
    ck_assert_str_eq(rz_mail_format_datetime(mp, t, "fr", 120),
                     "mercredi 25 novembre 2026 à 07:00");
    ck_assert_str_eq(rz_mail_format_datetime(mp, t, "en", 120),
                     "Wednesday 25 November 2026 at 07:00");
    ck_assert_str_eq(rz_mail_format_datetime(mp, t, "en", -360),
                     "Tuesday 24 November 2026 at 23:00");
    ck_assert_str_eq(rz_mail_format_date(mp, 20758, "fr"), "dimanche 1er novembre 2026");
    ck_assert_str_eq(rz_mail_format_date(mp, 10957, "fr"), "samedi 1er janvier 2000");
    ck_assert_str_eq(rz_mail_format_date(mp, 20819, "en"), "Friday 1 January 2027");
    ck_assert_str_eq(rz_mail_format_date(mp, 20687, "fr"), "samedi 22 août 2026");
    ck_assert_str_eq(
        rz_mail_link(mp, "https://hotel.example/", "reset-password", "token", "AbC-_9"),
        "https://hotel.example/reset-password?token=AbC-_9");
    ck_assert_str_eq(rz_mail_link(mp, "https://hotel.example", "booking", "code", "RZ-AB12 &"),
                     "https://hotel.example/booking?code=RZ-AB12%20%26");
    ck_assert_str_eq(rz_mail_link(mp, "https://hotel.example", "login", NULL, NULL),
                     "https://hotel.example/login");
}
END_TEST

START_TEST(test_url_rules)
{
    const char *err;

    ck_assert_int_eq(rz_smtp_url_check("smtps://mail.example.com:465", &err), 0);
    ck_assert_int_eq(rz_smtp_url_check("smtp://mail.example.com:587", &err), 0);
    ck_assert_int_eq(rz_smtp_url_is_plain_loopback("smtp://mail.example.com:587"), 0);
    ck_assert_int_eq(rz_smtp_url_is_plain_loopback("smtps://127.0.0.1:465"), 0);
    ck_assert_int_eq(rz_smtp_url_check("smtp://127.0.0.1:25", &err), 0);
    ck_assert_int_eq(rz_smtp_url_is_plain_loopback("smtp://127.0.0.1:25"), 1);
    ck_assert_int_eq(rz_smtp_url_is_plain_loopback("smtp://127.8.9.10"), 1);
    ck_assert_int_eq(rz_smtp_url_is_plain_loopback("smtp://localhost:25"), 1);
    ck_assert_int_eq(rz_smtp_url_is_plain_loopback("smtp://[::1]:25"), 1);
    ck_assert_int_eq(rz_smtp_url_is_plain_loopback("smtp://128.0.0.1:25"), 0);
    ck_assert_int_eq(rz_smtp_url_is_plain_loopback("smtp://127.0.0.1.example.com"), 0);
    ck_assert_int_eq(rz_smtp_url_is_plain_loopback("smtp://[::2]:25"), 0);
    ck_assert_int_eq(rz_smtp_url_check("http://mail.example.com", &err), -1);
    ck_assert_int_eq(rz_smtp_url_check("mail.example.com:587", &err), -1);
    ck_assert_int_eq(rz_smtp_url_check("", &err), -1);
    ck_assert_int_eq(rz_smtp_url_check(NULL, &err), -1);
    ck_assert_int_eq(rz_smtp_url_check("smtp://user:pw@mail.example.com:587", &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "RuziziSmtpCredentialsFile"));
    ck_assert_int_eq(rz_smtp_url_check("smtps://mail.example.com:465?x=1", &err), -1);
    ck_assert_int_eq(rz_smtp_host_is_loopback("LOCALHOST"), 1);
    ck_assert_int_eq(rz_smtp_host_is_loopback("::1"), 1);
    ck_assert_int_eq(rz_smtp_host_is_loopback("10.0.0.1"), 0);
}
END_TEST

START_TEST(test_message_building)
{
    const char *m;
    char line[200];

    m = rz_smtp_build_message(mp, "noreply@ruzizi.test", "guest@example.com",
                              "Réservation confirmée – RZ-AB12-CD34",
                              "Ligne accentuée : été\n.point\nfin = égal   \n", 1795582800);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(strstr(m, "Date: Wed, 25 Nov 2026 05:00:00 +0000\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "\r\nFrom: noreply@ruzizi.test\r\nTo: guest@example.com\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "\r\nSubject: =?UTF-8?B?"));
    ck_assert_ptr_nonnull(strstr(m, "@ruzizi.test>\r\nMIME-Version: 1.0\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Content-Type: text/plain; charset=utf-8\r\n"));
    ck_assert_ptr_nonnull(
        strstr(m, "\r\n\r\nLigne accentu=C3=A9e : =C3=A9t=C3=A9\r\n=2Epoint\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "fin =3D =C3=A9gal  =20\r\n"));
    ck_assert_ptr_null(
        rz_smtp_build_message(mp, "noreply@ruzizi.test", "a@b.c", "x\r\nBcc: y", "body", 0));
    ck_assert_ptr_null(
        rz_smtp_build_message(mp, "noreply@ruzizi.test", "a@b.c>, <c@d.e", "x", "body", 0));
    memset(line, 'a', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    m = rz_smtp_build_message(mp, "noreply@ruzizi.test", "a@b.c", "plain", line, 0);
    ck_assert_ptr_nonnull(strstr(m, "Subject: plain\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "aaa=\r\naaa")); /* soft line breaks keep lines <= 76 */
}
END_TEST

void outbox_add_mail_tests(Suite *s)
{
    TCase *tc = tcase_create("mail");

    tcase_add_checked_fixture(tc, mail_setup, mail_teardown);
    tcase_add_test(tc, test_subjects_exact);
    tcase_add_test(tc, test_render_errors_and_bodies);
    tcase_add_test(tc, test_account_created_no_password);
    tcase_add_test(tc, test_money_and_dates);
    tcase_add_test(tc, test_url_rules);
    tcase_add_test(tc, test_message_building);
    suite_add_tcase(s, tc);
}
