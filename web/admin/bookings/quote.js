// web/admin/bookings/quote.js: the price of a changed stay from the unit's current rates (SPEC 2.8 stays, 6.3 pricing), shown before the change is saved.
//
// The API prices a stay change when the PATCH is saved and has no route that quotes a stay overlapping
// the booking itself (availability counts the booking as taken), so the edit form computes the quote with
// the server's own rules from the unit and establishment the API returns. The saved booking's pricing
// is the server's and replaces this preview; the form says so when they differ.
import { addDays, daysBetween, localDate, offsetMinutes } from '../../lib/format.js';

/* roundHalfUp(a × m / b) of SPEC 2.6 for a, m >= 0 and b > 0, in exact integers. */
function roundHalfUp(a, m, b) {
    const A = BigInt(a) * BigInt(m);
    const B = BigInt(b);
    return Number((2n * A + B) / (2n * B));
}

/* The price of the unit on date d: the season covering d, else the base price; with the season's name. */
function priceOn(pricing, d) {
    const s = (pricing.seasons || []).find((x) => x.from <= d && d <= x.to);
    return s ? { price: s.price, label: s.name } : { price: pricing.basePrice, label: 'Base rate' };
}

/* addMonths of SPEC 6.3: the day of `date`, capped at the last day of the target month. */
function addMonths(date, k) {
    const [y, m, d] = date.split('-').map(Number);
    const total = y * 12 + (m - 1) + k;
    const ty = Math.floor(total / 12);
    const tm = total % 12;
    const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
    return `${String(ty).padStart(4, '0')}-${String(tm + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

function nightly(acc, est, inDate, outDate) {
    const n = daysBetween(inDate, outDate);
    const lines = [];
    for (let i = 0; i < n; i++) {
        const d = addDays(inDate, i);
        const { price, label } = priceOn(acc.pricing, d);
        const last = lines[lines.length - 1];
        if (last && last.label === label && last.unitPrice === price) {
            last.quantity += 1;
            last.amount += price;
            last.to = addDays(d, 1);
        } else {
            lines.push({ label, from: d, to: addDays(d, 1), quantity: 1, unit: 'night', unitPrice: price, amount: price });
        }
    }
    const subtotal = lines.reduce((s, l) => s + l.amount, 0);
    const tier = (est.longStayDiscounts || []).filter((x) => x.minNights <= n).sort((a, b) => b.minNights - a.minNights)[0];
    const discount = tier
        ? { percentBps: tier.percentBps, amount: roundHalfUp(subtotal, tier.percentBps, 10000), reason: `Long stay: ${n} nights` }
        : { percentBps: 0, amount: 0, reason: null };
    return { nights: n, lines, subtotal, discount };
}

function monthly(acc, inDate, outDate) {
    let m = 0;
    while (m < 25 && addMonths(inDate, m + 1) <= outDate) m += 1;
    if (m < 1 || m > 24) return null;
    const rest = daysBetween(addMonths(inDate, m), outDate);
    if (m === 24 && rest > 0) return null;
    const lines = [];
    for (let k = 0; k < m; k++) {
        const from = addMonths(inDate, k);
        const { price, label } = priceOn(acc.pricing, from);
        lines.push({ label, from, to: addMonths(inDate, k + 1), quantity: 1, unit: 'month', unitPrice: price, amount: price });
    }
    if (rest > 0) {
        const from = addMonths(inDate, m);
        const { price, label } = priceOn(acc.pricing, from);
        lines.push({ label, from, to: outDate, quantity: rest, unit: 'prorated_night', unitPrice: price, amount: roundHalfUp(rest, price, 30) });
    }
    return {
        nights: daysBetween(inDate, outDate), months: m, extraNights: rest, lines,
        subtotal: lines.reduce((s, l) => s + l.amount, 0), discount: { percentBps: 0, amount: 0, reason: null },
    };
}

function hourly(acc, est, checkIn, checkOut) {
    const start = Math.floor(Date.parse(checkIn) / 60000);
    const minutes = Math.floor(Date.parse(checkOut) / 60000) - start;
    if (!(minutes >= 1 && minutes <= 1440)) return null;
    const h = Math.max(acc.pricing.minHours || 1, Math.ceil(minutes / 60));
    const day = businessDate(start * 60000, est);
    const { price, label } = priceOn(acc.pricing, day);
    const lines = [{ label, from: checkIn, to: checkOut, quantity: h, unit: 'hour', unitPrice: price, amount: h * price }];
    return { nights: 0, hours: h, lines, subtotal: h * price, discount: { percentBps: 0, amount: 0, reason: null } };
}

/* The business date (SPEC 2.7) of an instant in milliseconds. */
function businessDate(ms, est) {
    const [h, m] = (est.businessDayStart || '06:00').split(':').map(Number);
    return localDate(ms - (h * 60 + m) * 60000, est.utcOffset);
}

/* The check-in date and check-out date of a nightly or monthly stay (SPEC 2.8) whose ends are each a
   date ("YYYY-MM-DD", at the establishment's check-in / check-out time) or an instant. */
export function stayDates(est, checkIn, checkOut) {
    const at = (v, time) => (v.length === 10 ? Date.parse(`${v}T${time}:00Z`) - offsetMinutes(est.utcOffset) * 60000 : Date.parse(v));
    const inDate = businessDate(at(checkIn, est.checkInTime || '14:00'), est);
    const out = localDate(at(checkOut, est.checkOutTime || '11:00'), est.utcOffset);
    return { checkInDate: inDate, checkOutDate: out > inDate ? out : addDays(inDate, 1) };
}

/* The PricingQuote (SPEC 4.5) of unit `acc` of establishment `est` for a stay from checkIn to checkOut
   (dates or instants, as the API takes them), or null when the stay is not a valid one for its mode. */
export function quoteStay(acc, est, checkIn, checkOut) {
    if (!checkIn || !checkOut || Number.isNaN(Date.parse(checkIn)) || Number.isNaN(Date.parse(checkOut))) return null;
    let q;
    if (acc.pricingMode === 'hourly') {
        if (checkIn.length === 10 || checkOut.length === 10) return null;
        q = hourly(acc, est, checkIn, checkOut);
    } else {
        if (Date.parse(checkOut) <= Date.parse(checkIn)) return null;
        const { checkInDate, checkOutDate } = stayDates(est, checkIn, checkOut);
        q = acc.pricingMode === 'monthly' ? monthly(acc, checkInDate, checkOutDate) : nightly(acc, est, checkInDate, checkOutDate);
        if (q && acc.pricingMode === 'nightly' && (q.nights < 1 || q.nights > 365)) return null;
    }
    if (!q) return null;
    const total = q.subtotal - q.discount.amount;
    const vat = est.vatRateBps ?? 1800;
    const taxAmount = roundHalfUp(total, vat, 10000 + vat);
    return {
        mode: acc.pricingMode, currency: acc.pricing.currency || est.currency, ...q, total, taxRateBps: vat,
        taxAmount, netAmount: total - taxAmount,
    };
}
