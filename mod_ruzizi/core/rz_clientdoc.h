/* rz_clientdoc.h: the stored Client document (SPEC 4.6): schema, defaults, cross-field rules,
 * the folded email key and the birth-date rule; httpd-free. */
#ifndef RZ_CLIENTDOC_H
#define RZ_CLIENTDOC_H

#include <apr_pools.h>
#include <jansson.h>

#include "core/rz_validate.h"

#ifndef RZ_CLIENTS
#define RZ_CLIENTS "clients"
#endif

/*
 * Stored document (collection "clients"):
 *   establishmentId, personalInfo {firstName, lastName, email, phone, idType, idNumber,
 *   nationality, dateOfBirth, gender, address, city, country} (every member present, null when
 *   absent; email lowercased, phone E.164), classification (regular, walkin, corporate),
 *   companyName, preferences [], preferredLanguage (fr, en), marketingOptIn, notes,
 *   totalStays, totalSpent, lastStayAt, createdBy, createdAt, updatedAt, version (store), and
 *   emailKey (= the folded email) present ONLY when the client has an email: the unique index
 *   clients_email is (establishmentId, emailKey), and a document missing the field never
 *   collides where a JSON null would (MongoDB).
 * Internal, never output: emailKey, version.
 */

/* The enums of SPEC 4.5 clientInfo / 4.6 personalInfo, NULL-terminated (the booking clientInfo
 * schema reuses them). */
extern const char *const rz_client_id_types[];  /* national_id, passport, driving_license, other */
extern const char *const rz_client_genders[];   /* male, female, other */
extern const char *const rz_client_classes[];   /* regular, walkin, corporate */
extern const char *const rz_client_languages[]; /* fr, en */

/* A `check` for an RZ_T_STRING field holding a birth date: "YYYY-MM-DD", a valid Gregorian date
 * from 1900-01-01 to today. "Today" is the latest calendar date anywhere (UTC+14 at rz_now()), so
 * that no establishment's local today is refused. Returns NULL when fine, else a static English
 * message ("must be a valid date (YYYY-MM-DD)", "must not be before 1900-01-01", "must not be in
 * the future"). `p` is unused. */
const char *rz_check_birth_date(apr_pool_t *p, const json_t *v);

/* Validates a complete client (CREATE mode: a POST body with establishmentId set, or a stored
 * document's writable fields merged with a PATCH). Phones are normalised with v->country (the
 * establishment's location.country). Cross-field rules after the schema: at least one of
 * personalInfo.email and personalInfo.phone (detail "personalInfo.email": "email or phone is
 * required"), companyName when classification is corporate ("companyName": "required when
 * classification is corporate"). Defaults: personalInfo members null, classification regular,
 * companyName null, preferences [], preferredLanguage `language` (the establishment's
 * defaultLanguage; NULL -> "fr"), marketingOptIn false, notes null. Server-owned fields
 * (totalStays, totalSpent, lastStayAt, outstandingBalance, createdBy) are dropped. Returns the
 * normalised writable fields (owned by v->pool) or NULL with every problem in v->details. */
json_t *rz_client_validate(rz_vctx_t *v, const json_t *in, const char *language);

/* Step (9) of a PATCH: the body alone in PATCH mode (types, unknown fields, null on a required
 * field). Returns the normalised patch (owned by v->pool) or NULL with details in v. */
json_t *rz_client_check_patch(rz_vctx_t *v, const json_t *patch);

/* Only the writable fields of a stored client, null members left out (the input of a merge and
 * of rz_client_validate). New reference owned by `p`. */
json_t *rz_client_writable(apr_pool_t *p, const json_t *stored);

/* Completes validated writable fields `c` into a new stored document: totalStays 0, totalSpent 0,
 * lastStayAt null, createdBy `created_by` (NULL -> null), createdAt = updatedAt = `now`
 * ("YYYY-MM-DDTHH:MM:SSZ"), and emailKey per rz_client_set_key. Modifies `c` in place. */
void rz_client_init_server_fields(apr_pool_t *p, json_t *c, const char *created_by,
                                  const char *now);

/* Sets emailKey := rz_text_fold(personalInfo.email) when the client has an email, else removes
 * emailKey. Returns the key (in `p`) or NULL. */
const char *rz_client_set_key(apr_pool_t *p, json_t *c);

/* A new stored-shape client built from a booking's normalised clientInfo (SPEC 6.7): personalInfo
 * from its members (absent ones null), companyName from clientInfo.companyName, classification
 * `classification`, preferredLanguage `language` (NULL -> "fr"), marketingOptIn `opt_in`, the
 * other defaults of rz_client_validate, then rz_client_init_server_fields with createdBy null.
 * No validation: the booking validated clientInfo. New reference owned by `p`. */
json_t *rz_client_from_info(apr_pool_t *p, const char *est, const json_t *client_info,
                            const char *classification, const char *language, int opt_in,
                            const char *now);

/* The document as audited and as handed to callers for their audit entries: a copy without
 * emailKey and version. Owned by `p`; NULL passes through. */
json_t *rz_client_audit_doc(apr_pool_t *p, const json_t *c);

#endif
