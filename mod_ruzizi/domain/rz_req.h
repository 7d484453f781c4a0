/* rz_req.h: one API request as the domain handlers see it, httpd-free: its input, store session,
 * caller and configuration values, and the answer a handler sets (status, body, headers). */
#ifndef RZ_REQ_H
#define RZ_REQ_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_file_io.h>
#include <jansson.h>

#include "auth/rz_jwt.h"
#include "auth/rz_password.h"
#include "core/rz_log.h"
#include "core/rz_route_match.h"
#include "core/rz_status.h"
#include "store/rz_store.h"

/* The HTTP statuses of the answers (RFC 9110 numbers; httpd's HTTP_* names stay in http/). */
#define RZ_HTTP_OK 200
#define RZ_HTTP_CREATED 201
#define RZ_HTTP_ACCEPTED 202
#define RZ_HTTP_NO_CONTENT 204
#define RZ_HTTP_NOT_MODIFIED 304
#define RZ_HTTP_BAD_REQUEST 400
#define RZ_HTTP_UNAUTHORIZED 401
#define RZ_HTTP_FORBIDDEN 403
#define RZ_HTTP_NOT_FOUND 404
#define RZ_HTTP_METHOD_NOT_ALLOWED 405
#define RZ_HTTP_CONFLICT 409
#define RZ_HTTP_REQUEST_ENTITY_TOO_LARGE 413
#define RZ_HTTP_UNSUPPORTED_MEDIA_TYPE 415
#define RZ_HTTP_UNPROCESSABLE_ENTITY 422
#define RZ_HTTP_TOO_MANY_REQUESTS 429
#define RZ_HTTP_INTERNAL_SERVER_ERROR 500
#define RZ_HTTP_SERVICE_UNAVAILABLE 503

typedef struct rz_route_t rz_route_t;
typedef struct rz_req_t rz_req_t;

/* The authenticated caller, re-read from the store (SPEC 3.2 rule 5: claims are never trusted). */
typedef struct rz_principal_t {
    const char *user_id;
    const char *role;   /* super_admin | manager | staff */
    const char *est_id; /* NULL for super_admin */
    const char *sid;    /* refresh family of the token */
    const char *jti;
    int64_t exp;  /* token expiry, epoch seconds */
    json_t *user; /* the stored user document (owned by the request pool) */
} rz_principal_t;

/* The configuration values handlers use (the server's directives with their defaults applied). */
typedef struct {
    const char *upload_dir;        /* RuziziUploadDir; NULL = uploads answer 503 */
    const char *public_base_url;   /* RuziziPublicBaseUrl or NULL */
    rz_pw_cost_t password_cost;    /* RuziziPasswordCost */
    const rz_jwt_keys_t *jwt_keys; /* RuziziJwtKeyFile, parsed; NULL when unset */
    const char *jwt_issuer;        /* RuziziJwtIssuer, else the base URL, else "ruzizi" */
    const char *jwt_audience;      /* RuziziJwtAudience, default "ruzizi-api" */
    const char *store_backend;     /* "sqlite" | "mongodb"; NULL without a store */
} rz_settings_t;

/* Work a handler leaves for after its answer went out (rz_req_after_answer). */
typedef void (*rz_after_answer_fn)(rz_req_t *rq, void *data);

