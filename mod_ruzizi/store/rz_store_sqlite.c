/* rz_store_sqlite.c: placeholder, being written */
