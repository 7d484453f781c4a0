// web/site/pages/accommodation.js: a unit's page (/accommodations/:id, with the search's stay if it came from the results): gallery, description, rooms, amenities, price, times, contacts, location.
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { money } from '../../lib/format.js';
import { withQuery } from '../../lib/router.js';
import { useTitle } from '../../lib/ui.js';
import { Gallery } from '../gallery.js';
import { resultsHref, stayComplete, stayOf } from '../stay.js';
import { Contacts, LoadState, Location, usePublic } from './establishment.js';

// capacity fields shown when not zero (SPEC 4.4), in this order
const ROOMS = ['bedrooms', 'bathrooms', 'showers', 'livingRooms', 'kitchens', 'balconies'];

/* The establishment's contacts, read from its public page (the unit's answer does not carry them). */
function EstablishmentContacts({ id }) {
    const est = usePublic(`/public/establishments/${encodeURIComponent(id)}`);
    if (!est.data) return html`<${LoadState} state=${est} />`;
    return html`<${Contacts} contacts=${est.data.contacts} />`;
}

/* The unit's facts: type, capacity, rooms and details (floor, area, view, bed). */
function Facts({ unit: u }) {
    const d = u.details || {};
    return html`<dl class="facts">
        <div><dt>${t('unit.type')}</dt><dd>${t(`type.${u.type}`)}</dd></div>
        <div><dt>${t('unit.capacity')}</dt><dd>${t('offer.capacity', { n: u.capacity.maxGuests })}</dd></div>
        ${ROOMS.filter((r) => u.capacity[r] > 0).map((r) => html`<div><dt>${t(`unit.rooms.${r}`)}</dt><dd>${u.capacity[r]}</dd></div>`)}
        ${d.floor !== null && d.floor !== undefined ? html`<div><dt>${t('unit.floor')}</dt><dd>${d.floor}</dd></div>` : null}
        ${d.areaM2 ? html`<div><dt>${t('unit.area')}</dt><dd>${t('unit.areaValue', { n: d.areaM2 })}</dd></div>` : null}
        ${d.view ? html`<div><dt>${t('unit.view')}</dt><dd>${d.view}</dd></div>` : null}
        ${d.bedType ? html`<div><dt>${t('unit.bedType')}</dt><dd>${d.bedType}</dd></div>` : null}
    </dl>`;
}

/* The page; with a complete stay in the address (from the results) it offers to book it. */
export function AccommodationPage({ params, query }) {
    const unit = usePublic(`/public/accommodations/${encodeURIComponent(params.id)}`);
    const u = unit.data;
    useTitle(u ? u.name : t('unit.title'));
    if (!u) return html`<section class="page"><h1>${t('unit.title')}</h1><${LoadState} state=${unit} /></section>`;
    const est = u.establishment;
    const stay = stayOf(query);
    const withStay = stayComplete(stay) && stay.establishmentId === est.id;
    return html`<section class="page">
        <h1>${u.name}</h1>
        <p class="lead"><a href=${`/establishments/${encodeURIComponent(est.id)}`}>${est.name}</a> · ${est.location.city}</p>
        <${Gallery} images=${u.images} name=${u.name} />
        <p class="offer-price"><strong>${t(`unit.from.${u.pricingMode}`, { price: money(u.pricing.basePrice, u.pricing.currency) })}</strong></p>
        ${u.pricingMode === 'hourly' && u.pricing.minHours > 1 ? html`<p class="muted">${t('unit.minHours', { n: u.pricing.minHours })}</p>` : null}
        <p>${withStay
            ? html`<a class="button button-primary" data-action="book" href=${withQuery('/book', { ...stay, accommodationId: u.id })}>${t('offer.book')}</a>
                <a class="back-link" href=${resultsHref(stay)}>${t('book.backToResults')}</a>`
            : html`<a class="button button-primary" href=${withQuery('/', { establishmentId: est.id })}>${t('unit.checkAvailability')}</a>`}</p>
        ${u.description ? html`<p class="pre-line">${u.description}</p>` : null}
        <div class="info-grid">
            <section aria-labelledby="unit-facts"><h2 id="unit-facts">${t('unit.facts')}</h2><${Facts} unit=${u} /></section>
            ${u.amenities.length ? html`<section aria-labelledby="unit-amenities"><h2 id="unit-amenities">${t('unit.amenities')}</h2>
                <ul class="tags">${u.amenities.map((a) => html`<li>${a}</li>`)}</ul></section>` : null}
            <section aria-labelledby="unit-times"><h2 id="unit-times">${t('establishment.times')}</h2>
                <dl class="facts">
                    <div><dt>${t('establishment.checkIn')}</dt><dd>${t('establishment.fromTime', { time: est.checkInTime })}</dd></div>
                    <div><dt>${t('establishment.checkOut')}</dt><dd>${t('establishment.untilTime', { time: est.checkOutTime })}</dd></div>
                </dl></section>
            <section aria-labelledby="unit-contacts"><h2 id="unit-contacts">${t('establishment.contacts')}</h2>
                <${EstablishmentContacts} id=${est.id} /></section>
            <section aria-labelledby="unit-location"><h2 id="unit-location">${t('establishment.location')}</h2>
                <${Location} location=${est.location} /></section>
        </div>
    </section>`;
}
