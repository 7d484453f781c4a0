// web/site/pages/search.js: the booking site's home (/): the search form and the priced offers of GET /api/public/availability.
import { html, useEffect, useRef, useState } from '../../lib/html.js';
import { publicApi } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { addDays, dateText, money, todayAt } from '../../lib/format.js';
import { Field, FormError, fieldErrors } from '../../lib/forms.js';
import { currentLocation, navigate, withQuery } from '../../lib/router.js';
import { Loading, Message, useTitle } from '../../lib/ui.js';

// The search lives in the address (/?establishmentId=…&checkIn=…&checkOut=…&guests=…), so a search can
// be bookmarked, shared and reloaded; the input names are the API's parameter names (UI.md 7).
const FIELDS = ['establishmentId', 'checkIn', 'checkOut', 'guests'];
const DEFAULT_GUESTS = '2';

function fromQuery(query) {
    const v = {};
    for (const f of FIELDS) v[f] = query.get(f) || '';
    return v;
}

/* Fills what the guest has not chosen: the first establishment, tonight at its offset, one night, 2 guests. */
function withDefaults(form, establishments) {
    const est = establishments.find((e) => e.id === form.establishmentId) || establishments[0];
    const checkIn = form.checkIn || todayAt(est.utcOffset);
    return {
        establishmentId: est.id,
        checkIn,
        checkOut: form.checkOut || addDays(checkIn, 1),
        guests: form.guests || DEFAULT_GUESTS,
    };
}

/* The search page: form on top, then the offers of the search in the address, if any. */
export function SearchPage({ query }) {
    useTitle(t('search.title'));
    const asked = fromQuery(query);
    const complete = FIELDS.every((f) => asked[f]);
    const key = withQuery('/', asked);
    const [establishments, setEstablishments] = useState(null);
    const [estError, setEstError] = useState(null);
    const [estTry, setEstTry] = useState(0);
    const [form, setForm] = useState(asked);
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
        setForm(asked); // back/forward: the form shows the search of the address
        setResult({ state: 'loading' });
        publicApi.get('/public/availability', asked).then(
            (r) => live && setResult({ state: 'done', data: r.data }),
            (e) => live && setResult({ state: 'error', error: e }),
        );
        return () => { live = false; };
    }, [key, run]);

    function set(name, value) {
        setForm((f) => {
            const next = { ...f, [name]: value };
            if (name === 'checkIn' && value && (!next.checkOut || next.checkOut <= value)) next.checkOut = addDays(value, 1);
            return next;
        });
    }

    function submit(ev) {
        ev.preventDefault();
        const href = withQuery('/', form);
        if (href === currentLocation().href) setRun((n) => n + 1);
        else navigate(href);
    }

    const errors = result && result.state === 'error' ? fieldErrors(result.error) : {};
    const est = establishments && establishments.find((e) => e.id === form.establishmentId);
    const today = est ? todayAt(est.utcOffset) : undefined;
    return html`<section class="page">
        <h1>${t('search.title')}</h1>
        <p class="lead">${t('search.lead')}</p>
        ${estError ? html`<${Message} kind="error">${t('search.establishmentsFailed')}
            <button type="button" class="link-button" onClick=${() => setEstTry((n) => n + 1)}>${t('common.retry')}</button></${Message}>` : null}
        <form class="search-form" onSubmit=${submit} noValidate>
            <${Field} as="select" name="establishmentId" label=${t('search.establishment')} required
                value=${form.establishmentId} disabled=${!establishments} error=${errors.establishmentId}
                onChange=${(e) => set('establishmentId', e.currentTarget.value)}>
                ${establishments ? establishments.map((e) => html`<option value=${e.id}>${e.name} · ${e.location.city}</option>`)
                    : html`<option value="">${t('common.loading')}</option>`}
            </${Field}>
            <${Field} type="date" name="checkIn" label=${t('search.checkIn')} required min=${today}
                value=${form.checkIn} error=${errors.checkIn} onInput=${(e) => set('checkIn', e.currentTarget.value)} />
            <${Field} type="date" name="checkOut" label=${t('search.checkOut')} required
                min=${form.checkIn ? addDays(form.checkIn, 1) : today}
                value=${form.checkOut} error=${errors.checkOut} onInput=${(e) => set('checkOut', e.currentTarget.value)} />
            <${Field} type="number" name="guests" label=${t('search.guests')} required min="1" max="50" inputmode="numeric"
                value=${form.guests} error=${errors.guests} onInput=${(e) => set('guests', e.currentTarget.value)} />
            <button type="submit" class="button button-primary" disabled=${!establishments}>${t('search.submit')}</button>
        </form>
        <${Results} result=${result} asked=${asked} />
    </section>`;
}

