// web/admin/clients/detail.js: one client (/admin/clients/<id>) with stays, spend and bookings, its edit form; and the new-client page (/admin/clients/new).
import { html, useEffect, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { money } from '../../lib/format.js';
import { FormError } from '../../lib/forms.js';
import { navigate, withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { Loading, Message, useTitle } from '../../lib/ui.js';
import { Item, Pages, PersonItems, StatusBadge, personName, stayText, useEstablishment, useRowsPage, when } from '../bookings/parts.js';
import { ClientForm } from './form.js';

/* The new-client page: the form, then the new client's page. */
export function NewClientPage({ query, user }) {
    useTitle(t('clients.new'));
    const scope = useEstablishment(user, query.get('establishmentId') || '');
    if (scope.error) return html`<section class="page"><${FormError} error=${scope.error} /></section>`;
    if (scope.loading) return html`<${Loading} />`;
    return html`<section class="page">
        <p class="crumbs"><a href="/admin/clients">${t('nav.clients')}</a></p>
        <h1>${t('clients.new')}</h1>
        <${ClientForm} establishments=${scope.establishments} establishmentId=${scope.est ? scope.est.id : ''}
            onSaved=${(c) => navigate(`/admin/clients/${c.id}?created=1`)} />
    </section>`;
}

/* A client: details, figures (stays, spend, outstanding balance), bookings page by page, edit form.
   A client of another establishment answers 404 and shows as not found. */
export function ClientPage({ params, query, user }) {
    const [state, setState] = useState({ loading: true });
    const [editing, setEditing] = useState(false);
    const [notice, setNotice] = useState(query.get('created') ? t('client.created') : null);
    useTitle(state.client ? personName(state.client.personalInfo) : t('nav.clients'));
    useEffect(() => {
        let live = true;
        (async () => {
            const client = (await api.get(`/clients/${params.id}`)).data;
            const est = (await api.get(`/establishments/${client.establishmentId}`)).data;
            return { client, est };
        })().then((v) => live && setState(v), (error) => live && setState({ error }));
        return () => { live = false; };
    }, [params.id]);
    if (state.error) {
        return html`<section class="page"><h1>${t('nav.clients')}</h1><${FormError} error=${state.error} />
            <p><a href="/admin/clients">${t('client.backToList')}</a></p></section>`;
    }
    if (!state.client) return html`<${Loading} />`;
    const { client: c, est } = state;
    const p = c.personalInfo;
    const cur = est.currency;
    function saved(updated) {
        setState((s) => ({ ...s, client: updated }));
        setEditing(false);
        setNotice(t('client.saved'));
    }
    return html`<section class="page client" data-client-id=${c.id}>
        <p class="crumbs"><a href="/admin/clients">${t('nav.clients')}</a></p>
        <div class="page-head">
            <h1 class="client-name">${personName(p)}</h1>
            <span class="status">${t(`client.classification.${c.classification}`)}</span>
        </div>
        ${notice ? html`<${Message} kind="success">${notice}</${Message}>` : null}
        <div class="actions">
            <button type="button" class="button" data-action="edit-client" aria-expanded=${editing ? 'true' : 'false'}
                onClick=${() => setEditing(!editing)}>${t('client.edit')}</button>
            <a class="button" href=${withQuery('/admin/bookings/new', user.establishmentId ? {} : { establishmentId: c.establishmentId })}>${t('bookings.new')}</a>
        </div>
        ${editing ? html`<${ClientForm} client=${c} onSaved=${saved} onCancel=${() => setEditing(false)} />` : null}
        <ul class="counters">
            <li class="counter"><div><span class="counter-value" data-count="client.totalStays">${c.totalStays}</span>
                <span class="counter-label">${t('client.totalStays')}</span></div></li>
            <li class="counter"><div><span class="counter-value" data-count="client.totalSpent">${money(c.totalSpent, cur)}</span>
                <span class="counter-label">${t('client.totalSpent')}</span></div></li>
            <li class="counter"><div><span class="counter-value" data-count="client.outstandingBalance">${money(c.outstandingBalance, cur)}</span>
                <span class="counter-label">${t('client.outstandingBalance')}</span></div></li>
        </ul>
        <div class="cards">
            <section class="card" aria-labelledby="c-details"><h2 id="c-details">${t('client.identity')}</h2><dl class="items">
                <${PersonItems} info=${p} />
                <${Item} label=${t('client.companyName')} value=${c.companyName} />
            </dl></section>
            <section class="card" aria-labelledby="c-relation"><h2 id="c-relation">${t('client.relation')}</h2><dl class="items">
                <${Item} label=${t('client.lastStayAt')} value=${when(c.lastStayAt, est.utcOffset)} />
                <${Item} label=${t('client.preferredLanguage')} value=${c.preferredLanguage ? t(`lang.${c.preferredLanguage}`) : ''} />
                <${Item} label=${t('client.preferences')} value=${c.preferences.join(', ')} />
                <${Item} label=${t('client.marketingOptIn')} value=${t(c.marketingOptIn ? 'client.yes' : 'client.no')} />
                <${Item} label=${t('client.notes')} value=${c.notes} />
                <${Item} label=${t('client.createdAt')} value=${when(c.createdAt, est.utcOffset)} />
            </dl></section>
        </div>
        <${ClientBookings} client=${c} est=${est} query=${query} />
    </section>`;
}

/* The client's bookings (GET /api/clients/{id}/bookings, newest stay first), page in the address. */
function ClientBookings({ client, est, query }) {
    const page = query.get('page') || '1';
    const state = useRowsPage(`/clients/${client.id}/bookings`, { page, limit: 10 }, `${client.id}/${page}`);
    let body;
    if (state.error) body = html`<${FormError} error=${state.error} />`;
    else if (!state.rows) body = html`<${Loading} />`;
    else if (!state.rows.length) body = html`<p class="muted">${t('client.noBookings')}</p>`;
    else {
        body = html`<ul class="desk-rows">${state.rows.map((b) => html`<li key=${b.id} class="desk-row" data-booking-code=${b.bookingCode} data-booking-status=${b.status}>
            <div class="desk-row-main">
                <a class="desk-row-code" href=${`/admin/bookings/${b.id}`}>${b.bookingCode}</a>
                <span>${b.accommodation.name}</span>
                <${StatusBadge} status=${b.status} />
            </div>
            <p class="desk-row-meta">${stayText(b, est.utcOffset)} · ${money(b.pricing.total, b.pricing.currency)}</p>
        </li>`)}</ul>
        <${Pages} path=${`/admin/clients/${client.id}`} query=${query} pagination=${state.pagination} label=${t('client.bookingPages')} />`;
    }
    return html`<section class="client-bookings" aria-labelledby="c-bookings">
        <h2 id="c-bookings">${t('client.bookings')}${state.pagination ? html` <span class="muted">(${state.pagination.total})</span>` : null}</h2>
        ${body}
    </section>`;
}
