/* rz_system.c: placeholder, being written */
