// web/admin/establishments/form.js: create (/admin/establishments/new, super admin) and edit (/admin/establishments/<id>/edit) an establishment; a manager's restricted fields are read-only.
import { html, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Field, useSubmit } from '../../lib/forms.js';
import { navigate } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { useTitle } from '../../lib/ui.js';
import { Checkbox, LoadState, SaveBar, SubmitError, errorsByField, parseList, parseNumber, useLoad } from '../widgets.js';

const TEXTS = ['name', 'description', 'location.city', 'location.address', 'location.country', 'location.lat',
    'location.lng', 'contacts.phones', 'contacts.email', 'contacts.website', 'services', 'checkInTime', 'checkOutTime',
    'utcOffset', 'businessDayStart', 'currency', 'vatRateBps', 'invoicePrefix', 'creditNotePrefix', 'pendingTtlHours',
    'defaultLanguage'];
// SPEC 3.3 note 2: only a super admin may change these
const RESTRICTED = ['name', 'currency', 'utcOffset', 'businessDayStart', 'vatRateBps', 'invoicePrefix', 'creditNotePrefix'];
const NEW_DEFAULTS = {
    'location.country': 'BI', utcOffset: '+02:00', businessDayStart: '06:00', checkInTime: '14:00', checkOutTime: '11:00',
    currency: 'BIF', vatRateBps: '1800', invoicePrefix: 'INV', creditNotePrefix: 'CN', pendingTtlHours: '48', defaultLanguage: 'fr',
};

let lastKey = 0;
function discountRow(d = null) {
    lastKey += 1;
    return { key: lastKey, minNights: d ? String(d.minNights) : '', percentBps: d ? String(d.percentBps) : '' };
}

/* The form's texts for an establishment (or a new one with the API's defaults). */
function valuesOf(est) {
    const v = Object.fromEntries(TEXTS.map((n) => [n, '']));
    if (!est) return { ...v, ...NEW_DEFAULTS, autoNoShow: true };
    const text = (x) => (x === null || x === undefined ? '' : String(x));
    for (const n of TEXTS) {
        const [a, b] = n.split('.');
        v[n] = text(b ? est[a][b] : est[a]);
    }
    v['contacts.phones'] = est.contacts.phones.join(', ');
    v.services = est.services.join(', ');
    v.autoNoShow = est.autoNoShow;
    return v;
}

/* The full body of the form; an empty input is null (cleared) when editing and left out when creating. */
function bodyOf(v, rows, creating) {
    const empty = creating ? undefined : null;
    const text = (n) => (v[n].trim() === '' ? empty : v[n].trim());
    const num = (n) => (v[n].trim() === '' ? empty : parseNumber(v[n]));
    const body = {
        name: text('name'), description: text('description'),
        location: { city: text('location.city'), address: text('location.address'), country: text('location.country'),
            lat: num('location.lat'), lng: num('location.lng') },
        contacts: { phones: parseList(v['contacts.phones']), email: text('contacts.email'), website: text('contacts.website') },
        services: parseList(v.services),
        checkInTime: text('checkInTime'), checkOutTime: text('checkOutTime'), utcOffset: text('utcOffset'),
        businessDayStart: text('businessDayStart'), currency: text('currency'), vatRateBps: num('vatRateBps'),
        invoicePrefix: text('invoicePrefix'), creditNotePrefix: text('creditNotePrefix'),
        pendingTtlHours: num('pendingTtlHours'), autoNoShow: v.autoNoShow, defaultLanguage: text('defaultLanguage'),
        longStayDiscounts: rows.map((r) => JSON.parse(JSON.stringify({
            minNights: r.minNights.trim() ? parseNumber(r.minNights) : undefined,
            percentBps: r.percentBps.trim() ? parseNumber(r.percentBps) : undefined,
        }))),
    };
    if (creating && body.contacts.phones.length === 0) delete body.contacts.phones;
    return JSON.parse(JSON.stringify(body));
}

/* For an edit: only the top-level fields whose value changed (so a manager never sends a restricted one). */
function changedOnly(body, before) {
    return Object.fromEntries(Object.entries(body).filter(([k, val]) => JSON.stringify(val) !== JSON.stringify(before[k])));
}

