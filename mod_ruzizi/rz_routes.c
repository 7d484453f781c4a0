/* rz_routes.c: the module's route table, expanded from domain/rz_routes.def with the handler
 * functions. */
#include "rz_routes.h"

#include "domain/rz_accommodations.h"
#include "domain/rz_auth_api.h"
#include "domain/rz_bookings.h"
#include "domain/rz_clients.h"
#include "domain/rz_audit_routes.h"
#include "domain/rz_notifications.h"
#include "domain/rz_establishments.h"
#include "domain/rz_images.h"
#include "domain/rz_public_catalogue.h"
#include "domain/rz_system.h"
#include "domain/rz_users.h"

#define RZ_ROUTE(method, pattern, handler, access, flags, query, summary)                          \
    {method, pattern, handler, access, flags, query, summary},

static const rz_route_t routes[] = {
#include "domain/rz_routes.def"
};

const rz_route_list_t rz_route_list = {routes, (int)(sizeof(routes) / sizeof(routes[0]))};
