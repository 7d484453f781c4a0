/* rz_route.h: the vocabulary of the route table (a route, its handler, access rules and flags),
 * httpd-free: the glue builds the table from domain/rz_routes.def, http/ routes with it and
 * ruzizi-ctl prints it. */
#ifndef RZ_ROUTE_H
#define RZ_ROUTE_H

#include "domain/rz_req.h"

/* Access rule of a route (SPEC 3.3): who may call it at all. Scope (own establishment, own records)
 * is enforced by the handlers through the authz helpers; this is steps (3)-(4) of SPEC 2.3. */
#define RZ_ACC_PUBLIC 0x01u /* no token needed */
#define RZ_ACC_SA 0x02u     /* super_admin */
#define RZ_ACC_M 0x04u      /* manager */
#define RZ_ACC_ST 0x08u     /* staff */
#define RZ_ACC_TEST 0x10u   /* test builds only; public; not in openapi.json */
#define RZ_ACC_ALL (RZ_ACC_SA | RZ_ACC_M | RZ_ACC_ST)

/* Route flags. */
#define RZ_RF_IK_REQUIRED 0x01u  /* IK!: Idempotency-Key required (SPEC 8.1) */
#define RZ_RF_IK_REFUSED 0x02u   /* IK-: Idempotency-Key ignored, response never stored */
#define RZ_RF_BODY_RAW 0x04u     /* raw bytes body (image upload) instead of JSON */
#define RZ_RF_NO_RATELIMIT 0x08u /* not subject to the `api` IP limit (health, metrics) */

/* A handler runs the rules of one route and sets the answer (rz_respond_*). It returns the status
 * of that answer (rq->res.status). It never writes to the client: the router ends the unit of
 * work, then http/ writes the answer. */
typedef int (*rz_handler_fn)(rz_req_t *rq);

struct rz_route_t {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
    const char *pattern; /* "/api/users/{id}" */
    rz_handler_fn handler;
    unsigned access;   /* RZ_ACC_* */
    unsigned flags;    /* RZ_RF_* */
    const char *query; /* comma-separated allowed query parameters ("" = none) */
    const char *summary;
};

/* The routes of a build: `count` rows (the glue's rz_route_list). core/rz_route_match.h matches
 * paths over them (RZ_ROUTE_TABLE(routes, count, rz_route_t)). */
typedef struct {
    const rz_route_t *routes;
    int count;
} rz_route_list_t;

/* The access rule as written in openapi.json's x-access and by `ruzizi-ctl routes`:
 * "public", "test", or a comma list of "SA", "M", "ST". Returns a static string. */
static inline const char *rz_access_name(unsigned acc)
{
    static const char *names[] = {"", "SA", "M", "SA,M", "ST", "SA,ST", "M,ST", "SA,M,ST"};
    if (acc & RZ_ACC_TEST) {
        return "test";
    }
    if (acc & RZ_ACC_PUBLIC) {
        return "public";
    }
    return names[(acc >> 1) & 7u];
}

#endif
