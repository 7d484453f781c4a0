/* rz_images.c: the image endpoints of SPEC 7.20: upload (libvips outside the unit of work, files
 * written atomically before it), list, metadata, rendition bytes with ETag/304, delete. */
#include "domain/rz_images_priv.h"

#include "apr_strings.h"

#include <sodium.h>
#include <string.h>

#include "core/rz_estdoc.h"
#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_query.h"
#include "core/rz_text.h"
#include "core/rz_time.h"
#include "domain/rz_auth_scope.h"
#include "domain/rz_list.h"

#define RZ_MAX_OWNER_IMAGES 20
#define RZ_ACCOMMODATIONS "accommodations"

static const char *const purposes[] = {"establishment", "accommodation",     "expense",
                                       "maintenance",   "employee_document", NULL};

static int not_found(rz_req_t *rq)
{
    return rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Image not found", NULL);
}

static int invalid_image(rz_req_t *rq, const char *why)
{
    rz_req_log(rq, RZ_LOG_INFO, RZ_LOGNO(00705) "upload refused: %s", why);
    return rz_respond_error(rq, RZ_HTTP_BAD_REQUEST, "INVALID_IMAGE", why, NULL);
}

/* ---- POST /api/images: input ----------------------------------------------------------------- */

typedef struct {
    const char *purpose;  /* establishment | accommodation */
    const char *est;      /* target establishment (SA: the query's, else the caller's) */
    const char *acc;      /* accommodationId or NULL */
    const char *filename; /* X-Filename or NULL */
    const char *mime;     /* image/jpeg | image/png | image/webp */
    const char *coll;     /* owner collection */
    const char *owner;    /* owner id */
} upload_t;

/* X-Filename (SPEC 4.14): optional, trimmed, 1..255 code points, UTF-8, no control characters. */
static void read_filename(rz_req_t *rq, rz_vctx_t *v, upload_t *u)
{
    const char *raw = rq->filename;
    json_t *probe;
    char *t = NULL;

    if (!raw) {
        return;
    }
    probe = json_string(raw); /* NULL for invalid UTF-8 */
    if (probe) {
        t = rz_text_trim(rq->pool, raw);
        json_decref(probe);
    }
    if (!t) {
        rz_v_fail(v, "X-Filename", "must be UTF-8");
    } else if (!*t) {
        return;
    } else if (rz_text_codepoints(t) > 255 || rz_text_has_bad_control(t) || strchr(t, '\t')
               || strchr(t, '\n') || strchr(t, '\r')) {
        rz_v_fail(v, "X-Filename", "at most 255 printable characters");
    } else {
        u->filename = t;
    }
}

/* Step (9): the query and the X-Filename header. Returns 0, or -1 with details in v. */
static int upload_input(rz_req_t *rq, rz_vctx_t *v, upload_t *u)
{
    json_t *list = NULL;
    const char *owner = NULL;
    int sa = rz_auth_is_sa(rq);

    memset(u, 0, sizeof(*u));
    u->mime = rq->raw_type;
    rz_query_id(v, rq->query, "accommodationId", &u->acc);
    rz_query_id(v, rq->query, "ownerId", &owner);
    if (sa) {
        rz_query_id(v, rq->query, "establishmentId", &u->est);
    } else {
        u->est = rq->who->est_id; /* SPEC 3.2 rule 3 */
    }
    if (rz_query_enum_list(v, rq->query, "purpose", purposes, &list) == 0 && list) {
        if (json_array_size(list) != 1) {
            rz_v_fail(v, "purpose", "exactly one purpose");
        } else {
            u->purpose = json_string_value(json_array_get(list, 0));
        }
    }
    read_filename(rq, v, u);
    if (!rz_v_ok(v)) {
        return -1;
    }
    if (!u->purpose) {
        u->purpose = u->acc ? "accommodation" : "establishment";
    }
    if (strcmp(u->purpose, "establishment") != 0 && strcmp(u->purpose, "accommodation") != 0) {
        rz_v_fail(v, "purpose", "only establishment and accommodation images are accepted so far");
    } else if (owner) {
        rz_v_fail(v, "ownerId", "only for expense, maintenance and employee_document images");
    } else if (strcmp(u->purpose, "accommodation") == 0 && !u->acc) {
        rz_v_fail(v, "accommodationId", "required for accommodation images");
    } else if (strcmp(u->purpose, "establishment") == 0 && u->acc) {
        rz_v_fail(v, "accommodationId", "only for accommodation images");
    } else if (strcmp(u->purpose, "establishment") == 0 && !u->est) {
        rz_v_fail(v, "establishmentId", "required"); /* SPEC 3.2 rule 6 */
    }
    return rz_v_ok(v) ? 0 : -1;
}

