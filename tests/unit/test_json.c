/* test_json.c: placeholder, being written */
