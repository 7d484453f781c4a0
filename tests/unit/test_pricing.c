/* test_pricing.c: STUB. */
#include "unit_suites.h"
