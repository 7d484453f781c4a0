/* mod_ruzizi.c: placeholder, being written */
