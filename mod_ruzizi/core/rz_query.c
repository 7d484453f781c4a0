/* rz_query.c: placeholder, being written */
