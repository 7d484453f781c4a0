// web/site/stay.js: what the site's pages share about a stay: the search in the address, hourly stays (a date and hours), stay texts.
import { t } from '../lib/i18n.js';
import { dateText, localDate, offsetMinutes } from '../lib/format.js';
import { withQuery } from '../lib/router.js';

// The search's parameters, as the API names them (UI.md 7); they travel from the results to the unit
// page, the booking form and back, so a reload or a shared address shows the same stay.
export const STAY_FIELDS = ['establishmentId', 'checkIn', 'checkOut', 'guests'];

/* The stay of an address's query: {establishmentId, checkIn, checkOut, guests} ('' when absent). */
export function stayOf(query) {
    const v = {};
    for (const f of STAY_FIELDS) v[f] = query.get(f) || '';
    return v;
}

/* True when every field of the stay is there. */
export function stayComplete(stay) {
    return STAY_FIELDS.every((f) => stay[f]);
}

/* The results page of a stay (the search address); `extra` adds parameters (taken=<unit id>). */
export function resultsHref(stay, extra = {}) {
    const q = {};
    for (const f of STAY_FIELDS) q[f] = stay[f];
    return withQuery('/', { ...q, ...extra });
}

/* True if a checkIn/checkOut value is a datetime (an hourly stay), not a date. */
export function isDateTime(value) {
    return typeof value === 'string' && value.includes('T');
}

function pad(n) {
    return String(n).padStart(2, '0');
}

/* The local time "HH:MM" of an instant at utcOffset. */
export function localTime(instant, utcOffset) {
    const d = new Date(new Date(instant).getTime() + offsetMinutes(utcOffset) * 60000);
    return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/* An hourly stay from a local date, a local start "HH:MM" and a number of hours, at the establishment's
   offset: {checkIn, checkOut} as RFC 3339 datetimes with that offset (SPEC 2.7, 2.8). */
export function hourlyStay(date, time, hours, utcOffset) {
    const start = Date.parse(`${date}T${time}:00${utcOffset}`);
    const end = start + Number(hours) * 3600000;
    const at = (ms) => `${localDate(ms, utcOffset)}T${localTime(ms, utcOffset)}:00${utcOffset}`;
    return { checkIn: at(start), checkOut: at(end) };
}

/* The local date, start time and whole hours of an hourly stay (the inverse of hourlyStay), or null. */
export function hourlyParts(checkIn, checkOut) {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?([+-]\d{2}:\d{2}|Z)$/.exec(checkIn || '');
    const a = Date.parse(checkIn);
    const b = Date.parse(checkOut);
    if (!m || Number.isNaN(a) || Number.isNaN(b) || b <= a) return null;
    return { date: m[1], time: m[2], hours: String(Math.max(1, Math.round((b - a) / 3600000))) };
}

/* The next whole hour from now at utcOffset, as {date, time}: the default start of an hourly stay. */
export function nextHour(utcOffset) {
    const ms = Math.ceil((Date.now() + 60000) / 3600000) * 3600000;
    return { date: localDate(ms, utcOffset), time: localTime(ms, utcOffset) };
}

/* How long a PricingQuote is for: "pour 3 nuits", "pour 2 heure(s)", "pour 1 mois et 3 nuit(s)". */
export function stayLength(p) {
    if (p.mode === 'hourly') return t('offer.hours', { n: p.hours });
    if (p.mode === 'monthly') return t('offer.months', { n: p.months, nights: p.extraNights || 0 });
    return t(p.nights === 1 ? 'offer.oneNight' : 'offer.nights', { n: p.nights });
}

/* The arrival and departure of a stay as text: dates for overnight stays (with the establishment's
   check-in/out times when known), local date and time for hourly ones. `s` has checkIn, checkOut,
   checkInDate, checkOutDate; `est` may give utcOffset, checkInTime, checkOutTime. */
export function stayTexts(s, est = {}, hourly = false) {
    const offset = est.utcOffset || '+02:00';
    if (hourly) {
        return {
            from: `${dateText(localDate(s.checkIn, offset))} ${localTime(s.checkIn, offset)}`,
            to: `${dateText(localDate(s.checkOut, offset))} ${localTime(s.checkOut, offset)}`,
        };
    }
    const from = dateText(s.checkInDate);
    const to = dateText(s.checkOutDate);
    return {
        from: est.checkInTime ? t('site.fromTime', { date: from, time: est.checkInTime }) : from,
        to: est.checkOutTime ? t('site.untilTime', { date: to, time: est.checkOutTime }) : to,
    };
}
