// web/admin/bookings/desk-form.js: the booking form of the unit chosen at the desk: pick an existing client or type a new one, then POST /api/bookings with one Idempotency-Key per attempt.
import { html, useEffect, useRef, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { money } from '../../lib/format.js';
import { Field, FormError, compact, useSubmit } from '../../lib/forms.js';
import { navigate } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { Loading } from '../../lib/ui.js';
import { GUEST_FIELDS as GUEST, GuestFields, nowMinute, personName } from './parts.js';

const DRAFT_KEY = 'rz.deskDraft'; // sessionStorage: what was typed, to survive a lost session (login and back)
const DRAFT_LIFE_MS = 3600000;

/* The draft kept for this user and this search, if it is recent; else null. */
function storedDraft(userId, search) {
    try {
        const d = JSON.parse(window.sessionStorage.getItem(DRAFT_KEY) || 'null');
        return d && d.userId === userId && d.search === search && Date.now() - d.at < DRAFT_LIFE_MS ? d : null;
    } catch (e) {
        return null;
    }
}

/* Keeps (or, with null, forgets) the form's contents in this tab, for the same user only. */
function storeDraft(userId, search, value) {
    try {
        if (value) window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ userId, search, at: Date.now(), ...value }));
        else window.sessionStorage.removeItem(DRAFT_KEY);
    } catch (e) {
        /* storage disabled: the draft lives as long as the page */
    }
}

const STATUSES = ['confirmed', 'accepted', 'pending']; // initialStatus of a desk booking (SPEC 5.1), default first

/* The client search (its own form, data-form="client-search"): GET /api/clients?q=…; each match is a
   row with data-client-id and a data-action="pick-client" button that calls onPick(client). */
function ClientSearch({ est, user, onPick }) {
    const [q, setQ] = useState('');
    const [found, setFound] = useState(null);
    async function search(ev) {
        ev.preventDefault();
        if (!q.trim()) return;
        setFound({ loading: true });
        try {
            const scope = user.establishmentId ? {} : { establishmentId: est.id };
            const r = await api.get('/clients', { q: q.trim(), limit: 10, sort: 'lastName', ...scope });
            setFound({ rows: r.data, total: r.pagination.total });
        } catch (error) {
            setFound({ error });
        }
    }
    return html`<form class="client-search" data-form="client-search" role="search" aria-label=${t('desk.findClient')} onSubmit=${search} noValidate>
        <div class="inline-form">
            <${Field} type="search" name="q" label=${t('desk.findClient')} hint=${t('desk.findClientHint')} value=${q} maxlength="100"
                onInput=${(e) => setQ(e.currentTarget.value)} />
            <button type="submit" class="button">${t('desk.findClientSubmit')}</button>
        </div>
        ${found && found.loading ? html`<${Loading} />` : null}
        ${found && found.error ? html`<${FormError} error=${found.error} />` : null}
        ${found && found.rows ? (found.rows.length ? html`<ul class="client-matches" aria-live="polite">
            ${found.rows.map((c) => html`<li key=${c.id} data-client-id=${c.id}>
                <span><strong>${personName(c.personalInfo)}</strong>
                    <span class="muted"> · ${[c.personalInfo.email, c.personalInfo.phone].filter(Boolean).join(' · ')} · ${t('client.stays', { n: c.totalStays })}</span></span>
                <button type="button" class="button" data-action="pick-client" onClick=${() => { onPick(c); setFound(null); }}>${t('desk.pickClient')}</button>
            </li>`)}</ul>` : html`<p class="muted" role="status">${t('desk.noClient')}</p>`) : null}
    </form>`;
}

/* The booking form for `offer` (a PublicAccommodation and its PricingQuote) over `stay` ({checkIn,
   checkOut} as searched). A picked client fills the guest fields (the API links the booking to the
   client with that email, else phone: SPEC 6.7); typed details of someone new create a client. On
   409 NOT_AVAILABLE the form stays filled and onTaken() searches again; `draft` (a ref) keeps what was
   typed when another unit is chosen, and the tab's sessionStorage keeps it for the same user and search
   (`searchKey`) when the session is lost and the user logs in again. */
