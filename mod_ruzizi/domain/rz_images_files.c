/* rz_images_files.c: image renditions on disk (atomic writes, removal after commit), ImageRef
 * arrays and the Image view: the part of images that owners (establishments, accommodations) use.
 */
#include "domain/rz_images_priv.h"

#include "rz_config.h"
#include "rz_private.h"

#include "apr_file_info.h"
#include "apr_file_io.h"
#include "apr_strings.h"

#include <string.h>

#include "core/rz_json.h"
#include "http/rz_auth.h"

const char *rz_images_root(const request_rec *r)
{
    return rz_config_server(r->server)->upload_dir;
}

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

/* ---- ImageRef -------------------------------------------------------------------------------- */

json_t *rz_images_refs(apr_pool_t *p, const json_t *ids)
{
    json_t *out = rz_json_pool_own(p, json_array()), *id;
    size_t i;

    json_array_foreach (ids, i, id) {
        const char *s = json_string_value(id);
        const char *base;
        if (!s) {
            continue;
        }
        base = apr_pstrcat(p, "/api/images/", s, NULL);
        json_array_append_new(out,
                              json_pack("{s:s, s:s+, s:{s:s+, s:s+, s:s+}}", "id", s, "url",
                                        base, "/full", "thumbnails", "small", base, "/small",
                                        "medium", base, "/medium", "large", base, "/large"));
    }
    return out;
}

/* ---- Image view ------------------------------------------------------------------------------ */

json_t *rz_image_view(apr_pool_t *p, const json_t *doc)
{
    static const char *const fields[] = {
        "id",         "establishmentId", "purpose",   "accommodationId",
        "ownerId",    "sourceFilename",  "mimeType",  "sha256",
        "bytes",      "width",           "height",    "sizes",
        "uploadedBy", "createdAt",       "updatedAt", NULL};
    json_t *out = rz_json_pool_own(p, json_object()), *v;
    int i;

    for (i = 0; fields[i]; i++) {
        v = json_object_get(doc, fields[i]);
        json_object_set(out, fields[i], v ? v : json_null());
    }
    return out;
}

/* ---- deletion inside an owner's unit of work ------------------------------------------------- */

typedef struct {
    request_rec *r;
    rz_sess_t *s;
    const char *root, *est, *id;
} pending_removal_t;

/* Request-pool cleanup: the files go only when the unit of work committed. It runs before the
 * store session's own cleanup (registered earlier), so the session still tells whether a unit of
 * work is open (never ended: it will be rolled back); a rollback answers an error status. */
static apr_status_t remove_after_commit(void *data)
{
    pending_removal_t *pr = data;

    if (!rz_store_in_uow(pr->s) && pr->r->status < 400) {
        rz_images_remove_files(pr->r->pool, pr->root, pr->est, pr->id);
    }
    return APR_SUCCESS;
}

rz_status_t rz_images_delete(rz_write_t *w, const char *id)
{
    request_rec *r = w->rq->r;
    pending_removal_t *pr;
    json_t *doc;
    const char *est;
    rz_status_t st;

    if ((st = rz_store_get(w->s, RZ_IMAGES, id, &doc)) != RZ_OK) {
        return st;
    }
    est = json_string_value(json_object_get(doc, "establishmentId"));
    if ((st = rz_store_delete(w->s, RZ_IMAGES, id)) != RZ_OK
        || (st = rz_write_audit(w, "image.delete", "image", id, est, rz_image_view(r->pool, doc),
                                NULL, NULL))
               != RZ_OK) {
        return st;
    }
    if (rz_images_root(r) && est) {
        pr = apr_pcalloc(r->pool, sizeof(*pr));
        pr->r = r;
        pr->s = w->s;
        pr->root = rz_images_root(r);
        pr->est = apr_pstrdup(r->pool, est);
        pr->id = apr_pstrdup(r->pool, id);
        apr_pool_cleanup_register(r->pool, pr, remove_after_commit, apr_pool_cleanup_null);
    }
    return RZ_OK;
}
