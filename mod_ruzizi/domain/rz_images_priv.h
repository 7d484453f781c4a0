/* rz_images_priv.h: what the image sources share: rendition files on disk and the Image view. */
#ifndef RZ_IMAGES_PRIV_H
#define RZ_IMAGES_PRIV_H

#include "httpd.h"

#include <jansson.h>

#include "domain/rz_image_proc.h"
#include "domain/rz_images.h"

/* RuziziUploadDir of the request's server, or NULL when unset (uploads answer 503). */
const char *rz_images_root(const request_rec *r);

/* {root}/{est}/{id}/{size}.webp, allocated in p. */
const char *rz_images_file(apr_pool_t *p, const char *root, const char *est, const char *id,
                           const char *size);

/* Writes the four renditions under {root}/{est}/{id}/, each atomically (a temporary file in the
 * same directory, fsync, rename), so a crash never leaves half a file under a final name. On
 * failure everything written is removed and -1 is returned with *err (for the log, in p). */
int rz_images_write_files(apr_pool_t *p, const char *root, const char *est, const char *id,
                          const rz_renditions_t *rr, const char **err);

/* Removes {root}/{est}/{id}/ and what it holds (renditions and stray temporary files); then the
 * establishment's directory when it became empty. Missing files are fine. */
void rz_images_remove_files(apr_pool_t *p, const char *root, const char *est, const char *id);

/* The Image of SPEC 4.14 as output (optional fields null, never `version`). Owned by p. */
json_t *rz_image_view(apr_pool_t *p, const json_t *doc);

#endif
