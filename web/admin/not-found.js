// web/admin/not-found.js: the page of a back-office address that is unknown or not for the user's role.
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useTitle } from '../lib/ui.js';

/* "Page not found" with a link to Today. */
export function NotFoundPage() {
    useTitle(t('notFound.title'));
    return html`<section class="page">
        <h1>${t('notFound.title')}</h1>
        <p>${t('notFound.adminText')}</p>
        <p><a class="button" href="/admin/">${t('nav.today')}</a></p>
    </section>`;
}
