// web/site/pages/book.js: the booking form (/book?establishmentId&checkIn&checkOut&guests&accommodationId): the server's quote, the guest's details, POST /api/public/bookings.
import { html, useEffect, useMemo, useState } from '../../lib/html.js';
import { publicApi } from '../../lib/api.js';
import { detailText, getLang, t } from '../../lib/i18n.js';
import { Field, FormError, compact, useSubmit } from '../../lib/forms.js';
import { navigate, withQuery } from '../../lib/router.js';
import { Loading, Message, useTitle } from '../../lib/ui.js';
import { confirmationStore } from '../booking-card.js';
import { Price } from '../price.js';
import { useWait, WaitMessage } from '../wait.js';
import { isDateTime, resultsHref, stayComplete, stayOf, stayTexts } from '../stay.js';

// The guest's details, kept in sessionStorage while the tab lives: a reload, a unit that was just
// taken or a failed attempt never loses what was typed. Input names are the API's (UI.md 7).
const GUEST_FIELDS = ['firstName', 'lastName', 'phone', 'email', 'arrivalTime', 'specialRequests'];
const FORM_STORE = 'rz.book.form';
const ALIASES = {
    'clientInfo.firstName': 'firstName', 'clientInfo.lastName': 'lastName',
    'clientInfo.phone': 'phone', 'clientInfo.email': 'email',
};
const STAY_DETAILS = ['establishmentId', 'accommodationId', 'checkIn', 'checkOut', 'numberOfGuests'];

function loadForm() {
    const empty = Object.fromEntries(GUEST_FIELDS.map((f) => [f, '']));
    try {
        return { ...empty, ...JSON.parse(window.sessionStorage.getItem(FORM_STORE) || '{}') };
    } catch (e) {
        return empty;
    }
}

function sessionValue(name) {
    try {
        return window.sessionStorage.getItem(name);
    } catch (e) {
        return null;
    }
}

function saveForm(values) {
    try {
        if (values) window.sessionStorage.setItem(FORM_STORE, JSON.stringify(values));
        else window.sessionStorage.removeItem(FORM_STORE);
    } catch (e) { /* storage refused: the form still works, a reload loses it */ }
}

/* The unit, the establishment and the server's quote for this stay, read together. */
function useBookingData(stay, accommodationId, attempt, wanted) {
    const [state, setState] = useState({ loading: true });
    useEffect(() => {
        if (!wanted) return undefined;
        let live = true;
        setState({ loading: true });
        Promise.all([
            publicApi.get(`/public/accommodations/${encodeURIComponent(accommodationId)}`),
            publicApi.get(`/public/establishments/${encodeURIComponent(stay.establishmentId)}`),
            publicApi.get('/public/availability', stay),
        ]).then(([unit, est, avail]) => {
            if (!live) return;
            const offer = avail.data.offers.find((o) => o.accommodation.id === accommodationId);
            setState({ unit: unit.data, est: est.data, avail: avail.data, offer });
        }, (error) => live && setState({ error }));
        return () => { live = false; };
    }, [accommodationId, attempt, ...Object.values(stay)]);
    return state;
}

/* The booking page: summary of the stay with the server's price, then the guest's form. */
export function BookPage({ query }) {
    useTitle(t('book.title'));
    const stay = stayOf(query);
    const accommodationId = query.get('accommodationId') || '';
    const [attempt, setAttempt] = useState(0);
    const wanted = stayComplete(stay) && !!accommodationId;
    const data = useBookingData(stay, accommodationId, attempt, wanted);
    // an attempt of this booking sent earlier from this tab whose answer never came (a reload, a lost
    // connection): the form is shown again, even if the unit now looks taken (maybe by that attempt),
    // and sending it replays the same attempt with the same Idempotency-Key
    const attemptKey = `rz.book.key.${accommodationId}.${stay.checkIn}.${stay.checkOut}.${stay.guests}`;
    const resumed = useMemo(() => wanted && !!sessionValue(attemptKey), [attemptKey]); // as the page opened
    if (!wanted) {
        return html`<section class="page"><h1>${t('book.title')}</h1>
            <${Message} kind="error">${t('book.noStay')} <a href="/">${t('book.backToSearch')}</a></${Message}></section>`;
    }
    return html`<section class="page">
        <h1>${t('book.title')}</h1>
        ${data.loading ? html`<${Loading} />` : null}
        ${data.error && data.error.code === 'VALIDATION_ERROR' ? html`<${Message} kind="error">${t('book.badStay')}
            <a href=${resultsHref(stay)}>${t('book.changeStay')}</a></${Message}>` : null}
        ${data.error && data.error.code !== 'VALIDATION_ERROR' ? html`<${FormError} error=${data.error} />
            <p><button type="button" class="button" onClick=${() => setAttempt((n) => n + 1)}>${t('common.retry')}</button>
            <a class="back-link" href=${resultsHref(stay)}>${t('book.backToResults')}</a></p>` : null}
        ${data.unit && !data.offer && !resumed ? html`<${Message} kind="error">${t('book.unavailable')}
            <a href=${resultsHref(stay)}>${t('book.backToResults')}</a></${Message}>` : null}
        ${data.unit && (data.offer || resumed) ? html`<${BookingForm} stay=${stay} data=${data} attemptKey=${attemptKey} resumed=${resumed} />` : null}
    </section>`;
}

