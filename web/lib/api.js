// web/lib/api.js: the JSON API client of both apps: envelopes, ApiError, Idempotency-Key, retries of lost answers.
import { withQuery } from './router.js';

const TIMEOUT_MS = 30000; // a stalled mobile connection counts as a lost answer after this
const NETWORK_WAITS = [1000, 3000]; // pauses before the 2nd and 3rd try of a request whose answer was lost
const IN_PROGRESS_TRIES = 5; // 409 IDEMPOTENCY_IN_PROGRESS: the first try is still running on the server

/* An error answer of the API (SPEC 2.2), or code NETWORK (status 0) when no answer came back.
   `details` is the API's [{field, message}] list; `retryAfter` the Retry-After header in seconds. */
export class ApiError extends Error {
    constructor({ status = 0, code = 'UNKNOWN', message = '', details = [], retryAfter = null }) {
        super(message || code);
        this.name = 'ApiError';
        this.status = status;
        this.code = code;
        this.details = details;
        this.retryAfter = retryAfter;
    }

    /* True if the request may or may not have been carried out, or was refused for a while only:
       the same user action must then be retried with the same Idempotency-Key. */
    get uncertain() {
        return this.status === 0 || this.status === 429 || this.status >= 500 || this.code === 'IDEMPOTENCY_IN_PROGRESS';
    }
}

/* A fresh Idempotency-Key (a UUID v4, SPEC 8.1): one per user action, kept for its retries. */
export function newIdempotencyKey() {
    return window.crypto.randomUUID();
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fetchOnce(method, url, headers, body) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
    try {
        return await fetch(url, { method, headers, body, signal: ctl.signal, cache: 'no-store', credentials: 'omit' });
    } finally {
        clearTimeout(timer);
    }
}

async function parse(res) {
    let doc = null;
    try {
        doc = await res.json();
    } catch (e) {
        doc = null; // not JSON (a proxy's error page, a cut connection)
    }
    if (res.ok && doc && doc.success === true) {
        return { data: doc.data, pagination: doc.pagination ?? null, message: doc.message ?? null, status: res.status, headers: res.headers };
    }
    const e = (doc && doc.error) || {};
    const retry = Number.parseInt(res.headers.get('Retry-After'), 10);
    throw new ApiError({
        status: res.status,
        code: e.code || (res.status >= 500 ? 'INTERNAL_ERROR' : 'UNKNOWN'),
        message: e.message || res.statusText,
        details: Array.isArray(e.details) ? e.details : [],
        retryAfter: Number.isFinite(retry) ? retry : null,
    });
}

/* A client for /api. Each call resolves to the success envelope {data, pagination, message, status, headers}
   or rejects with an ApiError.
   - get(path, query), post(path, body, {idempotencyKey}), patch(path, body), del(path); paths start
     after /api ('/public/availability'); query is an object (empty values are left out).
   - upload(path, file, {query, idempotencyKey, headers}): POST of raw bytes (a File or Blob, sent with
     its own type as Content-Type), as POST /api/images takes them.
   - A lost answer (network error, timeout) is tried again, twice, when repeating cannot do harm: GET,
     PATCH, and a POST that carries an Idempotency-Key (the server replays the first outcome).
   - 409 IDEMPOTENCY_IN_PROGRESS is waited out (Retry-After) and tried again with the same key.
   - auth (the back office, lib/session.js): {token() -> access token or null, refresh() -> Promise<bool>,
     lost()}: a 401 on a request that carried a token refreshes once and repeats the request; if the
     refresh fails or the repeat is refused too, lost() is called (back to the login page). */
export function createClient(auth = null) {
    async function send(method, path, { query, body, raw, extraHeaders, idempotencyKey } = {}) {
        const url = `/api${withQuery(path, query || {})}`;
        const repeatable = method === 'GET' || method === 'PATCH' || (method === 'POST' && !!idempotencyKey);
        const payload = raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body);
        let networkTry = 0;
        let busyTry = 0;
        let refreshed = false;
        for (;;) {
            const headers = { Accept: 'application/json', ...extraHeaders };
            if (raw !== undefined) headers['Content-Type'] = raw.type || 'application/octet-stream';
            else if (payload !== undefined) headers['Content-Type'] = 'application/json';
            if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
            const token = auth ? auth.token() : null;
            if (token) headers.Authorization = `Bearer ${token}`;
            let res;
            try {
                res = await fetchOnce(method, url, headers, payload);
            } catch (e) {
                if (repeatable && networkTry < NETWORK_WAITS.length) {
                    await sleep(NETWORK_WAITS[networkTry++]);
                    continue;
                }
                throw new ApiError({ status: 0, code: 'NETWORK', message: String(e && e.message) });
            }
            try {
                return await parse(res);
            } catch (err) {
                if (err.code === 'IDEMPOTENCY_IN_PROGRESS' && busyTry++ < IN_PROGRESS_TRIES) {
                    await sleep((err.retryAfter || 1) * 1000);
                    continue;
                }
                if (err.status === 401 && token) {
                    if (!refreshed && (await auth.refresh())) {
                        refreshed = true;
                        continue;
                    }
                    auth.lost();
                }
                throw err;
            }
        }
    }
    return {
        get: (path, query) => send('GET', path, { query }),
        post: (path, body = {}, opts = {}) => send('POST', path, { body, idempotencyKey: opts.idempotencyKey }),
        patch: (path, body) => send('PATCH', path, { body }),
        del: (path) => send('DELETE', path),
        upload: (path, file, opts = {}) => send('POST', path, {
            query: opts.query, raw: file, extraHeaders: opts.headers, idempotencyKey: opts.idempotencyKey,
        }),
    };
}

/* The client for public routes (no token): the booking site, and login/refresh in the back office. */
export const publicApi = createClient();
