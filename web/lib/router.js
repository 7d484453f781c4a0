// web/lib/router.js: a tiny History API router shared by both apps: address patterns, navigation, same-app links.
import { useEffect, useState } from './html.js';

const listeners = new Set();

function notify() {
    for (const fn of listeners) fn();
}

/* The current address as { path, query: URLSearchParams, href }. */
export function currentLocation() {
    return {
        path: window.location.pathname,
        query: new URLSearchParams(window.location.search),
        href: window.location.pathname + window.location.search,
    };
}

/* Goes to `to` (a path with an optional query string) without reloading; `replace` rewrites the
   current history entry instead of adding one (for filters typed into a form, for instance). */
export function navigate(to, { replace = false } = {}) {
    if (to === currentLocation().href) return;
    window.history[replace ? 'replaceState' : 'pushState'](null, '', to);
    notify();
    if (!replace) window.scrollTo(0, 0);
}

/* A path with a query string built from an object; empty values are left out, so
   withQuery('/admin/bookings', {q: 'RZ', page: 1, status: ''}) is '/admin/bookings?q=RZ&page=1'.
   Spaces are written %20, never '+': the API takes '+' literally (SPEC 2.1), so '+257 79 00 00 00'
   arrives as typed. */
export function withQuery(path, params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
        if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    }
    const s = q.toString().replace(/\+/g, '%20'); // a literal '+' is already %2B here
    return s ? `${path}?${s}` : path;
}

/* Matches `path` against a pattern: literal segments, `:name` segments (returned as params) and a
   final `*` (this path and everything below it). Returns the params object, or null. */
export function matchPath(pattern, path) {
    const pat = pattern.split('/').filter(Boolean);
    const segs = path.split('/').filter(Boolean);
    const params = {};
    for (let i = 0; i < pat.length; i++) {
        if (pat[i] === '*' && i === pat.length - 1) return params;
        if (i >= segs.length) return null;
        if (pat[i].startsWith(':')) params[pat[i].slice(1)] = decodeURIComponent(segs[i]);
        else if (pat[i] !== segs[i]) return null;
    }
    return segs.length === pat.length ? params : null;
}

/* A hook: the current location, re-rendering the component on every navigation (links, back/forward). */
export function useLocation() {
    const [loc, setLoc] = useState(currentLocation);
    useEffect(() => {
        const update = () => setLoc(currentLocation());
        listeners.add(update);
        window.addEventListener('popstate', update);
        return () => {
            listeners.delete(update);
            window.removeEventListener('popstate', update);
        };
    }, []);
    return loc;
}

/* Makes plain <a href> links inside the app navigate without a reload: a left click without modifier
   keys on a same-origin link whose path `belongs(path)` says is this app's. Other links (another app,
   the API, a new tab, a download) behave as usual. Call once at start-up. */
export function interceptLinks(belongs) {
    document.addEventListener('click', (ev) => {
        if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        const a = ev.target.closest && ev.target.closest('a[href]');
        if (!a || a.target || a.hasAttribute('download')) return;
        const url = new URL(a.href, window.location.href);
        if (url.origin !== window.location.origin || !belongs(url.pathname)) return;
        if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return; // #main
        ev.preventDefault();
        navigate(url.pathname + url.search);
    });
}