function Results({ result, asked }) {
    const heading = useRef(null);
    useEffect(() => {
        if (result && result.state === 'done' && heading.current) heading.current.focus();
    }, [result]);
    if (!result) return null;
    if (result.state === 'loading') return html`<${Loading} text=${t('search.searching')} />`;
    if (result.state === 'error') return html`<${FormError} error=${result.error} />`;
    const { offers, currency, checkInDate, checkOutDate, guests } = result.data;
    const stay = t('search.stay', { from: dateText(checkInDate), to: dateText(checkOutDate), guests });
    if (!offers.length) {
        const later = (n) => withQuery('/', { ...asked, checkIn: addDays(asked.checkIn, n), checkOut: addDays(asked.checkOut, n) });
        return html`<section class="results" aria-labelledby="results-heading">
            <h2 id="results-heading" tabindex="-1" ref=${heading}>${t('search.noOffers')}</h2>
            <p>${stay}</p>
            <p>${t('search.tryOtherDates')} <a href=${later(1)}>${t('search.nextDay')}</a> · <a href=${later(7)}>${t('search.nextWeek')}</a></p>
        </section>`;
    }
    return html`<section class="results" aria-labelledby="results-heading">
        <h2 id="results-heading" tabindex="-1" ref=${heading}>${t('search.offers', { n: offers.length })}</h2>
        <p class="muted">${stay}</p>
        <ul class="offers">
            ${offers.map((o) => html`<li key=${o.accommodation.id}><${Offer} offer=${o} currency=${currency} asked=${asked} /></li>`)}
        </ul>
    </section>`;
}

function stayLength(p) {
    if (p.mode === 'hourly') return t('offer.hours', { n: p.hours });
    if (p.mode === 'monthly') return t('offer.months', { n: p.months, nights: p.extraNights || 0 });
    return t(p.nights === 1 ? 'offer.oneNight' : 'offer.nights', { n: p.nights });
}

/* One offer (UI.md 7): data-accommodation-id on the element, the booking control marked data-action="book". */
function Offer({ offer, currency, asked }) {
    const a = offer.accommodation;
    const p = offer.pricing;
    const img = a.images && a.images[0];
    const book = withQuery('/book', { ...asked, accommodationId: a.id });
    return html`<article class="offer" data-accommodation-id=${a.id}>
        ${img ? html`<img class="offer-photo" alt="" width="150" height="150" loading="lazy" decoding="async"
                src=${img.thumbnails.small} srcset=${`${img.thumbnails.small} 150w, ${img.thumbnails.medium} 300w`} sizes="150px" />`
            : html`<div class="offer-photo" aria-hidden="true"></div>`}
        <div class="offer-body">
            <h3 class="offer-name">${a.name}</h3>
            <p class="offer-meta">${t(`type.${a.type}`)} · ${t('offer.capacity', { n: a.capacity.maxGuests })}</p>
            <p class="offer-price"><strong>${money(p.total, currency)}</strong> <span class="muted">${stayLength(p)}</span></p>
            <details class="offer-breakdown">
                <summary>${t('offer.breakdown')}</summary>
                <${Breakdown} pricing=${p} currency=${currency} />
            </details>
            <a class="button button-primary" data-action="book" href=${book}>${t('offer.book')}</a>
        </div>
    </article>`;
}

/* The PricingQuote as lines, discount, total and the tax it includes. */
function Breakdown({ pricing: p, currency }) {
    return html`<dl class="breakdown">
        ${p.lines.map((l) => html`<div class="breakdown-line">
            <dt>${l.quantity} × ${t(`unit.${l.unit}`)} × ${money(l.unitPrice, currency)}</dt>
            <dd>${money(l.amount, currency)}</dd></div>`)}
        ${p.discount && p.discount.amount > 0 ? html`<div class="breakdown-line">
            <dt>${t('offer.discount', { pct: p.discount.percentBps / 100 })}</dt>
            <dd>− ${money(p.discount.amount, currency)}</dd></div>` : null}
        <div class="breakdown-line breakdown-total"><dt>${t('offer.total')}</dt><dd>${money(p.total, currency)}</dd></div>
        ${p.taxAmount > 0 ? html`<div class="breakdown-line muted">
            <dt>${t('offer.taxIncluded', { pct: p.taxRateBps / 100 })}</dt><dd>${money(p.taxAmount, currency)}</dd></div>` : null}
    </dl>`;
}
