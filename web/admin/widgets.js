// web/admin/widgets.js: pieces the back-office pages share: loading an API answer, filters and pages in the address, field errors by path, confirm buttons, money inputs.
import { html, useEffect, useState } from '../lib/html.js';
import { detailText, errorText, t } from '../lib/i18n.js';
import { dateTimeText } from '../lib/format.js';
import { navigate, withQuery } from '../lib/router.js';
import { api } from '../lib/session.js';
import { Loading } from '../lib/ui.js';

/* A hook that runs `load()` (a Promise) when the component appears and whenever `deps` change.
   Returns {loading, value, error, reload(), set(value or old => value)}: `value` stays shown while a
   reload runs; `error` is the ApiError of the last failed load. */
export function useLoad(load, deps) {
    const [state, setState] = useState({ loading: true, value: undefined, error: null });
    const [round, setRound] = useState(0);
    useEffect(() => {
        let live = true;
        setState((s) => ({ ...s, loading: true, error: null }));
        load().then((value) => live && setState({ loading: false, value, error: null }),
            (error) => live && setState((s) => ({ ...s, loading: false, error })));
        return () => { live = false; };
    }, [...deps, round]);
    return {
        ...state,
        reload: () => setRound((n) => n + 1),
        set: (next) => setState((s) => ({ loading: false, value: typeof next === 'function' ? next(s.value) : next, error: null })),
    };
}

/* The body of a page while its data loads or after it failed: a loading line, or the API's error
   translated by its code (a 403 or 404 included) with a retry button. Null once there is a value. */
export function LoadState({ state }) {
    if (state.error) {
        return html`<div class="alert alert-error" role="alert" data-error-code=${state.error.code}>
            ${errorText(state.error)}
            <button type="button" class="link-button" onClick=${state.reload}>${t('common.retry')}</button>
        </div>`;
    }
    if (state.value === undefined) return html`<${Loading} />`;
    return null;
}

/* A hook: one page (20 rows) of the list route `path` with the filters `names` and the page number
   taken from the address's query; reloads when the address changes. Returns useLoad's state, whose
   value is the API's {data, pagination}. */
export function useListPage(path, query, names) {
    return useLoad(() => api.get(path, { ...queryValues(query, names), page: query.get('page') || '', limit: 20 }),
        [query.toString()]);
}

/* A form's last row: the submit button (its text while busy) and a link back to `cancelHref`. */
export function SaveBar({ busy, busyText, text, cancelHref }) {
    return html`<div class="actions">
        <button type="submit" class="button button-primary" disabled=${busy}>${busy ? busyText : text}</button>
        <a class="button" href=${cancelHref}>${t('widgets.cancel')}</a>
    </div>`;
}

/* Every item of a paginated list route, page after page (100 at a time, at most `max` items). */
export async function fetchAll(path, query = {}, max = 1000) {
    const out = [];
    for (let page = 1; ; page++) {
        const r = await api.get(path, { ...query, page, limit: 100 });
        out.push(...r.data);
        if (!r.pagination || !r.pagination.hasNextPage || out.length >= max) return out;
    }
}

/* The values of `names` in the address's query (absent ones as ''). */
export function queryValues(query, names) {
    return Object.fromEntries(names.map((n) => [n, query.get(n) || '']));
}

/* A filter form kept in the address: `fields` are [{name, label, type ('text', 'search', 'date',
   'number' or 'select'), options: [[value, text]], blank (the text of a select's empty choice, "All" by
   default)}]; submitting goes to `path` with the values (page 1), so the view can be bookmarked and
   reloaded. The form is data-form="filters". */
export function FilterBar({ path, query, fields }) {
    const [values, setValues] = useState(() => queryValues(query, fields.map((f) => f.name)));
    useEffect(() => setValues(queryValues(query, fields.map((f) => f.name))), [query.toString()]);
    const set = (name) => (e) => {
        const value = e.currentTarget.value;
        setValues((v) => ({ ...v, [name]: value }));
    };
    function submit(ev) {
        ev.preventDefault();
        navigate(withQuery(path, values));
    }
    const active = fields.filter((f) => query.get(f.name)).length;
    // on a phone the filters stay folded unless some are in use; from tablets on they are open
    const [open] = useState(() => active > 0 || !window.matchMedia('(max-width: 40rem)').matches);
    return html`<details class="filters-box" open=${open}>
        <summary>${active ? t('widgets.filtersActive', { n: active }) : t('widgets.filters')}</summary>
        <form class="filters" role="search" data-form="filters" onSubmit=${submit} noValidate>
        ${fields.map((f) => html`<label class="filter">
            <span>${f.label}</span>
            ${f.type === 'select'
                ? html`<select name=${f.name} value=${values[f.name]} onChange=${set(f.name)}>
                    <option value="">${f.blank || t('widgets.all')}</option>
                    ${f.options.map(([v, text]) => html`<option value=${v}>${text}</option>`)}
                </select>`
                : html`<input type=${f.type || 'text'} name=${f.name} value=${values[f.name]} onInput=${set(f.name)} />`}
        </label>`)}
        <div class="filter-actions">
            <button type="submit" class="button button-primary">${t('widgets.filter')}</button>
            <a class="button" href=${path}>${t('widgets.reset')}</a>
        </div>
    </form></details>`;
}

/* Previous / next links for an API pagination object, keeping the rest of the address's query. */
export function Pager({ path, query, pagination }) {
    if (!pagination || pagination.totalPages <= 1) return null;
    const at = (page) => withQuery(path, { ...Object.fromEntries(query), page });
    return html`<nav class="pager" aria-label=${t('widgets.pages')}>
        ${pagination.hasPrevPage ? html`<a class="button" rel="prev" href=${at(pagination.page - 1)}>${t('widgets.prev')}</a>` : null}
        <span>${t('widgets.pageOf', { page: pagination.page, pages: pagination.totalPages, total: pagination.total })}</span>
        ${pagination.hasNextPage ? html`<a class="button" rel="next" href=${at(pagination.page + 1)}>${t('widgets.next')}</a>` : null}
    </nav>`;
}

