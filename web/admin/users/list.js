// web/admin/users/list.js: the user list (/admin/users): search, role, active and (super admin) establishment filters in the address, a link to each account.
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { useTitle } from '../../lib/ui.js';
import {
    FilterBar, LoadState, Pager, establishmentOptions, useEstablishments, useListPage, whenText,
} from '../widgets.js';

export const ROLES = ['super_admin', 'manager', 'staff'];
const FILTERS = ['q', 'role', 'isActive', 'establishmentId', 'sort'];
const SORTS = ['-createdAt', 'lastName', 'email', '-lastLoginAt'];

/* The list: one row per account (data-user-id), its name linking to /admin/users/<id>. */
export function UserListPage({ query, user }) {
    useTitle(t('nav.users'));
    const ests = useEstablishments(user);
    const state = useListPage('/users', query, FILTERS);
    const rows = state.value ? state.value.data : [];
    const fields = [
        { name: 'q', label: t('users.search'), type: 'search' },
        { name: 'role', label: t('user.role'), type: 'select', options: ROLES.map((r) => [r, t(`role.${r}`)]) },
        { name: 'isActive', label: t('user.active'), type: 'select', options: [['true', t('widgets.yes')], ['false', t('widgets.no')]] },
    ];
    if (ests.value) fields.push({ name: 'establishmentId', label: t('user.establishment'), type: 'select', options: establishmentOptions(ests.value) });
    fields.push({ name: 'sort', label: t('users.sort'), type: 'select', blank: t('widgets.default'), options: SORTS.map((s) => [s, t(`users.sort.${s}`)]) });
    return html`<section class="page">
        <div class="page-head">
            <h1>${t('nav.users')}</h1>
            <a class="button button-primary" href="/admin/users/new">${t('users.new')}</a>
        </div>
        <${FilterBar} path="/admin/users" query=${query} fields=${fields} />
        <${LoadState} state=${state} />
        ${state.value && rows.length === 0 ? html`<p class="empty">${t('users.none')}</p>` : null}
        ${rows.length ? html`<div class="table-wrap"><table class="list">
            <thead><tr>
                <th scope="col">${t('user.name')}</th>
                <th scope="col">${t('user.email')}</th>
                <th scope="col">${t('user.role')}</th>
                ${ests.value ? html`<th scope="col">${t('user.establishment')}</th>` : null}
                <th scope="col">${t('user.active')}</th>
                <th scope="col">${t('user.lastLoginAt')}</th>
            </tr></thead>
            <tbody>${rows.map((u) => html`<tr data-user-id=${u.id} data-user-active=${String(u.isActive)}>
                <td><a href=${`/admin/users/${u.id}`}>${u.firstName} ${u.lastName}</a></td>
                <td>${u.email}</td>
                <td>${t(`role.${u.role}`)}</td>
                ${ests.value ? html`<td>${u.establishment ? u.establishment.name : '—'}</td>` : null}
                <td><span class=${u.isActive ? 'badge badge-available' : 'badge badge-out_of_service'}>${u.isActive ? t('user.isActive') : t('user.isInactive')}</span></td>
                <td>${whenText(u.lastLoginAt)}</td>
            </tr>`)}</tbody>
        </table></div>` : null}
        <${Pager} path="/admin/users" query=${query} pagination=${state.value && state.value.pagination} />
    </section>`;
}