function DiscountsEditor({ rows, setRows, errors }) {
    const edit = (i, f) => (e) => {
        const value = e.currentTarget.value;
        setRows(rows.map((r, j) => (j === i ? { ...r, [f]: value } : r)));
    };
    return html`<fieldset class="seasons">
        <legend>${t('establishment.longStayDiscounts')}</legend>
        <p class="field-hint">${t('establishment.discountsHint')}</p>
        ${rows.map((r, i) => html`<fieldset key=${r.key} class="season-row" data-discount-row=${i}>
            <legend>${t('establishment.discountRow', { n: i + 1 })}</legend>
            ${errors[`longStayDiscounts.${i}`] ? html`<p class="field-error" role="alert">${errors[`longStayDiscounts.${i}`]}</p>` : null}
            <div class="season-fields">
                <${Field} type="number" min="2" max="365" name=${`longStayDiscounts.${i}.minNights`} label=${t('establishment.minNights')}
                    value=${r.minNights} error=${errors[`longStayDiscounts.${i}.minNights`]} onInput=${edit(i, 'minNights')} />
                <${Field} type="number" min="1" max="5000" name=${`longStayDiscounts.${i}.percentBps`} label=${t('establishment.percentBps')}
                    value=${r.percentBps} error=${errors[`longStayDiscounts.${i}.percentBps`]} onInput=${edit(i, 'percentBps')} />
            </div>
            <button type="button" class="button" data-action="remove-discount" onClick=${() => setRows(rows.filter((_, j) => j !== i))}>
                ${t('establishment.removeDiscount')}</button>
        </fieldset>`)}
        ${rows.length < 10 ? html`<button type="button" class="button" data-action="add-discount"
            onClick=${() => setRows([...rows, discountRow()])}>${t('establishment.addDiscount')}</button>` : null}
    </fieldset>`;
}

