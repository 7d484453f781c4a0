// web/site/main.js: the booking site's entry point: its routes (address -> page), the language, the first render.
import { html, render } from '../lib/html.js';
import { initI18n, useLang } from '../lib/i18n.js';
import { interceptLinks, matchPath, useLocation } from '../lib/router.js';
import { Layout } from './layout.js';
import { SearchPage } from './pages/search.js';
import { NotFoundPage } from './pages/not-found.js';

/* The site's pages, one file each in pages/: a pattern of lib/router.js matchPath and its component.
   A page gets { query: URLSearchParams, params: {name: value} } as props. */
const ROUTES = [
    ['/', SearchPage],
];

function route(path) {
    for (const [pattern, Page] of ROUTES) {
        const params = matchPath(pattern, path);
        if (params) return { Page, params };
    }
    return { Page: NotFoundPage, params: {} };
}

function App() {
    useLang(); // re-renders the whole site when the language changes
    const loc = useLocation();
    const { Page, params } = route(loc.path);
    return html`<${Layout}><${Page} key=${loc.path} query=${loc.query} params=${params} /></${Layout}>`;
}

await initI18n();
interceptLinks((path) => !path.startsWith('/admin') && !path.startsWith('/api'));
render(html`<${App} />`, document.getElementById('app'));
