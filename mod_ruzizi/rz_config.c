/* rz_config.c: placeholder, being written */