/* Step (10): the owner exists and is in scope (404), in the establishment the super_admin named
 * (400), and can take one more image (400). Fills u->est, coll, owner. Returns 0 or -1 after
 * answering. */
static int upload_owner(rz_req_t *rq, rz_sess_t *s, upload_t *u)
{
    json_t *doc;
    rz_status_t st;

    u->coll = u->acc ? RZ_ACCOMMODATIONS : RZ_ESTABLISHMENTS;
    u->owner = u->acc ? u->acc : u->est;
    st = rz_store_get(s, u->coll, u->owner, &doc);
    if (st == RZ_NOT_FOUND
        || (st == RZ_OK
            && !rz_auth_in_scope(rq, u->acc ? rz_json_str(doc, "establishmentId") : u->owner))) {
        const char *field = u->acc ? "accommodationId" : "establishmentId";
        rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND",
                         u->acc ? "Accommodation not found" : "Establishment not found",
                         rz_detail1(rq->pool, field, "not found"));
        return -1;
    }
    if (st != RZ_OK) {
        rz_respond_store_error(rq, st, rz_store_last_error(s));
        return -1;
    }
    if (u->acc) {
        const char *acc_est = rz_json_str(doc, "establishmentId");
        if (u->est && strcmp(u->est, acc_est) != 0 && rq->who->est_id == NULL) {
            rz_respond_invalid(rq, "establishmentId",
                               "the accommodation belongs to another "
                               "establishment");
            return -1;
        }
        u->est = acc_est;
    }
    if (json_array_size(json_object_get(doc, "images")) >= RZ_MAX_OWNER_IMAGES) {
        rz_respond_invalid(rq, "images", "the owner already holds 20 images");
        return -1;
    }
    return 0;
}

/* The stored Image document (SPEC 4.14). */
static json_t *image_document(rz_req_t *rq, const upload_t *u, const char *id,
                              const rz_renditions_t *rr)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1], now[21];
    const rz_rendition_t *full = &rr->r[RZ_IMG_NSIZES - 1];
    json_t *sizes = json_object(), *doc;
    int i;

    crypto_hash_sha256(digest, (const unsigned char *)rq->raw_body, rq->raw_len);
    sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
    for (i = 0; i < RZ_IMG_NSIZES; i++) {
        json_object_set_new(sizes, rz_img_sizes[i],
                            json_pack("{s:i, s:i, s:I}", "width", rr->r[i].width, "height",
                                      rr->r[i].height, "bytes", (json_int_t)rr->r[i].len));
    }
    rz_timestamp_format(rz_now(), now);
    doc = json_pack("{s:s, s:s, s:s, s:o, s:n, s:o, s:s, s:s, s:I, s:i, s:i, s:o, s:s, s:s, s:s}",
                    "id", id, "establishmentId", u->est, "purpose", u->purpose, "accommodationId",
                    u->acc ? json_string(u->acc) : json_null(), "ownerId", "sourceFilename",
                    u->filename ? json_string(u->filename) : json_null(), "mimeType", u->mime,
                    "sha256", hex, "bytes", (json_int_t)rq->raw_len, "width", full->width, "height",
                    full->height, "sizes", sizes, "uploadedBy", rq->who->user_id, "createdAt", now,
                    "updatedAt", now);
    return rz_json_pool_own(rq->pool, doc);
}

/* The unit of work: re-reads the owner under its key, inserts the image and appends its id to
 * the owner's images. Returns 0 after committing, or -1 after answering (rolled back). */
