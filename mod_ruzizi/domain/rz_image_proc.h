/* rz_image_proc.h: libvips processing of an uploaded image (SPEC 7.20 steps 1-5): magic bytes,
 * header limits, full decode, EXIF rotation, metadata strip and the four WebP renditions. */
#ifndef RZ_IMAGE_PROC_H
#define RZ_IMAGE_PROC_H

#include <apr_pools.h>

#define RZ_IMG_NSIZES 4
#define RZ_IMG_MAX_PIXELS 40000000L /* SPEC 8.3: <= 40 megapixels */
#define RZ_IMG_MIN_SIDE 64          /* SPEC 8.3: each side >= 64 px */
/* Decoded size cap (width x height x bands x bytes per band), checked from the header: an 8-bit
 * RGBA image of 40 MP fits; a 16-bit RGB one of 39.6 MP (237 MB, 72 s of CPU) does not. */
#define RZ_IMG_MAX_DECODED_BYTES 160000000L

/* small, medium, large, full: the rendition names in their array order. */
extern const char *const rz_img_sizes[RZ_IMG_NSIZES];

typedef struct {
    const char *data; /* WebP bytes, in the pool given to rz_image_process */
    apr_size_t len;
    int width, height;
} rz_rendition_t;

typedef struct {
    rz_rendition_t r[RZ_IMG_NSIZES]; /* indexed like rz_img_sizes */
} rz_renditions_t;

/* Once per httpd child (child_init; never in the parent, DESIGN 8): VIPS_INIT, no operation cache
 * (a cached load would keep a pointer to a freed request buffer), and the loader allow-list: every
 * VipsForeignLoad blocked, then only JPEG, PNG and WebP unblocked. Returns 0, or -1 with *err set
 * (static or libvips-owned text). */
int rz_image_proc_child_init(const char **err);

/* Step (1), no pixel decoded: the magic bytes of buf must be JPEG, PNG or WebP and match
 * `mime` (image/jpeg|png|webp); the header's width x height <= 40 MP, each side >= 64, and
 * width x height x bytes per pixel <= RZ_IMG_MAX_DECODED_BYTES.
 * Returns 0, or -1 with *why (a client-facing message, static or in p). */
int rz_image_check_header(apr_pool_t *p, const char *mime, const char *buf, apr_size_t len,
                          const char **why);

/* Steps (2)-(5): decodes buf completely (fail_on error, truncation included), applies the EXIF
 * orientation, removes every metadata field (EXIF, XMP, IPTC, ICC after converting to sRGB
 * with it) and encodes full (inside 1920x1080, no upscale, Q85) and the
 * small 150x150 / medium 300x300 / large 600x400 centre cover crops (Q80) as WebP. `buf` is not
 * copied by libvips: it must stay alive for the call (it is). Call rz_image_check_header first.
 * Returns 0 with *out filled (bytes in p), or -1 with *why (client-facing). CPU-heavy: never call
 * it inside a store unit of work. */
int rz_image_process(apr_pool_t *p, const char *mime, const char *buf, apr_size_t len,
                     rz_renditions_t *out, const char **why);

#endif
