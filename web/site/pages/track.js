// web/site/pages/track.js: track a booking (/track, ?code= accepted): code plus email or phone -> GET /api/public/bookings/by-code.
import { html, useState } from '../../lib/html.js';
import { publicApi } from '../../lib/api.js';
import { getLang, t } from '../../lib/i18n.js';
import { Field, FormError, useSubmit } from '../../lib/forms.js';
import { useTitle } from '../../lib/ui.js';
import { BookingCard } from '../booking-card.js';
import { useWait, WaitMessage } from '../wait.js';

/* The contact the lookup sends (the API takes exactly one): the email if the guest typed one, else the phone. */
function contactOf(form) {
    const email = form.email.trim();
    return email ? { email } : { phone: form.phone.trim() };
}

/* The track page: the form, then the booking found. An unknown code and a wrong contact get the same
   answer from the API (404) and the same message here. */
export function TrackPage({ query }) {
    useTitle(t('track.title'));
    const [form, setForm] = useState({ code: query.get('code') || '', email: '', phone: '' });
    const [found, setFound] = useState(null);
    const { submit, busy, error, errors } = useSubmit(async () => {
        setFound(null);
        const contact = contactOf(form);
        const r = await publicApi.get('/public/bookings/by-code', { code: form.code.trim(), ...contact });
        setFound({ booking: r.data, contact });
        return r;
    });
    const set = (name) => (e) => {
        const value = e.currentTarget.value;
        setForm((f) => ({ ...f, [name]: value }));
    };
    const wait = useWait(error);
    const noContact = error && error.details && error.details.some((d) => d.field === 'email' || d.field === 'phone')
        && !form.email.trim() && !form.phone.trim();
    return html`<section class="page narrow">
        <h1>${t('track.title')}</h1>
        <p class="lead">${t('track.lead')}</p>
        <form class="track-form" onSubmit=${submit} noValidate>
            <${Field} name="code" label=${t('track.code')} required value=${form.code} error=${errors.code}
                autocapitalize="characters" autocomplete="off" spellcheck="false" hint=${t('track.codeHint')} onInput=${set('code')} />
            <${Field} name="email" type="email" label=${t('track.email')} value=${form.email} autocomplete="email"
                error=${noContact ? t('track.contactNeeded') : errors.email} onInput=${set('email')} />
            <${Field} name="phone" type="tel" label=${t('track.phone')} value=${form.phone} autocomplete="tel"
                hint=${t('track.phoneHint')} error=${noContact ? null : errors.phone} onInput=${set('phone')} />
            ${error && error.status === 429 ? html`<${WaitMessage} error=${error} left=${wait} />`
                : error && error.code === 'NOT_FOUND' ? html`<div class="alert alert-error" role="alert" data-error-code="NOT_FOUND">${t('track.notFound')}</div>`
                : html`<${FormError} error=${error} />`}
            <button type="submit" class="button button-primary" disabled=${busy || wait > 0}>${busy ? t('track.searching') : t('track.submit')}</button>
        </form>
        ${found ? html`<section class="track-result" aria-label=${t('track.result')}>
            <${BookingCard} booking=${found.booking} contact=${found.contact} lang=${getLang()} /></section>` : null}
    </section>`;
}
