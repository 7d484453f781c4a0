/* rz_validate.c: placeholder, being written */
