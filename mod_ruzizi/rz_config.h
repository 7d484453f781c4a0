/* rz_config.h: placeholder, being written */
