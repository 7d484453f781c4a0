/* rz_image_proc.c: libvips decode, checks and WebP renditions of one uploaded image (SPEC 7.20). */
#include "domain/rz_image_proc.h"

#include <apr_strings.h>
#include <string.h>

#include <vips/vips.h>
#include <webp/mux.h>

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
    long w, h, bpp;

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
    /* what one pixel takes once decoded: a 16-bit RGB PNG takes 6 bytes, an 8-bit RGB JPEG 3 */
    bpp = (long)vips_image_get_bands(img) * (long)vips_format_sizeof(vips_image_get_format(img));
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
    if (bpp <= 0 || w * h > RZ_IMG_MAX_DECODED_BYTES / bpp) {
        *why = apr_psprintf(p,
                            "The image is %ldx%ld with %ld bytes per pixel: at most %ld MB of "
                            "decoded pixels are accepted",
                            w, h, bpp, RZ_IMG_MAX_DECODED_BYTES / 1000000L);
        return -1;
    }
    return 0;
}

/* Removes every metadata field of img (EXIF with its GPS position, camera and author, XMP, IPTC,
 * ICC profile, loader notes): the WebP saver of libvips 8.14 ignores "strip" and would write
 * EXIF and XMP chunks. What the pixels need (size, bands, format, interpretation) is the image's
 * header, not metadata, and stays. */
static void strip_metadata(VipsImage *img)
{
    gchar **names = vips_image_get_fields(img);
    int i;

    for (i = 0; names && names[i]; i++) {
        vips_image_remove(img, names[i]);
    }
    g_strfreev(names);
}

/* Scales the upright image `src` to rendition i: `full` fits inside its box and is never
 * upscaled, the others are centred cover crops of exactly their box. With `to_srgb` the embedded
 * colour profile is applied, so the colours stay right once the profile is stripped. */
static int scale(VipsImage *src, int i, int to_srgb, VipsImage **t)
{
    int full = i == RZ_IMG_NSIZES - 1;
    VipsSize size = full ? VIPS_SIZE_DOWN : VIPS_SIZE_BOTH;
    VipsInteresting crop = full ? VIPS_INTERESTING_NONE : VIPS_INTERESTING_CENTRE;

    if (to_srgb) {
        return vips_thumbnail_image(src, t, box_w[i], "height", box_h[i], "size", size, "crop",
                                    crop, "no_rotate", TRUE, "export_profile", "srgb", NULL);
    }
    return vips_thumbnail_image(src, t, box_w[i], "height", box_h[i], "size", size, "crop", crop,
                                "no_rotate", TRUE, NULL);
}

/* Copies WebP bytes into out (in p) without their EXIF, XMP and ICCP chunks: the WebP saver of
 * libvips 8.14 ignores "strip" and rebuilds an EXIF block (resolution, dimensions) even for an
 * image without metadata. libwebpmux rewrites the container (VP8X flags included). */
static int copy_without_metadata(apr_pool_t *p, const void *webp, size_t n, rz_rendition_t *out)
{
    static const char *const chunks[] = {"EXIF", "XMP ", "ICCP"};
    WebPData in = {webp, n}, assembled = {NULL, 0};
    WebPMux *mux = WebPMuxCreate(&in, 0);
    WebPMuxError err = mux ? WEBP_MUX_OK : WEBP_MUX_BAD_DATA;
    size_t i;

    for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]) && err == WEBP_MUX_OK; i++) {
        err = WebPMuxDeleteChunk(mux, chunks[i]);
        err = err == WEBP_MUX_NOT_FOUND ? WEBP_MUX_OK : err;
    }
    if (err == WEBP_MUX_OK) {
        err = WebPMuxAssemble(mux, &assembled);
    }
    if (err == WEBP_MUX_OK) {
        out->data = apr_pmemdup(p, assembled.bytes, assembled.size);
        out->len = assembled.size;
    }
    WebPDataClear(&assembled);
    WebPMuxDelete(mux);
    return err == WEBP_MUX_OK ? 0 : -1;
}

/* Encodes one rendition of the decoded, upright image `src` into out (bytes copied into p),
 * without any metadata. */
static int render(apr_pool_t *p, VipsImage *src, int i, rz_rendition_t *out)
{
    VipsImage *t = NULL;
    void *webp = NULL;
    size_t n = 0;
    int rc = -1;

    if (vips_image_get_typeof(src, VIPS_META_ICC_NAME)) {
        rc = scale(src, i, 1, &t);
        if (rc != 0) { /* a profile lcms cannot use: the pixels as they are */
            vips_error_clear();
            VIPS_UNREF(t);
        }
    }
    if (rc != 0) {
        rc = scale(src, i, 0, &t);
    }
    if (rc == 0) {
        strip_metadata(t);
        rc = vips_webpsave_buffer(t, &webp, &n, "Q", quality[i], "strip", TRUE, NULL);
    }
    if (rc == 0) {
        rc = copy_without_metadata(p, webp, n, out);
    }
    if (rc == 0) {
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
    /* (3) EXIF orientation applied (and its tag removed); render() removes the rest */
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
