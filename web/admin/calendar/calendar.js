// web/admin/calendar/calendar.js: the booking calendar (/admin/calendar): units × days from GET /api/accommodations/{id}/calendar, bookings as bars coloured and named by status, by week or month.
import { html, useEffect, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { addDays, businessToday, dayText, daysBetween } from '../../lib/format.js';
import { FormError } from '../../lib/forms.js';
import { withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { Loading, useTitle } from '../../lib/ui.js';
import { EstablishmentPicker, timeText, useEstablishment } from '../bookings/parts.js';

const PATH = '/admin/calendar';
const BLOCKING = ['pending', 'accepted', 'confirmed', 'checked_in']; // the statuses the calendar route returns
const PARALLEL = 4; // calendar requests at a time (the API's per-address rate limit is 10/s, burst 20)

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/* A GET that waits out a 429 (Retry-After) twice before giving up: the calendar asks once per unit. */
async function patientGet(path, query) {
    for (let tries = 0; ; tries++) {
        try {
            return await api.get(path, query);
        } catch (e) {
            if (e.status !== 429 || tries >= 2) throw e;
            await sleep((e.retryAfter || 1) * 1000);
        }
    }
}

/* The range shown: a week from `from`, or the calendar month holding `from` (view=month). */
function rangeOf(query, today) {
    const view = query.get('view') === 'month' ? 'month' : 'week';
    const start = query.get('from') || '';
    const asked = /^\d{4}-\d{2}-\d{2}$/.test(start) ? start : today;
    if (view === 'week') return { view, from: asked, to: addDays(asked, 6), prev: addDays(asked, -7), next: addDays(asked, 7) };
    const from = `${asked.slice(0, 7)}-01`;
    const next = `${addDays(from, 31).slice(0, 7)}-01`;
    return { view, from, to: addDays(next, -1), prev: `${addDays(from, -1).slice(0, 7)}-01`, next };
}

/* Every unit of the establishment (pages of 100) and its calendar over [from, to]. */
async function loadCalendar(est, scoped, from, to) {
    const units = [];
    for (let page = 1; ; page++) {
        const r = await patientGet('/accommodations', { limit: 100, page, sort: 'name', ...(scoped ? { establishmentId: est.id } : {}) });
        units.push(...r.data);
        if (!r.pagination.hasNextPage || units.length >= 500) break;
    }
    const out = new Array(units.length);
    let next = 0;
    async function worker() {
        while (next < units.length) {
            const i = next++;
            out[i] = { unit: units[i], cal: (await patientGet(`/accommodations/${units[i].id}/calendar`, { from, to })).data };
        }
    }
    await Promise.all(Array.from({ length: Math.min(PARALLEL, units.length) }, worker));
    return out;
}

/* The calendar page: establishment (super admin), week or month, previous / today / next, the grid. */
export function CalendarPage({ query, user }) {
    useTitle(t('nav.calendar'));
    const scope = useEstablishment(user, query.get('establishmentId') || '');
    const est = scope.est;
    const today = est ? businessToday(est.utcOffset, est.businessDayStart) : null;
    const range = today ? rangeOf(query, today) : null;
    const [state, setState] = useState({ loading: true });
    useEffect(() => {
        if (!range) return undefined;
        let live = true;
        setState((s) => ({ ...s, loading: true, error: null }));
        loadCalendar(est, !user.establishmentId, range.from, range.to)
            .then((rows) => live && setState({ rows, from: range.from }), (error) => live && setState({ error }));
        return () => { live = false; };
    }, [est && est.id, range && range.from, range && range.to]);
    if (scope.error) return html`<section class="page"><${FormError} error=${scope.error} /></section>`;
    if (!est) return scope.loading ? html`<${Loading} />` : html`<section class="page"><p>${t('today.noEstablishment')}</p></section>`;
    const keep = Object.fromEntries(query);
    const href = (changes) => withQuery(PATH, { ...keep, ...changes });
    const title = range.view === 'month' ? dayText(range.from, { month: 'long', year: 'numeric' })
        : t('calendar.weekOf', { from: dayText(range.from, { day: 'numeric', month: 'short' }), to: dayText(range.to, { day: 'numeric', month: 'short', year: 'numeric' }) });
    return html`<section class="page calendar">
        <h1>${t('nav.calendar')}</h1>
        <p class="lead">${est.name}</p>
        <${EstablishmentPicker} scope=${scope} path=${PATH} query=${query} />
        <nav class="cal-nav" aria-label=${t('calendar.navigation')}>
            <a class="button" rel="prev" data-action="prev" href=${href({ from: range.prev })}>${t(`calendar.prev.${range.view}`)}</a>
            <a class="button" data-action="today" href=${href({ from: today })}>${t('calendar.today')}</a>
            <a class="button" rel="next" data-action="next" href=${href({ from: range.next })}>${t(`calendar.next.${range.view}`)}</a>
            <span class="cal-views" role="group" aria-label=${t('calendar.view')}>
                ${['week', 'month'].map((v) => html`<a class="button" data-view=${v} aria-current=${range.view === v ? 'true' : undefined}
                    href=${href({ view: v, from: range.from })}>${t(`calendar.view.${v}`)}</a>`)}
            </span>
        </nav>
        <h2 class="cal-title" aria-live="polite">${title}</h2>
        <${Legend} />
        ${state.error ? html`<${FormError} error=${state.error} />` : null}
        ${state.rows && state.from === range.from ? html`<${Grid} rows=${state.rows} range=${range} today=${today} busy=${state.loading} utcOffset=${est.utcOffset} />`
            : state.error ? null : html`<${Loading} />`}
    </section>`;
}

/* What each colour means, in words (the bars carry the same words). */
function Legend() {
    return html`<ul class="cal-legend" aria-label=${t('calendar.legend')}>
        ${BLOCKING.map((s) => html`<li><span class=${`swatch st-${s}`} aria-hidden="true"></span>${t(`booking.status.${s}`)}</li>`)}
    </ul>`;
}

/* The cells of one unit's row: a bar spanning the nights of each overnight booking (colspan), the
   hourly bookings of a day stacked in its cell, empty cells for free days. */
function cellsOf(cal, dates, hourly) {
    const byId = Object.fromEntries(cal.bookings.map((b) => [b.id, b]));
    const ids = Object.fromEntries(cal.days.map((d) => [d.date, d.bookingIds]));
    const cells = [];
    for (let i = 0; i < dates.length;) {
        const here = (ids[dates[i]] || []).filter((id) => byId[id]);
        let span = 1;
        if (!hourly && here.length === 1) {
            while (i + span < dates.length && (ids[dates[i + span]] || []).join() === here[0]) span++;
        }
        cells.push({ date: dates[i], span, bookings: here.map((id) => byId[id]) });
        i += span;
    }
    return cells;
}

/* One booking as a bar: a link to its detail with the hooks of UI.md 7, named by guest and status (and
   its hours for an hourly unit). */
function Bar({ b, from, to, hours }) {
    const before = b.checkInDate < from;
    const after = b.checkOutDate > addDays(to, 1);
    return html`<a class=${`bar st-${b.status}`} href=${`/admin/bookings/${b.id}`} data-booking-code=${b.bookingCode} data-booking-status=${b.status}>
        ${before ? html`<span aria-hidden="true">◀ </span>` : null}<span class="bar-name">${b.clientName}</span>
        ${hours ? html`<span class="bar-status">${hours}</span>` : null}
        <span class="bar-status">${t(`booking.status.${b.status}`)} · ${b.bookingCode}</span>${after ? html`<span aria-hidden="true"> ▶</span>` : null}
    </a>`;
}

function Grid({ rows, range, today, busy, utcOffset }) {
    const dates = Array.from({ length: daysBetween(range.from, range.to) + 1 }, (_, i) => addDays(range.from, i));
    if (!rows.length) return html`<p class="empty">${t('calendar.noUnits')}</p>`;
    return html`<div class="cal-wrap" tabindex="0" role="region" aria-label=${t('calendar.grid')} aria-busy=${busy ? 'true' : 'false'}>
        <table class=${`cal cal-${range.view}`}>
            <thead><tr>
                <th scope="col" class="cal-unit">${t('booking.unit')}</th>
                ${dates.map((d) => html`<th scope="col" class=${d === today ? 'cal-day cal-today' : 'cal-day'} data-date=${d}
                    aria-current=${d === today ? 'date' : undefined}>${dayText(d, { weekday: 'short' })}<br />${dayText(d, { day: 'numeric' })}</th>`)}
            </tr></thead>
            <tbody>
                ${rows.map(({ unit, cal }) => html`<tr key=${unit.id} data-accommodation-id=${unit.id}>
                    <th scope="row" class="cal-unit">${unit.name}<br /><span class="muted">${t(`type.${unit.type}`)}</span></th>
                    ${cellsOf(cal, dates, unit.pricingMode === 'hourly').map((c) => html`<td colspan=${c.span > 1 ? c.span : undefined}
                        data-date=${c.date} class=${c.bookings.length ? 'cal-busy' : 'cal-free'}>
                        ${c.bookings.map((b) => html`<${Bar} key=${b.id} b=${b} from=${range.from} to=${range.to}
                            hours=${unit.pricingMode === 'hourly' ? `${timeText(b.checkIn, utcOffset)}–${timeText(b.checkOut, utcOffset)}` : null} />`)}
                    </td>`)}
                </tr>`)}
            </tbody>
        </table>
    </div>`;
}
