// web/admin/accommodations/detail.js: one accommodation (/admin/accommodations/<id>): its data, seasons, images, and the actions the role has (edit, in/out of service, delete).
import { html } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { dateText, money } from '../../lib/format.js';
import { FormError, useSubmit } from '../../lib/forms.js';
import { navigate } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { Message, useTitle } from '../../lib/ui.js';
import { ConfirmButton, LoadState, useLoad } from '../widgets.js';
import { ImagesSection } from './images.js';

/* The unit and, for a super admin, the name of its establishment. */
async function loadUnit(id, user) {
    const unit = (await api.get(`/accommodations/${id}`)).data;
    let est = null;
    if (user.role === 'super_admin') {
        est = (await api.get(`/establishments/${unit.establishmentId}`)).data;
    }
    return { unit, est };
}

/* "50 000 BIF par nuit" for the unit's mode. */
export function priceText(amount, unit) {
    return t(`accommodation.per.${unit.pricingMode}`, { price: money(amount, unit.pricing.currency) });
}

function Facts({ unit, est }) {
    const cap = unit.capacity;
    const det = unit.details || {};
    const rooms = ['bedrooms', 'bathrooms', 'showers', 'livingRooms', 'kitchens', 'balconies']
        .filter((k) => cap[k]).map((k) => `${t(`accommodation.capacity.${k}`)} : ${cap[k]}`);
    const facts = [
        est ? [t('accommodation.establishment'), est.name] : null,
        [t('accommodation.type'), t(`type.${unit.type}`)],
        [t('accommodation.pricingMode'), t(`accommodation.mode.${unit.pricingMode}`)],
        [t('accommodation.basePrice'), priceText(unit.pricing.basePrice, unit)],
        unit.pricingMode === 'hourly' ? [t('accommodation.minHours'), String(unit.pricing.minHours)] : null,
        [t('accommodation.maxGuests'), String(cap.maxGuests)],
        rooms.length ? [t('accommodation.rooms'), rooms.join(' · ')] : null,
        det.floor !== null && det.floor !== undefined ? [t('accommodation.details.floor'), String(det.floor)] : null,
        det.areaM2 ? [t('accommodation.details.areaM2'), `${det.areaM2} m²`] : null,
        det.view ? [t('accommodation.details.view'), det.view] : null,
        det.bedType ? [t('accommodation.details.bedType'), det.bedType] : null,
        unit.amenities.length ? [t('accommodation.amenities'), unit.amenities.join(', ')] : null,
    ].filter(Boolean);
    return html`<dl class="facts">${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

function Seasons({ unit }) {
    const seasons = unit.pricing.seasons;
    return html`<section class="block" aria-labelledby="seasons-title">
        <h2 id="seasons-title">${t('seasons.title')}</h2>
        ${seasons.length === 0 ? html`<p class="empty">${t('seasons.none')}</p>` : html`<div class="table-wrap"><table class="list">
            <thead><tr>
                <th scope="col">${t('seasons.name')}</th><th scope="col">${t('seasons.from')}</th>
                <th scope="col">${t('seasons.to')}</th><th scope="col" class="num">${t('seasons.price')}</th>
            </tr></thead>
            <tbody>${seasons.map((s) => html`<tr data-season=${s.name}>
                <td>${s.name}</td><td>${dateText(s.from)}</td><td>${dateText(s.to)}</td>
                <td class="num">${priceText(s.price, unit)}</td>
            </tr>`)}</tbody>
        </table></div>`}
    </section>`;
}

/* The managers' actions: edit, put out of / back in service (PATCH status), delete (refused with
   IN_USE once bookings reference it), the audit trail. */
function Actions({ unit, user, onChange }) {
    const setStatus = useSubmit(async () => {
        const next = unit.status === 'available' ? 'out_of_service' : 'available';
        onChange((await api.patch(`/accommodations/${unit.id}`, { status: next })).data);
    });
    const remove = useSubmit(async () => {
        await api.del(`/accommodations/${unit.id}`);
        navigate('/admin/accommodations', { replace: true });
    });
    if (user.role === 'staff') return null;
    const out = unit.status === 'out_of_service';
    return html`<div class="actions">
        <a class="button button-primary" href=${`/admin/accommodations/${unit.id}/edit`} data-action="edit">${t('accommodation.edit')}</a>
        <button type="button" class="button" data-action=${out ? 'activate' : 'deactivate'} disabled=${setStatus.busy}
            onClick=${setStatus.submit}>${out ? t('accommodation.activate') : t('accommodation.deactivate')}</button>
        <${ConfirmButton} label=${t('accommodation.delete')} question=${t('accommodation.deleteQuestion')}
            action="delete" busy=${remove.busy} onConfirm=${remove.submit} />
        <a class="button" href=${`/admin/audit/accommodation/${unit.id}`}>${t('audit.history')}</a>
        <${FormError} error=${setStatus.error || remove.error} />
    </div>`;
}

/* The page: data, then the seasons and images sections. */
export function AccommodationPage({ params, user }) {
    const state = useLoad(() => loadUnit(params.id, user), [params.id]);
    const unit = state.value && state.value.unit;
    useTitle(unit ? unit.name : t('accommodation.title'));
    if (!unit) {
        return html`<section class="page"><h1>${t('accommodation.title')}</h1><${LoadState} state=${state} />
            <p><a href="/admin/accommodations">${t('accommodations.back')}</a></p></section>`;
    }
    const replace = (u) => state.set((v) => ({ ...v, unit: u }));
    return html`<section class="page" data-accommodation-id=${unit.id}>
        <p class="crumbs"><a href="/admin/accommodations">${t('nav.accommodations')}</a></p>
        <div class="page-head">
            <h1>${unit.name}</h1>
            <span class=${`badge badge-${unit.status}`} data-status=${unit.status}>${t(`accommodation.status.${unit.status}`)}</span>
            <span class=${`badge badge-${unit.housekeepingStatus}`}>${t(`housekeeping.status.${unit.housekeepingStatus}`)}</span>
        </div>
        ${unit.status === 'out_of_service' ? html`<${Message}>${t('accommodation.outOfServiceText')}</${Message}>` : null}
        <${Actions} unit=${unit} user=${user} onChange=${replace} />
        ${unit.description ? html`<p class="description">${unit.description}</p>` : null}
        <${Facts} unit=${unit} est=${state.value.est} />
        <${Seasons} unit=${unit} />
        <${ImagesSection} unit=${unit} user=${user} onChange=${replace} />
    </section>`;
}
