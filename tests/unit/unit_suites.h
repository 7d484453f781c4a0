/* unit_suites.h: the Check suites of tests/unit/test_core, one constructor per test file area. */
#ifndef UNIT_SUITES_H
#define UNIT_SUITES_H

#include <check.h>

Suite *json_suite(void);      /* test_json.c: body parsing rules, canonical form, paths */
Suite *validate_suite(void);  /* test_validate.c: schema validation, both modes, merge patch */
Suite *query_suite(void);     /* test_query.c: query strings, pagination, sort, q, filters */
Suite *text_suite(void);      /* test_text_time.c: trim, code points, controls, email, phone */
Suite *time_suite(void);      /* test_text_time.c: clock, civil dates, RFC 3339, HH:MM, offsets */
Suite *auth_suite(void);      /* test_auth.c: JWT keys/sign/verify, argon2id, policy, tokens */
Suite *ratelimit_suite(void); /* test_ratelimit.c: token buckets, client keys, processes */
Suite *slots_suite(void);     /* test_slots.c: semaphore slots, killed holders, shared caps */
Suite *pricing_suite(void);   /* test_pricing.c: stays, limits, window, SPEC 6.3 quotes, codes */
Suite *route_suite(void);     /* test_route.c: route matching over a table, raw-path rules */

#endif
