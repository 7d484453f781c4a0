/* rz_list.h: the skeleton of every list endpoint (SPEC 2.4): validate the query into a filter ->
 * find one page -> view each document -> respond with the pagination. */
#ifndef RZ_LIST_H
#define RZ_LIST_H

#include "core/rz_query.h"
#include "core/rz_validate.h"
#include "domain/rz_req.h"

#define RZ_LIST_MAX_CONDS 12

/* One list request in progress. The route's functions fill the filter through the rz_list_*
 * helpers below. */
typedef struct rz_list_t {
    rz_req_t *rq;
    rz_sess_t *s;   /* the store session: set by rz_list_store, else before the find */
    rz_vctx_t v;    /* the query's problems ("details" of the 400) */
    rz_page_t page; /* page and limit, read first */
    const char *sort;
    int desc;
    rz_cond_t all[RZ_LIST_MAX_CONDS]; /* AND of these */
    int nall;
    rz_cond_t any[RZ_LIST_MAX_CONDS]; /* and (OR of these) when nany > 0: the `q` search */
    int nany;
    json_t *cache; /* an object the view may use across documents (owned by the request pool) */
} rz_list_t;

typedef struct {
    const char *coll;               /* the collection listed */
    const char *const *sorts;       /* the `sort` values allowed (NULL-terminated) */
    const char *default_sort;       /* "-createdAt" style */
    const char *const *sort_fields; /* pairs {sort value, stored field}, NULL-ended; may be NULL */
    /* Reads the route's own query parameters (after page and sort, in the order of its details)
     * and adds the conditions. Returns 0; -1 with details in l->v; or -1 after answering itself
     * (a store error), which the skeleton then leaves as it is. */
    int (*filter)(rz_list_t *l);
    /* The output of one stored document (owned by the request pool), or NULL with *st set when a
     * read it needed failed. */
    json_t *(*view)(rz_list_t *l, const json_t *doc, rz_status_t *st);
} rz_list_spec_t;

/* Runs one list endpoint: page and sort, spec->filter, the store session, one rz_store_find with
 * the total, spec->view per document, then 200 {data, pagination}. Answers 400 VALIDATION_ERROR
 * with every problem of the query, or the store error. Returns the answer's status. */
int rz_list_run(rz_req_t *rq, const rz_list_spec_t *spec);

/* The store session, when the filter needs it before the find. Returns 0, or -1 after answering
 * the store error. */
int rz_list_store(rz_list_t *l);

/* Conditions. `value` strings are copied into JSON owned by the request pool; `values` arrays are
 * borrowed. NULL values add nothing (an absent filter). */
void rz_list_eq(rz_list_t *l, const char *field, const char *value);
void rz_list_eq_bool(rz_list_t *l, const char *field, int value); /* value < 0: absent */
void rz_list_in(rz_list_t *l, const char *field, json_t *values); /* empty arrays add nothing */
void rz_list_cond(rz_list_t *l, const char *field, rz_op_t op, json_t *value);
/* The `q` search: `text` contained, case-insensitively, in any of `fields` (NULL-terminated). */
void rz_list_search(rz_list_t *l, const char *text, const char *const *fields);

/* The establishment a list is scoped to (SPEC 3.2): for a super_admin the `establishmentId`
 * query parameter (NULL when absent; a malformed id is a detail), for anyone else their own
 * (rule 3: the query's value is ignored). */
const char *rz_list_establishment(rz_list_t *l);

#endif
