// web/admin/bookings/pages.js: the Bookings domain's addresses and their pages (see web/admin/nav.js).
import { BookingListPage } from './list.js';
import { NewBookingPage } from './new.js';
import { BookingPage } from './detail.js';

export const pages = [
    ['/admin/bookings', BookingListPage],
    ['/admin/bookings/new', NewBookingPage],
    ['/admin/bookings/:ref', BookingPage],
];
