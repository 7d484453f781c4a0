/* rz_cmds.c: placeholder, being written */
