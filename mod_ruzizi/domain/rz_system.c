/* rz_system.c: GET /api/health and GET /api/openapi.json (SPEC 7.21). */
#include "domain/rz_system.h"

#include "apr_time.h"

#include "core/rz_json.h"
#include "core/rz_time.h"

extern const char rz_openapi_json[];
extern const size_t rz_openapi_json_len;

static int64_t started_at;

void rz_system_mark_start(void)
{
    started_at = rz_now();
}

int rz_h_health(rz_req_t *rq)
{
    rz_sess_t *s = NULL;
    apr_time_t t0 = apr_time_now();
    rz_status_t st;
    json_t *data, *store;

    /* rz_req_store also refuses a store whose schema is behind this build: not healthy either */
    st = rz_req_store(rq, &s);
    if (st == RZ_OK) {
        st = rz_store_ping(s, 1000);
    }
    if (st != RZ_OK) {
        return rz_respond_store_error(rq, RZ_UNAVAILABLE,
                                      s ? rz_store_last_error(s) : rz_status_name(st));
    }
    store = json_pack("{s:s, s:s, s:I}", "backend", rq->conf->store_backend, "status", "ok",
                      "latencyMs", (json_int_t)apr_time_as_msec(apr_time_now() - t0));
    data = rz_json_pool_own(
        rq->pool, json_pack("{s:s, s:s, s:I, s:o}", "status", "ok", "version", RZ_VERSION,
                            "uptimeSeconds", (json_int_t)(rz_now() - started_at), "store", store));
    return rz_respond_data(rq, RZ_HTTP_OK, data, NULL);
}

int rz_h_openapi(rz_req_t *rq)
{
    apr_table_setn(rq->res.headers, "Cache-Control", "public, max-age=300");
    return rz_respond_bytes(rq, RZ_HTTP_OK, "application/json; charset=utf-8", rz_openapi_json,
                            rz_openapi_json_len);
}
