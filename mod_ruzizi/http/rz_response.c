/* rz_response.c: placeholder, being written */
