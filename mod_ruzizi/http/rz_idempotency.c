/* rz_idempotency.c: STUB. */
#include "http/rz_idempotency.h"
