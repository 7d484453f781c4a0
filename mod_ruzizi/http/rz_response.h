/* rz_response.h: placeholder, being written */
