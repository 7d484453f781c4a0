/* rz_image_files.h: image rendition files on disk (httpd-free: the module and ruzizi-ctl). */
#ifndef RZ_IMAGE_FILES_H
#define RZ_IMAGE_FILES_H

#include <apr_pools.h>

#include "domain/rz_image_proc.h"

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

#endif
