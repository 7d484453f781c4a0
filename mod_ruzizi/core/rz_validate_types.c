/* rz_validate_types.c: the per-type rules of the validator (strings, numbers, formats, arrays). */
#include "core/rz_validate_types.h"

#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rz_id.h"
#include "core/rz_json.h"
#include "core/rz_text.h"
#include "core/rz_time.h"

#define RZ_STRING_MAX_DEFAULT 10000
#define RZ_ARRAY_MAX_DEFAULT 1000
#define RZ_MONEY_MAX_DEFAULT 1000000000000LL /* 10^12 */

/* Resolves the [min,max] of a descriptor: both 0 -> the defaults; a positive min with max 0 means
 * "no upper bound of its own" (the default maximum) rather than an empty range. */
static void bounds(const rz_field_t *f, int64_t dmin, int64_t dmax, int64_t *min, int64_t *max)
{
    *min = f->min;
    *max = f->max;
    if (f->min == 0 && f->max == 0) {
        *min = dmin;
        *max = dmax;
    } else if (f->max == 0 && f->min > 0) {
        *max = dmax;
    }
}

static json_t *fail_null(rz_vctx_t *v, const char *path, const char *msg)
{
    rz_v_fail(v, path, msg);
    return NULL;
}

static json_t *fail_bound(rz_vctx_t *v, const char *path, const char *what, int64_t n,
                          const char *unit)
{
    rz_v_fail(v, path, apr_psprintf(v->pool, "must %s %" APR_INT64_T_FMT "%s", what, n, unit));
    return NULL;
}

/* Common prologue of every string-typed field: type, trimming, control characters, emptiness.
 * Returns the trimmed string, or NULL with *res set (a detail was added and *res is NULL, or the
 * string is empty on an optional field and *res is JSON null). */
static const char *string_prologue(rz_vctx_t *v, const rz_field_t *f, const json_t *in,
                                   const char *path, json_t **res)
{
    const char *s;

    *res = NULL;
    if (!json_is_string(in)) {
        rz_v_fail(v, path, "must be a string");
        return NULL;
    }
    s = rz_text_trim(v->pool, json_string_value(in));
    if (rz_text_has_bad_control(s)) {
        rz_v_fail(v, path, "contains a control character");
        return NULL;
    }
    if (*s == '\0') {
        if (f->flags & RZ_REQ) {
            rz_v_fail(v, path, "required");
        } else {
            *res = json_null();
        }
        return NULL;
    }
    return s;
}

static json_t *v_string(rz_vctx_t *v, const rz_field_t *f, const char *s, const char *path)
{
    int64_t min, max;
    int64_t n = (int64_t)rz_text_codepoints(s);

    bounds(f, 1, RZ_STRING_MAX_DEFAULT, &min, &max);
    if (n < min) {
        return fail_bound(v, path, "be at least", min, " characters");
    }
    if (n > max) {
        return fail_bound(v, path, "be at most", max, " characters");
    }
    return json_string(s);
}

static json_t *v_enum(rz_vctx_t *v, const rz_field_t *f, const char *s, const char *path)
{
    const char *const *e;
    const char *list = NULL;

    for (e = f->enums; e && *e; e++) {
        if (strcmp(*e, s) == 0) {
            return json_string(s);
        }
        list = list ? apr_pstrcat(v->pool, list, ", ", *e, NULL) : *e;
    }
    rz_v_fail(v, path, apr_pstrcat(v->pool, "must be one of: ", list ? list : "", NULL));
    return NULL;
}

static json_t *v_date_or_datetime(rz_vctx_t *v, const char *s, const char *path)
{
    int64_t t;
    char buf[21];

    if (strlen(s) == 10) {
        if (rz_date_parse(s, &t) != 0) {
            return fail_null(v, path, "must be a valid date (YYYY-MM-DD)");
        }
        return json_string(s);
    }
    if (rz_datetime_parse(s, &t) != 0) {
        return fail_null(v, path, "must be an RFC 3339 datetime with offset");
    }
    rz_timestamp_format(t, buf);
    return json_string(buf);
}

/* The format checks of the string types other than STRING and ENUM. */
static json_t *v_format(rz_vctx_t *v, const rz_field_t *f, const char *s, const char *path)
{
    int64_t t;
    int mins;
    char buf[21];
    const char *norm;

    switch (f->type) {
    case RZ_T_DATE:
        return rz_date_parse(s, &t) == 0 ? json_string(s)
                                         : fail_null(v, path, "must be a valid date (YYYY-MM-DD)");
    case RZ_T_DATETIME:
        if (rz_datetime_parse(s, &t) != 0) {
            return fail_null(v, path, "must be an RFC 3339 datetime with offset");
        }
        rz_timestamp_format(t, buf);
        return json_string(buf);
    case RZ_T_DATE_OR_DATETIME:
        return v_date_or_datetime(v, s, path);
    case RZ_T_HHMM:
        return rz_hhmm_parse(s, &mins) == 0 ? json_string(s) : fail_null(v, path, "must be HH:MM");
    case RZ_T_EMAIL:
        norm = rz_email_normalize(v->pool, s);
        return norm ? json_string(norm) : fail_null(v, path, "must be a valid email");
    case RZ_T_PHONE:
        norm = rz_phone_normalize(v->pool, s, v->country ? v->country : "BI");
        return norm ? json_string(norm) : fail_null(v, path, "must be a valid phone number");
    case RZ_T_ID:
        return rz_id_valid(s) ? json_string(s) : fail_null(v, path, "must be a valid id");
    case RZ_T_COUNTRY:
        return rz_country_valid(s) ? json_string(s)
                                   : fail_null(v, path, "must be an ISO 3166-1 alpha-2 code");
    default:
        return fail_null(v, path, "invalid");
    }
}

