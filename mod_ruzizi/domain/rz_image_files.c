/* rz_image_files.c: rendition files on disk, written atomically and removed (httpd-free). */
#include "domain/rz_image_files.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>

const char *rz_images_file(apr_pool_t *p, const char *root, const char *est, const char *id,
                           const char *size)
{
    return apr_pstrcat(p, root, "/", est, "/", id, "/", size, ".webp", NULL);
}

/* Creates `dir` (mode 0750) unless it exists. */
static apr_status_t make_dir(const char *dir, apr_pool_t *p)
{
    apr_status_t rv = apr_dir_make(dir,
                                   APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE
                                       | APR_FPROT_GREAD | APR_FPROT_GEXECUTE,
                                   p);

    return APR_STATUS_IS_EEXIST(rv) ? APR_SUCCESS : rv;
}

/* One rendition: temporary file next to the final name, written, synced, renamed. */
static apr_status_t write_one(apr_pool_t *p, const char *dir, const char *size,
                              const rz_rendition_t *r)
{
    char *tmpl = apr_pstrcat(p, dir, "/.", size, ".webp.XXXXXX", NULL);
    const char *final = apr_pstrcat(p, dir, "/", size, ".webp", NULL);
    apr_file_t *f;
    apr_size_t n = r->len;
    apr_status_t rv;

    rv = apr_file_mktemp(&f, tmpl, APR_FOPEN_CREATE | APR_FOPEN_WRITE | APR_FOPEN_EXCL, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = apr_file_write_full(f, r->data, r->len, &n);
    if (rv == APR_SUCCESS) {
        rv = apr_file_sync(f);
    }
    if (rv == APR_SUCCESS) {
        rv = apr_file_perms_set(tmpl, APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD);
        if (rv == APR_ENOTIMPL) {
            rv = APR_SUCCESS;
        }
    }
    apr_file_close(f);
    if (rv == APR_SUCCESS) {
        rv = apr_file_rename(tmpl, final, p);
    }
    if (rv != APR_SUCCESS) {
        apr_file_remove(tmpl, p);
    }
    return rv;
}

int rz_images_write_files(apr_pool_t *p, const char *root, const char *est, const char *id,
                          const rz_renditions_t *rr, const char **err)
{
    const char *est_dir = apr_pstrcat(p, root, "/", est, NULL);
    const char *dir;
    char msg[120];
    apr_status_t rv;
    int i;

    dir = apr_pstrcat(p, est_dir, "/", id, NULL);
    if ((rv = make_dir(est_dir, p)) != APR_SUCCESS || (rv = make_dir(dir, p)) != APR_SUCCESS) {
        *err = apr_psprintf(p, "cannot create %s: %s", dir, apr_strerror(rv, msg, sizeof(msg)));
        rz_images_remove_files(p, root, est, id);
        return -1;
    }
    for (i = 0; i < RZ_IMG_NSIZES; i++) {
        if ((rv = write_one(p, dir, rz_img_sizes[i], &rr->r[i])) != APR_SUCCESS) {
            *err = apr_psprintf(p, "cannot write %s/%s.webp: %s", dir, rz_img_sizes[i],
                                apr_strerror(rv, msg, sizeof(msg)));
            rz_images_remove_files(p, root, est, id);
            return -1;
        }
    }
    return 0;
}

void rz_images_remove_files(apr_pool_t *p, const char *root, const char *est, const char *id)
{
    const char *est_dir = apr_pstrcat(p, root, "/", est, NULL);
    const char *dir = apr_pstrcat(p, est_dir, "/", id, NULL);
    apr_dir_t *d;
    apr_finfo_t fi;

    if (apr_dir_open(&d, dir, p) == APR_SUCCESS) {
        while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
            if (fi.filetype == APR_REG) {
                apr_file_remove(apr_pstrcat(p, dir, "/", fi.name, NULL), p);
            }
        }
        apr_dir_close(d);
    }
    apr_dir_remove(dir, p);
    apr_dir_remove(est_dir, p); /* fails while the establishment has other images: fine */
}
