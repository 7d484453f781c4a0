// web/admin/accommodations/pages.js: the Accommodations domain's addresses and their pages (see web/admin/nav.js).
import { AccommodationListPage } from './list.js';
import { AccommodationPage } from './detail.js';
import { AccommodationEditPage, AccommodationNewPage } from './form.js';

export const pages = [
    ['/admin/accommodations', AccommodationListPage],
    ['/admin/accommodations/new', AccommodationNewPage],
    ['/admin/accommodations/:id', AccommodationPage],
    ['/admin/accommodations/:id/edit', AccommodationEditPage],
];
