// web/admin/nav.js: the back office's domains, one line each: menu entry, addresses owned, roles that see it, its pages.
//
// A domain is a folder web/admin/<id>/ whose pages.js exports `pages`: [[pattern, Page], ...] (patterns of
// lib/router.js matchPath). Adding a domain = that folder + one line below; its menu label is the
// dictionary key nav.<id>. `paths` are the patterns the domain owns (`/x/*` is /x and everything below);
// `roles` who sees it in the menu (the API stays the authority: it answers 403/404 to others). Pages
// are loaded when first opened, so the back office's first page stays small.
import { matchPath } from '../lib/router.js';

export const ALL = ['super_admin', 'manager', 'staff'];

export const DOMAINS = [
    { id: 'today', href: '/admin/', paths: ['/admin/'], roles: ALL, load: () => import('./today/pages.js') },
    { id: 'bookings', href: '/admin/bookings', paths: ['/admin/bookings/*'], roles: ALL, load: () => import('./bookings/pages.js') },
    { id: 'calendar', href: '/admin/calendar', paths: ['/admin/calendar'], roles: ALL, load: () => import('./calendar/pages.js') },
    { id: 'clients', href: '/admin/clients', paths: ['/admin/clients/*'], roles: ALL, load: () => import('./clients/pages.js') },
    { id: 'accommodations', href: '/admin/accommodations', paths: ['/admin/accommodations/*'], roles: ALL, load: () => import('./accommodations/pages.js') },
    { id: 'housekeeping', href: '/admin/housekeeping', paths: ['/admin/housekeeping'], roles: ALL, load: () => import('./housekeeping/pages.js') },
    { id: 'establishments', href: '/admin/establishments', paths: ['/admin/establishments/*'], roles: ALL, load: () => import('./establishments/pages.js') },
    { id: 'users', href: '/admin/users', paths: ['/admin/users/*'], roles: ['super_admin', 'manager'], load: () => import('./users/pages.js') },
    { id: 'notifications', href: '/admin/notifications', paths: ['/admin/notifications'], roles: ALL, load: () => import('./notifications/pages.js') },
    { id: 'audit', href: '/admin/audit', paths: ['/admin/audit/*'], roles: ['super_admin', 'manager'], load: () => import('./audit/pages.js') },
    { id: 'profile', href: '/admin/profile', paths: ['/admin/profile'], roles: ALL, load: () => import('./profile/pages.js') },
];

/* The domain that owns `path`, or null. */
export function domainOf(path) {
    return DOMAINS.find((d) => d.paths.some((p) => matchPath(p, path))) || null;
}
