/* rz_list.c: the list skeleton (validate -> find -> view -> respond) and its filter helpers. */
#include "domain/rz_list.h"

#include <string.h>

#include "core/rz_json.h"
#include "domain/rz_auth_scope.h"

int rz_list_store(rz_list_t *l)
{
    rz_status_t st;

    if (!l->s && (st = rz_req_store(l->rq, &l->s)) != RZ_OK) {
        l->s = NULL;
        rz_respond_store_error(l->rq, st, NULL);
        return -1;
    }
    return 0;
}

void rz_list_cond(rz_list_t *l, const char *field, rz_op_t op, json_t *value)
{
    if (l->nall < RZ_LIST_MAX_CONDS) {
        l->all[l->nall++] = (rz_cond_t){field, op, value};
    }
}

void rz_list_eq(rz_list_t *l, const char *field, const char *value)
{
    if (value) {
        rz_list_cond(l, field, RZ_EQ, rz_json_pool_own(l->rq->pool, json_string(value)));
    }
}

void rz_list_eq_bool(rz_list_t *l, const char *field, int value)
{
    if (value >= 0) {
        rz_list_cond(l, field, RZ_EQ, value ? json_true() : json_false());
    }
}

void rz_list_in(rz_list_t *l, const char *field, json_t *values)
{
    if (values && json_array_size(values) > 0) {
        rz_list_cond(l, field, RZ_IN, values);
    }
}

void rz_list_search(rz_list_t *l, const char *text, const char *const *fields)
{
    json_t *jt;
    int i;

    if (!text) {
        return;
    }
    jt = rz_json_pool_own(l->rq->pool, json_string(text));
    for (i = 0; fields[i] && l->nany < RZ_LIST_MAX_CONDS; i++) {
        l->any[l->nany++] = (rz_cond_t){fields[i], RZ_CONTAINS_CI, jt};
    }
}

const char *rz_list_establishment(rz_list_t *l)
{
    const char *est = NULL;

    if (!rz_auth_is_sa(l->rq)) {
        return l->rq->who->est_id;
    }
    rz_query_id(&l->v, l->rq->query, "establishmentId", &est);
    return est;
}

/* The stored field a `sort` value orders by. */
static const char *sort_field(const rz_list_spec_t *spec, const char *sort)
{
    int i;

    for (i = 0; spec->sort_fields && spec->sort_fields[i]; i += 2) {
        if (strcmp(spec->sort_fields[i], sort) == 0) {
            return spec->sort_fields[i + 1];
        }
    }
    return sort;
}

int rz_list_run(rz_req_t *rq, const rz_list_spec_t *spec)
{
    rz_list_t *l = apr_pcalloc(rq->pool, sizeof(*l));
    rz_query_t q;
    json_t *found, *data, *doc, *view;
    long total = 0;
    size_t i;
    rz_status_t st;

    l->rq = rq;
    rz_vctx_init(&l->v, rq->pool);
    rz_query_page(&l->v, rq->query, &l->page);
    rz_query_sort(&l->v, rq->query, spec->sorts, spec->default_sort, &l->sort, &l->desc);
    if (spec->filter(l) != 0 || !rz_v_ok(&l->v)) {
        return rq->res.status ? rq->res.status : rz_respond_validation(rq, l->v.details);
    }
    if (rz_list_store(l) != 0) {
        return rq->res.status;
    }
    memset(&q, 0, sizeof(q));
    q.all = l->all;
    q.nall = l->nall;
    q.any = l->any;
    q.nany = l->nany;
    q.sort = sort_field(spec, l->sort);
    q.sort_desc = l->desc;
    q.skip = (l->page.page - 1) * l->page.limit;
    q.limit = l->page.limit;
    q.want_total = 1;
    if ((st = rz_store_find(l->s, spec->coll, &q, &found, &total)) != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(l->s));
    }
    data = rz_json_pool_own(rq->pool, json_array());
    json_array_foreach (found, i, doc) {
        st = RZ_ERROR;
        if (!(view = spec->view(l, doc, &st))) {
            return rz_respond_store_error(rq, st, rz_store_last_error(l->s));
        }
        json_array_append(data, view);
    }
    return rz_respond_list(rq, data, rz_pagination_json(rq->pool, &l->page, total));
}
