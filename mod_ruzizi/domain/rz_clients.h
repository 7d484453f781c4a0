/* rz_clients.h: the guest CRM (SPEC 4.6, 6.7, 7.7): client endpoints, the linkage of bookings to
 * clients and the stay statistics. */
#ifndef RZ_CLIENTS_H
#define RZ_CLIENTS_H

#include <jansson.h>

#include "domain/rz_req.h"
#include "store/rz_store.h"

#define RZ_CLIENTS "clients"

int rz_h_clients_list(rz_req_t *rq);  /* GET /api/clients */
int rz_h_client_create(rz_req_t *rq); /* POST /api/clients */
int rz_h_client_get(rz_req_t *rq);    /* GET /api/clients/{id} */
int rz_h_client_patch(rz_req_t *rq);  /* PATCH /api/clients/{id} */
int rz_h_client_delete(rz_req_t *rq); /* DELETE /api/clients/{id} */

/* Loads the client of path parameter 0 within the caller's scope: 0 with *c and *s set, or -1
 * after answering 404 (malformed, missing, other establishment: one body) or 503. */
int rz_client_load(rz_req_t *rq, rz_sess_t **s, json_t **c);

/* The Client of SPEC 4.6 as output (optional fields null, outstandingBalance computed, internal
 * keys and version left out). Owned by `p`. */
json_t *rz_client_view(apr_pool_t *p, rz_sess_t *s, const json_t *c);

/* The unit-of-work keys that serialise client creation for a contact in establishment `est`:
 * "client-email:<est>:<email>" when email is not NULL and "client-phone:<est>:<phone>" when phone
 * is not NULL (normalised values). Writes up to 2 keys (allocated in `p`) into keys[] and returns
 * their count. POST /api/clients and every booking creation name them, so two concurrent first
 * bookings with one new email never both insert (SPEC 6.7). */
int rz_client_keys(apr_pool_t *p, const char *est, const char *email, const char *phone,
                   const char *keys[2]);

/* SPEC 6.7 linkage, inside the booking's unit of work (which holds rz_client_keys): finds the
 * client of establishment `est` by clientInfo.email, else by clientInfo.phone (oldest), else
 * inserts one from clientInfo (the booking's normalised clientInfo object: firstName, lastName,
 * email, phone, idType, ... companyName) with classification `classification` ("walkin" or
 * "regular"), preferredLanguage `language`, marketingOptIn `opt_in`. An existing client is never
 * modified. *client_id (in `p`) is set; *created (may be NULL) gets the inserted document (for the
 * audit entry client.create) or NULL when an existing client was linked. */
rz_status_t rz_client_link(rz_sess_t *s, apr_pool_t *p, const char *est, const json_t *client_info,
                           const char *classification, const char *language, int opt_in,
                           const char **client_id, json_t **created);

/* SPEC 6.7 at check-out, inside the checkout's unit of work: totalStays += 1, totalSpent += total,
 * lastStayAt := checked_out_at. *before and *after (may be NULL; owned by `p`) receive the client
 * document around the change, for the audit entry client.update. RZ_NOT_FOUND if the client is
 * gone. */
rz_status_t rz_client_record_stay(rz_sess_t *s, apr_pool_t *p, const char *client_id, int64_t total,
                                  const char *checked_out_at, json_t **before, json_t **after);

#endif
