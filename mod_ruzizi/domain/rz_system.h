/* rz_system.h: placeholder, being written */