export function DeskForm({ offer, stay, search, searchKey, est, user, draft, onTaken }) {
    const walkin = search.bookingType === 'walkin';
    if (!draft.current) draft.current = storedDraft(user.id, searchKey);
    const [client, setClient] = useState(() => (draft.current ? draft.current.client : null));
    const [form, setForm] = useState(() => (draft.current ? draft.current.form : {
        ...Object.fromEntries(GUEST.map((f) => [f, ''])),
        numberOfGuests: search.guests, initialStatus: 'confirmed', arrivalTime: '', specialRequests: '', notes: '',
        language: est.defaultLanguage || 'fr',
    }));
    useEffect(() => {
        draft.current = { form, client };
        storeDraft(user.id, searchKey, draft.current);
    }, [form, client]);
    const walkinEnd = useRef({ key: null, checkOut: null }); // a walk-in's end is fixed per attempt (its key)
    const aliases = Object.fromEntries(GUEST.map((f) => [`clientInfo.${f}`, f]));
    const { submit, busy, error, errors } = useSubmit(async (key) => {
        let checkOut = stay.checkOut;
        if (walkin && search.mode === 'hours') {
            if (walkinEnd.current.key !== key) walkinEnd.current = { key, checkOut: nowMinute(Number(search.hours) * 60) };
            checkOut = walkinEnd.current.checkOut;
        }
        const guests = Number(form.numberOfGuests);
        const info = compact(Object.fromEntries(GUEST.map((f) => [f, form[f].trim()])));
        if (info.nationality) info.nationality = info.nationality.toUpperCase();
        const body = compact({
            accommodationId: offer.accommodation.id,
            bookingType: walkin ? 'walkin' : 'onsite',
            initialStatus: walkin ? '' : form.initialStatus,
            checkIn: walkin ? '' : stay.checkIn,
            checkOut,
            numberOfGuests: Number.isInteger(guests) && form.numberOfGuests.trim() !== '' ? guests : form.numberOfGuests,
            clientInfo: info,
            arrivalTime: walkin ? '' : form.arrivalTime,
            specialRequests: form.specialRequests.trim(),
            notes: form.notes.trim(),
            language: form.language,
        });
        const r = await api.post('/bookings', body, { idempotencyKey: key });
        storeDraft(user.id, searchKey, null);
        navigate(`/admin/bookings/${r.data.id}?created=1`);
    }, { keyed: true, aliases });
    const set = (name) => (e) => setForm((f) => ({ ...f, [name]: e.currentTarget.value }));
    function pick(c) {
        const p = c.personalInfo;
        setClient(c);
        setForm((f) => ({ ...f, ...Object.fromEntries(GUEST.map((k) => [k, p[k] || ''])), language: c.preferredLanguage || f.language }));
    }
    function unpick() {
        setClient(null);
        setForm((f) => ({ ...f, ...Object.fromEntries(GUEST.map((k) => [k, ''])) }));
    }
    const a = offer.accommodation;
    return html`<section class="desk-booking" aria-labelledby="desk-booking-title">
        <h2 id="desk-booking-title">${t(walkin ? 'desk.bookWalkin' : 'desk.bookUnit', { unit: a.name })}</h2>
        <p class="lead">${money(offer.pricing.total, offer.pricing.currency)}</p>
        <${ClientSearch} est=${est} user=${user} onPick=${pick} />
        <form class="desk-form" data-form="booking" onSubmit=${submit} noValidate>
            <${FormError} error=${error} />
            ${error && error.code === 'NOT_AVAILABLE' ? html`<p><button type="button" class="button" data-action="search-again" onClick=${onTaken}>${t('desk.searchAgain')}</button></p>` : null}
            <fieldset>
                <legend>${t('booking.guest')}</legend>
                ${client ? html`<p class="picked" data-client-id=${client.id}>${t('desk.picked', { name: personName(client.personalInfo) })}
                    <button type="button" class="link-button" data-action="unpick-client" onClick=${unpick}>${t('desk.unpick')}</button></p>`
                    : html`<p class="field-hint">${t('desk.newClientHint')}</p>`}
                <${GuestFields} form=${form} errors=${errors} set=${set} />
            </fieldset>
            <fieldset>
                <legend>${t('booking.stay')}</legend>
                <div class="form-grid">
                    <${Field} type="number" name="numberOfGuests" label=${t('booking.numberOfGuests')} min="1" max=${a.capacity.maxGuests}
                        inputmode="numeric" value=${form.numberOfGuests} error=${errors.numberOfGuests} onInput=${set('numberOfGuests')} />
                    ${walkin ? null : html`<${Field} as="select" name="initialStatus" label=${t('desk.initialStatus')} value=${form.initialStatus}
                        error=${errors.initialStatus} onChange=${set('initialStatus')}>
                        ${STATUSES.map((s) => html`<option value=${s}>${t(`booking.status.${s}`)}</option>`)}
                    </${Field}>
                    <${Field} type="time" name="arrivalTime" label=${t('booking.arrivalTime')} value=${form.arrivalTime}
                        error=${errors.arrivalTime} onInput=${set('arrivalTime')} />`}
                    <${Field} as="select" name="language" label=${t('booking.language')} value=${form.language} onChange=${set('language')}>
                        <option value="fr">${t('lang.fr')}</option><option value="en">${t('lang.en')}</option>
                    </${Field}>
                </div>
                ${errors.checkIn || errors.checkOut ? html`<p class="field-error">${errors.checkIn || errors.checkOut}</p>` : null}
                <${Field} as="textarea" name="specialRequests" label=${t('booking.specialRequests')} rows="2" maxlength="1000"
                    value=${form.specialRequests} error=${errors.specialRequests} onInput=${set('specialRequests')} />
                <${Field} as="textarea" name="notes" label=${t('booking.notes')} hint=${t('booking.notesHint')} rows="2" maxlength="2000"
                    value=${form.notes} error=${errors.notes} onInput=${set('notes')} />
            </fieldset>
            <button type="submit" class="button button-primary" disabled=${busy}>${t(walkin ? 'desk.submitWalkin' : 'desk.submit')}</button>
        </form>
    </section>`;
}
