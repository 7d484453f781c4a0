// web/site/main.js: the booking site's entry point: its routes (address -> page), the language, the first render.
import { html, render, useEffect, useState } from '../lib/html.js';
import { initI18n, t, useLang } from '../lib/i18n.js';
import { interceptLinks, matchPath, useLocation } from '../lib/router.js';
import { Loading, Message } from '../lib/ui.js';
import { Layout } from './layout.js';
import { SearchPage } from './pages/search.js';
import { NotFoundPage } from './pages/not-found.js';

/* The site's pages, one file each in pages/: a pattern of lib/router.js matchPath and either its
   component or, for pages past the first one, [loader, export name]: those modules load when first
   opened, so the first page of a guest on a slow connection carries only the search (UI.md 5).
   A page gets { query: URLSearchParams, params: {name: value} } as props. */
const ROUTES = [
    ['/', SearchPage],
    ['/book', [() => import('./pages/book.js'), 'BookPage']],
    ['/confirmation', [() => import('./pages/confirmation.js'), 'ConfirmationPage']],
    ['/track', [() => import('./pages/track.js'), 'TrackPage']],
    ['/establishments/:id', [() => import('./pages/establishment.js'), 'EstablishmentPage']],
    ['/accommodations/:id', [() => import('./pages/accommodation.js'), 'AccommodationPage']],
];

function route(path) {
    for (const [pattern, page] of ROUTES) {
        const params = matchPath(pattern, path);
        if (params) return { page, params };
    }
    return { page: NotFoundPage, params: {} };
}

/* A page whose module loads on first use; a failed load (no network) offers to try again. */
function LazyPage({ loader, name, ...props }) {
    const [state, setState] = useState({});
    useEffect(() => {
        let live = true;
        loader().then((m) => live && setState({ Page: m[name] }), (error) => live && setState({ error }));
        return () => { live = false; };
    }, [state.attempt]);
    if (state.Page) return html`<${state.Page} ...${props} />`;
    if (state.error) {
        return html`<section class="page"><${Message} kind="error">${t('site.loadFailed')}
            <button type="button" class="link-button" onClick=${() => setState({ attempt: (state.attempt || 0) + 1 })}>${t('common.retry')}</button>
        </${Message}></section>`;
    }
    return html`<${Loading} />`;
}

function App() {
    useLang(); // re-renders the whole site when the language changes
    const loc = useLocation();
    const { page, params } = route(loc.path);
    const body = Array.isArray(page)
        ? html`<${LazyPage} key=${loc.path} loader=${page[0]} name=${page[1]} query=${loc.query} params=${params} />`
        : html`<${page} key=${loc.path} query=${loc.query} params=${params} />`;
    return html`<${Layout}>${body}</${Layout}>`;
}

await initI18n();
interceptLinks((path) => !path.startsWith('/admin') && !path.startsWith('/api'));
render(html`<${App} />`, document.getElementById('app'));
