// web/admin/accommodations/form.js: create (/admin/accommodations/new) and edit (/admin/accommodations/<id>/edit) an accommodation: pricing mode, prices, seasons, capacity, details.
import { html, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Field, useSubmit } from '../../lib/forms.js';
import { navigate } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { useTitle } from '../../lib/ui.js';
import {
    LoadState, SaveBar, SubmitError, errorsByField, fetchAll, moneyInput, parseList, parseMoney, parseNumber, useLoad,
} from '../widgets.js';
import { MODES, TYPES } from './list.js';
import { SeasonsEditor, seasonNames, seasonRow, seasonText, seasonsBody } from './seasons.js';

const ROOMS = ['bedrooms', 'bathrooms', 'showers', 'livingRooms', 'kitchens', 'balconies'];
const DETAILS = ['floor', 'areaM2', 'view', 'bedType'];
const NAMES = ['establishmentId', 'name', 'description', 'type', 'pricingMode', 'pricing.basePrice', 'pricing.minHours',
    'capacity.maxGuests', ...ROOMS.map((k) => `capacity.${k}`), ...DETAILS.map((k) => `details.${k}`), 'amenities'];

/* The form's texts for a unit (or a blank form). */
function valuesOf(unit) {
    const v = Object.fromEntries(NAMES.map((n) => [n, '']));
    v.type = 'standard_room';
    v.pricingMode = 'nightly';
    if (!unit) return v;
    const text = (x) => (x === null || x === undefined ? '' : String(x));
    Object.assign(v, {
        establishmentId: unit.establishmentId, name: unit.name, description: text(unit.description), type: unit.type,
        pricingMode: unit.pricingMode, 'pricing.basePrice': moneyInput(unit.pricing.basePrice, unit.pricing.currency),
        'pricing.minHours': text(unit.pricing.minHours), 'capacity.maxGuests': text(unit.capacity.maxGuests),
        amenities: unit.amenities.join(', '),
    });
    for (const k of ROOMS) v[`capacity.${k}`] = text(unit.capacity[k]);
    for (const k of DETAILS) v[`details.${k}`] = text(unit.details[k]);
    return v;
}

/* The request body. On create an empty input is left out (the API names a required one); on edit it
   is null, which clears an optional field (JSON Merge Patch) and is refused for a required one. */
function bodyOf(v, rows, currency, creating, superAdmin) {
    const empty = creating ? undefined : null;
    const text = (n) => (v[n].trim() === '' ? empty : v[n].trim());
    const num = (n) => (v[n].trim() === '' ? empty : parseNumber(v[n]));
    const body = {
        name: text('name'), description: text('description'), type: v.type, pricingMode: v.pricingMode,
        pricing: {
            basePrice: v['pricing.basePrice'].trim() === '' ? empty : parseMoney(v['pricing.basePrice'], currency),
            seasons: seasonsBody(rows, currency),
        },
        capacity: { maxGuests: num('capacity.maxGuests') },
        details: {},
        amenities: parseList(v.amenities),
    };
    if (v.pricingMode === 'hourly') body.pricing.minHours = num('pricing.minHours');
    for (const k of ROOMS) body.capacity[k] = num(`capacity.${k}`);
    body.details.floor = num('details.floor');
    body.details.areaM2 = num('details.areaM2');
    body.details.view = text('details.view');
    body.details.bedType = text('details.bedType');
    if (creating && superAdmin && v.establishmentId) body.establishmentId = v.establishmentId;
    return JSON.parse(JSON.stringify(body)); // drops the undefined members
}

/* The establishments the form can need: a super admin's choice on create, else the unit's own (its currency). */
async function loadContext(id, user) {
    const unit = id ? (await api.get(`/accommodations/${id}`)).data : null;
    let ests;
    if (unit || user.establishmentId) {
        ests = [(await api.get(`/establishments/${unit ? unit.establishmentId : user.establishmentId}`)).data];
    } else {
        ests = await fetchAll('/establishments', { sort: 'name' });
    }
    return { unit, ests };
}

