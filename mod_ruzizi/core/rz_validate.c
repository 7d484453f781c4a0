/* rz_validate.c: schema-driven body validation (objects, modes, unknown fields), RFC 7396. */
#include "core/rz_validate.h"

#include <apr_strings.h>
#include <string.h>

#include "core/rz_json.h"
#include "core/rz_validate_types.h"

void rz_vctx_init(rz_vctx_t *v, apr_pool_t *pool)
{
    v->pool = pool;
    v->details = rz_json_pool_own(pool, json_array());
    v->country = "BI";
    v->ignore = NULL;
}

void rz_v_fail(rz_vctx_t *v, const char *field, const char *message)
{
    json_array_append_new(v->details, json_pack("{s:s, s:s}", "field", field ? field : "",
                                                "message", message ? message : "invalid"));
}

json_t *rz_detail1(apr_pool_t *pool, const char *field, const char *message)
{
    return rz_json_pool_own(pool, json_pack("[{s:s, s:s}]", "field", field, "message", message));
}

int rz_v_ok(const rz_vctx_t *v)
{
    return json_array_size(v->details) == 0;
}

const char *rz_v_path(rz_vctx_t *v, const char *prefix, const char *name)
{
    if (!prefix || !*prefix) {
        return apr_pstrdup(v->pool, name);
    }
    return apr_pstrcat(v->pool, prefix, ".", name, NULL);
}

static const rz_field_t *schema_find(const rz_field_t *schema, const char *name)
{
    for (; schema && schema->name; schema++) {
        if (strcmp(schema->name, name) == 0) {
            return schema;
        }
    }
    return NULL;
}

static int name_in(const char *const *list, const char *name)
{
    for (; list && *list; list++) {
        if (strcmp(*list, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Fields that every entity has and that the server always owns (SPEC 2.1). */
static int always_ignored(const char *name)
{
    return strcmp(name, "id") == 0 || strcmp(name, "createdAt") == 0
           || strcmp(name, "updatedAt") == 0;
}

/* Reports every input key that is neither in the schema nor ignored silently. */
static void check_unknown(rz_vctx_t *v, const rz_field_t *schema, const json_t *in,
                          const char *prefix, int top)
{
    const char *key;
    json_t *val;

    json_object_foreach ((json_t *)in, key, val) {
        if ((top && name_in(v->ignore, key)) || schema_find(schema, key)) {
            continue;
        }
        if (!always_ignored(key)) {
            rz_v_fail(v, rz_v_path(v, prefix, key), "unknown field");
        }
    }
}

/* Validates one present member: returns a new reference to store, or NULL when nothing is stored
 * (invalid, or absent by rule: null on an optional field in CREATE mode, or an empty string). */
static json_t *member_value(rz_vctx_t *v, const rz_field_t *f, const json_t *val, const char *path,
                            rz_vmode_t mode)
{
    json_t *out;

    if (json_is_null(val)) {
        if (f->flags & RZ_REQ) {
            rz_v_fail(v, path, "must not be null");
            return NULL;
        }
        return mode == RZ_V_PATCH ? json_null() : NULL;
    }
    out = rz_v_value_new(v, f, val, path, mode);
    if (out && json_is_null(out)) {
        /* an empty string on an optional field counts as absent (SPEC 2.1) */
        json_decref(out);
        return NULL;
    }
    return out;
}

json_t *rz_v_object_new(rz_vctx_t *v, const rz_field_t *schema, const json_t *in,
                        const char *prefix, rz_vmode_t mode, int top)
{
    json_t *out = json_object();
    const rz_field_t *f;

    check_unknown(v, schema, in, prefix, top);
    for (f = schema; f && f->name; f++) {
        const json_t *val;
        const char *path;
        json_t *nv;

        if ((f->flags & RZ_SERVER) || (top && name_in(v->ignore, f->name))) {
            continue;
        }
        path = rz_v_path(v, prefix, f->name);
        val = json_object_get(in, f->name);
        if (!val) {
            if (mode == RZ_V_CREATE && (f->flags & RZ_REQ)) {
                rz_v_fail(v, path, "required");
            }
            continue;
        }
        nv = member_value(v, f, val, path, mode);
        if (nv) {
            json_object_set_new(out, f->name, nv);
        }
    }
    return out;
}

json_t *rz_validate(rz_vctx_t *v, const rz_field_t *schema, const json_t *in, rz_vmode_t mode)
{
    size_t before = json_array_size(v->details);
    json_t *out;

    if (!json_is_object(in)) {
        rz_v_fail(v, "", "must be an object");
        return NULL;
    }
    out = rz_v_object_new(v, schema, in, "", mode, 1);
    if (json_array_size(v->details) != before) {
        json_decref(out);
        return NULL;
    }
    return rz_json_pool_own(v->pool, out);
}

json_t *rz_validate_value(rz_vctx_t *v, const rz_field_t *f, const json_t *in, const char *path,
                          rz_vmode_t mode)
{
    return rz_json_pool_own(v->pool, rz_v_value_new(v, f, in, path, mode));
}

/* RFC 7396 MergePatch(target, patch); steals `target` (may be NULL), borrows `patch`. */
static json_t *merge_into(json_t *target, const json_t *patch)
{
    const char *key;
    json_t *pval;

    if (!json_is_object(patch)) {
        json_decref(target);
        return json_deep_copy(patch);
    }
    if (!json_is_object(target)) {
        json_decref(target);
        target = json_object();
    }
    json_object_foreach ((json_t *)patch, key, pval) {
        if (json_is_null(pval)) {
            json_object_del(target, key);
        } else {
            json_t *cur = json_object_get(target, key);
            json_incref(cur);
            json_object_set_new(target, key, merge_into(cur, pval));
        }
    }
    return target;
}

json_t *rz_merge_patch(apr_pool_t *pool, const json_t *target, const json_t *patch)
{
    json_t *copy = target ? json_deep_copy(target) : NULL;

    return rz_json_pool_own(pool, merge_into(copy, patch));
}