static json_t *v_stringish(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path)
{
    json_t *res;
    const char *s = string_prologue(v, f, in, path, &res);

    if (!s) {
        return res;
    }
    if (f->type == RZ_T_STRING) {
        return v_string(v, f, s, path);
    }
    if (f->type == RZ_T_ENUM) {
        return v_enum(v, f, s, path);
    }
    return v_format(v, f, s, path);
}

/* INT and MONEY: JSON integers only (a real such as 100.0 or 1e3 is refused, SPEC 2.6). */
static json_t *v_integer(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path)
{
    int64_t min, max, n;

    if (!json_is_integer(in)) {
        return fail_null(v, path, "must be an integer");
    }
    if (f->type == RZ_T_MONEY) {
        bounds(f, 0, RZ_MONEY_MAX_DEFAULT, &min, &max);
    } else {
        bounds(f, -RZ_JSON_MAX_SAFE_INT, RZ_JSON_MAX_SAFE_INT, &min, &max);
    }
    n = (int64_t)json_integer_value(in);
    if (n < min) {
        return fail_bound(v, path, "be at least", min, "");
    }
    if (n > max) {
        return fail_bound(v, path, "be at most", max, "");
    }
    return json_integer((json_int_t)n);
}

/* 1 when x has at most `decimals` digits after the point in its shortest decimal form: rounding to
 * that many decimals must give back exactly the same double. */
static int decimals_ok(double x, int64_t decimals)
{
    char buf[400];
    int d = decimals > 17 ? 17 : (int)decimals;

    snprintf(buf, sizeof(buf), "%.*f", d, x);
    return strtod(buf, NULL) == x;
}

static json_t *v_number(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path)
{
    double x;

    if (!json_is_number(in)) {
        return fail_null(v, path, "must be a number");
    }
    x = json_number_value(in);
    if (!(f->dmin == 0 && f->dmax == 0)) {
        if (x < f->dmin) {
            rz_v_fail(v, path, apr_psprintf(v->pool, "must be at least %.15g", f->dmin));
            return NULL;
        }
        if (x > f->dmax) {
            rz_v_fail(v, path, apr_psprintf(v->pool, "must be at most %.15g", f->dmax));
            return NULL;
        }
    }
    if (f->max > 0 && json_is_real(in) && !decimals_ok(x, f->max)) {
        return fail_bound(v, path, "have at most", f->max, " decimals");
    }
    return json_deep_copy(in);
}

/* Arrays are replaced whole by a PATCH (RFC 7396), so every item is a complete value: items are
 * validated in CREATE mode, and an item can be neither null nor an empty string. */
static json_t *v_array(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path)
{
    int64_t min, max, n;
    rz_field_t item;
    json_t *out, *elem, *nv;
    size_t i, before = json_array_size(v->details);

    if (!json_is_array(in)) {
        return fail_null(v, path, "must be an array");
    }
    bounds(f, 0, RZ_ARRAY_MAX_DEFAULT, &min, &max);
    n = (int64_t)json_array_size(in);
    if (n < min) {
        return fail_bound(v, path, "have at least", min, " items");
    }
    if (n > max) {
        return fail_bound(v, path, "have at most", max, " items");
    }
    if (!f->items) {
        return fail_null(v, path, "invalid");
    }
    item = *f->items;
    item.flags |= RZ_REQ;
    out = json_array();
    json_array_foreach (in, i, elem) {
        const char *ipath = rz_v_path(v, path, apr_psprintf(v->pool, "%" APR_SIZE_T_FMT, i));
        nv = rz_v_value_new(v, &item, elem, ipath, RZ_V_CREATE);
        if (nv) {
            json_array_append_new(out, nv);
        }
    }
    if (json_array_size(v->details) != before) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static json_t *v_object(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path,
                        rz_vmode_t mode)
{
    size_t before = json_array_size(v->details);
    json_t *out;

    if (!json_is_object(in)) {
        return fail_null(v, path, "must be an object");
    }
    out = rz_v_object_new(v, f->fields, in, path, mode, 0);
    if (json_array_size(v->details) != before) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static json_t *v_dispatch(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path,
                          rz_vmode_t mode)
{
    switch (f->type) {
    case RZ_T_INT:
    case RZ_T_MONEY:
        return v_integer(v, f, in, path);
    case RZ_T_NUMBER:
        return v_number(v, f, in, path);
    case RZ_T_BOOL:
        return json_is_boolean(in) ? json_deep_copy(in) : fail_null(v, path, "must be a boolean");
    case RZ_T_OBJECT:
        return v_object(v, f, in, path, mode);
    case RZ_T_ARRAY:
        return v_array(v, f, in, path);
    default:
        return v_stringish(v, f, in, path);
    }
}

json_t *rz_v_value_new(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path,
                       rz_vmode_t mode)
{
    json_t *out;
    const char *msg;

    if (!in || json_is_null(in)) {
        return fail_null(v, path, "must not be null");
    }
    out = v_dispatch(v, f, in, path, mode);
    if (out && !json_is_null(out) && f->check && (msg = f->check(v->pool, out)) != NULL) {
        rz_v_fail(v, path, msg);
        json_decref(out);
        return NULL;
    }
    return out;
}
