// web/admin/bookings/edit.js: the forms that change a booking: its stay (dates, guests) with the new price shown before saving, and its guest details and notes.
import { html, useEffect, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { money, offsetMinutes } from '../../lib/format.js';
import { Field, FormError, useSubmit } from '../../lib/forms.js';
import { api } from '../../lib/session.js';
import { Loading } from '../../lib/ui.js';
import { GUEST_FIELDS, GuestFields, OPEN, PriceLines } from './parts.js';
import { quoteStay } from './quote.js';

/* An instant as the value of a datetime-local input at the establishment's offset ("2026-12-08T14:00"). */
function localInput(instant, utcOffset) {
    return new Date(Date.parse(instant) + offsetMinutes(utcOffset) * 60000).toISOString().slice(0, 16);
}

/* The stay form of a booking (SPEC 5.1: checkIn while pending/accepted/confirmed, checkOut and
   numberOfGuests while checked_in too). As the dates or guests change it shows the new price; saving
   PATCHes the changed fields and calls onSaved(booking, previewTotal). */
export function StayForm({ booking: b, est, onSaved, onClose }) {
    const hourly = b.pricing.mode === 'hourly';
    const initial = {
        checkIn: hourly ? localInput(b.checkIn, est.utcOffset) : b.checkInDate,
        checkOut: hourly ? localInput(b.checkOut, est.utcOffset) : b.checkOutDate,
        numberOfGuests: String(b.numberOfGuests),
    };
    const [form, setForm] = useState(initial);
    const [acc, setAcc] = useState(null);
    const [accError, setAccError] = useState(null);
    useEffect(() => {
        let live = true;
        api.get(`/accommodations/${b.accommodationId}`).then((r) => live && setAcc(r.data), (e) => live && setAccError(e));
        return () => { live = false; };
    }, [b.accommodationId]);
    const canMoveIn = OPEN.includes(b.status);
    // what the API gets for each end: the typed value if it changed (a date, or a local time with the
    // establishment's offset), else the stored instant
    const end = (name) => {
        if (form[name] === initial[name]) return b[name];
        return hourly ? `${form[name]}:00${est.utcOffset}` : form[name];
    };
    const changedStay = form.checkIn !== initial.checkIn || form.checkOut !== initial.checkOut;
    const quote = acc && changedStay ? quoteStay(acc, est, end('checkIn'), end('checkOut')) : null;
    const { submit, busy, error, errors } = useSubmit(async () => {
        const body = {};
        if (form.checkIn !== initial.checkIn) body.checkIn = end('checkIn');
        if (form.checkOut !== initial.checkOut) body.checkOut = end('checkOut');
        if (form.numberOfGuests !== initial.numberOfGuests) {
            const n = Number(form.numberOfGuests);
            body.numberOfGuests = Number.isInteger(n) && form.numberOfGuests.trim() !== '' ? n : form.numberOfGuests;
        }
        if (!Object.keys(body).length) {
            onClose();
            return;
        }
        const r = await api.patch(`/bookings/${b.id}`, body);
        onSaved(r.data, quote ? quote.total : null);
    });
    const set = (name) => (e) => setForm((f) => ({ ...f, [name]: e.currentTarget.value }));
    const type = hourly ? 'datetime-local' : 'date';
    return html`<form class="edit-form" data-form="stay" onSubmit=${submit} noValidate aria-labelledby="stay-form-title">
        <h3 id="stay-form-title">${t('booking.editStay')}</h3>
        <${FormError} error=${error} />
        <div class="form-grid">
            <${Field} type=${type} name="checkIn" label=${t('booking.checkIn')} value=${form.checkIn} readOnly=${!canMoveIn}
                hint=${canMoveIn ? undefined : t('booking.checkInFixed')} error=${errors.checkIn} onInput=${set('checkIn')} />
            <${Field} type=${type} name="checkOut" label=${t('booking.checkOut')} value=${form.checkOut} error=${errors.checkOut} onInput=${set('checkOut')} />
            <${Field} type="number" name="numberOfGuests" label=${t('booking.numberOfGuests')} min="1" max=${acc ? acc.capacity.maxGuests : 50}
                inputmode="numeric" value=${form.numberOfGuests} error=${errors.numberOfGuests} onInput=${set('numberOfGuests')} />
        </div>
        <${QuotePreview} booking=${b} acc=${acc} accError=${accError} quote=${quote} changed=${changedStay} />
        <div class="form-actions">
            <button type="submit" class="button button-primary" disabled=${busy}>${quote ? t('booking.saveAtPrice', { total: money(quote.total, quote.currency) }) : t('booking.save')}</button>
            <button type="button" class="button" onClick=${onClose}>${t('booking.closeForm')}</button>
        </div>
    </form>`;
}

/* The price of the changed stay next to the current one, in a polite live region (read as it changes). */
function QuotePreview({ booking: b, acc, accError, quote, changed }) {
    let body;
    if (!changed) body = html`<p class="muted">${t('booking.quoteUnchanged', { total: money(b.pricing.total, b.pricing.currency) })}</p>`;
    else if (accError) body = html`<${FormError} error=${accError} />`;
    else if (!acc) body = html`<${Loading} />`;
    else if (!quote) body = html`<p class="field-hint" data-quote="none">${t('booking.quoteInvalid')}</p>`;
    else {
        body = html`<div class="quote" data-quote-total=${quote.total}>
            <p><strong>${t('booking.quoteNew', { total: money(quote.total, quote.currency) })}</strong>
                <span class="muted"> · ${t('booking.quoteBefore', { total: money(b.pricing.total, b.pricing.currency) })}</span></p>
            <details><summary>${t('offer.breakdown')}</summary><${PriceLines} pricing=${quote} /></details>
        </div>`;
    }
    return html`<div aria-live="polite">${body}</div>`;
}

const OTHER_FIELDS = ['arrivalTime', 'specialRequests', 'notes'];

/* The guest's details, arrival time, requests and internal notes (PATCH; an emptied optional field is
   sent as null, which clears it). */
export function DetailsForm({ booking: b, onSaved, onClose }) {
    const [form, setForm] = useState(() => {
        const v = {};
        for (const f of GUEST_FIELDS) v[f] = b.clientInfo[f] || '';
        for (const f of OTHER_FIELDS) v[f] = b[f] || '';
        return v;
    });
    const aliases = Object.fromEntries(GUEST_FIELDS.map((f) => [`clientInfo.${f}`, f]));
    const { submit, busy, error, errors } = useSubmit(async () => {
        const clientInfo = {};
        const body = {};
        for (const f of GUEST_FIELDS) {
            const v = f === 'nationality' ? form[f].trim().toUpperCase() : form[f].trim();
            if (v !== (b.clientInfo[f] || '')) clientInfo[f] = v === '' && f !== 'firstName' && f !== 'lastName' ? null : v;
        }
        for (const f of OTHER_FIELDS) {
            const v = form[f].trim();
            if (v !== (b[f] || '')) body[f] = v === '' ? null : v;
        }
        if (Object.keys(clientInfo).length) body.clientInfo = clientInfo;
        if (!Object.keys(body).length) {
            onClose();
            return;
        }
        onSaved((await api.patch(`/bookings/${b.id}`, body)).data, null);
    }, { aliases });
    const set = (name) => (e) => setForm((f) => ({ ...f, [name]: e.currentTarget.value }));
    return html`<form class="edit-form" data-form="details" onSubmit=${submit} noValidate aria-labelledby="details-form-title">
        <h3 id="details-form-title">${t('booking.editDetails')}</h3>
        <${FormError} error=${error} />
        <${GuestFields} form=${form} errors=${errors} set=${set} />
        <${Field} type="time" name="arrivalTime" label=${t('booking.arrivalTime')} value=${form.arrivalTime} error=${errors.arrivalTime} onInput=${set('arrivalTime')} />
        <${Field} as="textarea" name="specialRequests" label=${t('booking.specialRequests')} rows="2" maxlength="1000"
            value=${form.specialRequests} error=${errors.specialRequests} onInput=${set('specialRequests')} />
        <${Field} as="textarea" name="notes" label=${t('booking.notes')} hint=${t('booking.notesHint')} rows="2" maxlength="2000"
            value=${form.notes} error=${errors.notes} onInput=${set('notes')} />
        <div class="form-actions">
            <button type="submit" class="button button-primary" disabled=${busy}>${t('booking.save')}</button>
            <button type="button" class="button" onClick=${onClose}>${t('booking.closeForm')}</button>
        </div>
    </form>`;
}
