/* rz_system.h: handlers of the system routes (health, openapi) and of the test-build-only routes.
 */
#ifndef RZ_SYSTEM_H
#define RZ_SYSTEM_H

#include "domain/rz_req.h"

/* Records the server start (post_config) for uptimeSeconds. */
void rz_system_mark_start(void);

/* GET /api/health (SPEC 7.21): 200 {status, version, uptimeSeconds,
 * store{backend,status,latencyMs}}, or 503 STORE_UNAVAILABLE when the store does not answer a ping
 * within 1 s. */
int rz_h_health(rz_req_t *rq);

/* GET /api/openapi.json: the embedded docs/openapi.json, without envelope. */
int rz_h_openapi(rz_req_t *rq);

#ifdef RZ_TEST_HOOKS
/* POST /api/_test/echo: 200 {body, query}. */
int rz_h_test_echo(rz_req_t *rq);
/* POST /api/_test/validate: the body against a fixed schema exercising the validation toolkit. */
int rz_h_test_validate(rz_req_t *rq);
/* POST /api/_test/hold {slot: gate|hash|decode, ms: 1..60000}: takes the write gate (waiting up
 * to 5 s, else 503 STORE_UNAVAILABLE) or a hash or decode slot under the server's cap (else 503
 * SERVER_BUSY), logs RZ00901 with this process's pid, sleeps ms, gives it back: 200 {slot, pid}.
 * Lets tests hold slots and SIGKILL their holder. */
int rz_h_test_hold(rz_req_t *rq);
#endif

#endif
