/* rz_router.h: placeholder, being written */
