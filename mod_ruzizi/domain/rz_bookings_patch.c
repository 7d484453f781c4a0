/* rz_bookings_patch.c: STUB (being written). */
#include "domain/rz_bookings.h"
#include "http/rz_response.h"

int rz_h_booking_patch(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}
