/* rz_request.h: request_rec -> rz_req_t (route, path params, query, capped JSON body, store
 * session). */
#ifndef RZ_REQUEST_H
#define RZ_REQUEST_H

#include "httpd.h"
#include "apr_tables.h"

#include <jansson.h>

#include "store/rz_store.h"

typedef struct rz_route_t rz_route_t;

/* r->notes key: the image media type of an RZ_RF_BODY_RAW body ("image/png"), set by the router. */
#define RZ_NOTE_IMAGE_TYPE "rz-image-type"

typedef struct rz_req_t {
    request_rec *r;
    apr_pool_t *pool;       /* r->pool */
    const char *request_id; /* 32 lowercase hex, also in X-Request-Id and r->log_id */
    const rz_route_t *route;
    const char *params[12]; /* {id} values of the path, in order */
    int nparams;
    apr_table_t *query;   /* decoded query parameters (allowed names only) */
    json_t *body;         /* parsed JSON body ({} when empty) on POST/PATCH; else NULL */
    const char *raw_body; /* RZ_RF_BODY_RAW routes: the bytes; raw_len their count */
    apr_size_t raw_len;
    rz_sess_t *sess;            /* store session, acquired on first rz_req_store */
    struct rz_principal_t *who; /* the authenticated caller (http/rz_auth.h); NULL when public */
    struct rz_idem_t *idem;     /* the idempotency record held (http/rz_idempotency.h) or NULL */
    int gate_held;              /* 1 while this request holds the write gate (rz_write_gate) */
} rz_req_t;

/* Creates the per-request state (in r->pool) and makes sure the request id exists. */
rz_req_t *rz_request_create(request_rec *r);

/* The request id set by the post_read_request hook (or a new one), 32 lowercase hex. */
const char *rz_request_id(request_rec *r);

/* Step (5) of SPEC 2.3: returns 1 when the Content-Type is acceptable for a JSON body:
 * application/json with at most a charset=utf-8 parameter (case-insensitive); a missing
 * Content-Type is acceptable only when the body is declared empty (Content-Length: 0 or no body).
 */
int rz_request_json_media_ok(request_rec *r);

/* Steps (6)-(7): reads the body (chunked included) refusing more than `limit` bytes while reading.
 * Returns 0 with *buf and *len set (buf NUL-terminated, in r->pool), 413 when over the limit, 400
 * when the client sent a broken body, 503 on a read timeout. */
int rz_request_read_body(request_rec *r, apr_off_t limit, const char **buf, apr_size_t *len);

/* Leases the store session for this request (once; cached in rq->sess) from the store of the
 * request's server. Returns RZ_OK, RZ_UNAVAILABLE (no store configured, store down) or
 * RZ_SCHEMA_BEHIND (that store's migrations missing; logged once per store and process). */
rz_status_t rz_req_store(rz_req_t *rq, rz_sess_t **out);

/* The path parameter i (0-based) or NULL. */
const char *rz_req_param(const rz_req_t *rq, int i);

#endif
