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
 * charset=utf-8. HEAD requests get the headers only. */
int rz_respond_json(request_rec *r, int status, const json_t *body);

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
