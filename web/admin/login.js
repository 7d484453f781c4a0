// web/admin/login.js: the back office's login page (/admin/login): email and password, then back to where the user was.
import { html, useState } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, useSubmit } from '../lib/forms.js';
import { navigate } from '../lib/router.js';
import { login } from '../lib/session.js';
import { LangSwitch, useTitle } from '../lib/ui.js';

/* Where to go after login: the `next` address if it is a back-office page, else Today. */
function nextAddress(next) {
    return next && next.startsWith('/admin/') && !next.startsWith('/admin/login') ? next : '/admin/';
}

/* The login form (UI.md 7: inputs email and password, a submit button). */
export function LoginPage({ query }) {
    useTitle(t('login.title'));
    const [email, setEmail] = useState('');
    const [password, setPassword] = useState('');
    const { submit, busy, error, errors } = useSubmit(async () => {
        await login(email, password);
        navigate(nextAddress(query.get('next')), { replace: true });
    });
    return html`<div class="login-page">
        <div class="login-top"><${LangSwitch} /></div>
        <main id="main" class="login-card">
            <p class="brand">Ruzizi</p>
            <h1>${t('login.title')}</h1>
            <form onSubmit=${submit} noValidate>
                <${FormError} error=${error} />
                <${Field} type="email" name="email" label=${t('login.email')} autocomplete="username" required
                    value=${email} error=${errors.email} onInput=${(e) => setEmail(e.currentTarget.value)} />
                <${Field} type="password" name="password" label=${t('login.password')} autocomplete="current-password" required
                    value=${password} error=${errors.password} onInput=${(e) => setPassword(e.currentTarget.value)} />
                <button type="submit" class="button button-primary" disabled=${busy}>${busy ? t('login.busy') : t('login.submit')}</button>
            </form>
        </main>
    </div>`;
}
