/* rz_testhooks.c: placeholder, being written */
