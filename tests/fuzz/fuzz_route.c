/* fuzz_route.c: libFuzzer harness of router path matching (core/rz_route_match) over the real
 * route table (http/rz_routes.def without its handlers) and of the SPEC 2.1 raw-path rules. The
 * first byte picks the method, the rest is the path. */
#include "fuzz_common.h"

#include "core/rz_route_match.h"

typedef struct {
    const char *method, *pattern;
} fz_route_t;

#define RZ_ROUTE(method, pattern, handler, access, flags, query, summary) {method, pattern},
static const fz_route_t routes[] = {
#include "http/rz_routes.def"
};
#undef RZ_ROUTE

static const char *const methods[] = {"GET", "HEAD", "POST", "PATCH", "DELETE", "PUT", "TRACE"};

/* Number of {...} segments of a pattern. */
static int nparams_of(const char *pattern)
{
    int n = 0;

    for (; *pattern; pattern++) {
        n += *pattern == '{';
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const rz_route_table_t t =
        RZ_ROUTE_TABLE(routes, (int)(sizeof(routes) / sizeof(routes[0])), fz_route_t);
    const char *params[RZ_MAX_SEGMENTS], *allow = NULL, *path, *method;
    apr_pool_t *p;
    int i, n = -1, status = 0, row;

    if (size < 1) {
        return 0;
    }
    p = fz_pool();
    method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
    path = fz_cstr(p, data + 1, size - 1);
    rz_route_raw_path_rejected(path);
    row = rz_route_match(p, &t, method, path, params, &n, &status, &allow);
    if (row >= 0) {
        FZ_CHECK(status == 200 && row < t.count && n == nparams_of(routes[row].pattern));
        FZ_CHECK(strcmp(routes[row].method, method) == 0
                 || (strcmp(method, "HEAD") == 0 && strcmp(routes[row].method, "GET") == 0));
        for (i = 0; i < n; i++) {
            FZ_CHECK(*params[i] && !strchr(params[i], '/'));
        }
    } else {
        FZ_CHECK(status == 404 ? allow == NULL : status == 405 && allow && *allow);
    }
    apr_pool_destroy(p);
    return 0;
}
