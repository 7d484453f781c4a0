// web/admin/establishments/list.js: the establishment list (/admin/establishments): all of them with filters for a super admin, their own for the others.
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { useTitle } from '../../lib/ui.js';
import { FilterBar, LoadState, Pager, useListPage } from '../widgets.js';

const FILTERS = ['q', 'city', 'isActive', 'sort'];

/* The list: one row per establishment, its name linking to /admin/establishments/<id>. */
export function EstablishmentListPage({ query, user }) {
    useTitle(t('nav.establishments'));
    const sa = user.role === 'super_admin';
    const state = useListPage('/establishments', query, FILTERS);
    const rows = state.value ? state.value.data : [];
    const fields = [
        { name: 'q', label: t('establishments.search'), type: 'search' },
        { name: 'city', label: t('establishment.city') },
        { name: 'isActive', label: t('establishment.active'), type: 'select', options: [['true', t('widgets.yes')], ['false', t('widgets.no')]] },
        { name: 'sort', label: t('establishments.sort'), type: 'select', blank: t('widgets.default'), options: [['name', t('establishments.sort.name')], ['-createdAt', t('establishments.sort.-createdAt')]] },
    ];
    return html`<section class="page">
        <div class="page-head">
            <h1>${t('nav.establishments')}</h1>
            ${sa ? html`<a class="button button-primary" href="/admin/establishments/new">${t('establishments.new')}</a>` : null}
        </div>
        ${sa ? html`<${FilterBar} path="/admin/establishments" query=${query} fields=${fields} />` : null}
        <${LoadState} state=${state} />
        ${state.value && rows.length === 0 ? html`<p class="empty">${t('establishments.none')}</p>` : null}
        ${rows.length ? html`<div class="table-wrap"><table class="list">
            <thead><tr>
                <th scope="col">${t('establishment.name')}</th>
                <th scope="col">${t('establishment.city')}</th>
                <th scope="col" class="num">${t('establishment.accommodationCount')}</th>
                <th scope="col">${t('establishment.currency')}</th>
                <th scope="col">${t('establishment.active')}</th>
            </tr></thead>
            <tbody>${rows.map((e) => html`<tr data-establishment-id=${e.id}>
                <td><a href=${`/admin/establishments/${e.id}`}>${e.name}</a></td>
                <td>${e.location.city}</td>
                <td class="num">${e.accommodationCount}</td>
                <td>${e.currency}</td>
                <td><span class=${e.isActive ? 'badge badge-available' : 'badge badge-out_of_service'}>${e.isActive ? t('establishment.isActive') : t('establishment.isInactive')}</span></td>
            </tr>`)}</tbody>
        </table></div>` : null}
        <${Pager} path="/admin/establishments" query=${query} pagination=${state.value && state.value.pagination} />
    </section>`;
}
