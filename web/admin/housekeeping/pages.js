// web/admin/housekeeping/pages.js: the Housekeeping domain's address and its page (see web/admin/nav.js).
import { HousekeepingPage } from './board.js';

export const pages = [
    ['/admin/housekeeping', HousekeepingPage],
];
