// web/lib/i18n.js: the user's language (French by default, remembered), t() over web/lib/i18n/{fr,en}.js, API errors by code.
import { useEffect, useState } from './html.js';
import fr from './i18n/fr.js';

export const LANGUAGES = ['fr', 'en'];
const STORAGE_KEY = 'rz.lang';
const loaders = {
    fr: async () => fr,
    en: async () => (await import('./i18n/en.js')).default, // loaded only when chosen
};
const listeners = new Set();
let lang = 'fr';
let dict = fr;

function storedLang() {
    try {
        const l = window.localStorage.getItem(STORAGE_KEY);
        return LANGUAGES.includes(l) ? l : null;
    } catch (e) {
        return null; // storage disabled: French, not remembered
    }
}

async function use(l) {
    dict = await loaders[l]();
    lang = l;
    document.documentElement.lang = l;
}

/* Loads the remembered language (French if none) and sets <html lang>. Await it before the first render. */
export async function initI18n() {
    await use(storedLang() || 'fr');
}

/* Switches the language, remembers the choice and re-renders every component that called useLang(). */
export async function setLang(l) {
    if (!LANGUAGES.includes(l) || l === lang) return;
    try {
        window.localStorage.setItem(STORAGE_KEY, l);
    } catch (e) {
        /* not remembered, still switched */
    }
    await use(l);
    for (const fn of listeners) fn(l);
}

/* The current language code ('fr' or 'en'). */
export function getLang() {
    return lang;
}

/* A hook: the current language; the component (and so its whole subtree) re-renders when it changes.
   Each app's root calls it, so every t() below it follows a switch without losing what was typed. */
export function useLang() {
    const [l, setL] = useState(lang);
    useEffect(() => {
        listeners.add(setL);
        return () => listeners.delete(setL);
    }, []);
    return l;
}

/* The text of `key` in the current language, with {name} placeholders filled from `params`.
   A key missing from the dictionaries shows as itself (tests/web checks both have the same keys). */
export function t(key, params) {
    const s = dict[key] ?? fr[key] ?? key;
    if (!params) return s;
    return s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

/* True if the dictionaries have `key`. */
export function hasText(key) {
    return key in dict;
}

/* The message to show for an API error (an ApiError of lib/api.js), translated by its code. */
export function errorText(err) {
    if (!err) return '';
    const key = `error.${err.code}`;
    return hasText(key) ? t(key, { seconds: err.retryAfter ?? 1 }) : t('error.UNKNOWN');
}

// API detail messages (English, SPEC 2.2) that have a translation; others show as the API wrote them in
// English, and as a generic "invalid value" in French.
const DETAILS = [
    [/^required\b/, 'detail.required'],
    [/^email or phone (is )?required/, 'detail.contact'],
    [/^already used/, 'detail.alreadyUsed'],
    [/^must be an ISO 3166-1 alpha-2 code/, 'detail.country'],
    [/^must not be in the future/, 'detail.future'],
    [/^must be at most 730 days after/, 'detail.tooFar'],
    [/^(a nightly stay lasts at most|monthly stays last at most)/, 'detail.tooLong'],
    [/^monthly stays last at least one calendar month/, 'detail.monthMin'],
    [/^must be a datetime with an offset for an hourly unit/, 'detail.hourlyTimes'],
    [/^must be a valid email/, 'detail.email'],
    [/^must be a valid phone/, 'detail.phone'],
    [/^must be a valid date/, 'detail.date'],
    [/^must be after checkIn/, 'detail.afterCheckIn'],
    [/^must not be before the establishment's business date today/, 'detail.past'],
    [/^must be at most the accommodation's capacity/, 'detail.capacity'],
    [/^must be at least 8 characters/, 'detail.passwordLength'],
    [/^must be (an integer|a number)/, 'detail.number'],
    [/^must be HH:MM/, 'detail.time'],
];

/* The message to show next to a field for one `details[]` entry of a VALIDATION_ERROR. */
export function detailText(detail) {
    for (const [re, key] of DETAILS) {
        if (re.test(detail.message)) return t(key);
    }
    return lang === 'en' && detail.message ? detail.message : t('detail.invalid');
}
