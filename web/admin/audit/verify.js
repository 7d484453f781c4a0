// web/admin/audit/verify.js: the audit chain check (/admin/audit/verify, super admin): walks the hash chain from ?fromSeq= and shows whether it is intact, or where it breaks.
import { html, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Field } from '../../lib/forms.js';
import { navigate, withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { useTitle } from '../../lib/ui.js';
import { LoadState, useLoad } from '../widgets.js';

/* The result of GET /api/audit/verify (data-audit-valid="true|false"). */
function Result({ r }) {
    return html`<div class=${r.valid ? 'alert alert-success' : 'alert alert-error'} role="status" data-audit-valid=${String(r.valid)}>
        <p><strong>${r.valid ? t('audit.valid') : t('audit.invalid')}</strong></p>
        <p>${t('audit.checked', { n: r.checked, head: r.headSeq })}</p>
        ${r.valid ? null : html`<p>${t('audit.firstInvalid', { seq: r.firstInvalidSeq, reason: t(`audit.reason.${r.reason}`) })}</p>`}
        ${r.headHash ? html`<p class="hash">${t('audit.headHash')} <code>${r.headHash}</code></p>` : null}
    </div>`;
}

/* The page: the check runs when it opens and again on demand (data-action="verify"). */
export function AuditVerifyPage({ query }) {
    useTitle(t('audit.verify'));
    const fromSeq = query.get('fromSeq') || '';
    const [from, setFrom] = useState(fromSeq);
    const state = useLoad(() => api.get('/audit/verify', { fromSeq }).then((r) => r.data), [fromSeq]);
    function run(ev) {
        ev.preventDefault();
        if (from.trim() === fromSeq) state.reload();
        else navigate(withQuery('/admin/audit/verify', { fromSeq: from.trim() }));
    }
    return html`<section class="page">
        <p class="crumbs"><a href="/admin/audit">${t('nav.audit')}</a></p>
        <h1>${t('audit.verify')}</h1>
        <p class="lead">${t('audit.verifyText')}</p>
        <form class="form form-inline" data-form="verify" onSubmit=${run} noValidate>
            <${Field} type="number" min="1" name="fromSeq" label=${t('audit.fromSeq')} hint=${t('audit.fromSeqHint')}
                value=${from} onInput=${(e) => setFrom(e.currentTarget.value)} />
            <button type="submit" class="button button-primary" data-action="verify" disabled=${state.loading}>
                ${state.loading ? t('audit.verifying') : t('audit.verifyAgain')}</button>
        </form>
        <${LoadState} state=${state} />
        ${state.value && !state.loading ? html`<${Result} r=${state.value} />` : null}
    </section>`;
}
