/* fuzz_query.c: libFuzzer harness of the query-string parser (SPEC 2.1) and every typed reader
 * of rz_query.h (page, limit, sort, q, booleans, integers, ids, dates, enum lists, ranges). */
#include "fuzz_common.h"

#include "core/rz_query.h"

static const char *const allowed[] = {"page", "limit", "sort", "q",      "active", "n",
                                      "id",   "from",  "to",   "status", NULL};
static const char *const sorts[] = {"createdAt", "name", "checkIn", NULL};
static const char *const statuses[] = {"pending", "accepted", "confirmed", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_pool();
    const char *args = fz_cstr(p, data, size), *sort = NULL, *q = NULL, *id = NULL;
    const char *from = NULL, *to = NULL;
    apr_table_t *t = NULL;
    rz_page_t page;
    json_t *list = NULL;
    long n = 7;
    int desc = 0, active = 0, rc;
    rz_vctx_t v;

    rz_vctx_init(&v, p);
    rc = rz_query_parse(&v, args, allowed, &t);
    FZ_CHECK(rc == 0 ? rz_v_ok(&v) && t != NULL : !rz_v_ok(&v));
    if (rc == 0) {
        FZ_CHECK(strlen(args) <= RZ_QUERY_MAX_BYTES);
        if (rz_query_page(&v, t, &page) == 0) {
            FZ_CHECK(page.page >= 1 && page.limit >= 1 && page.limit <= 100);
            json_decref(json_incref(rz_pagination_json(p, &page, (long)size * 1000)));
        }
        if (rz_query_sort(&v, t, sorts, "-createdAt", &sort, &desc) == 0) {
            FZ_CHECK(sort != NULL);
        }
        if (rz_query_q(&v, t, &q) == 0 && q) {
            FZ_CHECK(*q != '\0');
        }
        rz_query_bool(&v, t, "active", &active);
        if (rz_query_int(&v, t, "n", -3, 50, &n) == 0) {
            FZ_CHECK(n >= -3 && n <= 50);
        }
        if (rz_query_id(&v, t, "id", &id) == 0 && id) {
            FZ_CHECK(strlen(id) == 24);
        }
        rz_query_date(&v, t, "from", &from);
        rz_query_date(&v, t, "to", &to);
        rz_query_date_range(&v, from, to, "to");
        if (rz_query_enum_list(&v, t, "status", statuses, &list) == 0 && list) {
            FZ_CHECK(json_is_array(list));
        }
    }
    apr_pool_destroy(p);
    return 0;
}
