// web/site/pages/search.js: the booking site's home (/): the search form (nights, or a date and hours for hourly units) and the priced offers of GET /api/public/availability.
import { html, useEffect, useRef, useState } from '../../lib/html.js';
import { publicApi } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { addDays, todayAt } from '../../lib/format.js';
import { Field, FormError, fieldErrors } from '../../lib/forms.js';
import { currentLocation, navigate, withQuery } from '../../lib/router.js';
import { Loading, Message, useTitle } from '../../lib/ui.js';
import { Price } from '../price.js';
import { STAY_FIELDS, hourlyParts, hourlyStay, isDateTime, nextHour, resultsHref, stayComplete, stayOf, stayTexts } from '../stay.js';

// The search lives in the address (/?establishmentId=…&checkIn=…&checkOut=…&guests=…), so a search can
// be bookmarked, shared and reloaded; the input names are the API's parameter names (UI.md 7). An hourly
// search has datetimes in checkIn/checkOut; its form asks for a date, a start time and a number of hours.
const DEFAULT_GUESTS = '2';
const DEFAULT_HOURS = '2';

/* The form's values for the search of an address: {establishmentId, checkIn, checkOut, guests,
   kind ('nights' or 'hours'), date, time, hours}. */
function formOf(asked) {
    const hours = isDateTime(asked.checkIn) ? hourlyParts(asked.checkIn, asked.checkOut) : null;
    if (hours) return { ...asked, kind: 'hours', checkIn: '', checkOut: '', ...hours };
    return { ...asked, kind: 'nights', date: '', time: '', hours: '' };
}

/* Which kinds of stay an establishment offers: nights (nightly or monthly units) and/or hours. */
function kindsOf(est) {
    const modes = (est && est.pricingModes) || [];
    const kinds = [];
    if (!modes.length || modes.includes('nightly') || modes.includes('monthly')) kinds.push('nights');
    if (modes.includes('hourly')) kinds.push('hours');
    return kinds;
}

/* Fills what the guest has not chosen: the first establishment, tonight at its offset, one night, 2
   guests; for hours, the next whole hour and 2 hours. An establishment with hourly units only gets hours. */
function withDefaults(form, establishments) {
    const est = establishments.find((e) => e.id === form.establishmentId) || establishments[0];
    const kinds = kindsOf(est);
    const kind = kinds.includes(form.kind) ? form.kind : kinds[0];
    const checkIn = form.checkIn || todayAt(est.utcOffset);
    const start = nextHour(est.utcOffset);
    return {
        ...form,
        establishmentId: est.id,
        kind,
        checkIn,
        checkOut: form.checkOut || addDays(checkIn, 1),
        guests: form.guests || DEFAULT_GUESTS,
        date: form.date || start.date,
        time: form.time || start.time,
        hours: form.hours || DEFAULT_HOURS,
    };
}

/* The search (the address's query) that the form describes. */
function searchOf(form, est) {
    const base = { establishmentId: form.establishmentId, guests: form.guests };
    if (form.kind === 'hours' && est && form.date && form.time && form.hours) {
        return { ...base, ...hourlyStay(form.date, form.time, form.hours, est.utcOffset) };
    }
    return { ...base, checkIn: form.checkIn, checkOut: form.checkOut };
}