/* What the layer above (http/) does for a request on the domain's behalf. Every function is set. */
typedef struct {
    /* Leases the request's store session (RZ_OK, RZ_UNAVAILABLE, RZ_SCHEMA_BEHIND); rz_req_store.
     */
    rz_status_t (*store)(rz_req_t *rq, rz_sess_t **out);
    /* Writes one formatted line to the server's error log at `level` (RZ_LOG_*). */
    void (*log)(const rz_req_t *rq, const char *file, int line, int level, const char *msg);
    /* The server's write gate (rz_write_gate): 1 entered with *token set, 0 after `timeout_ms`.
     * A holder that dies while it holds gives it back (the gate is a semaphore, rz_slots.h). */
    int (*gate_enter)(rz_req_t *rq, int timeout_ms, unsigned int *token);
    void (*gate_leave)(rz_req_t *rq, unsigned int token);
    /* One slot of the server-wide password-hash cap, held until the request ends: 1, else 0. */
    int (*hash_slot)(rz_req_t *rq);
    /* The shared-memory rate limit of `scope` (auth/rz_ratelimit.h) for `key`: spends one token
     * (spend != 0) or only looks (spend == 0). 1 allowed; 0 limited with *retry_after_s >= 1. */
    int (*rate)(rz_req_t *rq, int scope, const char *key, int spend, int *retry_after_s);
    /* After every commit of a unit of work: invalidates the caches of authenticated users. */
    void (*committed)(rz_req_t *rq);
    /* Runs fn(rq, data) once the answer has been handed to the client, the request (pool, store
     * session, ops) still alive; rz_req_after_answer. */
    void (*after_answer)(rz_req_t *rq, rz_after_answer_fn fn, void *data);
    /* One slot of the server-wide image-decode cap (RuziziMaxConcurrentImageDecodes): 1 taken
     * (give it back with decode_give as soon as the decode ends), else 0. */
    int (*decode_take)(rz_req_t *rq);
    void (*decode_give)(rz_req_t *rq);
} rz_req_ops_t;

/* The kinds of answer. */
typedef enum {
    RZ_RES_NONE = 0, /* nothing answered yet */
    RZ_RES_JSON,     /* `json`, serialised compactly (SPEC 2.2 envelope) */
    RZ_RES_BYTES,    /* `bytes`/`len` exactly, as `content_type` */
    RZ_RES_FILE,     /* `file` (open, `file_size` bytes) as `content_type` */
    RZ_RES_EMPTY     /* headers only (304) */
} rz_res_kind_t;

/* The answer of a request. http/ writes it after the router ended the unit of work. */
typedef struct {
    int status; /* 0 until answered */
    rz_res_kind_t kind;
    json_t *json;
    const char *bytes; /* RZ_RES_BYTES: the body; RZ_RES_JSON: its serialisation once rendered */
    apr_size_t len;
    const char *content_type; /* RZ_RES_BYTES and RZ_RES_FILE */
    apr_file_t *file;
    apr_off_t file_size;
    apr_table_t *headers; /* Location, ETag, Cache-Control, Retry-After...: sent on every status */
} rz_res_t;

typedef void (*rz_after_commit_fn)(rz_req_t *rq, void *data);

struct rz_req_t {
    apr_pool_t *pool;       /* the request's pool: everything of one request lives here */
    const char *request_id; /* 32 lowercase hex, also in X-Request-Id */
    const char *method;     /* the request line's method ("GET", "HEAD", "POST", ...) */
    const rz_route_t *route;
    const char *params[RZ_MAX_SEGMENTS]; /* {id} values of the path, in order */
    int nparams;
    apr_table_t *query;   /* decoded query parameters (allowed names only) */
    json_t *body;         /* parsed JSON body ({} when empty) on POST/PATCH; else NULL */
    const char *raw_body; /* RZ_RF_BODY_RAW routes: the bytes; raw_len their count */
    apr_size_t raw_len;
    const char *raw_type;      /* RZ_RF_BODY_RAW: the image media type ("image/png") */
    const char *client_ip;     /* the client's address as httpd saw it */
    const char *user_agent;    /* User-Agent or NULL */
    const char *filename;      /* X-Filename or NULL */
    const char *if_none_match; /* If-None-Match or NULL */
    const rz_settings_t *conf;
    rz_principal_t *who; /* the authenticated caller; NULL when public */
    rz_res_t res;        /* the answer */

    /* below: the request's machinery, for domain/rz_write.c and http/ only */
    const rz_req_ops_t *ops;
    void *host;                /* http/'s request (opaque here) */
    rz_sess_t *sess;           /* store session, acquired on first rz_req_store */
    const char *uow_key;       /* a key every unit of work names too (the idempotency record's) */
    int uow_pending;           /* rz_write_commit was called: the router commits */
    apr_array_header_t *after; /* after-commit callbacks of the pending unit of work */
    struct rz_idem_t *idem;    /* the idempotency record held (http/rz_idempotency.h) or NULL */
    unsigned int gate;         /* the server's write gate token while held (rz_write_gate) */
    int gate_held;
};

