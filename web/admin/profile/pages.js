// web/admin/profile/pages.js: the Profile domain's address and its page (see web/admin/nav.js).
import { ProfilePage } from './profile.js';

export const pages = [
    ['/admin/profile', ProfilePage],
];
