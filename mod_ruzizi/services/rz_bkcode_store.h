/* rz_bkcode_store.h: booking codes against the store: a code that no booking has yet (SPEC 6.4). */
#ifndef RZ_BKCODE_STORE_H
#define RZ_BKCODE_STORE_H

#include <apr_pools.h>

#include "core/rz_bkcode.h"
#include "store/rz_store.h"

/* A new code that no document of the "bookings" collection has yet (SPEC 6.4: drawn again up to
 * 5 times; the unique index bookings_code backs the check up). RZ_OK with *out (in `p`), RZ_ERROR
 * after 5 codes already taken, or the store's status. */
rz_status_t rz_bkcode_fresh(rz_sess_t *s, apr_pool_t *p, const char **out);

#endif
