/* rz_accommodations.h: the accommodation endpoints of SPEC 7.5 (all but the calendar). */
#ifndef RZ_ACCOMMODATIONS_H
#define RZ_ACCOMMODATIONS_H

#include <jansson.h>

#include "core/rz_accdoc.h"
#include "domain/rz_req.h"
#include "store/rz_store.h"

/* rz_accommodations.c: reads, the view and the shared lookup */
int rz_h_accommodations_list(rz_req_t *rq); /* GET /api/accommodations */
int rz_h_accommodation_get(rz_req_t *rq);   /* GET /api/accommodations/{id} */

/* rz_accommodations_write.c */
int rz_h_accommodation_create(rz_req_t *rq);       /* POST /api/accommodations */
int rz_h_accommodation_patch(rz_req_t *rq);        /* PATCH /api/accommodations/{id} */
int rz_h_accommodation_delete(rz_req_t *rq);       /* DELETE /api/accommodations/{id} */
int rz_h_accommodation_housekeeping(rz_req_t *rq); /* PATCH /api/accommodations/{id}/housekeeping */

/* The Accommodation of SPEC 4.4 as output: every writable field (optional ones null), pricing
 * with its currency, images as ImageRef[] (rz_images_refs), createdAt and updatedAt; never
 * nameKey or version. Returns an object owned by `p`. */
json_t *rz_accommodation_view(apr_pool_t *p, const json_t *acc);

/* Loads the accommodation of path parameter 0 within the caller's scope: 0 with *acc (owned by
 * the session pool) and *s set, or -1 after answering 404 (malformed id, missing, another
 * establishment: one body for all three) or 503. */
int rz_acc_load(rz_req_t *rq, rz_sess_t **s, json_t **acc);

/* The unit-of-work key of one accommodation, "accommodation:<id>" (SPEC 6.1: bookings serialise on
 * it too), allocated in `p`. */
const char *rz_acc_key(apr_pool_t *p, const char *id);

#endif
