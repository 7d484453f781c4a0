// web/admin/clients/pages.js: the Clients domain's addresses and their pages (see web/admin/nav.js).
import { ClientListPage } from './list.js';
import { ClientPage, NewClientPage } from './detail.js';

export const pages = [
    ['/admin/clients', ClientListPage],
    ['/admin/clients/new', NewClientPage],
    ['/admin/clients/:id', ClientPage],
];