static int upload_commit(rz_req_t *rq, const upload_t *u, json_t *doc)
{
    const char *key =
        apr_pstrcat(rq->pool, u->acc ? "accommodation:" : "establishment:", u->owner, NULL);
    rz_update_t up = {0};
    rz_write_t w;
    json_t *owner, *images;
    char now[21];
    rz_status_t st;

    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return -1;
    }
    if ((st = rz_store_get(w.s, u->coll, u->owner, &owner)) != RZ_OK) {
        rz_write_fail(&w, st);
        return -1;
    }
    images = json_deep_copy(json_object_get(owner, "images"));
    if (!json_is_array(images)) {
        json_decref(images);
        images = json_array();
    }
    if (json_array_size(images) >= RZ_MAX_OWNER_IMAGES) {
        json_decref(images);
        rz_write_error(&w, RZ_HTTP_BAD_REQUEST, "VALIDATION_ERROR", "Validation failed",
                       rz_detail1(rq->pool, "images", "the owner already holds 20 images"));
        return -1;
    }
    json_array_append_new(images, json_string(rz_json_str(doc, "id")));
    rz_timestamp_format(rz_now(), now);
    up.set =
        rz_json_pool_own(rq->pool, json_pack("{s:o, s:s}", "images", images, "updatedAt", now));
    if ((st = rz_store_insert(w.s, RZ_IMAGES, doc, NULL)) != RZ_OK
        || (st = rz_store_update(w.s, u->coll, u->owner, &up,
                                 json_integer_value(json_object_get(owner, "version")), NULL))
               != RZ_OK
        || (st = rz_write_audit(&w, "image.create", "image", rz_json_str(doc, "id"), u->est, NULL,
                                rz_image_view(rq->pool, doc), NULL))
               != RZ_OK) {
        rz_write_fail(&w, st);
        return -1;
    }
    return rz_write_commit(&w);
}

/* Request-pool cleanup registered once the upload's unit of work was handed to rz_write_commit:
 * the router commits it after the handler returned (with the idempotency record, SPEC 8.1) and the
 * commit may still fail (503 in place of the 201); then the store has no image, and neither should
 * the disk. */
typedef struct {
    rz_req_t *rq;
    const char *root, *est, *id;
} upload_files_t;

static apr_status_t remove_unless_created(void *data)
{
    upload_files_t *f = data;

    if (f->rq->res.status != RZ_HTTP_CREATED) {
        rz_images_remove_files(f->rq->pool, f->root, f->est, f->id);
    }
    return APR_SUCCESS;
}

