// web/site/pages/establishment.js: an establishment's page (/establishments/:id): gallery, description, services, times, contacts, location, its units.
import { html, useEffect, useState } from '../../lib/html.js';
import { publicApi } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { money } from '../../lib/format.js';
import { FormError } from '../../lib/forms.js';
import { withQuery } from '../../lib/router.js';
import { Loading, useTitle } from '../../lib/ui.js';
import { Gallery } from '../gallery.js';

/* An address on a public map site for coordinates: a plain link, nothing of it is loaded by the page. */
export function mapHref(lat, lng) {
    return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}`;
}

/* Reads `path` from the public API: {loading}, {data} or {error}; `retry()` reads it again. It reads
   again when `path` changes, not `query` (a page's queries follow from its address, and the site
   remounts a page when its address changes). */
export function usePublic(path, query) {
    const [state, setState] = useState({ loading: true });
    const [n, setN] = useState(0);
    useEffect(() => {
        let live = true;
        setState({ loading: true });
        publicApi.get(path, query).then((r) => live && setState({ data: r.data }), (error) => live && setState({ error }));
        return () => { live = false; };
    }, [path, n]);
    return { ...state, retry: () => setN((x) => x + 1) };
}

/* Loading, then the error with a retry button, or nothing once the data is there. */
export function LoadState({ state }) {
    if (state.loading) return html`<${Loading} />`;
    if (state.error) {
        return html`<${FormError} error=${state.error} />
            <p><button type="button" class="button" onClick=${state.retry}>${t('common.retry')}</button></p>`;
    }
    return null;
}

/* The establishment's contacts: phones (tel: links), email, website. */
export function Contacts({ contacts }) {
    return html`<ul class="plain-list">
        ${contacts.phones.map((p) => html`<li><a href=${`tel:${p}`}>${p}</a></li>`)}
        ${contacts.email ? html`<li><a href=${`mailto:${contacts.email}`}>${contacts.email}</a></li>` : null}
        ${contacts.website ? html`<li><a href=${contacts.website} rel="noopener noreferrer">${contacts.website}</a></li>` : null}
    </ul>`;
}

/* The location: address, city, country, and the coordinates as a link to a map site. */
export function Location({ location }) {
    return html`<p>${location.address}<br />${location.city}${location.country ? ` · ${location.country}` : ''}</p>
        <p><a href=${mapHref(location.lat, location.lng)} rel="noopener noreferrer">${t('establishment.map', {
            lat: location.lat, lng: location.lng })}</a></p>`;
}

/* The page. */
export function EstablishmentPage({ params }) {
    const est = usePublic(`/public/establishments/${encodeURIComponent(params.id)}`);
    const units = usePublic('/public/accommodations', { establishmentId: params.id, limit: 100 });
    const e = est.data;
    useTitle(e ? e.name : t('establishment.title'));
    if (!e) return html`<section class="page"><h1>${t('establishment.title')}</h1><${LoadState} state=${est} /></section>`;
    return html`<section class="page">
        <h1>${e.name}</h1>
        <p class="lead">${e.location.city}</p>
        <${Gallery} images=${e.images} name=${e.name} />
        ${e.description ? html`<p class="pre-line">${e.description}</p>` : null}
        <p><a class="button button-primary" href=${withQuery('/', { establishmentId: e.id })}>${t('establishment.search')}</a></p>
        <div class="info-grid">
            <section aria-labelledby="est-times"><h2 id="est-times">${t('establishment.times')}</h2>
                <dl class="facts">
                    <div><dt>${t('establishment.checkIn')}</dt><dd>${t('establishment.fromTime', { time: e.checkInTime })}</dd></div>
                    <div><dt>${t('establishment.checkOut')}</dt><dd>${t('establishment.untilTime', { time: e.checkOutTime })}</dd></div>
                </dl></section>
            ${e.services.length ? html`<section aria-labelledby="est-services"><h2 id="est-services">${t('establishment.services')}</h2>
                <ul class="tags">${e.services.map((s) => html`<li>${s}</li>`)}</ul></section>` : null}
            <section aria-labelledby="est-contacts"><h2 id="est-contacts">${t('establishment.contacts')}</h2>
                <${Contacts} contacts=${e.contacts} /></section>
            <section aria-labelledby="est-location"><h2 id="est-location">${t('establishment.location')}</h2>
                <${Location} location=${e.location} /></section>
        </div>
        <section aria-labelledby="est-units"><h2 id="est-units">${t('establishment.units')}</h2>
            <${LoadState} state=${units} />
            ${units.data && !units.data.length ? html`<p>${t('establishment.noUnits')}</p>` : null}
            ${units.data && units.data.length ? html`<ul class="unit-list">${units.data.map((u) => html`<li key=${u.id}>
                <${UnitTile} unit=${u} currency=${e.currency} /></li>`)}</ul>` : null}
        </section>
    </section>`;
}

function UnitTile({ unit: u, currency }) {
    const img = u.images && u.images[0];
    return html`<a class="unit-tile" href=${`/accommodations/${encodeURIComponent(u.id)}`}>
        ${img ? html`<img src=${img.thumbnails.medium} srcset=${`${img.thumbnails.small} 150w, ${img.thumbnails.medium} 300w`}
            sizes="150px" width="150" height="150" alt="" loading="lazy" decoding="async" />` : html`<span class="tile-photo" aria-hidden="true"></span>`}
        <span class="unit-tile-text"><strong>${u.name}</strong>
            <span>${t(`type.${u.type}`)} · ${t('offer.capacity', { n: u.capacity.maxGuests })}</span>
            <span>${t(`unit.from.${u.pricingMode}`, { price: money(u.pricing.basePrice, currency) })}</span></span>
    </a>`;
}
