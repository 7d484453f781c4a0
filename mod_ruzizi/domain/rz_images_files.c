/* rz_images_files.c: removal of renditions after commit, ImageRef arrays and the Image view: the
 * part of images that owners (establishments, accommodations) use (files: rz_image_files.c). */
#include "domain/rz_images_priv.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_json.h"
#include "domain/rz_auth_scope.h"

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
        json_array_append_new(out, json_pack("{s:s, s:s+, s:{s:s+, s:s+, s:s+}}", "id", s, "url",
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
    const char *root, *est, *id;
} pending_removal_t;

/* rz_after_commit_fn: the files go once the store no longer names the image. */
static void remove_after_commit(rz_req_t *rq, void *data)
{
    pending_removal_t *pr = data;

    rz_images_remove_files(rq->pool, pr->root, pr->est, pr->id);
}

rz_status_t rz_images_delete(rz_write_t *w, const char *id)
{
    rz_req_t *rq = w->rq;
    pending_removal_t *pr;
    json_t *doc;
    const char *est;
    rz_status_t st;

    if ((st = rz_store_get(w->s, RZ_IMAGES, id, &doc)) != RZ_OK) {
        return st;
    }
    est = json_string_value(json_object_get(doc, "establishmentId"));
    if ((st = rz_store_delete(w->s, RZ_IMAGES, id)) != RZ_OK
        || (st = rz_write_audit(w, "image.delete", "image", id, est, rz_image_view(rq->pool, doc),
                                NULL, NULL))
               != RZ_OK) {
        return st;
    }
    if (rq->conf->upload_dir && est) {
        pr = apr_pcalloc(rq->pool, sizeof(*pr));
        pr->root = rq->conf->upload_dir;
        pr->est = apr_pstrdup(rq->pool, est);
        pr->id = apr_pstrdup(rq->pool, id);
        rz_write_after_commit(w, remove_after_commit, pr);
    }
    return RZ_OK;
}
