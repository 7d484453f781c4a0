/* rz_request.h: request_rec -> rz_req_t (the domain's view of a request: input, configuration
 * values, store session and the functions it calls back), request id, media type, capped body. */
#ifndef RZ_REQUEST_H
#define RZ_REQUEST_H

#include "httpd.h"
#include "apr_tables.h"

#include "domain/rz_req.h"

/* Creates the per-request state (in r->pool): the request id, the configuration values of r's
 * server, the client address and the headers handlers read, and the callbacks (store session,
 * log, write gate, hash slots, rate limits). Also sets the security headers
 * (rz_response_prepare). */
rz_req_t *rz_request_create(request_rec *r);

/* The request_rec behind rq (http/ only). */
request_rec *rz_request_rec(const rz_req_t *rq);

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

#endif
