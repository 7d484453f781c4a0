// web/admin/main.js: the back office's entry point: the login page, the session, and each address's domain page in the shell.
import { html, render, useEffect, useState } from '../lib/html.js';
import { errorText, initI18n, t, useLang } from '../lib/i18n.js';
import { currentLocation, interceptLinks, matchPath, navigate, useLocation, withQuery } from '../lib/router.js';
import { currentUser, onSessionLost, onUserChange, restoreSession } from '../lib/session.js';
import { Loading, Message } from '../lib/ui.js';
import { domainOf } from './nav.js';
import { LoginPage } from './login.js';
import { NotFoundPage } from './not-found.js';
import { Shell } from './shell.js';

const LOGIN = '/admin/login';
const loaded = new Map(); // domain id -> Promise of its pages.js module

/* To the login page, remembering where the user was. Several requests lost at once each call this: once
   on the login page, its `next` is kept. */
function toLogin() {
    const here = currentLocation();
    if (here.path === LOGIN) return;
    navigate(withQuery(LOGIN, { next: here.href }), { replace: true });
}

/* The page of `path` inside its domain module, or null. */
function findPage(mod, path) {
    for (const [pattern, Page] of mod.pages) {
        const params = matchPath(pattern, path);
        if (params) return { Page, params };
    }
    return null;
}

function DomainPage({ loc, user }) {
    const domain = domainOf(loc.path);
    const [mod, setMod] = useState(null);
    const [error, setError] = useState(null);
    useEffect(() => {
        if (!domain) return undefined;
        let live = true;
        setMod(null);
        setError(null);
        if (!loaded.has(domain.id)) loaded.set(domain.id, domain.load());
        loaded.get(domain.id).then((m) => live && setMod(m), (e) => {
            loaded.delete(domain.id);
            if (live) setError(e);
        });
        return () => { live = false; };
    }, [domain && domain.id]);
    if (!domain || !domain.roles.includes(user.role)) return html`<${NotFoundPage} />`;
    if (error) return html`<${Message} kind="error">${t('error.NETWORK')}</${Message}>`;
    if (!mod) return html`<${Loading} />`;
    const found = findPage(mod, loc.path);
    if (!found) return html`<${NotFoundPage} />`;
    const { Page, params } = found;
    return html`<${Page} key=${loc.path} query=${loc.query} params=${params} user=${user} />`;
}

/* Everything but the login page: restores the session after a reload (refresh token), else goes to login. */
function Authenticated({ loc }) {
    const [user, setUser] = useState(currentUser);
    const [error, setError] = useState(null);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => onUserChange(setUser), []); // the profile page changed the name shown in the header
    useEffect(() => {
        if (user) return;
        restoreSession().then((u) => (u ? setUser(u) : toLogin()), setError);
    }, [attempt]);
    if (error) {
        return html`<main id="main" class="centered"><${Message} kind="error">${errorText(error)}
            <button type="button" class="link-button" onClick=${() => { setError(null); setAttempt((n) => n + 1); }}>${t('common.retry')}</button>
        </${Message}></main>`;
    }
    if (!user) return html`<main id="main" class="centered"><${Loading} /></main>`;
    const domain = domainOf(loc.path);
    return html`<${Shell} user=${user} current=${domain && domain.id}><${DomainPage} loc=${loc} user=${user} /></${Shell}>`;
}

function App() {
    useLang(); // re-renders the whole back office when the language changes
    const loc = useLocation();
    if (loc.path === LOGIN) return html`<${LoginPage} query=${loc.query} />`;
    return html`<${Authenticated} loc=${loc} />`;
}

await initI18n();
onSessionLost(toLogin);
interceptLinks((path) => path === '/admin' || path.startsWith('/admin/'));
render(html`<${App} />`, document.getElementById('app'));
