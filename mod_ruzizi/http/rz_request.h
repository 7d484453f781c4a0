/* rz_request.h: placeholder, being written */
