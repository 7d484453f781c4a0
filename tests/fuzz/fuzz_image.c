/* fuzz_image.c: libFuzzer harness of the image header check of an upload (SPEC 7.20 step 1,
 * rz_image_check_header): magic bytes against the declared type, libvips' header-only load, the
 * pixel and decoded-size limits. The first byte picks the declared media type. */
#include "fuzz_common.h"

#include "domain/rz_image_proc.h"

static const char *const mimes[] = {"image/jpeg", "image/png", "image/webp"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *err = NULL;

    fz_init();
    if (rz_image_proc_child_init(&err) != 0) {
        fprintf(stderr, "libvips: %s\n", err);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *why = NULL;
    char *copy;

    if (size < 1) {
        return 0;
    }
    p = fz_pool();
    /* a copy of exactly the body's bytes, as the request body would be */
    copy = apr_pmemdup(p, data + 1, size - 1);
    if (rz_image_check_header(p, mimes[data[0] % 3], copy, size - 1, &why) != 0) {
        FZ_CHECK(why != NULL && *why);
    }
    apr_pool_destroy(p);
    return 0;
}