/* The field messages of an ApiError's details, each given to the input whose name is the longest
   path prefix of the detail's field ('contacts.phones.1' goes to the input 'contacts.phones').
   `text(detail)` words a VALIDATION_ERROR's message (default detailText); the field named by another
   error (a 409 DUPLICATE_EMAIL names `email`) gets that error's own message. Returns {errors:
   {inputName: text}, rest: [messages of the details no input takes]}. */
export function errorsByField(err, names, text = detailText) {
    const errors = {};
    const rest = [];
    const word = err && err.code !== 'VALIDATION_ERROR' ? () => errorText(err) : text;
    for (const d of (err && err.details) || []) {
        const field = d.field || '';
        const name = names.filter((n) => field === n || field.startsWith(`${n}.`))
            .sort((a, b) => b.length - a.length)[0];
        if (name && !(name in errors)) errors[name] = word(d);
        else if (!name && err.code === 'VALIDATION_ERROR') rest.push(`${field}: ${text(d)}`);
    }
    return { errors, rest };
}

/* The form-level message of a failed submission, with the details no field shows listed below it. */
export function SubmitError({ error, rest = [] }) {
    if (!error) return null;
    return html`<div class="alert alert-error" role="alert" data-error-code=${error.code}>
        ${errorText(error)}
        ${rest.length ? html`<ul class="detail-list">${rest.map((r) => html`<li>${r}</li>`)}</ul>` : null}
    </div>`;
}

/* A checkbox with its label after it; `name` is the API field. */
export function Checkbox({ label, name, checked, onChange, disabled }) {
    return html`<div class="field field-check">
        <label><input type="checkbox" name=${name} checked=${checked} disabled=${disabled}
            onChange=${(e) => onChange(e.currentTarget.checked)} /> ${label}</label>
    </div>`;
}

/* A button that asks again before acting: the first click shows "confirm" and "cancel" next to it;
   the confirm button carries data-action="confirm". */
export function ConfirmButton({ label, question, onConfirm, busy, action, className = 'button' }) {
    const [asking, setAsking] = useState(false);
    if (!asking) {
        return html`<button type="button" class=${className} data-action=${action} disabled=${busy}
            onClick=${() => setAsking(true)}>${label}</button>`;
    }
    return html`<span class="confirm" role="group" aria-label=${question}>
        <span>${question}</span>
        <button type="button" class="button button-danger" data-action="confirm" disabled=${busy}
            onClick=${async () => { await onConfirm(); setAsking(false); }}>${t('widgets.confirm')}</button>
        <button type="button" class="button" onClick=${() => setAsking(false)}>${t('widgets.cancel')}</button>
    </span>`;
}

const EXPONENT = { BIF: 0, USD: 2, EUR: 2 }; // SPEC 2.6

/* An amount in minor units as the text of a money input ("50000", "12.50"). */
export function moneyInput(amount, currency = 'BIF') {
    if (amount === null || amount === undefined) return '';
    const exp = EXPONENT[currency] ?? 0;
    return exp ? (amount / 10 ** exp).toFixed(exp) : String(amount);
}

/* The amount in minor units typed in a money input (spaces and grouping allowed; "12,50" or "12.50"
   for cents), or the trimmed text itself when it is not a number, so the API names the field. */
export function parseMoney(text, currency = 'BIF') {
    const exp = EXPONENT[currency] ?? 0;
    const s = String(text).replace(/[\s\u00a0\u202f']/g, '');
    if (exp === 0) {
        const digits = s.replace(/[.,]/g, '');
        return /^\d+$/.test(digits) ? Number(digits) : String(text).trim();
    }
    const m = /^(\d+(?:[.,]\d{3})*|\d+)(?:[.,](\d{1,2}))?$/.exec(s);
    if (!m) return String(text).trim();
    const whole = Number(m[1].replace(/[.,]/g, ''));
    const cents = m[2] ? Number(m[2].padEnd(2, '0')) : 0;
    return whole * 10 ** exp + cents;
}

/* The number typed in an input, or the trimmed text when it is not one (the API then names the field). */
export function parseNumber(text) {
    const s = String(text).trim().replace(',', '.');
    return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : String(text).trim();
}

/* A comma-separated list typed in an input, as an array of its non-empty trimmed items. */
export function parseList(text) {
    return String(text).split(',').map((s) => s.trim()).filter(Boolean);
}

/* "Yes" or "No". */
export function yesNo(value) {
    return value ? t('widgets.yes') : t('widgets.no');
}

/* A hook: for a super admin, every establishment ({loading, value: [{id, name, ...}], error}) to pick
   from; for a manager or staff member (one establishment, forced by the API) value is null. */
export function useEstablishments(user) {
    return useLoad(() => (user.role === 'super_admin'
        ? fetchAll('/establishments', { sort: 'name' }) : Promise.resolve(null)), [user.role]);
}

/* The [value, text] options of a select of establishments. */
export function establishmentOptions(list) {
    return (list || []).map((e) => [e.id, e.name]);
}

/* The browser's own UTC offset now, as "+02:00". */
function browserOffset() {
    const m = -new Date().getTimezoneOffset();
    const a = Math.abs(m);
    return `${m < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/* An instant (RFC 3339) in the browser's local time ("7 déc. 2026, 21:57"), or a dash when null. */
export function whenText(instant) {
    return instant ? dateTimeText(instant, browserOffset()) : '—';
}
