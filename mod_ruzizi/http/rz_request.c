/* rz_request.c: placeholder, being written */
