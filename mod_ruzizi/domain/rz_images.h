/* rz_images.h: images (SPEC 4.14, 7.20): upload with libvips, renditions on disk, serving, and the
 * calls their owners (establishments, accommodations, ...) make. */
#ifndef RZ_IMAGES_H
#define RZ_IMAGES_H

#include <jansson.h>

#include "domain/rz_req.h"
#include "domain/rz_write.h"

#define RZ_IMAGES "images"

/* Deletes image `id` inside the owner's unit of work `w`: the document now, its rendition files
 * once the unit of work commits (a rollback keeps them). Used when an owner's PATCH removes an id
 * from its images array and when an owner is deleted. RZ_NOT_FOUND when there is no such image. */
rz_status_t rz_images_delete(rz_write_t *w, const char *id);

/* ImageRef[] (SPEC 4.14) for an owner's array of image ids: [{id, url, thumbnails{small, medium,
 * large}}], in array order. New reference owned by `p`. */
json_t *rz_images_refs(apr_pool_t *p, const json_t *ids);

/* The 5 endpoints of SPEC 7.20 (purposes establishment and accommodation for now; the private
 * purposes expense, maintenance and employee_document answer 400 until they are delivered). */
int rz_h_image_upload(rz_req_t *rq); /* POST /api/images (raw bytes) */
int rz_h_images_list(rz_req_t *rq);  /* GET /api/images */
int rz_h_image_get(rz_req_t *rq);    /* GET /api/images/{id} */
int rz_h_image_bytes(rz_req_t *rq);  /* GET /api/images/{id}/{size} (public purposes: PUB) */
int rz_h_image_delete(rz_req_t *rq); /* DELETE /api/images/{id} */

#endif
