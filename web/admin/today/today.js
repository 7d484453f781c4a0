// web/admin/today/today.js: the back office's landing page (/admin/): the business day's arrivals, departures, guests in house, pending bookings.
import { html, useEffect, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { businessToday, dateText } from '../../lib/format.js';
import { FormError } from '../../lib/forms.js';
import { navigate, withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { Loading, useTitle } from '../../lib/ui.js';

/* Each counter: its label key and the GET /api/bookings filters (SPEC 7.6) for the business date. */
const COUNTERS = [
    ['today.arrivals', (d) => ({ arrivalsOn: d, status: 'pending,accepted,confirmed' })],
    ['today.departures', (d) => ({ departuresOn: d, status: 'checked_in' })],
    ['today.inHouse', (d) => ({ inHouseOn: d })],
    ['today.pending', () => ({ status: 'pending' })],
];

async function loadDay(user, chosenId) {
    let est;
    let establishments = null;
    if (user.establishmentId) {
        est = (await api.get(`/establishments/${user.establishmentId}`)).data;
    } else {
        establishments = (await api.get('/establishments', { limit: 100 })).data;
        est = establishments.find((e) => e.id === chosenId) || establishments[0];
    }
    if (!est) return { est: null, establishments, date: null, counts: [] };
    const date = businessToday(est.utcOffset, est.businessDayStart);
    const scope = user.establishmentId ? {} : { establishmentId: est.id };
    const counts = await Promise.all(COUNTERS.map(async ([, filters]) => {
        const query = { ...filters(date), ...scope };
        const r = await api.get('/bookings', { ...query, limit: 1 });
        return { total: r.pagination.total, query };
    }));
    return { est, establishments, date, counts };
}

/* Today: one card per counter, each linking to the bookings list with the same filters. */
export function TodayPage({ query, user }) {
    useTitle(t('nav.today'));
    const chosen = query.get('establishmentId') || '';
    const [state, setState] = useState({ loading: true });
    const [reloads, setReloads] = useState(0);
    useEffect(() => {
        let live = true;
        setState((s) => ({ ...s, loading: true }));
        loadDay(user, chosen).then((day) => live && setState({ day }), (error) => live && setState({ error }));
        return () => { live = false; };
    }, [chosen, reloads]);
    const refresh = html`<button type="button" data-action="refresh" onClick=${() => setReloads((n) => n + 1)}>${t('common.refresh')}</button>`;
    if (state.loading && !state.day) return html`<${Loading} />`;
    if (state.error) return html`<section class="page"><${FormError} error=${state.error} />${refresh}</section>`;
    const { est, establishments, date, counts } = state.day;
    if (!est) return html`<section class="page"><h1>${t('nav.today')}</h1><p>${t('today.noEstablishment')}</p></section>`;
    return html`<section class="page">
        <h1>${t('nav.today')}</h1>
        <p class="lead">${est.name} · ${t('today.businessDate', { date: dateText(date) })} ${refresh}</p>
        ${establishments ? html`<p><label class="inline-label">${t('today.establishment')}
            <select name="establishmentId" value=${est.id}
                onChange=${(e) => navigate(withQuery('/admin/', { establishmentId: e.currentTarget.value }), { replace: true })}>
                ${establishments.map((e) => html`<option value=${e.id}>${e.name}</option>`)}
            </select></label></p>` : null}
        <ul class="counters">
            ${COUNTERS.map(([label], i) => html`<li class="counter">
                <a href=${withQuery('/admin/bookings', counts[i].query)}>
                    <span class="counter-value" data-count=${label}>${counts[i].total}</span>
                    <span class="counter-label">${t(label)}</span>
                </a></li>`)}
        </ul>
    </section>`;
}
