/* rz_clients.c: STUB (being written). */
#include "domain/rz_clients.h"
#include "http/rz_response.h"

int rz_h_clients_list(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_client_get(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_client_create(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_client_patch(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_client_delete(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}
