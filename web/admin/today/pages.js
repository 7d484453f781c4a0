// web/admin/today/pages.js: the Today domain's addresses and their pages (see web/admin/nav.js).
import { TodayPage } from './today.js';

export const pages = [
    ['/admin/', TodayPage],
];
