// web/admin/users/pages.js: the Users domain's addresses and their pages (see web/admin/nav.js).
import { UserListPage } from './list.js';
import { UserNewPage } from './new.js';
import { UserPage } from './detail.js';

export const pages = [
    ['/admin/users', UserListPage],
    ['/admin/users/new', UserNewPage],
    ['/admin/users/:id', UserPage],
];
