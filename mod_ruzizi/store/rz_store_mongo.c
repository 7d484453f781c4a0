/* rz_store_mongo.c: placeholder, being written */
