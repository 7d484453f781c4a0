/* rz_status.h: the status codes returned by the core library and the store. */
#ifndef RZ_STATUS_H
#define RZ_STATUS_H

typedef enum {
    RZ_OK = 0,
    RZ_NOT_FOUND,        /* no such document / id */
    RZ_CONFLICT,         /* a unique index was violated (see rz_store_conflict_index) */
    RZ_VERSION_MISMATCH, /* compare-and-set on `version` failed */
    RZ_UNAVAILABLE,      /* store down, or busy past its 5 s bound -> 503 STORE_UNAVAILABLE */
    RZ_SCHEMA_BEHIND,    /* the store's migrations are older than this build -> 503 */
    RZ_INVALID,          /* the caller passed something malformed (bad URI, bad filter) */
    RZ_ERROR             /* anything else: a bug or corrupt data -> 500 */
} rz_status_t;

/* Returns a static, stable name for a status ("RZ_OK", ...); never NULL. */
const char *rz_status_name(rz_status_t st);

#endif
