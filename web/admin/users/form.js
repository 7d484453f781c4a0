// web/admin/users/form.js: the account form shared by creation and edit: names, email, phone, language, and the role and establishment a super admin may set.
import { html, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Field, useSubmit } from '../../lib/forms.js';
import { api } from '../../lib/session.js';
import { SubmitError, errorsByField } from '../widgets.js';
import { ROLES } from './list.js';

const NAMES = ['email', 'password', 'firstName', 'lastName', 'phone', 'role', 'establishmentId', 'preferredLanguage'];

function valuesOf(account) {
    if (!account) {
        return { email: '', password: '', firstName: '', lastName: '', phone: '', role: 'staff', establishmentId: '', preferredLanguage: 'fr' };
    }
    return {
        email: account.email, password: '', firstName: account.firstName, lastName: account.lastName, phone: account.phone || '',
        role: account.role, establishmentId: account.establishmentId || '', preferredLanguage: account.preferredLanguage,
    };
}

/* The body: on create the non-empty values (role and establishment as the caller may set them); on
   edit only what changed, an emptied phone as null, role and establishment only from a super admin. */
function bodyOf(v, account, caller) {
    const sa = caller.role === 'super_admin';
    const trimmed = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.trim()]));
    if (!account) {
        const body = {};
        for (const k of ['email', 'password', 'firstName', 'lastName', 'phone', 'preferredLanguage']) {
            if (trimmed[k]) body[k] = k === 'password' ? v.password : trimmed[k];
        }
        body.role = sa ? trimmed.role : 'staff';
        if (sa && trimmed.role !== 'super_admin' && trimmed.establishmentId) body.establishmentId = trimmed.establishmentId;
        return body;
    }
    const before = valuesOf(account);
    const body = {};
    for (const k of ['email', 'firstName', 'lastName', 'phone', 'preferredLanguage'].concat(sa ? ['role', 'establishmentId'] : [])) {
        if (trimmed[k] !== before[k]) body[k] = trimmed[k] === '' ? null : trimmed[k];
    }
    if (sa && trimmed.role === 'super_admin' && before.establishmentId) body.establishmentId = null;
    return body;
}

/* The form (data-form="user"). `account` is null to create; `ests` the establishments a super admin
   picks from (null for a manager, whose accounts are staff of their own establishment). Calls
   onSaved(user) with the API's answer. */
export function UserForm({ account, caller, ests, onSaved }) {
    const creating = !account;
    const sa = caller.role === 'super_admin';
    const [v, setV] = useState(() => {
        const init = valuesOf(account);
        if (creating && sa && ests && ests.length) init.establishmentId = ests[0].id;
        return init;
    });
    const save = useSubmit(async (key) => {
        const body = bodyOf(v, account, caller);
        const r = creating ? await api.post('/users', body, { idempotencyKey: key }) : await api.patch(`/users/${account.id}`, body);
        onSaved(r.data);
    }, { keyed: true });
    const { errors, rest } = errorsByField(save.error, NAMES);
    const bind = (name) => ({
        name, value: v[name], error: errors[name],
        onInput: (e) => { const value = e.currentTarget.value; setV((old) => ({ ...old, [name]: value })); },
    });
    const roles = sa ? ROLES : ['staff'];
    const editable = creating ? true : sa || account.role === 'staff';
    return html`<form class="form" data-form="user" onSubmit=${save.submit} noValidate>
        <${SubmitError} error=${save.error} rest=${rest} />
        <fieldset disabled=${!editable}>
            <div class="form-grid">
                <${Field} label=${t('user.firstName')} required maxLength="50" autocomplete="off" ...${bind('firstName')} />
                <${Field} label=${t('user.lastName')} required maxLength="50" autocomplete="off" ...${bind('lastName')} />
                <${Field} type="email" label=${t('user.email')} required autocomplete="off" ...${bind('email')} />
                <${Field} type="tel" label=${t('user.phone')} autocomplete="off" ...${bind('phone')} />
                ${creating ? html`<${Field} type="password" label=${t('user.password')} hint=${t('user.passwordHint')} required
                    autocomplete="new-password" ...${bind('password')} />` : null}
                <${Field} as="select" label=${t('user.preferredLanguage')} ...${bind('preferredLanguage')} onChange=${bind('preferredLanguage').onInput}>
                    <option value="fr">${t('lang.fr')}</option><option value="en">${t('lang.en')}</option>
                </${Field}>
                <${Field} as="select" label=${t('user.role')} disabled=${!sa} ...${bind('role')} onChange=${bind('role').onInput}>
                    ${roles.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}
                </${Field}>
                ${sa && v.role !== 'super_admin' ? html`<${Field} as="select" label=${t('user.establishment')} ...${bind('establishmentId')}
                    onChange=${bind('establishmentId').onInput}>
                    <option value="">${t('user.chooseEstablishment')}</option>
                    ${(ests || []).map((e) => html`<option value=${e.id}>${e.name}</option>`)}
                </${Field}>` : null}
            </div>
            ${!sa ? html`<p class="field-hint">${t('user.managerScope')}</p>` : null}
            <div class="actions">
                <button type="submit" class="button button-primary" disabled=${save.busy}>
                    ${save.busy ? t('users.saving') : creating ? t('user.create') : t('user.save')}</button>
            </div>
        </fieldset>
    </form>`;
}
