/* test_query.c: placeholder, being written */
