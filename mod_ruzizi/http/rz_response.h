/* rz_response.h: the JSON envelope (SPEC 2.2), error codes -> statuses (2.3), security headers and
 * CORS (8.4), X-Request-Id. */
#ifndef RZ_RESPONSE_H
#define RZ_RESPONSE_H

#include "httpd.h"

#include <jansson.h>

#include "core/rz_status.h"

/* Sets X-Request-Id, the security headers of SPEC 8.4 and (for an allowed Origin) the CORS headers
 * in r->err_headers_out, so they go out on every response, httpd's own errors included. Idempotent.
 */
void rz_response_prepare(request_rec *r, const char *request_id);

/* Writes `body` (any JSON value) with `status` and returns OK. Content-Type application/json;
 * charset=utf-8. HEAD requests get the headers only. Every rz_respond_* below ends here: when a
 * hook is set for r (rz_response_set_hook) it sees the exact bytes first. */
int rz_respond_json(request_rec *r, int status, const json_t *body);

/* Writes `len` bytes of `text` (a JSON document) as the body with `status`, exactly as given, with
 * the JSON Content-Type; no hook runs. Returns OK. Used to replay stored responses (SPEC 8.1). */
int rz_respond_bytes(request_rec *r, int status, const char *text, size_t len);

/* Sees the next JSON response of r before it is sent: `status`, the envelope `body` and its exact
 * serialised bytes `text`/`len`. Returns 0 to send them as they are, or 1 when it has written
 * another response itself (through rz_respond_*). */
typedef int (*rz_respond_hook_fn)(request_rec *r, void *data, int status, const json_t *body,
                                  const char *text, size_t len);

/* Sets (fn != NULL) or clears the hook of request r. One-shot: it is cleared before it runs, so
 * the responses it writes itself go out directly. `data` must live as long as r->pool. */
void rz_response_set_hook(request_rec *r, rz_respond_hook_fn fn, void *data);

/* {"success":true,"data":data} (data NULL -> null), optional "message". Returns OK. */
int rz_respond_data(request_rec *r, int status, json_t *data, const char *message);

/* {"success":true,"data":[...],"pagination":{...}}. Returns OK. */
int rz_respond_list(request_rec *r, json_t *data, json_t *pagination);

/* {"success":false,"error":{"code","message"[,"details"]}}. details may be NULL (omitted) or an
 * array of {field, message}. Sets Retry-After 5 for STORE_UNAVAILABLE, 1 for SERVER_BUSY and
 * IDEMPOTENCY_IN_PROGRESS. Returns OK. */
int rz_respond_error(request_rec *r, int status, const char *code, const char *message,
                     json_t *details);

/* 400 VALIDATION_ERROR with details. */
int rz_respond_validation(request_rec *r, json_t *details);

/* Maps a store status to its response: RZ_NOT_FOUND 404, RZ_CONFLICT 409 DUPLICATE,
 * RZ_VERSION_MISMATCH 409 INVALID_TRANSITION, RZ_UNAVAILABLE / RZ_SCHEMA_BEHIND 503
 * STORE_UNAVAILABLE, anything else 500 INTERNAL_ERROR (logged with the store's message). */
int rz_respond_store_error(request_rec *r, rz_status_t st, const char *store_msg);

#endif
