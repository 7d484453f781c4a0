/* rz_bkcode_store.c: draws booking codes until one is free in the store (SPEC 6.4). */
#include "services/rz_bkcode_store.h"

#include <apr_strings.h>

#include "core/rz_json.h"

rz_status_t rz_bkcode_fresh(rz_sess_t *s, apr_pool_t *p, const char **out)
{
    char code[RZ_BKCODE_LEN + 1];
    json_t *doc;
    rz_status_t st = RZ_ERROR;
    int i;

    for (i = 0; i < 5; i++) {
        rz_bkcode_new(code);
        rz_cond_t c = {"bookingCode", RZ_EQ, rz_json_pool_own(p, json_string(code))};
        st = rz_store_find_one(s, "bookings", &c, 1, &doc);
        if (st == RZ_NOT_FOUND) {
            *out = apr_pstrdup(p, code);
            return RZ_OK;
        }
        if (st != RZ_OK) {
            return st;
        }
    }
    return RZ_ERROR;
}
