/* rz_image_proc.c: libvips decode, checks and WebP renditions of one uploaded image (SPEC 7.20). */
#include "domain/rz_image_proc.h"

#include <apr_strings.h>
#include <string.h>

#include <vips/vips.h>

const char *const rz_img_sizes[RZ_IMG_NSIZES] = {"small", "medium", "large", "full"};

/* Target box of each rendition (cover crops for the first three; `full` fits inside). */
static const int box_w[RZ_IMG_NSIZES] = {150, 300, 600, 1920};
static const int box_h[RZ_IMG_NSIZES] = {150, 300, 400, 1080};
static const int quality[RZ_IMG_NSIZES] = {80, 80, 80, 85};

typedef enum { FMT_NONE, FMT_JPEG, FMT_PNG, FMT_WEBP } img_fmt_t;

int rz_image_proc_child_init(const char **err)
{
    static const char *const allowed[] = {"VipsForeignLoadJpeg", "VipsForeignLoadPng",
                                          "VipsForeignLoadWebp", NULL};
    int i;

    if (VIPS_INIT("mod_ruzizi") != 0) {
        *err = vips_error_buffer();
        return -1;
    }
    /* no operation cache: a cached loader would reference a request buffer after its pool died */
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    /* SPEC 7.20 step (1): no loader but these three may ever run (ImageMagick, SVG, PDF, GIF,
     * HEIF and TIFF loaders are installed on Debian and would claim hostile bytes) */
    vips_operation_block_set("VipsForeignLoad", TRUE);
    for (i = 0; allowed[i]; i++) {
        vips_operation_block_set(allowed[i], FALSE);
    }
    return 0;
}

static img_fmt_t sniff(const unsigned char *b, apr_size_t n)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};

    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) {
        return FMT_JPEG;
    }
    if (n >= 8 && memcmp(b, png, 8) == 0) {
        return FMT_PNG;
    }
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0) {
        return FMT_WEBP;
    }
    return FMT_NONE;
}

static img_fmt_t declared(const char *mime)
{
    if (strcmp(mime, "image/jpeg") == 0) {
        return FMT_JPEG;
    }
    if (strcmp(mime, "image/png") == 0) {
        return FMT_PNG;
    }
    if (strcmp(mime, "image/webp") == 0) {
        return FMT_WEBP;
    }
    return FMT_NONE;
}

/* Opens buf with exactly the loader of `fmt` (lazy: only the header is read here). Decode errors
 * and truncation fail at pixel access because of fail_on=error. */
static VipsImage *load(img_fmt_t fmt, const char *buf, apr_size_t len)
{
    VipsImage *img = NULL;
    void *b = (void *)buf; /* libvips keeps the pointer (no copy); the caller keeps buf alive */
    int rc;

    switch (fmt) {
    case FMT_JPEG:
        rc = vips_jpegload_buffer(b, len, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
        break;
    case FMT_PNG:
        rc = vips_pngload_buffer(b, len, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
        break;
    case FMT_WEBP:
        rc = vips_webpload_buffer(b, len, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
        break;
    default:
        rc = -1;
    }
    if (rc != 0) {
        VIPS_UNREF(img);
        return NULL;
    }
    return img;
}

int rz_image_check_header(apr_pool_t *p, const char *mime, const char *buf, apr_size_t len,
                          const char **why)
{
    img_fmt_t want = declared(mime), got = sniff((const unsigned char *)buf, len);
    VipsImage *img;
    long w, h;

    if (len == 0) {
        *why = "The image is empty";
        return -1;
    }
    if (got == FMT_NONE) {
        *why = "Not a JPEG, PNG or WebP image";
        return -1;
    }
    if (got != want) {
        *why = "The image bytes do not match the declared Content-Type";
        return -1;
    }
    img = load(got, buf, len);
    if (!img) {
        vips_error_clear();
        *why = "The image header cannot be read";
        return -1;
    }
    w = vips_image_get_width(img);
    h = vips_image_get_height(img);
    VIPS_UNREF(img);
    if (w < RZ_IMG_MIN_SIDE || h < RZ_IMG_MIN_SIDE) {
        *why = apr_psprintf(p, "The image is %ldx%ld: each side must be at least %d pixels", w, h,
                            RZ_IMG_MIN_SIDE);
        return -1;
    }
    if (w * h > RZ_IMG_MAX_PIXELS) {
        *why = apr_psprintf(p, "The image is %ldx%ld: at most 40 megapixels are accepted", w, h);
        return -1;
    }
    return 0;
}

/* Encodes one rendition of the decoded, upright image `src` into out (bytes copied into p). */
static int render(apr_pool_t *p, VipsImage *src, int i, rz_rendition_t *out)
{
    VipsImage *t = NULL;
    void *webp = NULL;
    size_t n = 0;
    int rc;

    if (i == RZ_IMG_NSIZES - 1) { /* full: inside the box, never upscaled */
        rc = vips_thumbnail_image(src, &t, box_w[i], "height", box_h[i], "size", VIPS_SIZE_DOWN,
                                  "no_rotate", TRUE, NULL);
    } else { /* centred cover crop of exactly the box */
        rc = vips_thumbnail_image(src, &t, box_w[i], "height", box_h[i], "crop",
                                  VIPS_INTERESTING_CENTRE, "no_rotate", TRUE, NULL);
    }
    if (rc == 0) {
        rc = vips_webpsave_buffer(t, &webp, &n, "Q", quality[i], "strip", TRUE, NULL);
    }
    if (rc == 0) {
        out->data = apr_pmemdup(p, webp, n);
        out->len = n;
        out->width = vips_image_get_width(t);
        out->height = vips_image_get_height(t);
    }
    g_free(webp);
    VIPS_UNREF(t);
    return rc;
}

int rz_image_process(apr_pool_t *p, const char *mime, const char *buf, apr_size_t len,
                     rz_renditions_t *out, const char **why)
{
    VipsImage *img = load(declared(mime), buf, len), *mem = NULL, *up = NULL;
    int i, rc = -1;

    *why = "The image cannot be decoded";
    if (!img) {
        goto done;
    }
    /* (2) every pixel decoded now, so a corrupt or truncated file fails here, not later */
    mem = vips_image_copy_memory(img);
    if (!mem) {
        goto done;
    }
    /* (3) EXIF orientation applied (and its tag removed); the savers strip the rest */
    if (vips_autorot(mem, &up, NULL) != 0) {
        goto done;
    }
    *why = "The image cannot be converted";
    for (i = 0; i < RZ_IMG_NSIZES; i++) {
        if (render(p, up, i, &out->r[i]) != 0) {
            goto done;
        }
    }
    rc = 0;
done:
    vips_error_clear();
    VIPS_UNREF(up);
    VIPS_UNREF(mem);
    VIPS_UNREF(img);
    return rc;
}
