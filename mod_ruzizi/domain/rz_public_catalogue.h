/* rz_public_catalogue.h: the anonymous guest catalogue of SPEC 7.4 (establishments with geo search,
 * accommodations): PublicEstablishment (4.3) and PublicAccommodation (4.4) projections. */
#ifndef RZ_PUBLIC_CATALOGUE_H
#define RZ_PUBLIC_CATALOGUE_H

#include "domain/rz_req.h"

/* GET /api/public/establishments: active establishments only. Filters city (ASCII case-folded
 * exact, through the stored cityKey), pricingMode (comma list: establishments whose computed
 * pricingModes hold one of them), q (name, location.city, description). `near=lat,lng` with
 * `radiusKm` (1..1000, default 50; a number) keeps those within that haversine distance
 * (R = 6371.0088 km, distance <= radiusKm), ordered by distance then id, each with distanceKm
 * rounded to 1 decimal; the store is asked for a bounding box on location.lat/location.lng (split
 * at the antimeridian, every longitude when a pole is inside the circle) and the exact distance is
 * computed here, so both backends share the code path. Without near the order is `sort` (name,
 * default). 400 VALIDATION_ERROR: near malformed or out of range (field near), radiusKm without
 * near or out of range (field radiusKm), sort together with near (field sort). */
int rz_h_public_establishments_list(rz_req_t *rq);

/* GET /api/public/establishments/{id}: the PublicEstablishment; 404 when malformed, unknown or
 * inactive (identical bodies). */
int rz_h_public_establishment_get(rz_req_t *rq);

/* GET /api/public/accommodations: units with status available of active establishments. Filters
 * establishmentId (an unknown or inactive one gives an empty list), type and pricingMode (comma
 * lists), minPrice/maxPrice (integers on pricing.basePrice; min > max -> 400 on maxPrice), guests
 * (1..50, capacity.maxGuests >= guests), q (name, description); sort basePrice (default) or name.
 */
int rz_h_public_accommodations_list(rz_req_t *rq);

/* GET /api/public/accommodations/{id}: the PublicAccommodation plus
 * establishment {id, name, location, checkInTime, checkOutTime}; 404 when malformed, unknown,
 * out_of_service, or its establishment is missing or inactive (identical bodies). */
int rz_h_public_accommodation_get(rz_req_t *rq);

/* The PublicAccommodation (SPEC 4.4) of a stored unit, as the catalogue shows it (also used by
 * the availability offers). Owned by rq->pool. */
json_t *rz_public_accommodation_view(rz_req_t *rq, const json_t *acc);

/* The active establishment `id`: RZ_OK with *est (owned by the session pool), RZ_NOT_FOUND
 * (malformed, missing or inactive: one answer for the public) or the store's status. */
rz_status_t rz_public_active_establishment(rz_sess_t *s, const char *id, json_t **est);

#endif
