/* rz_store_sqlite_sql.c: SQL for the SQLite backend's filters (WHERE clauses with bound values). */
#include "store/rz_store_sqlite_priv.h"

#include <apr_strings.h>
#include <string.h>

/* ---- SQL building --------------------------------------------------------------------------- */

sq_q_t *rz_sq_q_new(apr_pool_t *p)
{
    sq_q_t *q = apr_pcalloc(p, sizeof(*q));
    q->p = p;
    q->sql = apr_array_make(p, 16, sizeof(const char *));
    q->binds = apr_array_make(p, 8, sizeof(sq_bind_t));
    return q;
}

void rz_sq_q_add(sq_q_t *q, const char *piece)
{
    APR_ARRAY_PUSH(q->sql, const char *) = piece;
}

const char *rz_sq_q_sql(sq_q_t *q)
{
    return apr_array_pstrcat(q->p, q->sql, 0);
}

/* Appends "?" bound to a scalar: integers as int64, reals as double, strings as text and
 * booleans as 1/0 (what json_extract returns for true/false). */
static void q_val(sq_q_t *q, const json_t *v)
{
    sq_bind_t *b = apr_array_push(q->binds);

    memset(b, 0, sizeof(*b));
    if (json_is_integer(v)) {
        b->kind = B_INT;
        b->i = json_integer_value(v);
    } else if (json_is_real(v)) {
        b->kind = B_DBL;
        b->d = json_real_value(v);
    } else if (json_is_string(v)) {
        b->kind = B_TEXT;
        b->t = json_string_value(v);
        b->tlen = (int)json_string_length(v);
    } else {
        b->kind = B_INT;
        b->i = json_is_true(v) ? 1 : 0;
    }
    rz_sq_q_add(q, "?");
}

void rz_sq_q_int(sq_q_t *q, sqlite3_int64 v)
{
    sq_bind_t *b = apr_array_push(q->binds);

    memset(b, 0, sizeof(*b));
    b->kind = B_INT;
    b->i = v;
    rz_sq_q_add(q, "?");
}

static void q_text(sq_q_t *q, const char *t, int len)
{
    sq_bind_t *b = apr_array_push(q->binds);

    memset(b, 0, sizeof(*b));
    b->kind = B_TEXT;
    b->t = t;
    b->tlen = len;
    rz_sq_q_add(q, "?");
}

int rz_sq_q_bind(sq_q_t *q, sqlite3_stmt *st, int first)
{
    int i, rc = SQLITE_OK;

    for (i = 0; i < q->binds->nelts && rc == SQLITE_OK; i++) {
        sq_bind_t *b = &APR_ARRAY_IDX(q->binds, i, sq_bind_t);
        if (b->kind == B_INT) {
            rc = sqlite3_bind_int64(st, first + i, b->i);
        } else if (b->kind == B_DBL) {
            rc = sqlite3_bind_double(st, first + i, b->d);
        } else {
            rc = sqlite3_bind_text(st, first + i, b->t, b->tlen, SQLITE_STATIC);
        }
    }
    return rc;
}

/* The value and json-type expressions of a field. The value expression is written exactly as in
 * the expression indexes so SQLite uses them; "id" is the primary-key column. */
void rz_sq_field_exprs(apr_pool_t *p, const char *field, const char **val, const char **type)
{
    if (strcmp(field, "id") == 0) {
        *val = "id";
        *type = "'text'";
    } else {
        *val = apr_psprintf(p, "json_extract(doc,'$.%s')", field);
        *type = apr_psprintf(p, "json_type(doc,'$.%s')", field);
    }
}

/* The test that the field holds the JSON type of scalar `v`. For a string it reads the extracted
 * value (typeof(json_extract(...)) is 'text' for a JSON string), which an index on the field
 * serves without reading the document: a range over 4,000 index entries then costs 1 ms, not 20
 * (seen). json_extract also gives text for an object or an array (their JSON), so those compare
 * as their JSON text with strings; no field is ever both. Numbers and booleans keep json_type(),
 * as json_extract gives true and false as the integers 1 and 0. */
static const char *type_test(apr_pool_t *p, const char *val, const char *type, const json_t *v)
{
    if (json_is_string(v)) {
        return apr_pstrcat(p, "typeof(", val, ") = 'text'", NULL);
    }
    if (json_is_number(v)) {
        return apr_pstrcat(p, type, " IN ('integer','real')", NULL);
    }
    return apr_pstrcat(p, type, json_is_true(v) ? " = 'true'" : " = 'false'", NULL);
}

/* (val = ? AND type IN (...)): 1 when equal with the same JSON type, else 0 or NULL. */
static void q_eq(sq_q_t *q, const char *val, const char *type, const json_t *v)
{
    if (json_is_null(v)) {
        rz_sq_q_add(q, apr_pstrcat(q->p, "(", val, " IS NULL)", NULL));
        return;
    }
    rz_sq_q_add(q, apr_pstrcat(q->p, "(", val, " = ", NULL));
    q_val(q, v);
    rz_sq_q_add(q, apr_pstrcat(q->p, " AND ", type_test(q->p, val, type, v), ")", NULL));
}

