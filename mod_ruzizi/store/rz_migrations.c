/* rz_migrations.c: placeholder, being written */
