// web/admin/profile/profile.js: the caller's own account (/admin/profile): name, phone and language (PATCH /api/auth/me), change password, log out everywhere.
import { html, useState } from '../../lib/html.js';
import { detailText, t } from '../../lib/i18n.js';
import { Field, FormError, useSubmit } from '../../lib/forms.js';
import { navigate } from '../../lib/router.js';
import { api, changePassword, logoutAll, setCurrentUser } from '../../lib/session.js';
import { Message, useTitle } from '../../lib/ui.js';
import { SubmitError, errorsByField, whenText } from '../widgets.js';

const FIELDS = ['firstName', 'lastName', 'phone', 'preferredLanguage'];

/* Name, phone, language: only the changed fields are sent; an emptied phone is cleared (null). */
function ProfileForm({ user }) {
    const initial = { firstName: user.firstName, lastName: user.lastName, phone: user.phone || '', preferredLanguage: user.preferredLanguage };
    const [v, setV] = useState(initial);
    const [saved, setSaved] = useState(false);
    const save = useSubmit(async () => {
        const body = {};
        for (const k of FIELDS) {
            const now = v[k].trim();
            if (now !== initial[k]) body[k] = now === '' ? null : now;
        }
        setCurrentUser((await api.patch('/auth/me', body)).data);
        setSaved(true);
    });
    const { errors, rest } = errorsByField(save.error, FIELDS);
    const bind = (name) => ({
        name, value: v[name], error: errors[name],
        onInput: (e) => { const value = e.currentTarget.value; setSaved(false); setV((old) => ({ ...old, [name]: value })); },
    });
    return html`<form class="form" data-form="profile" onSubmit=${save.submit} noValidate>
        <h2>${t('profile.details')}</h2>
        <${SubmitError} error=${save.error} rest=${rest} />
        ${saved ? html`<${Message} kind="success">${t('profile.saved')}</${Message}>` : null}
        <div class="form-grid">
            <${Field} label=${t('user.firstName')} required maxLength="50" autocomplete="given-name" ...${bind('firstName')} />
            <${Field} label=${t('user.lastName')} required maxLength="50" autocomplete="family-name" ...${bind('lastName')} />
            <${Field} type="tel" label=${t('user.phone')} autocomplete="tel" ...${bind('phone')} />
            <${Field} as="select" label=${t('user.preferredLanguage')} hint=${t('profile.languageHint')} ...${bind('preferredLanguage')}
                onChange=${bind('preferredLanguage').onInput}>
                <option value="fr">${t('lang.fr')}</option><option value="en">${t('lang.en')}</option>
            </${Field}>
        </div>
        <button type="submit" class="button button-primary" disabled=${save.busy}>${save.busy ? t('profile.saving') : t('profile.save')}</button>
    </form>`;
}

/* Current and new password (typed twice); the API ends every other session and this one gets a new token pair. */
function PasswordForm() {
    const [v, setV] = useState({ currentPassword: '', newPassword: '', confirmPassword: '' });
    const [mismatch, setMismatch] = useState(false);
    const [done, setDone] = useState(false);
    const save = useSubmit(async () => {
        await changePassword(v.currentPassword, v.newPassword);
        setV({ currentPassword: '', newPassword: '', confirmPassword: '' });
        setDone(true);
    });
    function submit(ev) {
        setDone(false);
        const differs = v.newPassword !== v.confirmPassword;
        setMismatch(differs);
        if (differs) {
            ev.preventDefault();
            ev.currentTarget.querySelector('[name=confirmPassword]').focus();
            return undefined;
        }
        return save.submit(ev);
    }
    const { errors, rest } = errorsByField(save.error, ['currentPassword', 'newPassword'], (d) => (
        d.field === 'currentPassword' && /^is incorrect/.test(d.message) ? t('profile.wrongPassword') : detailText(d)));
    const bind = (name) => ({
        name, value: v[name], error: errors[name],
        onInput: (e) => { const value = e.currentTarget.value; setV((old) => ({ ...old, [name]: value })); },
    });
    return html`<form class="form" data-form="password" onSubmit=${submit} noValidate>
        <h2>${t('profile.changePassword')}</h2>
        <${SubmitError} error=${save.error} rest=${rest} />
        ${done ? html`<${Message} kind="success">${t('profile.passwordChanged')}</${Message}>` : null}
        <${Field} type="password" label=${t('profile.currentPassword')} autocomplete="current-password" required ...${bind('currentPassword')} />
        <${Field} type="password" label=${t('profile.newPassword')} hint=${t('user.passwordHint')} autocomplete="new-password" required ...${bind('newPassword')} />
        <${Field} type="password" label=${t('profile.confirmPassword')} autocomplete="new-password" required
            ...${bind('confirmPassword')} error=${mismatch ? t('profile.mismatch') : undefined} />
        <button type="submit" class="button button-primary" disabled=${save.busy}>${save.busy ? t('profile.saving') : t('profile.changePasswordSubmit')}</button>
    </form>`;
}

/* Ends every session of the account (all devices), then the login page. */
function LogoutEverywhere() {
    const run = useSubmit(async () => {
        await logoutAll();
        navigate('/admin/login', { replace: true });
    });
    return html`<section class="block">
        <h2>${t('profile.sessions')}</h2>
        <p>${t('profile.logoutAllText')}</p>
        <${FormError} error=${run.error} />
        <button type="button" class="button" data-action="logout-all" disabled=${run.busy} onClick=${run.submit}>${t('profile.logoutAll')}</button>
    </section>`;
}

/* The page. */
export function ProfilePage({ user }) {
    useTitle(t('nav.profile'));
    return html`<section class="page">
        <h1>${t('nav.profile')}</h1>
        <p class="lead">${user.email} · ${t(`role.${user.role}`)}${user.establishment ? ` · ${user.establishment.name}` : ''}</p>
        <p class="muted">${t('profile.lastLogin', { when: whenText(user.lastLoginAt) })}${user.passwordChangedAt
            ? ` · ${t('profile.passwordChangedAt', { when: whenText(user.passwordChangedAt) })}` : ''}</p>
        <${ProfileForm} user=${user} />
        <${PasswordForm} />
        <${LogoutEverywhere} />
    </section>`;
}
