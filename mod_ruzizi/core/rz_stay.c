/* rz_stay.c: STUB (being written). */
#include "core/rz_stay.h"