function EstablishmentForm({ est, user }) {
    const creating = !est;
    const locked = user.role !== 'super_admin';
    const [v, setV] = useState(() => valuesOf(est));
    const [rows, setRows] = useState(() => (est ? est.longStayDiscounts.map(discountRow) : [7, 14, 30].map((n, i) => discountRow({ minNights: n, percentBps: 500 * (i + 1) }))));
    const [shown, setShown] = useState(null);
    const save = useSubmit(async (key) => {
        const body = bodyOf(v, rows, creating);
        try {
            const r = creating
                ? await api.post('/establishments', body, { idempotencyKey: key })
                : await api.patch(`/establishments/${est.id}`, changedOnly(body, bodyOf(valuesOf(est), est.longStayDiscounts.map(discountRow), false)));
            navigate(`/admin/establishments/${r.data.id}`, { replace: !creating });
        } catch (err) {
            setShown(err);
            throw err;
        }
    }, { keyed: true });
    const rowNames = rows.flatMap((r, i) => [`longStayDiscounts.${i}`, `longStayDiscounts.${i}.minNights`, `longStayDiscounts.${i}.percentBps`]);
    const { errors, rest } = errorsByField(shown, [...TEXTS, 'autoNoShow', 'longStayDiscounts', ...rowNames]);
    const bind = (name) => ({
        name, value: v[name], error: errors[name], disabled: locked && RESTRICTED.includes(name),
        hint: locked && RESTRICTED.includes(name) ? t('establishment.restricted') : undefined,
        onInput: (e) => { const value = e.currentTarget.value; setV((old) => ({ ...old, [name]: value })); },
    });
    const select = (name, options) => html`<${Field} as="select" label=${t(`establishment.${name}`)} ...${bind(name)} onChange=${bind(name).onInput}>
        ${options.map(([val, text]) => html`<option value=${val}>${text}</option>`)}</${Field}>`;
    return html`<form class="form" data-form="establishment" onSubmit=${save.submit} noValidate>
        <${SubmitError} error=${save.error} rest=${rest} />
        <${Field} label=${t('establishment.name')} required maxLength="100" ...${bind('name')} />
        <${Field} as="textarea" rows="3" label=${t('establishment.description')} maxLength="5000" ...${bind('description')} />
        <fieldset><legend>${t('establishment.location')}</legend><div class="form-grid">
            <${Field} label=${t('establishment.city')} required ...${bind('location.city')} />
            <${Field} label=${t('establishment.address')} required ...${bind('location.address')} />
            <${Field} label=${t('establishment.country')} maxLength="2" hint=${t('establishment.countryHint')} ...${bind('location.country')} />
            <${Field} label=${t('establishment.lat')} inputmode="decimal" required ...${bind('location.lat')} />
            <${Field} label=${t('establishment.lng')} inputmode="decimal" required ...${bind('location.lng')} />
        </div></fieldset>
        <fieldset><legend>${t('establishment.contacts')}</legend><div class="form-grid">
            <${Field} type="tel" label=${t('establishment.phones')} hint=${t('establishment.phonesHint')} required ...${bind('contacts.phones')} />
            <${Field} type="email" label=${t('establishment.email')} required ...${bind('contacts.email')} />
            <${Field} type="url" label=${t('establishment.website')} hint=${t('establishment.websiteHint')} ...${bind('contacts.website')} />
        </div></fieldset>
        <${Field} label=${t('establishment.services')} hint=${t('establishment.servicesHint')} ...${bind('services')} />
        <fieldset><legend>${t('establishment.times')}</legend><div class="form-grid">
            <${Field} type="time" label=${t('establishment.checkInTime')} ...${bind('checkInTime')} />
            <${Field} type="time" label=${t('establishment.checkOutTime')} ...${bind('checkOutTime')} />
            <${Field} label=${t('establishment.utcOffset')} hint=${t('establishment.utcOffsetHint')} ...${bind('utcOffset')} />
            <${Field} type="time" label=${t('establishment.businessDayStart')} hint=${t('establishment.businessDayStartHint')} ...${bind('businessDayStart')} />
            <${Field} type="number" min="0" max="720" label=${t('establishment.pendingTtlHours')} hint=${t('establishment.pendingTtlHint')} ...${bind('pendingTtlHours')} />
        </div>
        <${Checkbox} name="autoNoShow" label=${t('establishment.autoNoShow')} checked=${v.autoNoShow}
            onChange=${(c) => setV((old) => ({ ...old, autoNoShow: c }))} /></fieldset>
        <fieldset><legend>${t('establishment.money')}</legend><div class="form-grid">
            ${select('currency', ['BIF', 'USD', 'EUR'].map((c) => [c, c]))}
            <${Field} type="number" min="0" max="10000" label=${t('establishment.vatRateBps')} hint=${t('establishment.vatHint')} ...${bind('vatRateBps')} />
            <${Field} label=${t('establishment.invoicePrefix')} maxLength="10" ...${bind('invoicePrefix')} />
            <${Field} label=${t('establishment.creditNotePrefix')} maxLength="10" ...${bind('creditNotePrefix')} />
            ${select('defaultLanguage', [['fr', t('lang.fr')], ['en', t('lang.en')]])}
        </div></fieldset>
        <${DiscountsEditor} rows=${rows} setRows=${(r) => { setRows(r); setShown(null); }} errors=${errors} />
        <${SaveBar} busy=${save.busy} busyText=${t('establishment.saving')} text=${creating ? t('establishment.create') : t('establishment.save')}
            cancelHref=${creating ? '/admin/establishments' : `/admin/establishments/${est.id}`} />
    </form>`;
}

function FormPage({ id, user }) {
    const title = id ? t('establishment.editTitle') : t('establishments.new');
    useTitle(title);
    const state = useLoad(() => (id ? api.get(`/establishments/${id}`).then((r) => r.data) : Promise.resolve(null)), [id]);
    return html`<section class="page">
        <p class="crumbs"><a href="/admin/establishments">${t('nav.establishments')}</a></p>
        <h1>${title}</h1>
        <${LoadState} state=${state} />
        ${state.value !== undefined ? html`<${EstablishmentForm} est=${state.value} user=${user} />` : null}
    </section>`;
}

/* /admin/establishments/new: a super admin's form with the API's defaults; POST with an Idempotency-Key. */
export function EstablishmentNewPage({ user }) {
    return html`<${FormPage} id=${null} user=${user} />`;
}

/* /admin/establishments/<id>/edit: PATCH of the fields that changed, then the establishment's page. */
export function EstablishmentEditPage({ params, user }) {
    return html`<${FormPage} id=${params.id} user=${user} />`;
}
