// web/admin/notifications/list.js: the caller's notifications (/admin/notifications): newest first, unread only on demand, mark one or all read.
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { FormError, useSubmit } from '../../lib/forms.js';
import { withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { useTitle } from '../../lib/ui.js';
import { LoadState, Pager, useListPage, whenText } from '../widgets.js';
import { refreshUnread, setUnread } from './bell.js';

// where a notification's data.entity leads in the back office
const LINKS = { booking: 'bookings', accommodation: 'accommodations', user: 'users', establishment: 'establishments' };

function entityLink(n) {
    const d = n.data || {};
    const domain = LINKS[d.entity];
    return domain && d.entityId ? `/admin/${domain}/${d.entityId}` : null;
}

/* One notification (data-notification-id, data-read): title, message, time, link, mark-read button
   (its own Idempotency-Key, reused if that click's answer is lost). */
function Item({ n, onRead }) {
    const link = entityLink(n);
    const read = useSubmit(async (key) => {
        onRead((await api.post(`/notifications/${n.id}/read`, {}, { idempotencyKey: key })).data);
        await refreshUnread();
    }, { keyed: true });
    return html`<li class=${n.read ? 'notification' : 'notification notification-unread'} data-notification-id=${n.id} data-read=${String(n.read)}>
        <p class="notification-title">${n.read ? null : html`<span class="badge badge-dirty">${t('notifications.new')}</span> `}${n.title}</p>
        <p>${n.message}</p>
        <p class="muted">${whenText(n.createdAt)} · ${t(`notifications.type.${n.type}`)}</p>
        <div class="actions">
            ${link ? html`<a class="button" href=${link}>${t('notifications.open')}</a>` : null}
            ${n.read ? null : html`<button type="button" class="button" data-action="mark-read" disabled=${read.busy}
                onClick=${read.submit}>${t('notifications.markRead')}</button>`}
        </div>
        <${FormError} error=${read.error} />
    </li>`;
}

/* The list; ?unread=true shows unread ones only; the bell follows every change. */
export function NotificationsPage({ query }) {
    useTitle(t('nav.notifications'));
    const unread = query.get('unread') === 'true';
    const state = useListPage('/notifications', query, ['unread']);
    const replace = (n) => state.set((list) => ({ ...list, data: list.data.map((x) => (x.id === n.id ? n : x)) }));
    const readAll = useSubmit(async (key) => {
        await api.post('/notifications/read-all', {}, { idempotencyKey: key });
        setUnread(0);
        state.reload();
    }, { keyed: true });
    const rows = state.value ? state.value.data : [];
    return html`<section class="page">
        <div class="page-head">
            <h1>${t('nav.notifications')}</h1>
            <button type="button" class="button" data-action="mark-all-read" disabled=${readAll.busy} onClick=${readAll.submit}>
                ${t('notifications.markAllRead')}</button>
        </div>
        <nav class="tabs" aria-label=${t('notifications.show')}>
            <a href="/admin/notifications" aria-current=${unread ? undefined : 'page'}>${t('notifications.all')}</a>
            <a href=${withQuery('/admin/notifications', { unread: 'true' })} aria-current=${unread ? 'page' : undefined}>${t('notifications.unreadOnly')}</a>
        </nav>
        <${FormError} error=${readAll.error} />
        <${LoadState} state=${state} />
        ${state.value && rows.length === 0 ? html`<p class="empty">${unread ? t('notifications.noneUnread') : t('notifications.none')}</p>` : null}
        ${rows.length ? html`<ul class="notifications">
            ${rows.map((n) => html`<${Item} key=${n.id} n=${n} onRead=${replace} />`)}
        </ul>` : null}
        <${Pager} path="/admin/notifications" query=${query} pagination=${state.value && state.value.pagination} />
    </section>`;
}
