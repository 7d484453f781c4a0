/* rz_pricing.c: STUB (being written). */
#include "core/rz_pricing.h"
