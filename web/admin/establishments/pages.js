// web/admin/establishments/pages.js: the Establishments domain's addresses and their pages (see web/admin/nav.js).
import { EstablishmentListPage } from './list.js';
import { EstablishmentPage } from './detail.js';
import { EstablishmentEditPage, EstablishmentNewPage } from './form.js';

export const pages = [
    ['/admin/establishments', EstablishmentListPage],
    ['/admin/establishments/new', EstablishmentNewPage],
    ['/admin/establishments/:id', EstablishmentPage],
    ['/admin/establishments/:id/edit', EstablishmentEditPage],
];
