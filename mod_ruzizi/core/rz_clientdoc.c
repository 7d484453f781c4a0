/* rz_clientdoc.c: STUB. */
#include "core/rz_clientdoc.h"
