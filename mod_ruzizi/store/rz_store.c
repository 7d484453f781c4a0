/* rz_store.c: placeholder, being written */
