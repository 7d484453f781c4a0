// web/admin/bookings/list.js: the booking list (/admin/bookings): the filters of SPEC 7.6 in the address, pages from the API, a row per booking.
import { html, useEffect, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { money } from '../../lib/format.js';
import { Field, FormError, fieldErrors } from '../../lib/forms.js';
import { navigate, withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { Loading, useTitle } from '../../lib/ui.js';
import {
    BOOKING_TYPES, PAYMENT_STATUSES, Pages, STATUSES, StatusBadge, personName, stayText, useEstablishment, useRowsPage,
} from './parts.js';

const PATH = '/admin/bookings';
// the list's query parameters, as GET /api/bookings names them (SPEC 7.6, 2.4)
const MULTI = { status: STATUSES, bookingType: BOOKING_TYPES, paymentStatus: PAYMENT_STATUSES };
const DATES = ['checkInFrom', 'checkInTo', 'arrivalsOn', 'departuresOn', 'inHouseOn'];
const SINGLE = ['q', 'sort', 'accommodationId', 'clientId', 'establishmentId', ...DATES];
const PARAMS = [...Object.keys(MULTI), ...SINGLE, 'page', 'limit'];
const MORE = ['bookingType', 'paymentStatus', ...DATES]; // behind "more filters", open when one is set
const SORTS = ['-createdAt', 'createdAt', 'checkIn', '-checkIn', 'checkOut', '-checkOut', 'bookingCode', '-bookingCode'];

/* The API query of the address: the known parameters, as they are. */
function apiQuery(query) {
    const out = {};
    for (const p of PARAMS) if (query.get(p)) out[p] = query.get(p);
    return out;
}

/* The form's values of the address (multi-valued filters as arrays). */
function formValues(query) {
    const v = {};
    for (const p of SINGLE) v[p] = query.get(p) || '';
    for (const p of Object.keys(MULTI)) v[p] = (query.get(p) || '').split(',').filter(Boolean);
    return v;
}

/* The booking list: filters on top (submitting puts them in the address, page 1), then the page of rows. */
export function BookingListPage({ query, user }) {
    useTitle(t('nav.bookings'));
    const asked = apiQuery(query);
    const key = withQuery(PATH, asked);
    const [form, setForm] = useState(() => formValues(query));
    const state = useRowsPage('/bookings', asked, key);
    const [units, setUnits] = useState([]);
    const scope = useEstablishment(user, '', { optional: true });
    useEffect(() => setForm(formValues(query)), [key]);
    useEffect(() => {
        let live = true;
        api.get('/accommodations', { limit: 100, ...(form.establishmentId ? { establishmentId: form.establishmentId } : {}) })
            .then((r) => live && setUnits(r.data), () => live && setUnits([]));
        return () => { live = false; };
    }, [form.establishmentId]);

    const set = (name) => (e) => setForm((f) => ({ ...f, [name]: e.currentTarget.value }));
    function toggle(name, value, on) {
        setForm((f) => ({ ...f, [name]: on ? [...f[name], value] : f[name].filter((x) => x !== value) }));
    }
    function submit(ev) {
        ev.preventDefault();
        const q = {};
        for (const p of SINGLE) q[p] = form[p].trim();
        for (const p of Object.keys(MULTI)) q[p] = MULTI[p].filter((s) => form[p].includes(s)).join(',');
        if (asked.limit) q.limit = asked.limit;
        navigate(withQuery(PATH, q));
    }
    const errors = state.error ? fieldErrors(state.error) : {};
    const ests = scope.establishments;
    const checks = (name) => html`<fieldset class="checks">
        <legend>${t(`bookings.${name}`)}</legend>
        ${MULTI[name].map((v) => html`<label class="check"><input type="checkbox" name=${name} value=${v} checked=${form[name].includes(v)}
            onChange=${(e) => toggle(name, v, e.currentTarget.checked)} /> ${t(`${name === 'status' ? 'booking.status' : `booking.${name}`}.${v}`)}</label>`)}
        ${errors[name] ? html`<p class="field-error">${errors[name]}</p>` : null}
    </fieldset>`;
    return html`<section class="page">
        <div class="page-head">
            <h1>${t('nav.bookings')}</h1>
            <a class="button button-primary" href="/admin/bookings/new" data-action="new-booking">${t('bookings.new')}</a>
        </div>
        <form class="filters" role="search" data-form="filters" aria-label=${t('bookings.filters')} onSubmit=${submit} noValidate>
            <div class="filters-row">
                <${Field} type="search" name="q" label=${t('bookings.q')} hint=${t('bookings.qHint')} value=${form.q}
                    error=${errors.q} onInput=${set('q')} maxlength="100" />
                <${Field} as="select" name="sort" label=${t('bookings.sort')} value=${form.sort || '-createdAt'} error=${errors.sort} onChange=${set('sort')}>
                    ${SORTS.map((s) => html`<option value=${s}>${t(`bookings.sort.${s}`)}</option>`)}
                </${Field}>
                <${Field} as="select" name="accommodationId" label=${t('bookings.unit')} value=${form.accommodationId}
                    error=${errors.accommodationId} onChange=${set('accommodationId')}>
                    <option value="">${t('bookings.anyUnit')}</option>
                    ${units.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
                </${Field}>
                ${ests ? html`<${Field} as="select" name="establishmentId" label=${t('desk.establishment')} value=${form.establishmentId}
                    error=${errors.establishmentId} onChange=${set('establishmentId')}>
                    <option value="">${t('desk.allEstablishments')}</option>
                    ${ests.map((e) => html`<option value=${e.id}>${e.name}</option>`)}
                </${Field}>` : null}
            </div>
            ${checks('status')}
            <details class="more-filters" open=${MORE.some((m) => query.get(m)) || undefined}>
                <summary>${t('bookings.more')}</summary>
                ${checks('bookingType')}
                ${checks('paymentStatus')}
                <div class="filters-row">
                    ${DATES.map((d) => html`<${Field} key=${d} type="date" name=${d} label=${t(`bookings.${d}`)} value=${form[d]}
                        error=${errors[d]} onInput=${set(d)} />`)}
                </div>
            </details>
            <div class="form-actions">
                <button type="submit" class="button button-primary">${t('bookings.apply')}</button>
                <a class="button" href=${PATH} data-action="reset-filters">${t('bookings.reset')}</a>
            </div>
        </form>
        <${Rows} state=${state} query=${query} offsets=${offsetsOf(scope)} showEst=${!!ests && !query.get('establishmentId')} />
    </section>`;
}

/* The UTC offset of each establishment in scope, by id (hourly stays are shown in local time). */
function offsetsOf(scope) {
    const out = {};
    for (const e of scope.establishments || (scope.est ? [scope.est] : [])) out[e.id] = e.utcOffset;
    return out;
}

/* The page of bookings as a table (scrolls sideways on a phone), or the empty / error / loading state;
   `showEst` names each booking's establishment (a super admin looking at all of them). */
function Rows({ state, query, offsets, showEst }) {
    if (state.error) return html`<${FormError} error=${state.error} />`;
    if (!state.rows) return html`<${Loading} />`;
    const { rows, pagination } = state;
    if (!rows.length) return html`<p class="empty" role="status">${t('bookings.none')}</p>`;
    return html`<div class="results" aria-busy=${state.loading ? 'true' : 'false'}>
        <p class="muted" role="status">${t('bookings.count', { n: pagination.total })}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label=${t('nav.bookings')}>
            <table class="table">
                <thead><tr>
                    <th scope="col">${t('booking.code')}</th><th scope="col">${t('booking.guest')}</th>
                    <th scope="col">${t('booking.unit')}</th><th scope="col">${t('booking.stay')}</th>
                    <th scope="col">${t('booking.statusLabel')}</th><th scope="col">${t('booking.paymentLabel')}</th>
                    <th scope="col">${t('booking.typeLabel')}</th><th scope="col" class="num">${t('offer.total')}</th>
                </tr></thead>
                <tbody>
                    ${rows.map((b) => html`<tr key=${b.id} data-booking-code=${b.bookingCode} data-booking-status=${b.status}>
                        <th scope="row"><a href=${`/admin/bookings/${b.id}`}>${b.bookingCode}</a></th>
                        <td>${personName(b.clientInfo)}</td>
                        <td>${b.accommodation.name}${showEst ? html`<br /><span class="muted">${b.establishment.name}</span>` : null}</td>
                        <td>${stayText(b, offsets[b.establishmentId] || '+02:00')}</td>
                        <td><${StatusBadge} status=${b.status} /></td>
                        <td>${t(`booking.paymentStatus.${b.paymentStatus}`)}</td>
                        <td>${t(`booking.bookingType.${b.bookingType}`)}</td>
                        <td class="num">${money(b.pricing.total, b.pricing.currency)}</td>
                    </tr>`)}
                </tbody>
            </table>
        </div>
        <${Pages} path=${PATH} query=${query} pagination=${pagination} label=${t('bookings.pages')} />
    </div>`;
}
