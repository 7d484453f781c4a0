/* rz_clients_write.c: STUB. */
#include "domain/rz_clients.h"
