/* rz_payroll_settings.c: an establishment's PayrollSettings (SPEC 4.19): defaults, validation,
 * GET and PATCH /api/establishments/{id}/payroll-settings. */
#include "domain/rz_establishments.h"

#include "apr_strings.h"

#include <string.h>

#include "core/rz_json.h"
#include "core/rz_time.h"
#include "domain/rz_write.h"

static const char *check_code(apr_pool_t *p, const json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = strlen(s), i;

    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            break;
        }
    }
    return n >= 1 && n <= 30 && i == n ? NULL : "must match ^[A-Z0-9_]{1,30}$";
}

static const char *const basis_enums[] = {"base", "gross", NULL};
static const char *const applies_enums[] = {"always", "healthInsurance", "retirementPlan", NULL};

static const rz_field_t position_item = {
    .name = "position", .type = RZ_T_STRING, .min = 1, .max = 100};

static const rz_field_t allowance_fields[] = {
    {.name = "code",
     .type = RZ_T_STRING,
     .flags = RZ_REQ,
     .min = 1,
     .max = 30,
     .check = check_code},
    {.name = "label", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 100},
    {.name = "positions", .type = RZ_T_ARRAY, .max = 100, .items = &position_item},
    {.name = "rateBps", .type = RZ_T_INT, .min = 1, .max = 10000},
    {.name = "amount", .type = RZ_T_MONEY},
    {.name = NULL},
};

static const rz_field_t deduction_fields[] = {
    {.name = "code",
     .type = RZ_T_STRING,
     .flags = RZ_REQ,
     .min = 1,
     .max = 30,
     .check = check_code},
    {.name = "label", .type = RZ_T_STRING, .flags = RZ_REQ, .min = 1, .max = 100},
    {.name = "basis", .type = RZ_T_ENUM, .flags = RZ_REQ, .enums = basis_enums},
    {.name = "rateBps", .type = RZ_T_INT, .flags = RZ_REQ, .min = 0, .max = 10000},
    {.name = "appliesTo", .type = RZ_T_ENUM, .enums = applies_enums},
    {.name = "ceiling", .type = RZ_T_MONEY},
    {.name = "preTax", .type = RZ_T_BOOL},
    {.name = NULL},
};

static const rz_field_t bracket_fields[] = {
    {.name = "upTo", .type = RZ_T_MONEY},
    {.name = "rateBps", .type = RZ_T_INT, .flags = RZ_REQ, .min = 0, .max = 10000},
    {.name = NULL},
};

static const rz_field_t allowance_item = {
    .name = "rule", .type = RZ_T_OBJECT, .fields = allowance_fields};
static const rz_field_t deduction_item = {
    .name = "rule", .type = RZ_T_OBJECT, .fields = deduction_fields};
static const rz_field_t bracket_item = {
    .name = "bracket", .type = RZ_T_OBJECT, .fields = bracket_fields};

static const rz_field_t settings_schema[] = {
    {.name = "workingDaysPerMonth", .type = RZ_T_INT, .min = 1, .max = 31},
    {.name = "hoursPerDay", .type = RZ_T_INT, .min = 1, .max = 24},
    {.name = "overtimeMultiplierBps", .type = RZ_T_INT, .min = 10000, .max = 30000},
    {.name = "allowanceRules", .type = RZ_T_ARRAY, .max = 20, .items = &allowance_item},
    {.name = "deductionRules", .type = RZ_T_ARRAY, .max = 20, .items = &deduction_item},
    {.name = "incomeTaxBrackets", .type = RZ_T_ARRAY, .min = 1, .max = 10, .items = &bracket_item},
    {.name = NULL},
};

/* ---- validation ------------------------------------------------------------------------------ */

static const char *item_path(rz_vctx_t *v, const char *arr, size_t i, const char *field)
{
    return field ? apr_psprintf(v->pool, "%s.%" APR_SIZE_T_FMT ".%s", arr, i, field)
                 : apr_psprintf(v->pool, "%s.%" APR_SIZE_T_FMT, arr, i);
}

/* Unique codes in one rule array. */
static void check_codes(rz_vctx_t *v, const json_t *rules, const char *arr)
{
    size_t i, j;

    for (i = 0; i < json_array_size(rules); i++) {
        for (j = 0; j < i; j++) {
            if (json_equal(json_object_get(json_array_get(rules, i), "code"),
                           json_object_get(json_array_get(rules, j), "code"))) {
                rz_v_fail(v, item_path(v, arr, i, "code"), "duplicate code");
                break;
            }
        }
    }
}

/* Income-tax brackets: strictly increasing upTo, only the last one open (null). */
static void check_brackets(rz_vctx_t *v, json_t *brackets)
{
    json_t *b, *prev = NULL;
    size_t i, n = json_array_size(brackets);

    json_array_foreach (brackets, i, b) {
        json_t *up = json_object_get(b, "upTo");
        if (!up) {
            json_object_set_new(b, "upTo", up = json_null());
        }
        if (i + 1 == n && !json_is_null(up)) {
            rz_v_fail(v, item_path(v, "incomeTaxBrackets", i, "upTo"),
                      "must be null for the last bracket");
        } else if (i + 1 < n && json_is_null(up)) {
            rz_v_fail(v, item_path(v, "incomeTaxBrackets", i, "upTo"),
                      "only the last bracket may be open (null)");
        } else if (json_is_integer(prev) && json_is_integer(up)
                   && json_integer_value(up) <= json_integer_value(prev)) {
            rz_v_fail(v, item_path(v, "incomeTaxBrackets", i, "upTo"),
                      "must be greater than the previous upTo");
        }
        prev = up;
    }
}

