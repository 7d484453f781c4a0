// web/admin/bookings/detail.js: one booking (/admin/bookings/<id or code>): everything about it and exactly the actions and changes its status allows.
import { html, useEffect, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { money } from '../../lib/format.js';
import { ApiError } from '../../lib/api.js';
import { FormError } from '../../lib/forms.js';
import { api } from '../../lib/session.js';
import { Loading, Message, useTitle } from '../../lib/ui.js';
import { ActionBar } from './actions.js';
import { DetailsForm, StayForm } from './edit.js';
import { Item, OPEN, PersonItems, PriceLines, StatusBadge, personName, stayText, when } from './parts.js';

const ID = /^[0-9a-f]{24}$/;

/* The booking named by an id, or by its code (found through the list's search, SPEC 6.4 normalised). */
async function findBooking(ref) {
    if (ID.test(ref)) return (await api.get(`/bookings/${ref}`)).data;
    const code = ref.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
    if (/^RZ[0-9A-HJKMNP-TV-Z]{8}$/.test(code)) {
        const want = `RZ-${code.slice(2, 6)}-${code.slice(6)}`;
        const found = (await api.get('/bookings', { q: want, limit: 5 })).data.find((b) => b.bookingCode === want);
        if (found) return found;
    }
    throw new ApiError({ status: 404, code: 'NOT_FOUND' });
}

/* The names of the users who changed the booking, for its history (a user the caller may not read
   keeps a generic label). */
function useNames(ids, user) {
    const [names, setNames] = useState({});
    const key = ids.join(',');
    useEffect(() => {
        let live = true;
        const wanted = ids.filter((id) => id !== user.id);
        const readable = user.role === 'staff' ? [] : wanted; // staff read only their own user (SPEC 3.3 note 1)
        Promise.all(readable.map((id) => api.get(`/users/${id}`).then((r) => [id, personName(r.data)], () => null)))
            .then((pairs) => live && setNames(Object.fromEntries(pairs.filter(Boolean))));
        return () => { live = false; };
    }, [key]);
    return (id) => (id === null ? t('booking.byGuestOrSystem') : id === user.id ? t('booking.byYou') : names[id] || t('booking.byStaff'));
}

/* The booking page. A booking of another establishment answers 404 and shows as not found. */
export function BookingPage({ params, query, user }) {
    const [state, setState] = useState({ loading: true });
    const [round, setRound] = useState(0);
    const [editing, setEditing] = useState(null);
    const [notice, setNotice] = useState(query.get('created') ? t('desk.created') : null);
    useTitle(state.booking ? t('booking.title', { code: state.booking.bookingCode }) : t('nav.bookings'));
    useEffect(() => {
        let live = true;
        (async () => {
            const booking = await findBooking(params.ref);
            const est = (await api.get(`/establishments/${booking.establishmentId}`)).data;
            return { booking, est };
        })().then((v) => live && setState(v), (error) => live && setState({ error }));
        return () => { live = false; };
    }, [params.ref, round]);
    const history = state.booking ? state.booking.statusHistory.map((h) => h.by) : [];
    const nameOf = useNames([...new Set(history.filter(Boolean))], user);
    if (state.error) {
        return html`<section class="page"><h1>${t('nav.bookings')}</h1><${FormError} error=${state.error} />
            <p><a href="/admin/bookings">${t('booking.backToList')}</a></p></section>`;
    }
    if (!state.booking) return html`<${Loading} />`;
    const { booking: b, est } = state;
    function acted(updated, action) {
        setState((s) => ({ ...s, booking: updated }));
        setEditing(null);
        setNotice(t(`booking.done.${action}`, { code: updated.bookingCode }));
    }
    function saved(updated, previewTotal) {
        setState((s) => ({ ...s, booking: updated }));
        setEditing(null);
        const differs = previewTotal !== null && previewTotal !== updated.pricing.total;
        setNotice(differs ? t('booking.savedOtherPrice', { total: money(updated.pricing.total, updated.pricing.currency) }) : t('booking.saved'));
    }
    const editable = OPEN.includes(b.status) || b.status === 'checked_in';
    const off = est.utcOffset;
    const ci = b.clientInfo;
    return html`<section class="page booking" data-booking-id=${b.id}>
        <p class="crumbs"><a href="/admin/bookings">${t('nav.bookings')}</a></p>
        <div class="page-head">
            <h1>${t('booking.heading')} <code data-booking-code=${b.bookingCode}>${b.bookingCode}</code></h1>
            <${StatusBadge} status=${b.status} hook=${true} />
        </div>
        <p class="lead">${personName(ci)} · ${b.accommodation.name} · ${stayText(b, off)}</p>
        ${notice ? html`<${Message} kind="success">${notice}</${Message}>` : null}
        <${ActionBar} key=${b.status} booking=${b} onDone=${acted} />
        ${editable ? html`<div class="actions edit-toggles">
            <button type="button" class="button" data-action="edit-stay" aria-expanded=${editing === 'stay' ? 'true' : 'false'}
                onClick=${() => setEditing(editing === 'stay' ? null : 'stay')}>${t('booking.editStay')}</button>
            <button type="button" class="button" data-action="edit-details" aria-expanded=${editing === 'details' ? 'true' : 'false'}
                onClick=${() => setEditing(editing === 'details' ? null : 'details')}>${t('booking.editDetails')}</button>
        </div>` : null}
        ${editing === 'stay' ? html`<${StayForm} booking=${b} est=${est} onSaved=${saved} onClose=${() => setEditing(null)} />` : null}
        ${editing === 'details' ? html`<${DetailsForm} booking=${b} onSaved=${saved} onClose=${() => setEditing(null)} />` : null}
        <div class="cards">
            <section class="card" aria-labelledby="b-stay"><h2 id="b-stay">${t('booking.stay')}</h2><dl class="items">
                <${Item} label=${t('booking.unit')} value=${`${b.accommodation.name} · ${t(`type.${b.accommodation.type}`)}`} />
                <${Item} label=${t('desk.establishment')} value=${b.establishment.name} />
                <${Item} label=${t('booking.checkIn')} value=${when(b.checkIn, off)} />
                <${Item} label=${t('booking.checkOut')} value=${when(b.checkOut, off)} />
                <${Item} label=${t('booking.length')} value=${b.pricing.mode === 'hourly' ? t('booking.hours', { n: b.pricing.hours })
                    : t('booking.nights', { n: b.nights })} />
                <${Item} label=${t('booking.numberOfGuests')} value=${String(b.numberOfGuests)} />
                <${Item} label=${t('booking.arrivalTime')} value=${b.arrivalTime} />
                <${Item} label=${t('booking.typeLabel')} value=${t(`booking.bookingType.${b.bookingType}`)} />
                <${Item} label=${t('booking.expiresAt')} value=${when(b.expiresAt, off)} />
                <${Item} label=${t('booking.checkedInAt')} value=${when(b.checkedInAt, off)} />
                <${Item} label=${t('booking.checkedOutAt')} value=${when(b.checkedOutAt, off)} />
                <${Item} label=${t('booking.cancelReasonLabel')} value=${b.cancelReason === 'expired' ? t('booking.expired') : b.cancelReason} />
                <${Item} label=${t('booking.createdAt')} value=${when(b.createdAt, off)} />
            </dl></section>
            <section class="card" aria-labelledby="b-guest"><h2 id="b-guest">${t('booking.guest')}</h2><dl class="items">
                <${Item} label=${t('client.name')}><a href=${`/admin/clients/${b.clientId}`} data-client-id=${b.clientId}>${personName(ci)}</a></${Item}>
                <${PersonItems} info=${ci} />
                <${Item} label=${t('client.companyName')} value=${ci.companyName} />
                <${Item} label=${t('booking.language')} value=${b.language ? t(`lang.${b.language}`) : ''} />
                <${Item} label=${t('booking.additionalGuests')} value=${b.additionalGuests.length
                    ? b.additionalGuests.map((g) => `${personName(g)}${g.isMinor ? ` (${t('booking.minor')})` : ''}`).join(', ') : ''} />
                <${Item} label=${t('booking.specialRequests')} value=${b.specialRequests} />
                <${Item} label=${t('booking.notes')} value=${b.notes} />
            </dl></section>
            <section class="card" aria-labelledby="b-price"><h2 id="b-price">${t('booking.price')}</h2>
                <${PriceLines} pricing=${b.pricing} />
                <dl class="items">
                    <${Item} label=${t('booking.paymentLabel')} value=${t(`booking.paymentStatus.${b.paymentStatus}`)} />
                    <${Item} label=${t('booking.invoice')} value=${b.invoice ? `${b.invoice.invoiceNumber || t('booking.draft')} · ${money(b.invoice.balance, b.pricing.currency)}` : ''} />
                </dl>
            </section>
            <section class="card" aria-labelledby="b-history"><h2 id="b-history">${t('booking.history')}</h2>
                <ol class="history">
                    ${b.statusHistory.map((h) => html`<li>
                        <${StatusBadge} status=${h.status} /> ${when(h.at, off)} · ${nameOf(h.by)}
                        ${h.reason ? html`<br /><span class="muted">${h.reason === 'expired' ? t('booking.expired') : h.reason}</span>` : null}
                    </li>`)}
                </ol>
            </section>
        </div>
    </section>`;
}
