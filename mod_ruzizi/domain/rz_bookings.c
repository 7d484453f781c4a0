/* rz_bookings.c: STUB (being written). */
#include "domain/rz_bookings.h"
#include "http/rz_response.h"

int rz_h_bookings_list(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_booking_get(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_client_bookings(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_accommodation_calendar(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}
