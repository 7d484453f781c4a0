// web/admin/today/today.js: the back office's landing page (/admin/): the business day's arrivals, departures, guests in house, pending bookings, dirty units, unread notifications.
import { html, useEffect, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { businessToday, dateText } from '../../lib/format.js';
import { FormError } from '../../lib/forms.js';
import { withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { Loading, Message, useTitle } from '../../lib/ui.js';
import { ActionBar } from '../bookings/actions.js';
import { EstablishmentPicker, StatusBadge, personName, stayText, useEstablishment, when } from '../bookings/parts.js';

const SHOWN = 50; // rows per list; the counter and its link give the rest

/* Each booking list of the day: its label key, the GET /api/bookings filters (SPEC 7.6) for the business
   date, the sort, and the forward actions its rows offer. */
const LISTS = [
    ['today.arrivals', (d) => ({ arrivalsOn: d, status: 'pending,accepted,confirmed' }), 'checkIn', ['accept', 'confirm', 'checkin']],
    ['today.departures', (d) => ({ departuresOn: d, status: 'checked_in' }), 'checkOut', ['checkout']],
    ['today.inHouse', (d) => ({ inHouseOn: d }), 'checkOut', ['checkout']],
    ['today.pending', () => ({ status: 'pending' }), 'createdAt', ['accept']],
];

async function loadDay(est, date, scoped) {
    const scope = scoped ? { establishmentId: est.id } : {};
    const lists = Promise.all(LISTS.map(async ([, filters, sort]) => {
        const query = { ...filters(date), ...scope };
        const r = await api.get('/bookings', { ...query, sort, limit: SHOWN });
        return { rows: r.data, total: r.pagination.total, query };
    }));
    const dirty = api.get('/accommodations', { housekeepingStatus: 'dirty', limit: 100, ...scope });
    const unread = api.get('/notifications/unread-count');
    const [l, d, u] = await Promise.all([lists, dirty, unread]);
    return { lists: l, dirty: d.data, dirtyTotal: d.pagination.total, unread: u.data.unreadCount };
}

/* Today for the user's establishment (a super admin picks one, kept in the address as establishmentId). */
export function TodayPage({ query, user }) {
    useTitle(t('nav.today'));
    const scope = useEstablishment(user, query.get('establishmentId') || '');
    const est = scope.est;
    const date = est ? businessToday(est.utcOffset, est.businessDayStart) : null;
    const [state, setState] = useState({ loading: true });
    const [reloads, setReloads] = useState(0);
    const [done, setDone] = useState(null);
    useEffect(() => {
        if (!est) return undefined;
        let live = true;
        setState((s) => ({ ...s, loading: true }));
        loadDay(est, date, !user.establishmentId).then((day) => live && setState({ day }), (error) => live && setState({ error }));
        return () => { live = false; };
    }, [est && est.id, date, reloads]);
    const reload = () => setReloads((n) => n + 1);
    const refresh = html`<button type="button" class="button" data-action="refresh" onClick=${reload}>${t('common.refresh')}</button>`;
    if (scope.error) return html`<section class="page"><${FormError} error=${scope.error} />${refresh}</section>`;
    if (scope.loading && !est) return html`<${Loading} />`;
    if (!est) return html`<section class="page"><h1>${t('nav.today')}</h1><p>${t('today.noEstablishment')}</p></section>`;
    function acted(b, action) {
        setDone(t(`booking.done.${action}`, { code: b.bookingCode }));
        reload();
    }
    const day = state.day;
    return html`<section class="page today">
        <h1>${t('nav.today')}</h1>
        <p class="lead">${est.name} · ${t('today.businessDate', { date: dateText(date) })} ${refresh}</p>
        <${EstablishmentPicker} scope=${scope} path="/admin/" query=${query} />
        ${done ? html`<${Message} kind="success">${done}</${Message}>` : null}
        ${state.error ? html`<${FormError} error=${state.error} />` : null}
        ${!day ? html`<${Loading} />` : html`
            <ul class="counters">
                ${LISTS.map(([label], i) => html`<li class="counter">
                    <a href=${withQuery('/admin/bookings', day.lists[i].query)}>
                        <span class="counter-value" data-count=${label}>${day.lists[i].total}</span>
                        <span class="counter-label">${t(label)}</span>
                    </a></li>`)}
                <li class="counter"><a href="/admin/housekeeping">
                    <span class="counter-value" data-count="today.dirty">${day.dirtyTotal}</span>
                    <span class="counter-label">${t('today.dirty')}</span></a></li>
                <li class="counter"><a href="/admin/notifications">
                    <span class="counter-value" data-count="today.unread">${day.unread}</span>
                    <span class="counter-label">${t('today.unread')}</span></a></li>
            </ul>
            ${LISTS.map(([label, , , forward], i) => html`<${DayList} key=${label} label=${label} list=${day.lists[i]}
                forward=${forward} est=${est} onDone=${acted} />`)}
            <${DirtyUnits} units=${day.dirty} total=${day.dirtyTotal} />`}
    </section>`;
}

/* One list of the day: a row per booking (data-booking-code, data-booking-status) linking to its detail,
   with the forward actions its status allows among `forward`. */
function DayList({ label, list, forward, est, onDone }) {
    const id = `list-${label.replace('.', '-')}`;
    return html`<section class="day-list" aria-labelledby=${id} data-list=${label}>
        <h2 id=${id}>${t(label)} <span class="muted">(${list.total})</span></h2>
        ${!list.rows.length ? html`<p class="muted">${t('today.none')}</p>` : html`<ul class="desk-rows">
            ${list.rows.map((b) => html`<li key=${b.id} class="desk-row" data-booking-code=${b.bookingCode} data-booking-status=${b.status}>
                <div class="desk-row-main">
                    <a class="desk-row-code" href=${`/admin/bookings/${b.id}`}>${b.bookingCode}</a>
                    <span class="desk-row-guest">${personName(b.clientInfo)}</span>
                    <${StatusBadge} status=${b.status} />
                </div>
                <p class="desk-row-meta">${b.accommodation.name} · ${stayText(b, est.utcOffset)} · ${t('booking.guests', { n: b.numberOfGuests })}
                    ${b.expiresAt ? html` · <strong>${t('today.expires', { at: when(b.expiresAt, est.utcOffset) })}</strong>` : null}</p>
                <${ActionBar} booking=${b} only=${forward} onDone=${onDone} />
            </li>`)}
        </ul>`}
        ${list.total > list.rows.length ? html`<p><a href=${withQuery('/admin/bookings', list.query)}>${t('today.seeAll', { n: list.total })}</a></p>` : null}
    </section>`;
}

/* The units waiting for housekeeping, with a link to the housekeeping board. */
function DirtyUnits({ units, total }) {
    return html`<section class="day-list" aria-labelledby="list-dirty" data-list="today.dirty">
        <h2 id="list-dirty">${t('today.dirty')} <span class="muted">(${total})</span></h2>
        ${!units.length ? html`<p class="muted">${t('today.noneDirty')}</p>` : html`<ul class="unit-chips">
            ${units.map((u) => html`<li key=${u.id} data-accommodation-id=${u.id}>${u.name}</li>`)}
        </ul>`}
        <p><a href="/admin/housekeeping">${t('today.toHousekeeping')}</a></p>
    </section>`;
}
