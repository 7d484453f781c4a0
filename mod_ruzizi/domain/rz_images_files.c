/* rz_images_files.c: removal of renditions after commit, ImageRef arrays and the Image view: the
 * part of images that owners (establishments, accommodations) use (files: rz_image_files.c). */
#include "domain/rz_images_priv.h"

#include "rz_config.h"
#include "rz_private.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_json.h"
#include "http/rz_auth.h"

const char *rz_images_root(const request_rec *r)
{
    return rz_config_server(r->server)->upload_dir;
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
