/* test_core.c: runs every unit suite of the core (unit_suites.h); non-zero exit on failure. */
#include <apr_general.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit_suites.h"

int main(void)
{
    SRunner *sr;
    int failed;

    if (apr_initialize() != APR_SUCCESS || sodium_init() < 0) {
        fprintf(stderr, "test_core: apr_initialize or sodium_init failed\n");
        return EXIT_FAILURE;
    }
    sr = srunner_create(json_suite());
    srunner_add_suite(sr, validate_suite());
    srunner_add_suite(sr, query_suite());
    srunner_add_suite(sr, text_suite());
    srunner_add_suite(sr, time_suite());
    srunner_add_suite(sr, auth_suite());
    srunner_add_suite(sr, ratelimit_suite());
    srunner_add_suite(sr, slots_suite());
    srunner_add_suite(sr, pricing_suite());
    srunner_add_suite(sr, route_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
