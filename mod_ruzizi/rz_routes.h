/* rz_routes.h: the module's route table (glue: it binds the rows of domain/rz_routes.def to the
 * domain's handlers; the handler hook hands it to the router). */
#ifndef RZ_ROUTES_H
#define RZ_ROUTES_H

#include "domain/rz_route.h"

/* Every route of this build (the test routes only with --enable-test-hooks). */
extern const rz_route_list_t rz_route_list;

#endif