/* 1 when every item of `arr` is a string (and there is at least one). */
static int all_strings(const json_t *arr)
{
    size_t i;
    json_t *v;

    json_array_foreach (arr, i, v) {
        if (!json_is_string(v)) {
            return 0;
        }
    }
    return json_array_size(arr) > 0;
}

static void q_in(sq_q_t *q, const char *val, const char *type, const json_t *arr)
{
    size_t i;
    json_t *v;

    if (all_strings(arr)) { /* a real IN, which an index on the field can serve (status lists) */
        rz_sq_q_add(q, apr_pstrcat(q->p, "(", val, " IN (", NULL));
        json_array_foreach (arr, i, v) {
            if (i > 0) {
                rz_sq_q_add(q, ",");
            }
            q_val(q, v);
        }
        rz_sq_q_add(q, apr_pstrcat(q->p, ") AND typeof(", val, ") = 'text')", NULL));
        return;
    }
    rz_sq_q_add(q, "(0");
    json_array_foreach (arr, i, v) {
        rz_sq_q_add(q, " OR ");
        q_eq(q, val, type, v);
    }
    rz_sq_q_add(q, ")");
}

/* Appends the exclusive upper bound of strings starting with `pre`: pre with its last byte
 * incremented (trailing 0xff bytes dropped). Returns 0 when there is no bound. */
static int prefix_upper(apr_pool_t *p, const char *pre, size_t len, char **out, int *olen)
{
    char *u = apr_pstrmemdup(p, pre, len);

    while (len > 0 && (unsigned char)u[len - 1] == 0xff) {
        len--;
    }
    if (len == 0) {
        return 0;
    }
    u[len - 1] = (char)((unsigned char)u[len - 1] + 1);
    *out = u;
    *olen = (int)len;
    return 1;
}

static void q_cond(sq_q_t *q, const rz_cond_t *c)
{
    static const char *const rel[] = {
        [RZ_LT] = " < ", [RZ_LTE] = " <= ", [RZ_GT] = " > ", [RZ_GTE] = " >= "};
    const char *val, *type;
    char *upper;
    int ulen;

    rz_sq_field_exprs(q->p, c->field, &val, &type);
    switch (c->op) {
    case RZ_EQ:
        q_eq(q, val, type, c->value);
        break;
    case RZ_NE:
        if (json_is_null(c->value)) {
            rz_sq_q_add(q, apr_pstrcat(q->p, "(", val, " IS NOT NULL)", NULL));
            break;
        }
        rz_sq_q_add(q, "NOT COALESCE(");
        q_eq(q, val, type, c->value);
        rz_sq_q_add(q, ", 0)");
        break;
    case RZ_IN:
        q_in(q, val, type, c->value);
        break;
    case RZ_LT:
    case RZ_LTE:
    case RZ_GT:
    case RZ_GTE:
        rz_sq_q_add(q, apr_pstrcat(q->p, "(", val, rel[c->op], NULL));
        q_val(q, c->value);
        rz_sq_q_add(q, apr_pstrcat(q->p, " AND ", type_test(q->p, val, type, c->value), ")", NULL));
        break;
    case RZ_PREFIX: /* a byte range, so an index on the field can serve it */
        rz_sq_q_add(q, apr_pstrcat(q->p, "(typeof(", val, ") = 'text' AND ", val, " >= ", NULL));
        q_val(q, c->value);
        if (prefix_upper(q->p, json_string_value(c->value), json_string_length(c->value), &upper,
                         &ulen)) {
            rz_sq_q_add(q, apr_pstrcat(q->p, " AND ", val, " < ", NULL));
            q_text(q, upper, ulen);
        }
        rz_sq_q_add(q, ")");
        break;
    case RZ_CONTAINS_CI: /* lower() folds ASCII only (no ICU), which is the contract */
        rz_sq_q_add(
            q, apr_pstrcat(q->p, "(", type, " = 'text' AND instr(lower(", val, "), lower(", NULL));
        q_val(q, c->value);
        rz_sq_q_add(q, ")) > 0)");
        break;
    }
}

/* Appends "WHERE ..." for the all/any conditions of a query. Conditions may be NULL (false) for
 * a missing field; only NE needs COALESCE (under NOT), and leaving the rest bare keeps the
 * json_extract terms indexable. */
void rz_sq_q_where(sq_q_t *q, const rz_cond_t *all, int nall, const rz_cond_t *any, int nany)
{
    int i;

    rz_sq_q_add(q, " WHERE 1");
    for (i = 0; i < nall; i++) {
        rz_sq_q_add(q, " AND ");
        q_cond(q, &all[i]);
    }
    if (nany > 0) {
        rz_sq_q_add(q, " AND (0");
        for (i = 0; i < nany; i++) {
            rz_sq_q_add(q, " OR ");
            q_cond(q, &any[i]);
        }
        rz_sq_q_add(q, ")");
    }
}
