// web/admin/bookings/new.js: a new desk booking (/admin/bookings/new): search the free units with their prices, pick one, then the guest (DeskForm); walk-ins start now.
import { html, useEffect, useRef, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { addDays, businessToday, money, offsetMinutes } from '../../lib/format.js';
import { Field, FormError, fieldErrors } from '../../lib/forms.js';
import { currentLocation, navigate, withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { Loading, Message, useTitle } from '../../lib/ui.js';
import { EstablishmentPicker, PriceLines, nowMinute, useEstablishment } from './parts.js';
import { DeskForm } from './desk-form.js';

const PATH = '/admin/bookings/new';
// the search in the address: mode "stay" (dates: nightly and monthly units) or "hours" (a day, a start
// time and a number of hours: hourly units); bookingType=walkin starts the stay now
const SEARCH = ['establishmentId', 'mode', 'bookingType', 'checkIn', 'checkOut', 'date', 'start', 'hours', 'guests'];

/* The next whole hour at the establishment's offset, as "HH:00". */
function nextHour(utcOffset) {
    const local = new Date(Date.now() + offsetMinutes(utcOffset) * 60000);
    return `${String((local.getUTCHours() + 1) % 24).padStart(2, '0')}:00`;
}

/* The search of the address, completed with the desk's defaults for what it does not say. */
function searchOf(query, est) {
    const v = Object.fromEntries(SEARCH.map((k) => [k, query.get(k) || '']));
    const today = businessToday(est.utcOffset, est.businessDayStart);
    v.mode = v.mode === 'hours' ? 'hours' : 'stay';
    v.bookingType = v.bookingType === 'walkin' ? 'walkin' : '';
    v.checkIn = v.checkIn || today;
    v.checkOut = v.checkOut || addDays(v.checkIn, 1);
    v.date = v.date || today;
    v.start = v.start || nextHour(est.utcOffset);
    v.hours = v.hours || '2';
    v.guests = v.guests || '1';
    return v;
}

/* The stay the search asks for, as the API takes it: {checkIn, checkOut} (dates, or instants with the
   establishment's offset); a walk-in starts now (and, for a stay, today). */
function stayOf(s, est) {
    const walkin = s.bookingType === 'walkin';
    if (s.mode === 'hours') {
        const h = Number(s.hours);
        if (walkin) return { checkIn: nowMinute(), checkOut: nowMinute(Number.isFinite(h) ? h * 60 : 0) };
        const start = Date.parse(`${s.date}T${s.start}:00${est.utcOffset}`);
        const end = Number.isFinite(start) && Number.isFinite(h) ? new Date(start + h * 3600000).toISOString().replace('.000Z', 'Z') : '';
        return { checkIn: `${s.date}T${s.start}:00${est.utcOffset}`, checkOut: end };
    }
    return { checkIn: walkin ? businessToday(est.utcOffset, est.businessDayStart) : s.checkIn, checkOut: s.checkOut };
}

/* The new desk booking page: the search form, its offers, and the booking form of the chosen unit. */
export function NewBookingPage({ query, user }) {
    useTitle(t('desk.title'));
    const scope = useEstablishment(user, query.get('establishmentId') || '');
    if (scope.error) return html`<section class="page"><h1>${t('desk.title')}</h1><${FormError} error=${scope.error} /></section>`;
    if (!scope.est) return scope.loading ? html`<${Loading} />` : html`<section class="page"><p>${t('today.noEstablishment')}</p></section>`;
    return html`<${Desk} key=${scope.est.id} scope=${scope} est=${scope.est} query=${query} user=${user} />`;
}

function Desk({ scope, est, query, user }) {
    const asked = searchOf(query, est);
    const searched = SEARCH.some((k) => k !== 'establishmentId' && query.get(k)); // else the form alone, not yet searched
    const chosenId = query.get('accommodationId') || '';
    const searchKey = withQuery(PATH, Object.fromEntries(SEARCH.map((k) => [k, query.get(k) || ''])));
    const [form, setForm] = useState(asked);
    const [result, setResult] = useState(null);
    const [run, setRun] = useState(0);
    const draft = useRef(null); // the booking form's contents, kept when the chosen unit changes
    useEffect(() => setForm(asked), [searchKey]);
    useEffect(() => {
        if (!searched) return undefined;
        let live = true;
        const stay = stayOf(asked, est);
        setResult((r) => ({ ...r, loading: true }));
        api.get('/public/availability', {
            establishmentId: est.id, ...stay, guests: asked.guests, pricingMode: asked.mode === 'hours' ? 'hourly' : '',
        }).then((r) => live && setResult({ data: r.data, stay }), (error) => live && setResult({ error, stay }));
        return () => { live = false; };
    }, [searchKey, run]);
    const set = (name) => (e) => {
        const value = e.currentTarget.type === 'checkbox' ? (e.currentTarget.checked ? 'walkin' : '') : e.currentTarget.value;
        setForm((f) => {
            const next = { ...f, [name]: value };
            if (name === 'checkIn' && value && next.checkOut <= value) next.checkOut = addDays(value, 1);
            return next;
        });
    };
    function submit(ev) {
        ev.preventDefault();
        const q = { ...form, establishmentId: user.establishmentId ? '' : est.id };
        const href = withQuery(PATH, q);
        if (href === currentLocation().href) setRun((n) => n + 1);
        else navigate(href);
    }
    const errors = result && result.error ? fieldErrors(result.error) : {};
    const walkin = form.bookingType === 'walkin';
    const offers = result && result.data ? result.data.offers : null;
    const chosen = offers && offers.find((o) => o.accommodation.id === chosenId);
    return html`<section class="page">
        <p class="crumbs"><a href="/admin/bookings">${t('nav.bookings')}</a></p>
        <h1>${t('desk.title')}</h1>
        <${EstablishmentPicker} scope=${scope} path=${PATH} query=${query} />
        <form class="desk-search" data-form="search" role="search" aria-label=${t('desk.search')} onSubmit=${submit} noValidate>
            <fieldset class="checks">
                <legend>${t('desk.mode')}</legend>
                <label class="check"><input type="radio" name="mode" value="stay" checked=${form.mode === 'stay'} onChange=${set('mode')} /> ${t('desk.mode.stay')}</label>
                <label class="check"><input type="radio" name="mode" value="hours" checked=${form.mode === 'hours'} onChange=${set('mode')} /> ${t('desk.mode.hours')}</label>
                <label class="check"><input type="checkbox" name="bookingType" value="walkin" checked=${walkin} onChange=${set('bookingType')} /> ${t('desk.walkin')}</label>
            </fieldset>
            <div class="form-grid">
                ${form.mode === 'stay' ? html`
                    ${walkin ? null : html`<${Field} type="date" name="checkIn" label=${t('booking.checkIn')} value=${form.checkIn}
                        error=${errors.checkIn} onInput=${set('checkIn')} />`}
                    <${Field} type="date" name="checkOut" label=${t('booking.checkOut')} value=${form.checkOut}
                        error=${errors.checkOut} onInput=${set('checkOut')} />` : html`
                    ${walkin ? null : html`<${Field} type="date" name="date" label=${t('desk.date')} value=${form.date}
                        error=${errors.checkIn} onInput=${set('date')} />
                    <${Field} type="time" name="start" label=${t('desk.start')} value=${form.start} onInput=${set('start')} />`}
                    <${Field} type="number" name="hours" label=${t('desk.hours')} min="1" max="24" inputmode="numeric" value=${form.hours}
                        error=${errors.checkOut} onInput=${set('hours')} />`}
                <${Field} type="number" name="guests" label=${t('search.guests')} min="1" max="50" inputmode="numeric" value=${form.guests}
                    error=${errors.guests} onInput=${set('guests')} />
            </div>
            ${walkin ? html`<p class="field-hint">${t(form.mode === 'hours' ? 'desk.walkinHoursHint' : 'desk.walkinStayHint')}</p>` : null}
            <button type="submit" class="button button-primary">${t('desk.searchSubmit')}</button>
        </form>
        <${Offers} result=${result} chosenId=${chosenId} query=${query} onRetry=${() => setRun((n) => n + 1)} />
        ${chosenId && offers && !chosen ? html`<${Message} kind="error">${t('desk.chosenGone')}</${Message}>` : null}
        ${chosen ? html`<${DeskForm} key=${chosen.accommodation.id} offer=${chosen} stay=${result.stay} search=${asked} searchKey=${searchKey} est=${est} user=${user}
            draft=${draft} onTaken=${() => setRun((n) => n + 1)} />` : null}
    </section>`;
}

/* The offers of the search: each an element with data-accommodation-id and its choice control
   data-action="book" (UI.md 7); the chosen one is marked aria-current. */
function Offers({ result, chosenId, query, onRetry }) {
    const heading = useRef(null);
    const count = result && result.data ? result.data.offers.length : -1;
    useEffect(() => {
        if (count >= 0 && !chosenId && heading.current) heading.current.focus();
    }, [count, result && result.stay && result.stay.checkIn]);
    if (!result) return null;
    if (result.error) {
        return html`<div><${FormError} error=${result.error} />
            <button type="button" class="button" onClick=${onRetry}>${t('common.retry')}</button></div>`;
    }
    if (result.loading && !result.data) return html`<${Loading} text=${t('search.searching')} />`;
    const { offers, currency } = result.data;
    const pick = (id) => withQuery(PATH, { ...Object.fromEntries(query), accommodationId: id });
    return html`<section class="desk-offers" aria-labelledby="offers-heading" aria-busy=${result.loading ? 'true' : 'false'}>
        <h2 id="offers-heading" tabindex="-1" ref=${heading}>${offers.length ? t('search.offers', { n: offers.length }) : t('search.noOffers')}</h2>
        <ul class="offer-rows">
            ${offers.map((o) => html`<li key=${o.accommodation.id} class="offer-row" data-accommodation-id=${o.accommodation.id}
                aria-current=${o.accommodation.id === chosenId ? 'true' : undefined}>
                <div>
                    <strong>${o.accommodation.name}</strong>
                    <span class="muted"> · ${t(`type.${o.accommodation.type}`)} · ${t('offer.capacity', { n: o.accommodation.capacity.maxGuests })}</span>
                    <details><summary>${t('offer.breakdown')}</summary><${PriceLines} pricing=${o.pricing} /></details>
                </div>
                <div class="offer-row-end">
                    <strong>${money(o.pricing.total, currency)}</strong>
                    <a class=${o.accommodation.id === chosenId ? 'button' : 'button button-primary'} data-action="book"
                        href=${pick(o.accommodation.id)}>${o.accommodation.id === chosenId ? t('desk.chosen') : t('desk.choose')}</a>
                </div>
            </li>`)}
        </ul>
    </section>`;
}
