// web/admin/notifications/bell.js: the bell in the back office's header: the caller's unread notification count, kept fresh, linking to the list.
import { html, useEffect, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { useLocation } from '../../lib/router.js';
import { api } from '../../lib/session.js';

const POLL_MS = 60000; // while the tab is visible; also refreshed on every navigation
let count = null;
const listeners = new Set();

function publish(n) {
    count = n;
    for (const fn of listeners) fn(n);
}

/* Asks the API for the unread count (GET /api/notifications/unread-count) and shows it; a failure keeps
   the last count (the bell is a hint, the list is the truth). */
export async function refreshUnread() {
    try {
        const r = await api.get('/notifications/unread-count');
        publish(r.data.unreadCount);
    } catch (e) {
        /* no answer, or the session ended (the client goes to login): nothing to show */
    }
}

/* Sets the count shown after a change the page already knows the result of (mark all read: 0). */
export function setUnread(n) {
    publish(n);
}

/* The bell link to /admin/notifications; data-unread-count holds the count (UI hook). */
export function Bell() {
    const [n, setN] = useState(count);
    const loc = useLocation();
    useEffect(() => {
        listeners.add(setN);
        return () => listeners.delete(setN);
    }, []);
    useEffect(() => { refreshUnread(); }, [loc.href]);
    useEffect(() => {
        const id = setInterval(() => {
            if (document.visibilityState === 'visible') refreshUnread();
        }, POLL_MS);
        return () => clearInterval(id);
    }, []);
    const label = n ? t('notifications.bellUnread', { n }) : t('notifications.bell');
    return html`<a class="bell" href="/admin/notifications" data-unread-count=${n === null ? '' : String(n)}
        aria-label=${label} title=${label}>
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M12 3a6 6 0 0 0-6 6v4.2L4 16.5V18h16v-1.5l-2-3.3V9a6 6 0 0 0-6-6z" />
            <circle fill="currentColor" cx="12" cy="20" r="2" />
        </svg>
        ${n ? html`<span class="bell-count" aria-hidden="true">${n > 99 ? '99+' : n}</span>` : null}
    </a>`;
}
