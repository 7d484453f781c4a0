// web/admin/accommodations/list.js: the accommodation list (/admin/accommodations): the API's filters in the address, pages of 20, a link to each unit.
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { money } from '../../lib/format.js';
import { useTitle } from '../../lib/ui.js';
import {
    FilterBar, LoadState, Pager, establishmentOptions, useEstablishments, useListPage,
} from '../widgets.js';

export const TYPES = ['standard_room', 'suite', 'house', 'apartment'];
export const MODES = ['nightly', 'hourly', 'monthly'];
export const STATUSES = ['available', 'out_of_service'];
export const HOUSEKEEPING = ['clean', 'dirty', 'inspected'];
const SORTS = ['name', 'basePrice', '-basePrice', '-createdAt'];
const FILTERS = ['q', 'type', 'pricingMode', 'status', 'housekeepingStatus', 'minGuests', 'establishmentId', 'sort'];

/* The filters of the list (SPEC 7.5), for the FilterBar; establishmentId for a super admin only. */
function filterFields(ests) {
    const fields = [
        { name: 'q', label: t('accommodations.search'), type: 'search' },
        { name: 'type', label: t('accommodation.type'), type: 'select', options: TYPES.map((v) => [v, t(`type.${v}`)]) },
        { name: 'pricingMode', label: t('accommodation.pricingMode'), type: 'select', options: MODES.map((v) => [v, t(`accommodation.mode.${v}`)]) },
        { name: 'status', label: t('accommodation.status'), type: 'select', options: STATUSES.map((v) => [v, t(`accommodation.status.${v}`)]) },
        { name: 'housekeepingStatus', label: t('accommodation.housekeepingStatus'), type: 'select', options: HOUSEKEEPING.map((v) => [v, t(`housekeeping.status.${v}`)]) },
        { name: 'minGuests', label: t('accommodations.minGuests'), type: 'number' },
    ];
    if (ests) fields.push({ name: 'establishmentId', label: t('accommodation.establishment'), type: 'select', options: establishmentOptions(ests) });
    fields.push({ name: 'sort', label: t('accommodations.sort'), type: 'select', blank: t('widgets.default'), options: SORTS.map((v) => [v, t(`accommodations.sort.${v}`)]) });
    return fields;
}

/* The list: one row per unit with its name linking to /admin/accommodations/<id> (data-accommodation-id). */
export function AccommodationListPage({ query, user }) {
    useTitle(t('nav.accommodations'));
    const ests = useEstablishments(user);
    const state = useListPage('/accommodations', query, FILTERS);
    const estName = (id) => ((ests.value || []).find((e) => e.id === id) || {}).name || '';
    const canCreate = user.role !== 'staff';
    const rows = state.value ? state.value.data : [];
    return html`<section class="page">
        <div class="page-head">
            <h1>${t('nav.accommodations')}</h1>
            ${canCreate ? html`<a class="button button-primary" href="/admin/accommodations/new">${t('accommodations.new')}</a>` : null}
        </div>
        <${FilterBar} path="/admin/accommodations" query=${query} fields=${filterFields(ests.value)} />
        <${LoadState} state=${state} />
        ${state.value && rows.length === 0 ? html`<p class="empty">${t('accommodations.none')}</p>` : null}
        ${rows.length ? html`<div class="table-wrap"><table class="list">
            <thead><tr>
                <th scope="col">${t('accommodation.name')}</th>
                ${ests.value ? html`<th scope="col">${t('accommodation.establishment')}</th>` : null}
                <th scope="col">${t('accommodation.type')}</th>
                <th scope="col">${t('accommodation.pricingMode')}</th>
                <th scope="col" class="num">${t('accommodation.basePrice')}</th>
                <th scope="col" class="num">${t('accommodation.maxGuests')}</th>
                <th scope="col">${t('accommodation.status')}</th>
                <th scope="col">${t('accommodation.housekeepingStatus')}</th>
            </tr></thead>
            <tbody>${rows.map((a) => html`<tr data-accommodation-id=${a.id}>
                <td><a href=${`/admin/accommodations/${a.id}`}>${a.name}</a></td>
                ${ests.value ? html`<td>${estName(a.establishmentId)}</td>` : null}
                <td>${t(`type.${a.type}`)}</td>
                <td>${t(`accommodation.mode.${a.pricingMode}`)}</td>
                <td class="num">${money(a.pricing.basePrice, a.pricing.currency)}</td>
                <td class="num">${a.capacity.maxGuests}</td>
                <td><span class=${`badge badge-${a.status}`}>${t(`accommodation.status.${a.status}`)}</span></td>
                <td><span class=${`badge badge-${a.housekeepingStatus}`}>${t(`housekeeping.status.${a.housekeepingStatus}`)}</span></td>
            </tr>`)}</tbody>
        </table></div>` : null}
        <${Pager} path="/admin/accommodations" query=${query} pagination=${state.value && state.value.pagination} />
    </section>`;
}
