/* test_validate.c: placeholder, being written */
