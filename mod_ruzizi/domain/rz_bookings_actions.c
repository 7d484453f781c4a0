/* rz_bookings_actions.c: STUB (being written). */
#include "domain/rz_bookings.h"
#include "http/rz_response.h"

int rz_h_booking_accept(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_booking_confirm(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_booking_checkin(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_booking_checkout(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_booking_no_show(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}

int rz_h_booking_cancel(rz_req_t *rq)
{
    return rz_respond_error(rq->r, 501, "NOT_IMPLEMENTED", "Not implemented", NULL);
}
