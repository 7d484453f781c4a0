/* rz_migrations.h: placeholder, being written */
