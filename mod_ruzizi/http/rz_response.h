/* rz_response.h: writes a request's answer (rz_req_t.res): the JSON envelope's bytes with the
 * exact status, security headers and CORS (SPEC 8.4), X-Request-Id. */
#ifndef RZ_RESPONSE_H
#define RZ_RESPONSE_H

#include "httpd.h"

#include "domain/rz_req.h"

/* Sets X-Request-Id, the security headers of SPEC 8.4 and (for an allowed Origin) the CORS headers
 * in r->err_headers_out, so they go out on every response, httpd's own errors included. Idempotent.
 */
void rz_response_prepare(request_rec *r, const char *request_id);

/* Serialises a JSON answer (JSON_COMPACT, SPEC 2.2) into rq->res.bytes/len, once: these are the
 * exact bytes that go out (and that an idempotency record stores). An answer that cannot be
 * serialised becomes 500 INTERNAL_ERROR. No-op for the other kinds. */
void rz_response_render(rz_req_t *rq);

/* Writes rq->res to the client: its headers into r->err_headers_out (they go out on every
 * status), the status, Content-Type and Content-Length, and the body unless the request is HEAD.
 * A request nobody answered gets 500 INTERNAL_ERROR (logged: a handler bug). Returns OK, never an
 * HTTP_* code (httpd would send an HTML page). */
int rz_response_send(rz_req_t *rq);

#endif
