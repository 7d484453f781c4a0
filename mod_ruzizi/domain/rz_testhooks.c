/* rz_testhooks.c: routes compiled only into test builds (--enable-test-hooks): echo, validate,
 * and holding a cross-process slot. */
#include "domain/rz_system.h"

#include <string.h>
#include <unistd.h>

#include "apr_time.h"

#include "core/rz_json.h"
#include "core/rz_validate.h"

int rz_h_test_echo(rz_req_t *rq)
{
    json_t *query = json_object(), *data;
    const apr_array_header_t *arr = apr_table_elts(rq->query);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        json_object_set_new(query, e[i].key, json_string(e[i].val));
    }
    data = rz_json_pool_own(rq->pool, json_pack("{s:O, s:o}", "body", rq->body, "query", query));
    return rz_respond_data(rq, RZ_HTTP_OK, data, NULL);
}

static const rz_field_t place_fields[] = {
    {.name = "city", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 100},
    {.name = "lat", .type = RZ_T_NUMBER, .dmin = -90, .dmax = 90, .max = 7},
    {.name = NULL},
};

static const rz_field_t tag_item = {.name = "tag", .type = RZ_T_STRING, .min = 1, .max = 20};

static const rz_field_t test_schema[] = {
    {.name = "name", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 50},
    {.name = "email", .type = RZ_T_EMAIL},
    {.name = "phone", .type = RZ_T_PHONE},
    {.name = "amount", .type = RZ_T_MONEY},
    {.name = "count", .type = RZ_T_INT, .min = 0, .max = 10},
    {.name = "when", .type = RZ_T_DATETIME},
    {.name = "day", .type = RZ_T_DATE},
    {.name = "tags", .type = RZ_T_ARRAY, .max = 3, .items = &tag_item},
    {.name = "place", .type = RZ_T_OBJECT, .fields = place_fields},
    {.name = NULL},
};

int rz_h_test_validate(rz_req_t *rq)
{
    rz_vctx_t v;
    json_t *out;

    rz_vctx_init(&v, rq->pool);
    out = rz_validate(&v, test_schema, rq->body, RZ_V_CREATE);
    if (!out) {
        return rz_respond_validation(rq, v.details);
    }
    return rz_respond_data(rq, RZ_HTTP_OK, out, NULL);
}

#define HOLD_MAX_MS 60000

/* Takes the named slot through the layer above (the write gate, a hash slot held until the
 * request ends, or a decode slot): 1 held, 0 busy (after answering 503). */
static int hold_take(rz_req_t *rq, const char *slot, unsigned int *gate)
{
    if (strcmp(slot, "gate") == 0) {
        if (rq->ops->gate_enter(rq, 5000, gate)) {
            return 1;
        }
        rz_respond_error(rq, RZ_HTTP_SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE",
                         "The write gate stayed busy", NULL);
        return 0;
    }
    if (strcmp(slot, "hash") == 0 ? rq->ops->hash_slot(rq) : rq->ops->decode_take(rq)) {
        return 1;
    }
    rz_respond_error(rq, RZ_HTTP_SERVICE_UNAVAILABLE, "SERVER_BUSY", "No free slot", NULL);
    return 0;
}

int rz_h_test_hold(rz_req_t *rq)
{
    const char *slot = json_string_value(json_object_get(rq->body, "slot"));
    json_t *ms = json_object_get(rq->body, "ms");
    unsigned int gate = 0;
    rz_vctx_t v;

    rz_vctx_init(&v, rq->pool);
    if (!slot
        || (strcmp(slot, "gate") != 0 && strcmp(slot, "hash") != 0
            && strcmp(slot, "decode") != 0)) {
        rz_v_fail(&v, "slot", "must be gate, hash or decode");
    }
    if (!json_is_integer(ms) || json_integer_value(ms) < 1
        || json_integer_value(ms) > HOLD_MAX_MS) {
        rz_v_fail(&v, "ms", "must be an integer from 1 to 60000");
    }
    if (!slot || !rz_v_ok(&v)) {
        return rz_respond_validation(rq, v.details);
    }
    if (!hold_take(rq, slot, &gate)) {
        return rq->res.status;
    }
    /* tests find the holder by this line (and SIGKILL it while it holds) */
    rz_req_log(rq, RZ_LOG_INFO, RZ_LOGNO(00901) "test hook: pid %ld holds the %s slot for %ld ms",
               (long)getpid(), slot, (long)json_integer_value(ms));
    apr_sleep(apr_time_from_msec(json_integer_value(ms)));
    if (strcmp(slot, "gate") == 0) {
        rq->ops->gate_leave(rq, gate);
    } else if (strcmp(slot, "decode") == 0) {
        rq->ops->decode_give(rq);
    } /* a hash slot goes back when the request ends */
    return rz_respond_data(rq, RZ_HTTP_OK,
                           rz_json_pool_own(rq->pool, json_pack("{s:s, s:I}", "slot", slot, "pid",
                                                                (json_int_t)getpid())),
                           NULL);
}
