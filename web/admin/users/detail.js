// web/admin/users/detail.js: one account (/admin/users/<id>): its data and edit form, deactivate / reactivate, a new password, its audit trail.
import { html, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Field, FormError, useSubmit } from '../../lib/forms.js';
import { api } from '../../lib/session.js';
import { Message, useTitle } from '../../lib/ui.js';
import { LoadState, SubmitError, errorsByField, useEstablishments, useLoad, whenText } from '../widgets.js';
import { UserForm } from './form.js';

/* Deactivate or reactivate (POST, one Idempotency-Key per click and its retries). */
function ActiveToggle({ account, onChange }) {
    const action = account.isActive ? 'deactivate' : 'activate';
    const run = useSubmit(async (key) => {
        onChange((await api.post(`/users/${account.id}/${action}`, {}, { idempotencyKey: key })).data);
    }, { keyed: true });
    return html`<div class="actions">
        <button type="button" class="button" data-action=${action} disabled=${run.busy} onClick=${run.submit}>
            ${account.isActive ? t('user.deactivate') : t('user.activate')}</button>
        <a class="button" href=${`/admin/audit/user/${account.id}`}>${t('audit.history')}</a>
        <${FormError} error=${run.error} />
    </div>`;
}

/* A new password set by a super admin or the manager (POST /api/users/<id>/password); it ends the
   user's sessions and mails them that it changed. */
function PasswordForm({ account }) {
    const [value, setValue] = useState('');
    const [done, setDone] = useState(false);
    const run = useSubmit(async (key) => {
        await api.post(`/users/${account.id}/password`, value ? { newPassword: value } : {}, { idempotencyKey: key });
        setValue('');
        setDone(true);
    }, { keyed: true });
    const { errors, rest } = errorsByField(run.error, ['newPassword']);
    return html`<form class="form" data-form="password" onSubmit=${(e) => { setDone(false); return run.submit(e); }} noValidate>
        <h2>${t('user.setPassword')}</h2>
        <${SubmitError} error=${run.error} rest=${rest} />
        ${done ? html`<${Message} kind="success">${t('user.passwordSet')}</${Message}>` : null}
        <${Field} type="password" name="newPassword" label=${t('user.newPassword')} hint=${t('user.passwordHint')}
            autocomplete="new-password" value=${value} error=${errors.newPassword} onInput=${(e) => setValue(e.currentTarget.value)} />
        <button type="submit" class="button" disabled=${run.busy}>${t('user.setPasswordSubmit')}</button>
    </form>`;
}

/* The page: who it is, then the edit form and the actions (the API answers 404 for an account out of scope). */
export function UserPage({ params, user }) {
    const state = useLoad(() => api.get(`/users/${params.id}`).then((r) => r.data), [params.id]);
    const ests = useEstablishments(user);
    const [saved, setSaved] = useState(false);
    const account = state.value;
    useTitle(account ? `${account.firstName} ${account.lastName}` : t('user.title'));
    if (!account || ests.value === undefined) {
        return html`<section class="page"><h1>${t('user.title')}</h1><${LoadState} state=${state.error ? state : ests} />
            <p><a href="/admin/users">${t('users.back')}</a></p></section>`;
    }
    const mayManage = user.role === 'super_admin' || (account.role === 'staff' && account.id !== user.id);
    const replace = (u) => { state.set(u); setSaved(false); };
    return html`<section class="page" data-user-id=${account.id}>
        <p class="crumbs"><a href="/admin/users">${t('nav.users')}</a></p>
        <div class="page-head">
            <h1>${account.firstName} ${account.lastName}</h1>
            <span class=${account.isActive ? 'badge badge-available' : 'badge badge-out_of_service'} data-user-active=${String(account.isActive)}>
                ${account.isActive ? t('user.isActive') : t('user.isInactive')}</span>
        </div>
        <p class="lead">${t(`role.${account.role}`)}${account.establishment ? ` · ${account.establishment.name}` : ''}
            · ${t('user.lastLogin', { when: whenText(account.lastLoginAt) })}</p>
        ${mayManage ? html`<${ActiveToggle} account=${account} onChange=${replace} />` : html`<p class="muted">${t('user.notYours')}</p>`}
        ${saved ? html`<${Message} kind="success">${t('user.saved')}</${Message}>` : null}
        <h2>${t('user.editTitle')}</h2>
        <${UserForm} key=${account.updatedAt} account=${account} caller=${user} ests=${ests.value}
            onSaved=${(u) => { state.set(u); setSaved(true); }} />
        ${mayManage ? html`<${PasswordForm} account=${account} />` : null}
    </section>`;
}
