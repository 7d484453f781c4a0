/* rz_router.c: placeholder, being written */