/* The search page: form on top, then the offers of the search in the address, if any. */
export function SearchPage({ query }) {
    useTitle(t('search.title'));
    const asked = stayOf(query);
    const complete = stayComplete(asked);
    const key = resultsHref(asked);
    const [establishments, setEstablishments] = useState(null);
    const [estError, setEstError] = useState(null);
    const [estTry, setEstTry] = useState(0);
    const [form, setForm] = useState(() => formOf(asked));
    const [result, setResult] = useState(null);
    const [run, setRun] = useState(0);

    useEffect(() => {
        let live = true;
        setEstError(null);
        publicApi.get('/public/establishments', { limit: 100 }).then(
            (r) => live && setEstablishments(r.data),
            (e) => live && setEstError(e),
        );
        return () => { live = false; };
    }, [estTry]);

    useEffect(() => {
        if (establishments && establishments.length) setForm((f) => withDefaults(f, establishments));
    }, [establishments]);

    useEffect(() => {
        if (!complete) {
            setResult(null);
            return undefined;
        }
        let live = true;
        // back/forward: the form shows the search of the address
        setForm((f) => (establishments && establishments.length ? withDefaults(formOf(asked), establishments) : formOf(asked)));
        setResult({ state: 'loading' });
        publicApi.get('/public/availability', asked).then(
            (r) => live && setResult({ state: 'done', data: r.data }),
            (e) => live && setResult({ state: 'error', error: e }),
        );
        return () => { live = false; };
    }, [key, run]);

    function set(name, value) {
        setForm((f) => {
            let next = { ...f, [name]: value };
            if (name === 'checkIn' && value && (!next.checkOut || next.checkOut <= value)) next.checkOut = addDays(value, 1);
            if (name === 'establishmentId' && establishments) next = withDefaults(next, establishments);
            return next;
        });
    }

    const est = establishments && establishments.find((e) => e.id === form.establishmentId);
    function submit(ev) {
        ev.preventDefault();
        const href = resultsHref(searchOf(form, est));
        if (href === currentLocation().href) setRun((n) => n + 1);
        else navigate(href);
    }

    const errors = result && result.state === 'error' ? fieldErrors(result.error) : {};
    const today = est ? todayAt(est.utcOffset) : undefined;
    const kinds = kindsOf(est);
    const hours = form.kind === 'hours';
    // an hourly search's errors name checkIn/checkOut: they belong to its date and start fields
    const dateError = errors.checkIn || (hours ? errors.checkOut : undefined);
    const taken = query.get('taken');
    return html`<section class="page">
        <h1>${t('search.title')}</h1>
        <p class="lead">${t('search.lead')}</p>
        ${estError ? html`<${Message} kind="error">${t('search.establishmentsFailed')}
            <button type="button" class="link-button" onClick=${() => setEstTry((n) => n + 1)}>${t('common.retry')}</button></${Message}>` : null}
        <form class=${hours ? 'search-form search-hours' : 'search-form'} onSubmit=${submit} noValidate>
            <${Field} as="select" name="establishmentId" label=${t('search.establishment')} required
                value=${form.establishmentId} disabled=${!establishments} error=${errors.establishmentId}
                onChange=${(e) => set('establishmentId', e.currentTarget.value)}>
                ${establishments ? establishments.map((e) => html`<option value=${e.id}>${e.name} · ${e.location.city}</option>`)
                    : html`<option value="">${t('common.loading')}</option>`}
            </${Field}>
            ${kinds.length > 1 ? html`<fieldset class="stay-kind">
                <legend>${t('search.kind')}</legend>
                ${kinds.map((k) => html`<label><input type="radio" name="stayKind" value=${k} checked=${form.kind === k}
                    onChange=${() => set('kind', k)} /> ${t(`search.kind.${k}`)}</label>`)}
            </fieldset>` : null}
            ${hours ? html`
                <${Field} type="date" name="date" label=${t('search.date')} required min=${today}
                    value=${form.date} error=${dateError} onInput=${(e) => set('date', e.currentTarget.value)} />
                <${Field} type="time" name="time" label=${t('search.time')} required step="900"
                    value=${form.time} onInput=${(e) => set('time', e.currentTarget.value)} />
                <${Field} type="number" name="hours" label=${t('search.hours')} required min="1" max="24" inputmode="numeric"
                    value=${form.hours} onInput=${(e) => set('hours', e.currentTarget.value)} />`
            : html`
                <${Field} type="date" name="checkIn" label=${t('search.checkIn')} required min=${today}
                    value=${form.checkIn} error=${errors.checkIn} onInput=${(e) => set('checkIn', e.currentTarget.value)} />
                <${Field} type="date" name="checkOut" label=${t('search.checkOut')} required
                    min=${form.checkIn ? addDays(form.checkIn, 1) : today}
                    value=${form.checkOut} error=${errors.checkOut} onInput=${(e) => set('checkOut', e.currentTarget.value)} />`}
            <${Field} type="number" name="guests" label=${t('search.guests')} required min="1" max="50" inputmode="numeric"
                value=${form.guests} error=${errors.guests} onInput=${(e) => set('guests', e.currentTarget.value)} />
            <button type="submit" class="button button-primary" disabled=${!establishments}>${t('search.submit')}</button>
        </form>
        ${taken ? html`<div class="alert alert-error" role="alert" data-error-code="NOT_AVAILABLE">${t('book.taken')}</div>` : null}
        <${Results} result=${result} asked=${asked} est=${est} />
    </section>`;
}

