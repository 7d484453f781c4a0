/* unit_suites.h: placeholder, being written */