int rz_h_image_upload(rz_req_t *rq)
{
    const char *root = rq->conf->upload_dir, *why = NULL, *err = NULL;
    char id[RZ_ID_LEN + 1];
    rz_renditions_t rr;
    upload_files_t *files;
    upload_t u;
    rz_vctx_t v;
    rz_sess_t *s;
    json_t *doc;
    rz_status_t st;
    int rc;

    rz_vctx_init(&v, rq->pool);
    if (upload_input(rq, &v, &u) != 0) {
        return rz_respond_validation(rq, v.details);
    }
    if (!root) {
        return rz_respond_error(rq, RZ_HTTP_SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE",
                                "Image uploads are not configured (RuziziUploadDir)", NULL);
    }
    if (rz_image_check_header(rq->pool, u.mime, rq->raw_body, rq->raw_len, &why) != 0) {
        return invalid_image(rq, why);
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    if (upload_owner(rq, s, &u) != 0) {
        return rq->res.status;
    }
    /* CPU work before and outside the unit of work: no key is held while libvips runs; at most
     * RuziziMaxConcurrentImageDecodes decodes at once across the server (a killed decoder's slot
     * comes back through the kernel) */
    if (!rq->ops->decode_take(rq)) {
        return rz_respond_error(rq, RZ_HTTP_SERVICE_UNAVAILABLE, "SERVER_BUSY",
                                "Too many images are being processed at once, retry", NULL);
    }
    rc = rz_image_process(rq->pool, u.mime, rq->raw_body, rq->raw_len, &rr, &why);
    rq->ops->decode_give(rq);
    if (rc != 0) {
        return invalid_image(rq, why);
    }
    rz_id_new(id);
    if (rz_images_write_files(rq->pool, root, u.est, id, &rr, &err) != 0) {
        rz_req_log(rq, RZ_LOG_ERR, RZ_LOGNO(00703) "image upload: %s", err);
        return rz_respond_error(rq, RZ_HTTP_INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
                                "Internal error", NULL);
    }
    doc = image_document(rq, &u, id, &rr);
    if (upload_commit(rq, &u, doc) != 0) {
        rz_images_remove_files(rq->pool, root, u.est, id); /* the store has nothing: neither disk */
        return rq->res.status;
    }
    files = apr_pcalloc(rq->pool, sizeof(*files));
    *files = (upload_files_t){rq, root, u.est, apr_pstrdup(rq->pool, id)};
    apr_pool_cleanup_register(rq->pool, files, remove_unless_created, apr_pool_cleanup_null);
    apr_table_setn(rq->res.headers, "Location", apr_pstrcat(rq->pool, "/api/images/", id, NULL));
    return rz_respond_data(rq, RZ_HTTP_CREATED, rz_image_view(rq->pool, doc), NULL);
}

/* ---- reads ----------------------------------------------------------------------------------- */

/* The image of path parameter 0 within the caller's scope; -1 after answering 404. */
static int load_image(rz_req_t *rq, rz_sess_t **s, json_t **doc)
{
    return rz_auth_load_scoped(rq, RZ_IMAGES, "Image", s, doc);
}

int rz_h_image_get(rz_req_t *rq)
{
    rz_sess_t *s;
    json_t *doc;

    if (load_image(rq, &s, &doc) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, rz_image_view(rq->pool, doc), NULL);
}

/* The filters of GET /api/images: purpose, accommodationId, ownerId, establishmentId (SPEC 3.2
 * rule 3). */
static int list_filter(rz_list_t *l)
{
    const char *est, *acc = NULL, *owner = NULL;
    json_t *plist = NULL;

    rz_query_enum_list(&l->v, l->rq->query, "purpose", purposes, &plist);
    rz_query_id(&l->v, l->rq->query, "accommodationId", &acc);
    rz_query_id(&l->v, l->rq->query, "ownerId", &owner);
    est = rz_list_establishment(l);
    rz_list_eq(l, "establishmentId", est);
    if (plist) {
        rz_list_cond(l, "purpose", RZ_IN, plist);
    }
    rz_list_eq(l, "accommodationId", acc);
    rz_list_eq(l, "ownerId", owner);
    return 0;
}

static json_t *list_view(rz_list_t *l, const json_t *doc, rz_status_t *st)
{
    return rz_image_view(l->rq->pool, doc);
}

static const char *const list_sorts[] = {"createdAt", NULL};

static const rz_list_spec_t images_list = {RZ_IMAGES, list_sorts,  "-createdAt",
                                           NULL,      list_filter, list_view};

int rz_h_images_list(rz_req_t *rq)
{
    return rz_list_run(rq, &images_list);
}

/* ---- GET /api/images/{id}/{size} ------------------------------------------------------------- */

/* 1 when If-None-Match lists `etag` (weak comparison, RFC 9110 13.1.2) or is "*". */
static int etag_matches(apr_pool_t *p, const char *inm, const char *etag)
{
    char *list = apr_pstrdup(p, inm), *tok, *state = NULL;

    for (tok = apr_strtok(list, ",", &state); tok; tok = apr_strtok(NULL, ",", &state)) {
        tok = rz_text_trim(p, tok);
        if (!tok) {
            continue;
        }
        if (strncmp(tok, "W/", 2) == 0) {
            tok += 2;
        }
        if (strcmp(tok, "*") == 0 || strcmp(tok, etag) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The rendition file as the answer's body (image/webp), or 404 when it is missing. */
static int send_rendition(rz_req_t *rq, const char *path)
{
    apr_finfo_t fi;
    apr_file_t *f;

    if (apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, rq->pool) != APR_SUCCESS
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS) {
        rz_req_log(rq, RZ_LOG_ERR, RZ_LOGNO(00706) "image rendition missing on disk: %s", path);
        /* back to the defaults of every answer (no-store, same-origin), no ETag */
        apr_table_unset(rq->res.headers, "Cache-Control");
        apr_table_unset(rq->res.headers, "Cross-Origin-Resource-Policy");
        apr_table_unset(rq->res.headers, "ETag");
        return not_found(rq);
    }
    return rz_respond_file(rq, RZ_HTTP_OK, "image/webp", f, fi.size);
}

int rz_h_image_bytes(rz_req_t *rq)
{
    const char *id = rz_req_param(rq, 0), *size = rz_req_param(rq, 1), *root, *inm, *etag;
    json_t *img, *est;
    rz_sess_t *s;
    rz_status_t st;
    int i, known = 0;

    for (i = 0; i < RZ_IMG_NSIZES; i++) {
        known |= strcmp(size, rz_img_sizes[i]) == 0;
    }
    if (!known || !rz_id_valid(id) || !(root = rq->conf->upload_dir)) {
        return not_found(rq);
    }
    if ((st = rz_req_store(rq, &s)) != RZ_OK) {
        return rz_respond_store_error(rq, st, NULL);
    }
    st = rz_store_get(s, RZ_IMAGES, id, &img);
    if (st == RZ_OK) {
        const char *purpose = rz_json_str(img, "purpose");
        /* private purposes are served once their routes exist (scope checked then) */
        if (strcmp(purpose, "establishment") != 0 && strcmp(purpose, "accommodation") != 0) {
            return not_found(rq);
        }
        st = rz_store_get(s, RZ_ESTABLISHMENTS, rz_json_str(img, "establishmentId"), &est);
        if (st == RZ_OK && !json_is_true(json_object_get(est, "isActive"))) {
            return not_found(rq); /* public images of an inactive establishment: 404 */
        }
    }
    if (st == RZ_NOT_FOUND) {
        return not_found(rq);
    }
    if (st != RZ_OK) {
        return rz_respond_store_error(rq, st, rz_store_last_error(s));
    }
    /* SPEC 8.4: public image bytes override the defaults rz_response_prepare set */
    etag = apr_pstrcat(rq->pool, "\"", id, "-", size, "\"", NULL);
    apr_table_setn(rq->res.headers, "ETag", etag);
    apr_table_setn(rq->res.headers, "Cache-Control", "public, max-age=31536000, immutable");
    apr_table_setn(rq->res.headers, "Cross-Origin-Resource-Policy", "cross-origin");
    inm = rq->if_none_match;
    if (inm && etag_matches(rq->pool, inm, etag)) {
        return rz_respond_empty(rq, RZ_HTTP_NOT_MODIFIED); /* headers only, no body */
    }
    return send_rendition(
        rq, rz_images_file(rq->pool, root, rz_json_str(img, "establishmentId"), id, size));
}

/* ---- DELETE /api/images/{id} ----------------------------------------------------------------- */

/* Removes `id` from the owner's images inside w (the owner may be gone: nothing to do). */
static rz_status_t unlink_from_owner(rz_write_t *w, const char *coll, const char *owner_id,
                                     const char *id)
{
    rz_update_t up = {0};
    json_t *owner, *kept, *item;
    char now[21];
    size_t i;
    rz_status_t st = rz_store_get(w->s, coll, owner_id, &owner);

    if (st != RZ_OK) {
        return st == RZ_NOT_FOUND ? RZ_OK : st;
    }
    kept = json_array();
    json_array_foreach (json_object_get(owner, "images"), i, item) {
        if (!json_is_string(item) || strcmp(json_string_value(item), id) != 0) {
            json_array_append(kept, item);
        }
    }
    if (json_array_size(kept) == json_array_size(json_object_get(owner, "images"))) {
        json_decref(kept);
        return RZ_OK;
    }
    rz_timestamp_format(rz_now(), now);
    up.set =
        rz_json_pool_own(w->rq->pool, json_pack("{s:o, s:s}", "images", kept, "updatedAt", now));
    return rz_store_update(w->s, coll, owner_id, &up,
                           json_integer_value(json_object_get(owner, "version")), NULL);
}

int rz_h_image_delete(rz_req_t *rq)
{
    const char *id, *acc, *est, *coll, *owner, *key;
    rz_sess_t *s;
    rz_write_t w;
    json_t *doc;
    rz_status_t st;

    if (load_image(rq, &s, &doc) != 0) {
        return rq->res.status;
    }
    id = rz_json_str(doc, "id");
    acc = rz_json_str(doc, "accommodationId");
    est = rz_json_str(doc, "establishmentId");
    coll = acc ? RZ_ACCOMMODATIONS : RZ_ESTABLISHMENTS;
    owner = acc ? acc : est;
    key = apr_pstrcat(rq->pool, acc ? "accommodation:" : "establishment:", owner, NULL);
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return rq->res.status;
    }
    if ((st = unlink_from_owner(&w, coll, owner, id)) != RZ_OK
        || (st = rz_images_delete(&w, id)) != RZ_OK) {
        return st == RZ_NOT_FOUND ? (rz_store_rollback(w.s), not_found(rq)) : rz_write_fail(&w, st);
    }
    /* the files go right after the commit (rz_images_delete), before the answer: a 200 means they
     * are gone */
    rz_write_commit(&w);
    return rz_respond_data(rq, RZ_HTTP_OK, NULL, NULL);
}
