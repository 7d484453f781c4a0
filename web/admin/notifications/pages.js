// web/admin/notifications/pages.js: the Notifications domain's address and its page (see web/admin/nav.js).
import { NotificationsPage } from './list.js';

export const pages = [
    ['/admin/notifications', NotificationsPage],
];
