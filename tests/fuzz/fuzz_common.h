/* fuzz_common.h: what every libFuzzer harness of tests/fuzz shares: a per-input APR pool,
 * NUL-terminated copies of the input, and the invariant check that aborts (a finding). */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The process-wide parent of the per-input pools, made once by fz_init. */
static apr_pool_t *fz_root;

/* Initialises APR (and the jansson hash seed, fixed so runs replay identically) once. */
static inline void fz_init(void)
{
    if (!fz_root) {
        apr_initialize();
        json_object_seed(1);
        if (apr_pool_create(&fz_root, NULL) != APR_SUCCESS) {
            abort(); /* out of memory: no input can run */
        }
    }
}

/* A fresh pool for one input; destroy it at the end of the input (its cleanups free jansson
 * values, so a leak is a real one). */
static inline apr_pool_t *fz_pool(void)
{
    apr_pool_t *p = NULL;

    fz_init();
    if (apr_pool_create(&p, fz_root) != APR_SUCCESS) {
        abort();
    }
    return p;
}

/* The input as a C string in p (bytes after an embedded NUL are not seen by C string code). */
static inline char *fz_cstr(apr_pool_t *p, const uint8_t *data, size_t size)
{
    return apr_pstrmemdup(p, (const char *)data, size);
}

/* 1 when s (n bytes) is valid UTF-8 without NUL: what the JSON parser hands the text rules. */
static inline int fz_valid_text(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    int ok;

    ok = j != NULL && memchr(s, '\0', n) == NULL;
    json_decref(j);
    return ok;
}

/* An invariant the code under test promises; a violation aborts, which libFuzzer reports as a
 * crash with the input saved. */
#define FZ_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
