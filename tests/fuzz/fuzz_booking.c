/* fuzz_booking.c: libFuzzer harness of booking input validation (core/rz_bkinput): a JSON body
 * through the back-office and public create rules, the PATCH rules, and a stored booking's
 * writable fields merged with the body and validated as a whole. */
#include "fuzz_common.h"

#include "core/rz_bkinput.h"
#include "core/rz_json.h"

/* Validates with a fresh context; the result exists exactly when no detail was added. */
static json_t *run(apr_pool_t *p, json_t *(*fn)(rz_vctx_t *, const json_t *), const json_t *in)
{
    rz_vctx_t v;
    json_t *out;

    rz_vctx_init(&v, p);
    out = fn(&v, in);
    FZ_CHECK(out ? rz_v_ok(&v) : !rz_v_ok(&v));
    return out;
}

static json_t *create_backoffice(rz_vctx_t *v, const json_t *in)
{
    return rz_bk_validate_create(v, in, 0);
}

static json_t *create_public(rz_vctx_t *v, const json_t *in)
{
    return rz_bk_validate_create(v, in, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_pool();
    const char *why = NULL;
    json_t *body = rz_json_parse_body(p, (const char *)data, size, &why), *created, *patch;

    if (!body) {
        apr_pool_destroy(p);
        return 0;
    }
    created = run(p, create_backoffice, body);
    run(p, create_public, body);
    patch = run(p, rz_bk_check_patch, body);
    if (created) {
        /* a stored booking (the normalised input; a walk-in gets its checkIn from the server)
         * passes the merged rules unchanged */
        json_t *stored = rz_bk_writable(p, created), *again;
        json_t *merged = run(p, rz_bk_validate_merged, stored);
        FZ_CHECK(merged != NULL || !rz_bk_str(created, "checkIn"));
        rz_bk_day(created);
        if (patch) {
            again = rz_merge_patch(p, stored, patch);
            run(p, rz_bk_validate_merged, again);
        }
    }
    apr_pool_destroy(p);
    return 0;
}