/* The same stay n days later (both kinds of stay). */
function later(asked, n) {
    const parts = isDateTime(asked.checkIn) ? hourlyParts(asked.checkIn, asked.checkOut) : null;
    if (parts) {
        const offset = asked.checkIn.slice(-6).match(/^[+-]\d{2}:\d{2}$/) ? asked.checkIn.slice(-6) : '+00:00';
        return resultsHref({ ...asked, ...hourlyStay(addDays(parts.date, n), parts.time, parts.hours, offset) });
    }
    return resultsHref({ ...asked, checkIn: addDays(asked.checkIn, n), checkOut: addDays(asked.checkOut, n) });
}

function Results({ result, asked, est }) {
    const heading = useRef(null);
    useEffect(() => {
        if (result && result.state === 'done' && heading.current) heading.current.focus();
    }, [result]);
    if (!result) return null;
    if (result.state === 'loading') return html`<${Loading} text=${t('search.searching')} />`;
    if (result.state === 'error') return html`<${FormError} error=${result.error} />`;
    const { offers, currency, guests } = result.data;
    const when = stayTexts(result.data, est || {}, isDateTime(asked.checkIn));
    const stay = t('search.stay', { from: when.from, to: when.to, guests });
    if (!offers.length) {
        return html`<section class="results" aria-labelledby="results-heading">
            <h2 id="results-heading" tabindex="-1" ref=${heading}>${t('search.noOffers')}</h2>
            <p>${stay}</p>
            <p>${t('search.tryOtherDates')} <a href=${later(asked, 1)}>${t('search.nextDay')}</a>${' · '}<a
                href=${later(asked, 7)}>${t('search.nextWeek')}</a></p>
        </section>`;
    }
    return html`<section class="results" aria-labelledby="results-heading">
        <h2 id="results-heading" tabindex="-1" ref=${heading}>${t('search.offers', { n: offers.length })}</h2>
        <p class="muted">${stay}${est ? html` · <a href=${`/establishments/${encodeURIComponent(est.id)}`}>${est.name}</a>` : null}</p>
        <ul class="offers">
            ${offers.map((o) => html`<li key=${o.accommodation.id}><${Offer} offer=${o} currency=${currency} asked=${asked} /></li>`)}
        </ul>
    </section>`;
}

/* One offer (UI.md 7): data-accommodation-id on the element, the booking control marked data-action="book". */
function Offer({ offer, currency, asked }) {
    const a = offer.accommodation;
    const img = a.images && a.images[0];
    const stay = {};
    for (const f of STAY_FIELDS) stay[f] = asked[f];
    const book = withQuery('/book', { ...stay, accommodationId: a.id });
    const page = withQuery(`/accommodations/${encodeURIComponent(a.id)}`, stay);
    return html`<article class="offer" data-accommodation-id=${a.id}>
        ${img ? html`<img class="offer-photo" alt="" width="150" height="150" loading="lazy" decoding="async"
                src=${img.thumbnails.small} srcset=${`${img.thumbnails.small} 150w, ${img.thumbnails.medium} 300w`} sizes="(min-width: 40rem) 150px, 96px" />`
            : html`<div class="offer-photo" aria-hidden="true"></div>`}
        <div class="offer-body">
            <h3 class="offer-name"><a href=${page}>${a.name}</a></h3>
            <p class="offer-meta">${t(`type.${a.type}`)} · ${t('offer.capacity', { n: a.capacity.maxGuests })}</p>
            <${Price} pricing=${offer.pricing} currency=${currency} />
            <a class="button button-primary" data-action="book" href=${book}>${t('offer.book')}</a>
        </div>
    </article>`;
}
