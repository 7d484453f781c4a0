// web/admin/shell.js: the frame of every authenticated back-office page: header (user, notifications bell, language, logout) and the domain menu.
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { logout } from '../lib/session.js';
import { LangSwitch } from '../lib/ui.js';
import { DOMAINS } from './nav.js';
import { Bell } from './notifications/bell.js';

async function signOut() {
    await logout();
    navigate('/admin/login', { replace: true });
}

/* Wraps a page for `user`; `current` is the id of the domain shown (marked aria-current in the menu). */
export function Shell({ user, current, children }) {
    const items = DOMAINS.filter((d) => d.roles.includes(user.role));
    return html`
        <a class="skip-link" href="#main">${t('common.skipToContent')}</a>
        <header class="top-bar">
            <a class="brand" href="/admin/">Ruzizi</a>
            <a class="admin-user" href="/admin/profile" data-user-role=${user.role}>${user.firstName} ${user.lastName} · ${t(`role.${user.role}`)}</a>
            <${Bell} />
            <${LangSwitch} />
            <button type="button" data-action="logout" onClick=${signOut}>${t('shell.logout')}</button>
        </header>
        <div class="admin-body">
            <nav class="admin-nav" aria-label=${t('shell.menu')}>
                <ul>
                    ${items.map((d) => html`<li><a href=${d.href} data-nav=${d.id}
                        aria-current=${d.id === current ? 'page' : undefined}>${t(`nav.${d.id}`)}</a></li>`)}
                </ul>
            </nav>
            <main id="main" tabindex="-1">${children}</main>
        </div>`;
}
