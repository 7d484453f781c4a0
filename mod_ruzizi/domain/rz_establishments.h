/* rz_establishments.h: the 7 establishment endpoints of SPEC 7.3 (payroll settings included). */
#ifndef RZ_ESTABLISHMENTS_H
#define RZ_ESTABLISHMENTS_H

#include <jansson.h>

#include "core/rz_estdoc.h"
#include "core/rz_validate.h"
#include "domain/rz_req.h"
#include "store/rz_store.h"

/* rz_establishments.c: reads, the view and the shared validation */
int rz_h_establishments_list(rz_req_t *rq); /* GET /api/establishments */
int rz_h_establishment_get(rz_req_t *rq);   /* GET /api/establishments/{id} */

/* rz_establishments_write.c */
int rz_h_establishment_create(rz_req_t *rq); /* POST /api/establishments */
int rz_h_establishment_patch(rz_req_t *rq);  /* PATCH /api/establishments/{id} */
int rz_h_establishment_delete(rz_req_t *rq); /* DELETE /api/establishments/{id} */

/* rz_payroll_settings.c */
int rz_h_payroll_settings_get(rz_req_t *rq);   /* GET /api/establishments/{id}/payroll-settings */
int rz_h_payroll_settings_patch(rz_req_t *rq); /* PATCH .../payroll-settings */

/* The Establishment of SPEC 4.3 as output: the stored writable fields (optional ones as null),
 * images as ImageRef[], accommodationCount and pricingModes computed from "accommodations";
 * never nameKey, cityKey, version or payrollSettings (served by their own endpoint, SA and M
 * only). Returns an object owned by rq->pool, or NULL with *st set on a store failure. */
json_t *rz_establishment_view(rz_req_t *rq, rz_sess_t *s, const json_t *est, rz_status_t *st);

/* Shared by rz_establishments*.c and rz_payroll_settings.c. */

/* Loads the establishment of path parameter 0 within the caller's scope: 0 with *est (owned by
 * the session pool) and *s set, or -1 after answering 404 (malformed id, missing, another
 * establishment) or 503. */
int rz_est_load(rz_req_t *rq, rz_sess_t **s, json_t **est);

/* 1 when `coll` holds a document whose `field` equals `value`; RZ_OK or the store's status. */
rz_status_t rz_est_referenced(rz_sess_t *s, apr_pool_t *p, const char *coll, const char *field,
                              const char *value, int *found);

#endif