/* Completes the optional members of the rules and checks the rules of SPEC 4.19. */
static void check_rules(rz_vctx_t *v, json_t *ps)
{
    json_t *rule;
    size_t i;

    json_array_foreach (json_object_get(ps, "allowanceRules"), i, rule) {
        int has_rate = json_object_get(rule, "rateBps") != NULL;
        if (has_rate == (json_object_get(rule, "amount") != NULL)) {
            rz_v_fail(v, item_path(v, "allowanceRules", i, NULL),
                      "must have exactly one of rateBps and amount");
        }
        json_object_set_new(rule, has_rate ? "amount" : "rateBps", json_null());
        if (!json_object_get(rule, "positions")) {
            json_object_set_new(rule, "positions", json_array());
        }
    }
    json_array_foreach (json_object_get(ps, "deductionRules"), i, rule) {
        if (!json_object_get(rule, "appliesTo")) {
            json_object_set_new(rule, "appliesTo", json_string("always"));
        }
        if (!json_object_get(rule, "ceiling")) {
            json_object_set_new(rule, "ceiling", json_null());
        }
        if (!json_object_get(rule, "preTax")) {
            json_object_set_new(rule, "preTax", json_false());
        }
    }
    check_codes(v, json_object_get(ps, "allowanceRules"), "allowanceRules");
    check_codes(v, json_object_get(ps, "deductionRules"), "deductionRules");
    check_brackets(v, json_object_get(ps, "incomeTaxBrackets"));
}

/* Validates complete settings (defaults of `currency` for missing members). */
static json_t *validate_settings(rz_vctx_t *v, const json_t *in, const char *currency)
{
    json_t *out = rz_validate(v, settings_schema, in, RZ_V_CREATE), *dflt, *val;
    const char *key;

    if (!out) {
        return NULL;
    }
    dflt = rz_json_pool_own(v->pool, rz_payroll_settings_defaults(currency));
    json_object_foreach (dflt, key, val) {
        if (!json_object_get(out, key)) {
            json_object_set(out, key, val);
        }
    }
    check_rules(v, out);
    return rz_v_ok(v) ? out : NULL;
}

/* ---- handlers -------------------------------------------------------------------------------- */

static json_t *current_settings(apr_pool_t *p, const json_t *est)
{
    json_t *ps = json_object_get(est, "payrollSettings");

    if (json_is_object(ps)) {
        return ps;
    }
    return rz_json_pool_own(
        p, rz_payroll_settings_defaults(json_string_value(json_object_get(est, "currency"))));
}

int rz_h_payroll_settings_get(rz_req_t *rq)
{
    rz_sess_t *s;
    json_t *est;

    if (rz_est_load(rq, &s, &est) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, current_settings(rq->pool, est), NULL);
}

int rz_h_payroll_settings_patch(rz_req_t *rq)
{
    rz_vctx_t v;
    rz_sess_t *s;
    rz_write_t w;
    rz_update_t u = {0};
    json_t *est, *before, *after;
    const char *id, *key;
    char now[21];
    rz_status_t st;

    rz_vctx_init(&v, rq->pool);
    if (!rz_validate(&v, settings_schema, rq->body, RZ_V_PATCH)) {
        return rz_respond_validation(rq, v.details);
    }
    if (rz_est_load(rq, &s, &est) != 0) {
        return rq->res.status;
    }
    id = json_string_value(json_object_get(est, "id"));
    before = current_settings(rq->pool, est);
    after = validate_settings(&v, rz_merge_patch(rq->pool, before, rq->body),
                              json_string_value(json_object_get(est, "currency")));
    if (!after) {
        return rz_respond_validation(rq, v.details);
    }
    if (json_equal(before, after)) {
        return rz_respond_data(rq, RZ_HTTP_OK, before, NULL); /* no change, no audit entry */
    }
    key = apr_pstrcat(rq->pool, "establishment:", id, NULL);
    if (rz_write_begin(&w, rq, &key, 1) != 0) {
        return rq->res.status;
    }
    rz_timestamp_format(rz_now(), now);
    u.set = rz_json_pool_own(rq->pool,
                             json_pack("{s:O, s:s}", "payrollSettings", after, "updatedAt", now));
    if ((st = rz_store_update(w.s, RZ_ESTABLISHMENTS, id, &u,
                              json_integer_value(json_object_get(est, "version")), NULL))
            != RZ_OK
        || (st = rz_write_audit(&w, "payroll_settings.update", "payroll_settings", id, id, before,
                                after, NULL))
               != RZ_OK) {
        return rz_write_fail(&w, st);
    }
    if (rz_write_commit(&w) != 0) {
        return rq->res.status;
    }
    return rz_respond_data(rq, RZ_HTTP_OK, after, NULL);
}
