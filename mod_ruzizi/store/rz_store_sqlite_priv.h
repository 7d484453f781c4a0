/* rz_store_sqlite_priv.h: SQL building shared by the SQLite backend files (store/ only). */
#ifndef RZ_STORE_SQLITE_PRIV_H
#define RZ_STORE_SQLITE_PRIV_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <sqlite3.h>

#include "store/rz_store.h"

/* Bound parameters collected while building SQL. */
typedef enum { B_INT, B_DBL, B_TEXT } sq_bkind_t;
typedef struct {
    sq_bkind_t kind;
    sqlite3_int64 i;
    double d;
    const char *t;
    int tlen;
} sq_bind_t;

typedef struct {
    apr_pool_t *p;
    apr_array_header_t *sql;   /* of const char * pieces */
    apr_array_header_t *binds; /* of sq_bind_t */
} sq_q_t;

/* A new, empty statement builder in p (everything it makes lives in p). */
sq_q_t *rz_sq_q_new(apr_pool_t *p);

/* Appends a piece of SQL text (not copied: it must live as long as q). */
void rz_sq_q_add(sq_q_t *q, const char *piece);

/* The SQL text so far, in q's pool. */
const char *rz_sq_q_sql(sq_q_t *q);

/* Binds q's parameters to st starting at parameter number `first`; an SQLite result code. */
int rz_sq_q_bind(sq_q_t *q, sqlite3_stmt *st, int first);

/* The value and json_type() expressions of a validated field path: "id" is the id column, any
 * other path json_extract(doc,'$.path') written exactly as in the expression indexes. */
void rz_sq_field_exprs(apr_pool_t *p, const char *field, const char **val, const char **type);

/* Appends " WHERE ..." for the AND of `all` and the OR of `any` (when nany > 0). Values are
 * bound parameters, compared with the JSON type of the condition value. */
void rz_sq_q_where(sq_q_t *q, const rz_cond_t *all, int nall, const rz_cond_t *any, int nany);

#endif
