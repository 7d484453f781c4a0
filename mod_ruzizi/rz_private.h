/* rz_private.h: placeholder, being written */
