// web/site/pages/confirmation.js: the booking confirmation (/confirmation?code=…): the booking just made, as the server answered it.
import { html } from '../../lib/html.js';
import { getLang, t } from '../../lib/i18n.js';
import { withQuery } from '../../lib/router.js';
import { Message, useTitle } from '../../lib/ui.js';
import { BookingCard, confirmationStore } from '../booking-card.js';

/* The PublicBooking of `code` that the booking form kept in sessionStorage (this tab), or null. */
function stored(code) {
    try {
        const v = JSON.parse(window.sessionStorage.getItem(confirmationStore(code)) || 'null');
        return v && v.booking && v.booking.bookingCode === code ? v : null;
    } catch (e) {
        return null;
    }
}

/* The confirmation page; without the booking in this tab (another tab, a shared address) it sends the
   guest to the track page, which asks for the contact given with the booking. */
export function ConfirmationPage({ query }) {
    useTitle(t('confirm.title'));
    const code = query.get('code') || '';
    const kept = code ? stored(code) : null;
    const track = withQuery('/track', { code });
    if (!kept) {
        return html`<section class="page narrow"><h1>${t('confirm.title')}</h1>
            <${Message}>${t('confirm.notHere')} <a href=${track}>${t('confirm.trackIt')}</a></${Message}></section>`;
    }
    return html`<section class="page narrow">
        <h1>${t('confirm.title')}</h1>
        <div class="alert alert-success" role="status">${t(kept.booking.status === 'pending' ? 'confirm.receivedPending' : 'confirm.received')}</div>
        <${BookingCard} booking=${kept.booking} contact=${kept.contact} lang=${getLang()} />
        <p>${t('confirm.keepCode')} <a href=${track}>${t('confirm.trackLater')}</a></p>
        <p><a href="/">${t('confirm.another')}</a></p>
    </section>`;
}
