// web/site/pages/not-found.js: the page of an address the booking site does not know.
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { useTitle } from '../../lib/ui.js';

/* "Page not found" with a way back to the search. */
export function NotFoundPage() {
    useTitle(t('notFound.title'));
    return html`<section class="page narrow">
        <h1>${t('notFound.title')}</h1>
        <p>${t('notFound.text')}</p>
        <p><a class="button" href="/">${t('notFound.back')}</a></p>
    </section>`;
}