function Summary({ stay, data }) {
    const { unit, est, avail, offer } = data;
    const when = stayTexts(avail, est, isDateTime(stay.checkIn));
    const img = unit.images && unit.images[0];
    return html`<aside class="book-summary" aria-labelledby="summary-heading">
        <h2 id="summary-heading">${unit.name}</h2>
        ${img ? html`<img class="book-photo" src=${img.thumbnails.large} alt="" width="600" height="400"
            srcset=${`${img.thumbnails.medium} 300w, ${img.thumbnails.large} 600w`} sizes="(min-width: 50rem) 20rem, calc(100vw - 2rem)" />` : null}
        <p class="muted">${t(`type.${unit.type}`)} · ${est.name}, ${est.location.city}</p>
        <dl class="facts">
            <div><dt>${t('confirm.arrival')}</dt><dd>${when.from}</dd></div>
            <div><dt>${t('confirm.departure')}</dt><dd>${when.to}</dd></div>
            <div><dt>${t('confirm.guests')}</dt><dd>${avail.guests}</dd></div>
        </dl>
        ${offer ? html`<${Price} pricing=${offer.pricing} currency=${avail.currency} />
            <p class="muted">${t('book.priceNote')}</p>` : null}
        <p><a href=${resultsHref(stay)}>${t('book.changeStay')}</a></p>
    </aside>`;
}

function BookingForm({ stay, data, attemptKey, resumed }) {
    const accommodationId = data.unit.id;
    const [form, setForm] = useState(loadForm);
    const { submit, busy, error, errors } = useSubmit(async (key) => {
        const r = await publicApi.post('/public/bookings', compact({
            establishmentId: stay.establishmentId,
            accommodationId,
            checkIn: stay.checkIn,
            checkOut: stay.checkOut,
            numberOfGuests: Number(stay.guests),
            clientInfo: compact({ firstName: form.firstName, lastName: form.lastName, phone: form.phone, email: form.email }),
            arrivalTime: form.arrivalTime,
            specialRequests: form.specialRequests,
            language: getLang(),
        }), { idempotencyKey: key });
        const contact = form.email.trim() ? { email: form.email.trim() } : { phone: form.phone.trim() };
        const code = r.data.bookingCode;
        try {
            window.sessionStorage.setItem(confirmationStore(code), JSON.stringify({ booking: r.data, contact }));
        } catch (e) { /* the confirmation page then offers to track the booking */ }
        saveForm(null);
        navigate(withQuery('/confirmation', { code }), { replace: true });
        return r;
    }, { keyed: true, keyStorage: attemptKey, aliases: ALIASES });
    const wait = useWait(error);

    useEffect(() => {
        if (error && error.code === 'NOT_AVAILABLE') navigate(resultsHref(stay, { taken: accommodationId }));
    }, [error]);

    function set(name, value) {
        setForm((f) => {
            const next = { ...f, [name]: value };
            saveForm(next);
            return next;
        });
    }
    const field = (name, extra = {}) => ({
        name, value: form[name], error: errors[name], label: t(`book.${name}`),
        onInput: (e) => set(name, e.currentTarget.value), ...extra,
    });
    const stayErrors = error && error.details ? error.details.filter((d) => STAY_DETAILS.includes(d.field)) : [];
    return html`<div class="book-layout">
        <${Summary} stay=${stay} data=${data} />
        <form class="book-form" onSubmit=${submit} noValidate aria-labelledby="form-heading">
            <h2 id="form-heading">${t('book.yourDetails')}</h2>
            ${resumed && !error ? html`<p class="alert alert-info">${t('book.resume')}</p>` : null}
            <div class="two-columns">
                <${Field} ...${field('firstName', { required: true, autocomplete: 'given-name', maxLength: 50 })} />
                <${Field} ...${field('lastName', { required: true, autocomplete: 'family-name', maxLength: 50 })} />
            </div>
            <${Field} ...${field('phone', { type: 'tel', required: true, autocomplete: 'tel', hint: t('book.phoneHint') })} />
            <${Field} ...${field('email', { type: 'email', autocomplete: 'email', hint: t('book.emailHint') })} />
            <${Field} ...${field('arrivalTime', { type: 'time', hint: t('book.arrivalTimeHint') })} />
            <${Field} ...${field('specialRequests', { as: 'textarea', rows: 3, maxLength: 1000 })} />
            ${error && error.status === 429 ? html`<${WaitMessage} error=${error} left=${wait} />`
                : error && error.code !== 'NOT_AVAILABLE' ? html`<${FormError} error=${error} />` : null}
            ${stayErrors.length ? html`<ul class="stay-errors">${stayErrors.map((d) => html`<li>${t(`book.field.${d.field}`)} ${detailText(d)}${' '}<a href=${resultsHref(stay)}>${t('book.changeStay')}</a></li>`)}</ul>` : null}
            <button type="submit" class="button button-primary" disabled=${busy || wait > 0} aria-disabled=${busy ? 'true' : undefined}>
                ${busy ? t('book.sending') : t('book.submit')}</button>
            <p class="muted">${t('book.pendingNote')}</p>
        </form>
    </div>`;
}
