// web/admin/calendar/pages.js: the Calendar domain's address and its page (see web/admin/nav.js).
import { CalendarPage } from './calendar.js';

export const pages = [
    ['/admin/calendar', CalendarPage],
];
