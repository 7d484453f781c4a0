/* rz_req.c: the request as handlers see it: store session, log, and the answer they set (the JSON
 * envelope of SPEC 2.2, error codes of 2.3). */
#include "domain/rz_req.h"

#include <apr_strings.h>
#include <stdarg.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_validate.h"

rz_status_t rz_req_store(rz_req_t *rq, rz_sess_t **out)
{
    if (rq->sess) {
        *out = rq->sess;
        return RZ_OK;
    }
    return rq->ops->store(rq, out);
}

void rz_req_after_answer(rz_req_t *rq, rz_after_answer_fn fn, void *data)
{
    rq->ops->after_answer(rq, fn, data);
}

const char *rz_req_param(const rz_req_t *rq, int i)
{
    return i >= 0 && i < rq->nparams ? rq->params[i] : NULL;
}

void rz_req_log_at(const rz_req_t *rq, const char *file, int line, int level, const char *fmt, ...)
{
    va_list ap;
    const char *msg;

    va_start(ap, fmt);
    msg = apr_pvsprintf(rq->pool, fmt, ap);
    va_end(ap);
    rq->ops->log(rq, file, line, level, msg);
}

/* ---- the answer ------------------------------------------------------------------------------ */

static int answer(rz_req_t *rq, int status, rz_res_kind_t kind)
{
    rq->res.status = status;
    rq->res.kind = kind;
    rq->res.json = NULL;
    rq->res.bytes = NULL;
    rq->res.len = 0;
    rq->res.content_type = NULL;
    rq->res.file = NULL;
    rq->res.file_size = 0;
    return status;
}

int rz_respond_json(rz_req_t *rq, int status, json_t *body)
{
    answer(rq, status, RZ_RES_JSON);
    rq->res.json = body;
    return status;
}

int rz_respond_bytes(rz_req_t *rq, int status, const char *content_type, const char *bytes,
                     apr_size_t len)
{
    answer(rq, status, RZ_RES_BYTES);
    rq->res.content_type = content_type;
    rq->res.bytes = bytes;
    rq->res.len = len;
    return status;
}

int rz_respond_file(rz_req_t *rq, int status, const char *content_type, apr_file_t *f,
                    apr_off_t size)
{
    answer(rq, status, RZ_RES_FILE);
    rq->res.content_type = content_type;
    rq->res.file = f;
    rq->res.file_size = size;
    return status;
}

int rz_respond_empty(rz_req_t *rq, int status)
{
    return answer(rq, status, RZ_RES_EMPTY);
}

int rz_respond_data(rz_req_t *rq, int status, json_t *data, const char *message)
{
    json_t *env = rz_json_pool_own(rq->pool, json_object());

    json_object_set_new(env, "success", json_true());
    json_object_set(env, "data", data ? data : json_null());
    if (message) {
        json_object_set_new(env, "message", json_string(message));
    }
    return rz_respond_json(rq, status, env);
}

int rz_respond_list(rz_req_t *rq, json_t *data, json_t *pagination)
{
    json_t *env = rz_json_pool_own(rq->pool, json_object());

    json_object_set_new(env, "success", json_true());
    json_object_set(env, "data", data);
    json_object_set(env, "pagination", pagination);
    return rz_respond_json(rq, RZ_HTTP_OK, env);
}

int rz_respond_error(rz_req_t *rq, int status, const char *code, const char *message,
                     json_t *details)
{
    json_t *env = rz_json_pool_own(rq->pool, json_object());
    json_t *err = json_object();

    json_object_set_new(err, "code", json_string(code));
    json_object_set_new(err, "message", json_string(message));
    if (details) {
        json_object_set(err, "details", details);
    }
    json_object_set_new(env, "success", json_false());
    json_object_set_new(env, "error", err);
    if (strcmp(code, "STORE_UNAVAILABLE") == 0) {
        apr_table_setn(rq->res.headers, "Retry-After", "5");
    } else if (strcmp(code, "SERVER_BUSY") == 0 || strcmp(code, "IDEMPOTENCY_IN_PROGRESS") == 0) {
        apr_table_setn(rq->res.headers, "Retry-After", "1");
    }
    return rz_respond_json(rq, status, env);
}

int rz_respond_validation(rz_req_t *rq, json_t *details)
{
    return rz_respond_error(rq, RZ_HTTP_BAD_REQUEST, "VALIDATION_ERROR", "Validation failed",
                            details);
}

int rz_respond_invalid(rz_req_t *rq, const char *field, const char *message)
{
    return rz_respond_validation(rq, rz_detail1(rq->pool, field, message));
}

int rz_respond_store_error(rz_req_t *rq, rz_status_t st, const char *store_msg)
{
    switch (st) {
    case RZ_NOT_FOUND:
        return rz_respond_error(rq, RZ_HTTP_NOT_FOUND, "NOT_FOUND", "Not found", NULL);
    case RZ_CONFLICT:
        return rz_respond_error(rq, RZ_HTTP_CONFLICT, "DUPLICATE", "Duplicate value", NULL);
    case RZ_VERSION_MISMATCH:
        return rz_respond_error(rq, RZ_HTTP_CONFLICT, "INVALID_TRANSITION",
                                "The object changed meanwhile", NULL);
    case RZ_UNAVAILABLE:
    case RZ_SCHEMA_BEHIND:
        rz_req_log(rq, RZ_LOG_WARNING, RZ_LOGNO(00201) "store unavailable: %s",
                   store_msg ? store_msg : rz_status_name(st));
        return rz_respond_error(rq, RZ_HTTP_SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE",
                                "The store is unavailable, retry later", NULL);
    default:
        rz_req_log(rq, RZ_LOG_ERR, RZ_LOGNO(00202) "store error %s: %s", rz_status_name(st),
                   store_msg ? store_msg : "-");
        return rz_respond_error(rq, RZ_HTTP_INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
                                "Internal error", NULL);
    }
}

void rz_respond_reset(rz_req_t *rq)
{
    answer(rq, 0, RZ_RES_NONE);
    apr_table_clear(rq->res.headers);
}
