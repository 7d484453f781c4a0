/* rz_images_priv.h: what the image sources share: rendition files on disk and the Image view. */
#ifndef RZ_IMAGES_PRIV_H
#define RZ_IMAGES_PRIV_H

#include <jansson.h>

#include "domain/rz_image_files.h"
#include "domain/rz_image_proc.h"
#include "domain/rz_images.h"

/* The Image of SPEC 4.14 as output (optional fields null, never `version`). Owned by p. */
json_t *rz_image_view(apr_pool_t *p, const json_t *doc);

#endif
