/* rz_bkcode.c: STUB (being written). */
#include "core/rz_bkcode.h"
