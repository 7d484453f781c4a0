// web/admin/users/new.js: a new account (/admin/users/new): a super admin creates any role, a manager staff of their own establishment.
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { navigate } from '../../lib/router.js';
import { useTitle } from '../../lib/ui.js';
import { LoadState, useEstablishments } from '../widgets.js';
import { UserForm } from './form.js';

/* The creation form; after the 201 the new account's page. The API mails the user (never the password). */
export function UserNewPage({ user }) {
    useTitle(t('users.new'));
    const ests = useEstablishments(user);
    return html`<section class="page">
        <p class="crumbs"><a href="/admin/users">${t('nav.users')}</a></p>
        <h1>${t('users.new')}</h1>
        <${LoadState} state=${ests} />
        ${ests.value !== undefined ? html`<${UserForm} account=${null} caller=${user} ests=${ests.value}
            onSaved=${(u) => navigate(`/admin/users/${u.id}`, { replace: true })} />` : null}
    </section>`;
}
