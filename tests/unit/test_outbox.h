/* test_outbox.h: the outbox suite (mail, SMTP, outbox, notifications, job leases, purge). */
#ifndef TEST_OUTBOX_H
#define TEST_OUTBOX_H

#include <check.h>

/* The whole suite; store tests run against g_uri (test_store.h). */
Suite *outbox_suite(void);

/* Adds the store-free cases: templates, date and money formatting, SMTP URL rules, MIME
 * building (test_outbox_mail.c). */
void outbox_add_mail_tests(Suite *s);

#endif