/* Leases the store session for this request (once; cached in rq->sess). Returns RZ_OK,
 * RZ_UNAVAILABLE (no store configured, store down) or RZ_SCHEMA_BEHIND (migrations missing; logged
 * once per store and process). */
rz_status_t rz_req_store(rz_req_t *rq, rz_sess_t **out);

/* Leaves fn(rq, data) to run once the answer has been handed to the client and the request's
 * unit of work has ended (SPEC 7.1's forgot-password answers before it does its work). fn may run
 * a unit of work of its own (rz_write_open ... rz_write_commit, rz_write_settle, then
 * rz_write_gate_release); it can no longer change the answer, so it logs its failures. `data`
 * must live as long as rq->pool. */
void rz_req_after_answer(rz_req_t *rq, rz_after_answer_fn fn, void *data);

/* The path parameter i (0-based) or NULL. */
const char *rz_req_param(const rz_req_t *rq, int i);

/* Logs through the server's error log with the call site's file and line: level RZ_LOG_*, then a
 * printf format that starts with RZ_LOGNO(nnnnn). Never log secrets or personal data. */
#define rz_req_log(rq, level, ...) rz_req_log_at((rq), __FILE__, __LINE__, (level), __VA_ARGS__)
void rz_req_log_at(const rz_req_t *rq, const char *file, int line, int level, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- the answer (SPEC 2.2, 2.3): each sets rq->res and returns its status ----------------- */

/* `body` (any JSON value, kept by reference) with `status`. */
int rz_respond_json(rz_req_t *rq, int status, json_t *body);

/* `len` bytes of `bytes` (kept by reference; they must live as long as rq->pool) as
 * `content_type`. */
int rz_respond_bytes(rz_req_t *rq, int status, const char *content_type, const char *bytes,
                     apr_size_t len);

/* The open file `f` (`size` bytes, closed with the pool) as `content_type`. */
int rz_respond_file(rz_req_t *rq, int status, const char *content_type, apr_file_t *f,
                    apr_off_t size);

/* Headers only (304 Not Modified). */
int rz_respond_empty(rz_req_t *rq, int status);

/* {"success":true,"data":data} (data NULL -> null), optional "message". */
int rz_respond_data(rz_req_t *rq, int status, json_t *data, const char *message);

/* 200 {"success":true,"data":[...],"pagination":{...}}. */
int rz_respond_list(rz_req_t *rq, json_t *data, json_t *pagination);

/* {"success":false,"error":{"code","message"[,"details"]}}. details may be NULL (omitted) or an
 * array of {field, message}. Sets Retry-After 5 for STORE_UNAVAILABLE, 1 for SERVER_BUSY and
 * IDEMPOTENCY_IN_PROGRESS. */
int rz_respond_error(rz_req_t *rq, int status, const char *code, const char *message,
                     json_t *details);

/* 400 VALIDATION_ERROR with details. */
int rz_respond_validation(rz_req_t *rq, json_t *details);

/* 400 VALIDATION_ERROR with the one detail {field, message}. */
int rz_respond_invalid(rz_req_t *rq, const char *field, const char *message);

/* Maps a store status to its answer: RZ_NOT_FOUND 404, RZ_CONFLICT 409 DUPLICATE,
 * RZ_VERSION_MISMATCH 409 INVALID_TRANSITION, RZ_UNAVAILABLE / RZ_SCHEMA_BEHIND 503
 * STORE_UNAVAILABLE (logged as a warning), anything else 500 INTERNAL_ERROR (logged with the
 * store's message). */
int rz_respond_store_error(rz_req_t *rq, rz_status_t st, const char *store_msg);

/* Forgets the answer set so far and its headers (the router's replacement of an answer whose unit
 * of work could not commit). */
void rz_respond_reset(rz_req_t *rq);

#endif
