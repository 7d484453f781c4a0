// web/site/booking-card.js: a PublicBooking shown to its guest (confirmation and track pages): code, status, stay, unit, total, expiry.
import { html, useEffect, useState } from '../lib/html.js';
import { publicApi } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { dateTimeText, money } from '../lib/format.js';
import { stayLength, stayTexts } from './stay.js';

// The booking confirmation PDF (SPEC 7.4 GET /api/public/bookings/by-code/pdf, UI.md 3.5) is not in the
// API's route table yet. When it is, set this to true: the card then links to it with the code, the
// contact the guest gave and the page's language, and tests/browser/test_site_booking.py must check it.
const PDF_ROUTE = false;

/* The sessionStorage item where the booking form keeps the booking it just made, for the
   confirmation page and a reload of it (this tab only). */
export function confirmationStore(code) {
    return `rz.booking.${code}`;
}

/* The utcOffset of establishment `id` (PublicBooking does not carry it): '+02:00' (the default of
   SPEC 4.3) until the establishment's answer, or if it cannot be read. */
function useOffset(id) {
    const [offset, setOffset] = useState(null);
    useEffect(() => {
        let live = true;
        publicApi.get(`/public/establishments/${encodeURIComponent(id)}`).then(
            (r) => live && setOffset(r.data.utcOffset), () => live && setOffset('+02:00'));
        return () => { live = false; };
    }, [id]);
    return offset || '+02:00';
}

/* The link to the booking's PDF, once the route exists (PDF_ROUTE); contact is {email} or {phone}. */
function PdfLink({ code, contact, lang }) {
    if (!PDF_ROUTE || !contact) return null;
    const q = new URLSearchParams({ code, ...contact, lang });
    return html`<p><a class="button" href=${`/api/public/bookings/by-code/pdf?${q}`} download>${t('confirm.pdf')}</a></p>`;
}

/* booking: a PublicBooking (SPEC 4.5); contact: the {email} or {phone} the guest gave (for the PDF);
   lang: the page's language. The code and status carry the UI.md 7 hooks data-booking-code and
   data-booking-status (their texts are the code and the API's status value). */
export function BookingCard({ booking: b, contact, lang }) {
    const offset = useOffset(b.establishment.id);
    const hourly = b.pricing && b.pricing.mode === 'hourly';
    const when = stayTexts(b, { ...b.establishment, utcOffset: offset }, hourly);
    const currency = b.pricing.currency;
    return html`<article class="booking-card" aria-labelledby="booking-code-label">
        <p class="booking-code-line"><span id="booking-code-label">${t('confirm.code')}</span>${' '}<strong class="booking-code" data-booking-code>${b.bookingCode}</strong></p>
        <p>${t('confirm.status')} <strong>${t(`confirm.status.${b.status}`)}</strong>${' '}<span class="status-value" data-booking-status>${b.status}</span></p>
        ${b.status === 'pending' && b.expiresAt ? html`<p class="alert alert-info">${t('confirm.expires', {
            when: dateTimeText(b.expiresAt, offset) })}</p>` : null}
        <dl class="facts">
            <div><dt>${t('confirm.guest')}</dt><dd>${b.clientInfo.firstName} ${b.clientInfo.lastName}</dd></div>
            <div><dt>${t('confirm.unit')}</dt><dd><a href=${`/accommodations/${encodeURIComponent(b.accommodation.id)}`}>${b.accommodation.name}</a>${` · ${t(`type.${b.accommodation.type}`)}`}</dd></div>
            <div><dt>${t('confirm.establishment')}</dt><dd><a href=${`/establishments/${encodeURIComponent(b.establishment.id)}`}>${b.establishment.name}</a>${` · ${b.establishment.location.city}`}</dd></div>
            <div><dt>${t('confirm.arrival')}</dt><dd>${when.from}</dd></div>
            <div><dt>${t('confirm.departure')}</dt><dd>${when.to}</dd></div>
            <div><dt>${t('confirm.guests')}</dt><dd>${b.numberOfGuests}</dd></div>
            ${b.arrivalTime ? html`<div><dt>${t('confirm.arrivalTime')}</dt><dd>${b.arrivalTime}</dd></div>` : null}
            ${b.specialRequests ? html`<div><dt>${t('confirm.specialRequests')}</dt><dd class="pre-line">${b.specialRequests}</dd></div>` : null}
            <div><dt>${t('confirm.total')}</dt><dd><strong>${money(b.pricing.total, currency)}</strong>
                <span class="muted"> ${stayLength(b.pricing)}</span></dd></div>
        </dl>
        <${PdfLink} code=${b.bookingCode} contact=${contact} lang=${lang} />
        <p class="muted">${t('confirm.contactHotel', { phone: b.establishment.contacts.phones[0] || '',
            email: b.establishment.contacts.email || '' })}</p>
    </article>`;
}
