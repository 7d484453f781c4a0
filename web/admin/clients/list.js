// web/admin/clients/list.js: the client list (/admin/clients): search, classification and sort in the address, pages from the API, a link to each client.
import { html, useEffect, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { dateText, localDate, money } from '../../lib/format.js';
import { Field, FormError, fieldErrors } from '../../lib/forms.js';
import { navigate, withQuery } from '../../lib/router.js';
import { Loading, useTitle } from '../../lib/ui.js';
import { Pages, personName, useEstablishment, useRowsPage } from '../bookings/parts.js';
import { CLASSIFICATIONS } from './form.js';

const PATH = '/admin/clients';
const FILTERS = ['q', 'classification', 'sort', 'establishmentId'];
const SORTS = ['-createdAt', 'lastName', '-totalStays', '-totalSpent', '-lastStayAt'];

/* The client list: the search form (kept in the address), then the page of clients. */
export function ClientListPage({ query, user }) {
    useTitle(t('nav.clients'));
    const asked = {};
    for (const p of [...FILTERS, 'page', 'limit']) if (query.get(p)) asked[p] = query.get(p);
    const key = withQuery(PATH, asked);
    const [form, setForm] = useState({});
    const state = useRowsPage('/clients', asked, key);
    const scope = useEstablishment(user, '', { optional: true });
    useEffect(() => setForm(Object.fromEntries(FILTERS.map((f) => [f, query.get(f) || '']))), [key]);
    const set = (name) => (e) => setForm((f) => ({ ...f, [name]: e.currentTarget.value }));
    function submit(ev) {
        ev.preventDefault();
        navigate(withQuery(PATH, { ...form, q: (form.q || '').trim() }));
    }
    const errors = state.error ? fieldErrors(state.error) : {};
    const ests = Object.fromEntries((scope.establishments || (scope.est ? [scope.est] : [])).map((e) => [e.id, e]));
    const estOf = (c) => ests[c.establishmentId] || { currency: 'BIF', utcOffset: '+02:00' };
    return html`<section class="page">
        <div class="page-head">
            <h1>${t('nav.clients')}</h1>
            <a class="button button-primary" href="/admin/clients/new" data-action="new-client">${t('clients.new')}</a>
        </div>
        <form class="filters" role="search" data-form="filters" aria-label=${t('clients.search')} onSubmit=${submit} noValidate>
            <div class="filters-row">
                <${Field} type="search" name="q" label=${t('clients.q')} hint=${t('clients.qHint')} value=${form.q} maxlength="100"
                    error=${errors.q} onInput=${set('q')} />
                <${Field} as="select" name="classification" label=${t('client.classification')} value=${form.classification}
                    error=${errors.classification} onChange=${set('classification')}>
                    <option value="">${t('clients.any')}</option>
                    ${CLASSIFICATIONS.map((c) => html`<option value=${c}>${t(`client.classification.${c}`)}</option>`)}
                </${Field}>
                <${Field} as="select" name="sort" label=${t('bookings.sort')} value=${form.sort || '-createdAt'} error=${errors.sort} onChange=${set('sort')}>
                    ${SORTS.map((s) => html`<option value=${s}>${t(`clients.sort.${s}`)}</option>`)}
                </${Field}>
                ${scope.establishments ? html`<${Field} as="select" name="establishmentId" label=${t('desk.establishment')}
                    value=${form.establishmentId} error=${errors.establishmentId} onChange=${set('establishmentId')}>
                    <option value="">${t('desk.allEstablishments')}</option>
                    ${scope.establishments.map((e) => html`<option value=${e.id}>${e.name}</option>`)}
                </${Field}>` : null}
            </div>
            <div class="form-actions">
                <button type="submit" class="button button-primary">${t('clients.searchSubmit')}</button>
                <a class="button" href=${PATH}>${t('bookings.reset')}</a>
            </div>
        </form>
        ${state.error ? html`<${FormError} error=${state.error} />` : !state.rows ? html`<${Loading} />` : !state.rows.length
            ? html`<p class="empty" role="status">${t('clients.none')}</p>` : html`<div class="results">
            <p class="muted" role="status">${t('clients.count', { n: state.pagination.total })}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label=${t('nav.clients')}>
                <table class="table">
                    <thead><tr>
                        <th scope="col">${t('client.name')}</th><th scope="col">${t('client.email')}</th><th scope="col">${t('client.phone')}</th>
                        <th scope="col">${t('client.classification')}</th><th scope="col" class="num">${t('client.totalStays')}</th>
                        <th scope="col" class="num">${t('client.totalSpent')}</th><th scope="col">${t('client.lastStayAt')}</th>
                    </tr></thead>
                    <tbody>${state.rows.map((c) => html`<tr key=${c.id} data-client-id=${c.id}>
                        <th scope="row"><a href=${`/admin/clients/${c.id}`}>${personName(c.personalInfo)}</a></th>
                        <td>${c.personalInfo.email || ''}</td><td>${c.personalInfo.phone || ''}</td>
                        <td>${t(`client.classification.${c.classification}`)}</td>
                        <td class="num">${c.totalStays}</td>
                        <td class="num">${money(c.totalSpent, estOf(c).currency)}</td>
                        <td>${c.lastStayAt ? dateText(localDate(c.lastStayAt, estOf(c).utcOffset)) : ''}</td>
                    </tr>`)}</tbody>
                </table>
            </div>
            <${Pages} path=${PATH} query=${query} pagination=${state.pagination} label=${t('clients.pages')} />
        </div>`}
    </section>`;
}
