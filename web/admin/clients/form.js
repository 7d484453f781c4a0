// web/admin/clients/form.js: the client form (create with POST /api/clients and its Idempotency-Key, edit with PATCH): personal details, classification, preferences, notes.
import { html, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Field, FormError, compact, useSubmit } from '../../lib/forms.js';
import { api } from '../../lib/session.js';
import { ID_TYPES } from '../bookings/parts.js';

// personalInfo's fields (SPEC 4.6); the inputs are named by the field, without the "personalInfo." prefix
const PERSONAL = ['firstName', 'lastName', 'email', 'phone', 'idType', 'idNumber', 'nationality', 'dateOfBirth', 'gender', 'address', 'city', 'country'];
const REQUIRED = ['firstName', 'lastName'];
const OTHER = ['classification', 'companyName', 'preferredLanguage', 'notes'];
export const CLASSIFICATIONS = ['regular', 'walkin', 'corporate'];
const GENDERS = ['male', 'female', 'other'];
const UPPER = ['nationality', 'country'];

function valuesOf(c) {
    const v = {};
    for (const f of PERSONAL) v[f] = (c && c.personalInfo[f]) || '';
    for (const f of OTHER) v[f] = (c && c[f]) || '';
    v.classification = v.classification || 'regular';
    v.preferences = c ? c.preferences.join(', ') : '';
    v.marketingOptIn = c ? c.marketingOptIn : false;
    return v;
}

function cleaned(form) {
    const v = {};
    for (const f of [...PERSONAL, ...OTHER]) v[f] = UPPER.includes(f) ? form[f].trim().toUpperCase() : form[f].trim();
    v.preferences = form.preferences.split(',').map((s) => s.trim()).filter(Boolean);
    v.marketingOptIn = form.marketingOptIn;
    return v;
}

/* The body of a create: what was filled in, under personalInfo for the personal details. */
function createBody(v, establishmentId) {
    return compact({
        establishmentId,
        personalInfo: compact(Object.fromEntries(PERSONAL.map((f) => [f, v[f]]))),
        ...compact(Object.fromEntries(OTHER.map((f) => [f, v[f]]))),
        preferences: v.preferences.length ? v.preferences : '',
        marketingOptIn: v.marketingOptIn,
    });
}

/* The merge patch of an edit (SPEC 2.1): the changed fields only; an emptied optional field is null. */
function patchBody(v, c) {
    const personal = {};
    for (const f of PERSONAL) {
        if (v[f] !== (c.personalInfo[f] || '')) personal[f] = v[f] === '' && !REQUIRED.includes(f) ? null : v[f];
    }
    const body = {};
    if (Object.keys(personal).length) body.personalInfo = personal;
    for (const f of OTHER) if (v[f] !== (c[f] || '')) body[f] = v[f] === '' && f !== 'classification' ? null : v[f];
    if (v.preferences.join('\n') !== c.preferences.join('\n')) body.preferences = v.preferences;
    if (v.marketingOptIn !== c.marketingOptIn) body.marketingOptIn = v.marketingOptIn;
    return body;
}

/* Creates a client (no `client`) or edits `client`; onSaved(client) after the API's answer. A super
   admin creating one picks its establishment (`establishments`, default `establishmentId`). A 409
   DUPLICATE_EMAIL is shown at the email field. */
