// web/admin/audit/entries.js: how audit entries (SPEC 4.13) are shown: time in UTC, actor, action, and the changed fields with their old and new values as text.
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';

// SPEC 8.6 entities
export const ENTITIES = ['user', 'establishment', 'payroll_settings', 'accommodation', 'booking', 'client', 'invoice',
    'credit_note', 'payment', 'expense', 'maintenance', 'notification', 'image', 'backup', 'employee', 'attendance',
    'leave', 'payroll', 'performance'];
// the back-office page of an entity's object, where there is one
const PAGES = { user: 'users', establishment: 'establishments', accommodation: 'accommodations', booking: 'bookings', client: 'clients' };

/* The back-office address of an audited object, or null. */
export function objectPage(entity, id) {
    return PAGES[entity] && id ? `/admin/${PAGES[entity]}/${id}` : null;
}

/* "2026-12-07 19:57:47 UTC": audit times are shown as stored, in UTC. */
export function utcText(at) {
    return `${at.replace('T', ' ').replace('Z', '')} UTC`;
}

/* A changed value as text: strings as they are, anything else as JSON, absent as a dash. */
function valueText(v) {
    if (v === null || v === undefined) return '—';
    return typeof v === 'string' ? v : JSON.stringify(v);
}

/* The actor of an entry: role, and the user's id linking to the account. */
export function Actor({ entry }) {
    return html`${t(`audit.actor.${entry.actorRole}`)}${entry.actorId ? html` · <a href=${`/admin/users/${entry.actorId}`}>${entry.actorId}</a>` : null}`;
}

/* The changes of one entry as a small table (field, before, after). */
export function Changes({ changes }) {
    if (!changes || changes.length === 0) return html`<p class="muted">${t('audit.noChanges')}</p>`;
    return html`<div class="table-wrap"><table class="list changes">
        <thead><tr><th scope="col">${t('audit.field')}</th><th scope="col">${t('audit.old')}</th><th scope="col">${t('audit.new')}</th></tr></thead>
        <tbody>${changes.map((c) => html`<tr><td><code>${c.field}</code></td><td class="value">${valueText(c.old)}</td><td class="value">${valueText(c.new)}</td></tr>`)}</tbody>
    </table></div>`;
}
