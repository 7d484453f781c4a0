// web/lib/session.js: the back office's login session: access token in memory only, refresh token in sessionStorage.
import { createClient, publicApi } from './api.js';

const REFRESH_KEY = 'rz.refreshToken'; // sessionStorage: this tab only, gone when it closes (UI.md 4)
let accessToken = null;
let user = null;
let refreshing = null;
let onLost = () => {};
const userListeners = new Set();

function storedRefresh() {
    try {
        return window.sessionStorage.getItem(REFRESH_KEY);
    } catch (e) {
        return null;
    }
}

function keep(tokens) {
    accessToken = tokens.accessToken;
    try {
        window.sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
    } catch (e) {
        /* storage disabled: the session ends with the page */
    }
}

function forget() {
    accessToken = null;
    user = null;
    try {
        window.sessionStorage.removeItem(REFRESH_KEY);
    } catch (e) {
        /* nothing stored */
    }
}

async function refresh() {
    const token = storedRefresh();
    if (!token) return false;
    try {
        const { data } = await publicApi.post('/auth/refresh', { refreshToken: token });
        keep(data.tokens);
        return true;
    } catch (err) {
        if (err.status === 401) {
            forget(); // expired, revoked or already used: the session is over
            return false;
        }
        throw err; // no answer or a server error: the session may still be good
    }
}

/* Refreshes the access token with the stored refresh token; concurrent callers share one refresh
   (a refresh token is consumed by its use). Resolves to false when there is no valid session. */
export function refreshOnce() {
    if (!refreshing) refreshing = refresh().finally(() => { refreshing = null; });
    return refreshing;
}

/* The authenticated API client of the back office (see createClient in lib/api.js). */
export const api = createClient({
    token: () => accessToken,
    refresh: refreshOnce,
    lost: () => {
        forget();
        onLost();
    },
});

/* Sets what happens when the session is lost during use (the back office goes to its login page). */
export function onSessionLost(fn) {
    onLost = fn;
}

/* The logged-in user (SPEC 4.1 User), or null. */
export function currentUser() {
    return user;
}

/* Replaces the logged-in user's record (after PATCH /api/auth/me) and tells every onUserChange listener. */
export function setCurrentUser(u) {
    user = u;
    for (const fn of userListeners) fn(u);
}

/* Calls fn(user) whenever setCurrentUser changes the user; returns the function that stops it. */
export function onUserChange(fn) {
    userListeners.add(fn);
    return () => userListeners.delete(fn);
}

/* Logs in; resolves to the user, or rejects with the API's ApiError (INVALID_CREDENTIALS, RATE_LIMITED...). */
export async function login(email, password) {
    const body = {};
    if (email) body.email = email; // an empty field is left out: the API then names it as required
    if (password) body.password = password;
    const { data } = await publicApi.post('/auth/login', body);
    keep(data.tokens);
    user = data.user;
    return user;
}

/* After a reload the access token is gone: gets a new one with the stored refresh token, then the user.
   Resolves to the user, or null when the tab has no valid session. */
export async function restoreSession() {
    if (user && accessToken) return user;
    if (!(await refreshOnce())) return null;
    user = (await api.get('/auth/me')).data;
    return user;
}

/* Logs out on the server (the refresh family is revoked) and forgets the tokens, even if that call fails. */
export async function logout() {
    try {
        if (accessToken || storedRefresh()) await api.post('/auth/logout', {});
    } catch (e) {
        /* the tokens are forgotten anyway */
    }
    forget();
}

/* Changes the caller's password (POST /api/auth/change-password, sent once: no Idempotency-Key, the
   route refuses them). The API revokes every session and returns a new token pair, which this session
   keeps, so the user stays logged in here. Rejects with the API's ApiError (400 with details). */
export async function changePassword(currentPassword, newPassword) {
    const body = {};
    if (currentPassword) body.currentPassword = currentPassword;
    if (newPassword) body.newPassword = newPassword;
    const { data } = await api.post('/auth/change-password', body);
    keep(data.tokens);
}

/* Ends every session of the user on every device (POST /api/auth/logout-all), this one included,
   and forgets the tokens. Rejects with the ApiError if the server did not confirm it. */
export async function logoutAll() {
    await api.post('/auth/logout-all', {});
    forget();
}
