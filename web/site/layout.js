// web/site/layout.js: the frame of every booking-site page: skip link, header (brand, links, language switch), footer.
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { LangSwitch } from '../lib/ui.js';

/* Wraps a page: <main id="main"> holds it. */
export function Layout({ children }) {
    return html`
        <a class="skip-link" href="#main">${t('common.skipToContent')}</a>
        <header class="top-bar">
            <a class="brand" href="/">Ruzizi</a>
            <nav class="site-nav" aria-label=${t('site.navLabel')}>
                <a href="/">${t('site.navBook')}</a>
                <a href="/track">${t('site.navTrack')}</a>
            </nav>
            <${LangSwitch} />
        </header>
        <main id="main" tabindex="-1">${children}</main>
        <footer class="site-footer"><p>${t('site.footer')}</p></footer>`;
}
