// web/admin/bookings/parts.js: what the front-desk pages share: booking statuses and the actions each allows, badges, stays and prices as text, the establishment in scope, list pages.
import { html, useEffect, useState } from '../../lib/html.js';
import { hasText, t } from '../../lib/i18n.js';
import { dateText, dateTimeText, money, offsetMinutes } from '../../lib/format.js';
import { Field } from '../../lib/forms.js';
import { navigate, withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';

export const STATUSES = ['pending', 'accepted', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show'];
export const PAYMENT_STATUSES = ['unpaid', 'partial', 'paid', 'refunded'];
export const BOOKING_TYPES = ['online', 'onsite', 'walkin'];
export const ID_TYPES = ['national_id', 'passport', 'driving_license', 'other'];
export const OPEN = ['pending', 'accepted', 'confirmed']; // every field may still change (SPEC 5.1)
// the guest's details a desk form asks for (Booking.clientInfo, SPEC 4.5): inputs named by their field
export const GUEST_FIELDS = ['firstName', 'lastName', 'phone', 'email', 'idType', 'idNumber', 'nationality'];

// SPEC 5.1: the actions each status allows (the route after /api/bookings/{id}/, also the data-action).
const ACTIONS = {
    pending: ['accept', 'cancel'],
    accepted: ['confirm', 'cancel'],
    confirmed: ['checkin', 'no-show', 'cancel'],
    checked_in: ['checkout'],
};

/* The actions a booking in `status` allows, in the order a front desk uses them. */
export function actionsFor(status) {
    return ACTIONS[status] || [];
}

/* The status as a badge: its translated name on a colour (the name is the information, not the colour). */
export function StatusBadge({ status, hook = false }) {
    return html`<span class=${`status status-${status}`} data-booking-status=${hook ? status : undefined}>${t(`booking.status.${status}`)}</span>`;
}

/* The message of a failed booking action: a text for this action and code if the dictionaries have one
   (a check-in refused the day before), else the API error's own translation. */
export function ActionError({ action, error }) {
    if (!error) return null;
    const key = `booking.actionError.${action}.${error.code}`;
    const text = hasText(key) ? t(key) : t(hasText(`error.${error.code}`) ? `error.${error.code}` : 'error.UNKNOWN',
        { seconds: error.retryAfter ?? 1 });
    return html`<div class="alert alert-error" role="alert" data-error-code=${error.code}>${text}</div>`;
}

/* The local time "HH:MM" of an instant at the establishment's offset. */
export function timeText(instant, utcOffset) {
    return new Date(new Date(instant).getTime() + offsetMinutes(utcOffset) * 60000).toISOString().slice(11, 16);
}

/* The current minute (plus some minutes) as an RFC 3339 instant: the API truncates stays to the minute. */
export function nowMinute(plusMinutes = 0) {
    const ms = Math.floor(Date.now() / 60000) * 60000 + plusMinutes * 60000;
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/* A booking's stay in one line: dates and nights, or a day and hours for an hourly unit. */
export function stayText(b, utcOffset) {
    if (b.pricing && b.pricing.mode === 'hourly') {
        return t('booking.stayHours', {
            day: dateText(b.checkInDate), from: timeText(b.checkIn, utcOffset), to: timeText(b.checkOut, utcOffset),
        });
    }
    return t('booking.stayNights', { from: dateText(b.checkInDate), to: dateText(b.checkOutDate), n: b.nights });
}

/* "Firstname Lastname" of a booking's guest or a client's personal info. */
export function personName(info) {
    return info ? `${info.firstName} ${info.lastName}` : '';
}

/* A PricingQuote (SPEC 4.5) as lines, discount, total and the VAT it includes. */
export function PriceLines({ pricing: p }) {
    const c = p.currency;
    return html`<dl class="price-lines">
        ${p.lines.map((l) => html`<div class="price-line">
            <dt>${l.label === 'Base rate' ? t('booking.baseRate') : l.label} · ${l.quantity} × ${t(`unit.${l.unit}`)} × ${money(l.unitPrice, c)}</dt>
            <dd>${money(l.amount, c)}</dd></div>`)}
        ${p.discount && p.discount.amount > 0 ? html`<div class="price-line">
            <dt>${t('offer.discount', { pct: p.discount.percentBps / 100 })}</dt><dd>− ${money(p.discount.amount, c)}</dd></div>` : null}
        <div class="price-line price-total"><dt>${t('offer.total')}</dt><dd>${money(p.total, c)}</dd></div>
        ${p.taxAmount > 0 ? html`<div class="price-line muted">
            <dt>${t('offer.taxIncluded', { pct: p.taxRateBps / 100 })}</dt><dd>${money(p.taxAmount, c)}</dd></div>` : null}
    </dl>`;
}

/* A hook: the establishment the page works in, with {loading, est, establishments, error}. A manager or
   staff member has one (theirs); a super admin picks one, named by `establishmentId` in the address
   (`chosen`), else the first. With `optional`, a super admin who chose none works on all (est null). */
export function useEstablishment(user, chosen, { optional = false } = {}) {
    const [state, setState] = useState({ loading: true });
    const [round, setRound] = useState(0);
    useEffect(() => {
        let live = true;
        setState((s) => ({ ...s, loading: true, error: null }));
        (async () => {
            if (user.establishmentId) {
                return { est: (await api.get(`/establishments/${user.establishmentId}`)).data, establishments: null };
            }
            const establishments = (await api.get('/establishments', { limit: 100, sort: 'name' })).data;
            const est = establishments.find((e) => e.id === chosen) || (optional ? null : establishments[0] || null);
            return { est, establishments };
        })().then((v) => live && setState({ loading: false, ...v }), (error) => live && setState({ loading: false, error }));
        return () => { live = false; };
    }, [user.id, chosen, round]);
    return { ...state, reload: () => setRound((n) => n + 1) };
}

/* The super admin's establishment choice (select name="establishmentId"), kept in the address of
   `path` with the rest of `query`; nothing for the other roles. `all` adds an "every establishment" choice. */
export function EstablishmentPicker({ scope, path, query, all = false }) {
    if (!scope.establishments) return null;
    function choose(e) {
        const q = Object.fromEntries(query);
        delete q.page;
        navigate(withQuery(path, { ...q, establishmentId: e.currentTarget.value }), { replace: true });
    }
    return html`<p><label class="inline-label">${t('desk.establishment')}
        <select name="establishmentId" value=${scope.est ? scope.est.id : ''} onChange=${choose}>
            ${all ? html`<option value="">${t('desk.allEstablishments')}</option>` : null}
            ${scope.establishments.map((e) => html`<option value=${e.id}>${e.name}</option>`)}
        </select></label></p>`;
}

/* Previous / next links of a paginated API list, keeping the rest of the address's query. */
export function Pages({ path, query, pagination, label }) {
    if (!pagination || pagination.totalPages <= 1) return null;
    const at = (page) => withQuery(path, { ...Object.fromEntries(query), page });
    return html`<nav class="pages" aria-label=${label}>
        ${pagination.hasPrevPage ? html`<a class="button" rel="prev" data-page=${pagination.page - 1} href=${at(pagination.page - 1)}>${t('desk.prevPage')}</a>` : null}
        <span>${t('desk.pageOf', { page: pagination.page, pages: pagination.totalPages })}</span>
        ${pagination.hasNextPage ? html`<a class="button" rel="next" data-page=${pagination.page + 1} href=${at(pagination.page + 1)}>${t('desk.nextPage')}</a>` : null}
    </nav>`;
}

/* A definition-list row that shows nothing when the value is empty. */
export function Item({ label, children, value }) {
    const shown = value === undefined ? children : value;
    if (shown === null || shown === undefined || shown === '') return null;
    return html`<div class="item"><dt>${label}</dt><dd>${shown}</dd></div>`;
}

/* An instant in the establishment's local time, or '' for null. */
export function when(instant, utcOffset) {
    return instant ? dateTimeText(instant, utcOffset) : '';
}

/* The inputs of GUEST_FIELDS for a form whose values are `form`, field messages `errors` and change
   handler maker `set(name)`. */
export function GuestFields({ form, errors, set }) {
    const field = (name, props) => html`<${Field} name=${name} label=${t(`client.${name}`)} value=${form[name]}
        error=${errors[name]} onInput=${set(name)} autocomplete="off" ...${props} />`;
    return html`<div class="form-grid">
        ${field('firstName', { required: true, maxlength: 50 })}
        ${field('lastName', { required: true, maxlength: 50 })}
        ${field('phone', { type: 'tel', hint: t('desk.contactHint') })}
        ${field('email', { type: 'email' })}
        <${Field} as="select" name="idType" label=${t('client.idType')} value=${form.idType} error=${errors.idType} onChange=${set('idType')}>
            <option value="">${t('client.none')}</option>
            ${ID_TYPES.map((v) => html`<option value=${v}>${t(`client.idType.${v}`)}</option>`)}
        </${Field}>
        ${field('idNumber', { maxlength: 50 })}
        ${field('nationality', { maxlength: 2, hint: t('client.countryHint') })}
    </div>`;
}

/* The contact and identity of a person (a booking's clientInfo or a client's personalInfo) as Items. */
export function PersonItems({ info: p }) {
    return html`
        <${Item} label=${t('client.email')} value=${p.email} />
        <${Item} label=${t('client.phone')} value=${p.phone} />
        <${Item} label=${t('client.idType')} value=${p.idType ? t(`client.idType.${p.idType}`) : ''} />
        <${Item} label=${t('client.idNumber')} value=${p.idNumber} />
        <${Item} label=${t('client.nationality')} value=${p.nationality} />
        <${Item} label=${t('client.dateOfBirth')} value=${p.dateOfBirth ? dateText(p.dateOfBirth) : ''} />
        <${Item} label=${t('client.gender')} value=${p.gender ? t(`client.gender.${p.gender}`) : ''} />
        <${Item} label=${t('client.address')} value=${[p.address, p.city, p.country].filter(Boolean).join(', ')} />`;
}

/* A hook: the page of the list GET /api<path> with `query`, asked again whenever `key` changes, as
   {rows, pagination} once loaded, {error} after a failure, with `loading` while a request runs (the
   previous rows stay shown meanwhile). */
export function useRowsPage(path, query, key) {
    const [state, setState] = useState({ loading: true });
    useEffect(() => {
        let live = true;
        setState((s) => ({ ...s, loading: true }));
        api.get(path, query).then((r) => live && setState({ rows: r.data, pagination: r.pagination }),
            (error) => live && setState({ error }));
        return () => { live = false; };
    }, [key]);
    return state;
}
