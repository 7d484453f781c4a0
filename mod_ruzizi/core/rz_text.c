/* rz_text.c: placeholder, being written */
