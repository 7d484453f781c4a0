/* rz_testhooks.c: routes compiled only into test builds (--enable-test-hooks): echo and validate.
 */
#include "domain/rz_system.h"

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
