/* rz_status.c: names of the core status codes, for logs and test messages. */
#include "core/rz_status.h"

const char *rz_status_name(rz_status_t st)
{
    switch (st) {
    case RZ_OK:
        return "RZ_OK";
    case RZ_NOT_FOUND:
        return "RZ_NOT_FOUND";
    case RZ_CONFLICT:
        return "RZ_CONFLICT";
    case RZ_VERSION_MISMATCH:
        return "RZ_VERSION_MISMATCH";
    case RZ_UNAVAILABLE:
        return "RZ_UNAVAILABLE";
    case RZ_SCHEMA_BEHIND:
        return "RZ_SCHEMA_BEHIND";
    case RZ_INVALID:
        return "RZ_INVALID";
    case RZ_ERROR:
        return "RZ_ERROR";
    }
    return "RZ_UNKNOWN";
}
