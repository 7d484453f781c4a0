/* rz_time.c: placeholder, being written */