export function ClientForm({ client, establishments, establishmentId, onSaved, onCancel }) {
    const [form, setForm] = useState(() => valuesOf(client));
    const [estId, setEstId] = useState(establishmentId || '');
    const aliases = Object.fromEntries(PERSONAL.map((f) => [`personalInfo.${f}`, f]));
    const { submit, busy, error, errors } = useSubmit(async (key) => {
        const v = cleaned(form);
        if (!client) {
            onSaved((await api.post('/clients', createBody(v, establishments ? estId : ''), { idempotencyKey: key })).data);
            return;
        }
        const body = patchBody(v, client);
        onSaved(Object.keys(body).length ? (await api.patch(`/clients/${client.id}`, body)).data : client);
    }, { keyed: true, aliases });
    const fieldError = (name) => (name === 'email' && error && error.code === 'DUPLICATE_EMAIL' ? t('error.DUPLICATE_EMAIL') : errors[name]);
    const set = (name) => (e) => setForm((f) => ({ ...f, [name]: e.currentTarget.value }));
    const field = (name, props = {}) => html`<${Field} name=${name} label=${t(`client.${name}`)} value=${form[name]}
        error=${fieldError(name)} onInput=${set(name)} autocomplete="off" ...${props} />`;
    const select = (name, values, prefix, blank = true) => html`<${Field} as="select" name=${name} label=${t(`client.${name}`)}
        value=${form[name]} error=${errors[name]} onChange=${set(name)}>
        ${blank ? html`<option value="">${t('client.none')}</option>` : null}
        ${values.map((v) => html`<option value=${v}>${t(`${prefix}.${v}`)}</option>`)}
    </${Field}>`;
    return html`<form class="client-form" data-form="client" onSubmit=${submit} noValidate>
        <${FormError} error=${error} />
        ${establishments && !client ? html`<${Field} as="select" name="establishmentId" label=${t('desk.establishment')} value=${estId}
            error=${errors.establishmentId} onChange=${(e) => setEstId(e.currentTarget.value)}>
            ${establishments.map((e) => html`<option value=${e.id}>${e.name}</option>`)}
        </${Field}>` : null}
        <fieldset><legend>${t('client.identity')}</legend><div class="form-grid">
            ${field('firstName', { required: true, maxlength: 50 })}
            ${field('lastName', { required: true, maxlength: 50 })}
            ${field('email', { type: 'email', hint: t('client.contactHint') })}
            ${field('phone', { type: 'tel' })}
            ${select('idType', ID_TYPES, 'client.idType')}
            ${field('idNumber', { maxlength: 50 })}
            ${field('nationality', { maxlength: 2, hint: t('client.countryHint') })}
            ${field('dateOfBirth', { type: 'date' })}
            ${select('gender', GENDERS, 'client.gender')}
        </div></fieldset>
        <fieldset><legend>${t('client.addressLabel')}</legend><div class="form-grid">
            ${field('address', { maxlength: 200 })}
            ${field('city', { maxlength: 100 })}
            ${field('country', { maxlength: 2, hint: t('client.countryHint') })}
        </div></fieldset>
        <fieldset><legend>${t('client.relation')}</legend><div class="form-grid">
            ${select('classification', CLASSIFICATIONS, 'client.classification', false)}
            ${field('companyName', { maxlength: 100, hint: t('client.companyHint') })}
            <${Field} as="select" name="preferredLanguage" label=${t('client.preferredLanguage')} value=${form.preferredLanguage}
                error=${errors.preferredLanguage} onChange=${set('preferredLanguage')}>
                <option value="">${t('client.none')}</option><option value="fr">${t('lang.fr')}</option><option value="en">${t('lang.en')}</option>
            </${Field}>
            ${field('preferences', { hint: t('client.preferencesHint') })}
        </div>
        <div class="field field-check"><label><input type="checkbox" name="marketingOptIn" checked=${form.marketingOptIn}
            onChange=${(e) => setForm((f) => ({ ...f, marketingOptIn: e.currentTarget.checked }))} /> ${t('client.marketingOptIn')}</label></div>
        <${Field} as="textarea" name="notes" label=${t('client.notes')} rows="3" maxlength="2000" value=${form.notes}
            error=${errors.notes} onInput=${set('notes')} />
        </fieldset>
        <div class="form-actions">
            <button type="submit" class="button button-primary" disabled=${busy}>${t(client ? 'client.save' : 'client.create')}</button>
            ${onCancel ? html`<button type="button" class="button" onClick=${onCancel}>${t('booking.closeForm')}</button>` : null}
        </div>
    </form>`;
}