function AccommodationForm({ unit, ests, user }) {
    const creating = !unit;
    const [v, setV] = useState(() => {
        const init = valuesOf(unit);
        if (creating && ests.length) init.establishmentId = ests[0].id;
        return init;
    });
    const [rows, setRows] = useState(() => (unit ? unit.pricing.seasons.map((s) => seasonRow(s, unit.pricing.currency)) : []));
    const [shown, setShown] = useState(null); // the failed submission whose messages are shown
    const est = ests.find((e) => e.id === v.establishmentId) || ests[0] || {};
    const currency = unit ? unit.pricing.currency : est.currency || 'BIF';
    const save = useSubmit(async (key) => {
        const body = bodyOf(v, rows, currency, creating, user.role === 'super_admin');
        try {
            const r = creating
                ? await api.post('/accommodations', body, { idempotencyKey: key })
                : await api.patch(`/accommodations/${unit.id}`, body);
            navigate(`/admin/accommodations/${r.data.id}`, { replace: !creating });
        } catch (err) {
            setShown(err);
            throw err;
        }
    }, { keyed: true });
    const { errors, rest } = errorsByField(shown, [...NAMES, ...seasonNames(rows)], seasonText);
    const bind = (name) => ({
        name, value: v[name], error: errors[name],
        onInput: (e) => { const value = e.currentTarget.value; setV((old) => ({ ...old, [name]: value })); },
    });
    const editRows = (next) => { setRows(next); setShown(null); }; // indices moved: old messages no longer fit
    const unitLabel = `${currency} / ${t(`accommodation.unit.${v.pricingMode}`)}`;
    return html`<form class="form" data-form="accommodation" onSubmit=${save.submit} noValidate>
        <${SubmitError} error=${save.error} rest=${rest} />
        ${creating && user.role === 'super_admin' ? html`<${Field} as="select" label=${t('accommodation.establishment')} ...${bind('establishmentId')}
            onChange=${bind('establishmentId').onInput}>
            ${ests.map((e) => html`<option value=${e.id}>${e.name}</option>`)}
        </${Field}>` : html`<p class="lead">${t('accommodation.establishment')} : ${est.name}</p>`}
        <${Field} label=${t('accommodation.name')} required maxLength="100" ...${bind('name')} />
        <${Field} as="textarea" rows="3" label=${t('accommodation.description')} maxLength="2000" ...${bind('description')} />
        <div class="form-row">
            <${Field} as="select" label=${t('accommodation.type')} ...${bind('type')} onChange=${bind('type').onInput}>
                ${TYPES.map((x) => html`<option value=${x}>${t(`type.${x}`)}</option>`)}
            </${Field}>
            <${Field} as="select" label=${t('accommodation.pricingMode')} hint=${t(`accommodation.modeHint.${v.pricingMode}`)}
                ...${bind('pricingMode')} onChange=${bind('pricingMode').onInput}>
                ${MODES.map((x) => html`<option value=${x}>${t(`accommodation.mode.${x}`)}</option>`)}
            </${Field}>
        </div>
        <div class="form-row">
            <${Field} label=${t('accommodation.basePriceIn', { unit: unitLabel })} inputmode="decimal" required ...${bind('pricing.basePrice')} />
            ${v.pricingMode === 'hourly' ? html`<${Field} type="number" min="1" max="24" label=${t('accommodation.minHours')}
                hint=${t('accommodation.minHoursHint')} ...${bind('pricing.minHours')} />` : null}
        </div>
        <${SeasonsEditor} rows=${rows} setRows=${editRows} errors=${errors} unitLabel=${unitLabel} />
        <fieldset>
            <legend>${t('accommodation.capacity')}</legend>
            <div class="form-grid">
                <${Field} type="number" min="1" max="50" label=${t('accommodation.maxGuests')} required ...${bind('capacity.maxGuests')} />
                ${ROOMS.map((k) => html`<${Field} type="number" min="0" max="50" label=${t(`accommodation.capacity.${k}`)} ...${bind(`capacity.${k}`)} />`)}
            </div>
        </fieldset>
        <fieldset>
            <legend>${t('accommodation.details')}</legend>
            <div class="form-grid">
                <${Field} type="number" min="-5" max="200" label=${t('accommodation.details.floor')} ...${bind('details.floor')} />
                <${Field} inputmode="decimal" label=${t('accommodation.details.areaM2')} ...${bind('details.areaM2')} />
                <${Field} label=${t('accommodation.details.view')} maxLength="100" ...${bind('details.view')} />
                <${Field} label=${t('accommodation.details.bedType')} maxLength="50" ...${bind('details.bedType')} />
            </div>
        </fieldset>
        <${Field} label=${t('accommodation.amenities')} hint=${t('accommodation.amenitiesHint')} ...${bind('amenities')} />
        <${SaveBar} busy=${save.busy} busyText=${t('accommodation.saving')} text=${creating ? t('accommodation.create') : t('accommodation.save')}
            cancelHref=${creating ? '/admin/accommodations' : `/admin/accommodations/${unit.id}`} />
    </form>`;
}

function FormPage({ id, user }) {
    const title = id ? t('accommodation.editTitle') : t('accommodations.new');
    useTitle(title);
    const state = useLoad(() => loadContext(id, user), [id]);
    const ctx = state.value;
    return html`<section class="page">
        <p class="crumbs"><a href="/admin/accommodations">${t('nav.accommodations')}</a>
            ${ctx && ctx.unit ? html` › <a href=${`/admin/accommodations/${ctx.unit.id}`}>${ctx.unit.name}</a>` : null}</p>
        <h1>${title}</h1>
        <${LoadState} state=${state} />
        ${ctx ? html`<${AccommodationForm} unit=${ctx.unit} ests=${ctx.ests} user=${user} />` : null}
    </section>`;
}

/* /admin/accommodations/new: a blank form; POST with one Idempotency-Key per attempt, then the unit's page. */
export function AccommodationNewPage({ user }) {
    return html`<${FormPage} id=${null} user=${user} />`;
}

/* /admin/accommodations/<id>/edit: the unit's form; PATCH, then the unit's page. */
export function AccommodationEditPage({ params, user }) {
    return html`<${FormPage} id=${params.id} user=${user} />`;
}
