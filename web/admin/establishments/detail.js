// web/admin/establishments/detail.js: one establishment (/admin/establishments/<id>): its settings, and edit / activate / deactivate as the role allows.
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { FormError, useSubmit } from '../../lib/forms.js';
import { withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { Message, useTitle } from '../../lib/ui.js';
import { LoadState, useLoad, yesNo } from '../widgets.js';

/* A basis-points rate as a percentage ("18 %" / "18%"). */
export function percent(bps) {
    return t('establishment.percent', { n: (bps / 100).toLocaleString() });
}

function Facts({ est }) {
    const loc = est.location;
    const facts = [
        [t('establishment.address'), `${loc.address}, ${loc.city} (${loc.country})`],
        [t('establishment.coordinates'), `${loc.lat}, ${loc.lng}`],
        [t('establishment.phones'), est.contacts.phones.join(', ')],
        [t('establishment.email'), est.contacts.email],
        est.contacts.website ? [t('establishment.website'), est.contacts.website] : null,
        est.services.length ? [t('establishment.services'), est.services.join(', ')] : null,
        [t('establishment.checkInTime'), est.checkInTime],
        [t('establishment.checkOutTime'), est.checkOutTime],
        [t('establishment.utcOffset'), est.utcOffset],
        [t('establishment.businessDayStart'), est.businessDayStart],
        [t('establishment.currency'), est.currency],
        [t('establishment.vatRateBps'), percent(est.vatRateBps)],
        [t('establishment.prefixes'), `${est.invoicePrefix} · ${est.creditNotePrefix}`],
        [t('establishment.pendingTtlHours'), t('establishment.hours', { n: est.pendingTtlHours })],
        [t('establishment.autoNoShow'), yesNo(est.autoNoShow)],
        [t('establishment.defaultLanguage'), t(`lang.${est.defaultLanguage}`)],
        [t('establishment.longStayDiscounts'), est.longStayDiscounts.map((d) => t('establishment.discount', {
            nights: d.minNights, pct: percent(d.percentBps) })).join(' · ') || t('establishment.noDiscount')],
        [t('establishment.accommodationCount'), String(est.accommodationCount)],
    ].filter(Boolean);
    return html`<dl class="facts">${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/* The page: the settings, then the actions of the role (super admin: edit, (de)activate; manager: edit). */
export function EstablishmentPage({ params, user }) {
    const state = useLoad(() => api.get(`/establishments/${params.id}`).then((r) => r.data), [params.id]);
    const est = state.value;
    useTitle(est ? est.name : t('establishment.title'));
    const sa = user.role === 'super_admin';
    const toggle = useSubmit(async () => {
        state.set((await api.patch(`/establishments/${est.id}`, { isActive: !est.isActive })).data);
    });
    if (!est) {
        return html`<section class="page"><h1>${t('establishment.title')}</h1><${LoadState} state=${state} />
            <p><a href="/admin/establishments">${t('establishments.back')}</a></p></section>`;
    }
    return html`<section class="page" data-establishment-id=${est.id}>
        <p class="crumbs"><a href="/admin/establishments">${t('nav.establishments')}</a></p>
        <div class="page-head">
            <h1>${est.name}</h1>
            <span class=${est.isActive ? 'badge badge-available' : 'badge badge-out_of_service'} data-active=${String(est.isActive)}>
                ${est.isActive ? t('establishment.isActive') : t('establishment.isInactive')}</span>
        </div>
        ${est.isActive ? null : html`<${Message}>${t('establishment.inactiveText')}</${Message}>`}
        ${user.role !== 'staff' ? html`<div class="actions">
            <a class="button button-primary" href=${`/admin/establishments/${est.id}/edit`} data-action="edit">${t('establishment.edit')}</a>
            ${sa ? html`<button type="button" class="button" data-action=${est.isActive ? 'deactivate' : 'activate'}
                disabled=${toggle.busy} onClick=${toggle.submit}>${est.isActive ? t('establishment.deactivate') : t('establishment.activate')}</button>` : null}
            <a class="button" href=${withQuery('/admin/accommodations', sa ? { establishmentId: est.id } : {})}>${t('nav.accommodations')}</a>
            <a class="button" href=${withQuery('/admin/users', sa ? { establishmentId: est.id } : {})}>${t('nav.users')}</a>
            <a class="button" href=${`/admin/audit/establishment/${est.id}`}>${t('audit.history')}</a>
        </div>` : null}
        <${FormError} error=${toggle.error} />
        ${est.description ? html`<p class="description">${est.description}</p>` : null}
        <${Facts} est=${est} />
    </section>`;
}
