// web/lib/format.js: money (integer minor units, locale grouping) and dates (in the establishment's UTC offset) for display.
import { getLang } from './i18n.js';

const LOCALES = { fr: 'fr-BI', en: 'en-GB' };
const EXPONENT = { BIF: 0, USD: 2, EUR: 2 }; // SPEC 2.6
const DAY_MS = 86400000;

function locale(lang) {
    return LOCALES[lang || getLang()] || LOCALES.fr;
}

/* An amount in the currency's minor unit as text: money(494000, 'BIF') is "494 000 BIF" in French
   (narrow no-break spaces) and "494,000 BIF" in English; money(1250, 'USD') is "12,50 USD" / "12.50 USD". */
export function money(amount, currency = 'BIF', lang) {
    const exp = EXPONENT[currency] ?? 0;
    const n = new Intl.NumberFormat(locale(lang), { minimumFractionDigits: exp, maximumFractionDigits: exp });
    return `${n.format(amount / 10 ** exp)}\u00a0${currency}`;
}

/* Minutes east of UTC of an offset such as "+02:00" or "-03:30". */
export function offsetMinutes(utcOffset = '+02:00') {
    const m = /^([+-])(\d{2}):(\d{2})$/.exec(utcOffset);
    if (!m) return 0;
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/* The local calendar date "YYYY-MM-DD" of an instant (a Date or an RFC 3339 string) at utcOffset. */
export function localDate(instant, utcOffset) {
    const t = new Date(instant).getTime() + offsetMinutes(utcOffset) * 60000;
    return new Date(t).toISOString().slice(0, 10);
}

/* Today's local date at the establishment's offset ("tonight" for a search). */
export function todayAt(utcOffset) {
    return localDate(Date.now(), utcOffset);
}

/* The date `n` days after (or before) the calendar date "YYYY-MM-DD". */
export function addDays(date, n) {
    return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/* Whole days from date a to date b (both "YYYY-MM-DD"). */
export function daysBetween(a, b) {
    return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/* A calendar date "YYYY-MM-DD" written out: "mar. 1 déc. 2026" / "Tue, 1 Dec 2026". */
export function dateText(date, lang) {
    const f = new Intl.DateTimeFormat(locale(lang), {
        weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC',
    });
    return f.format(new Date(`${date}T00:00:00Z`));
}

/* A calendar date "YYYY-MM-DD" written with the given Intl.DateTimeFormat options (a calendar's column
   heads: {weekday: 'short', day: 'numeric'}; a month: {month: 'long', year: 'numeric'}). */
export function dayText(date, options, lang) {
    return new Intl.DateTimeFormat(locale(lang), { ...options, timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/* An instant written out in the establishment's local time: "1 déc. 2026, 14:00" / "1 Dec 2026, 14:00". */
export function dateTimeText(instant, utcOffset, lang) {
    const shifted = new Date(new Date(instant).getTime() + offsetMinutes(utcOffset) * 60000);
    const f = new Intl.DateTimeFormat(locale(lang), {
        day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
        hourCycle: 'h23', timeZone: 'UTC',
    });
    return f.format(shifted);
}

/* The business date "YYYY-MM-DD" now (SPEC 2.7): the local date of (now − businessDayStart) at utcOffset. */
export function businessToday(utcOffset, businessDayStart = '06:00') {
    const [h, m] = businessDayStart.split(':').map(Number);
    return localDate(Date.now() - (h * 60 + m) * 60000, utcOffset);
}
