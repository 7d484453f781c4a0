/* rz_routes.c: placeholder, being written */
