// web/admin/housekeeping/board.js: the housekeeping board (/admin/housekeeping): an establishment's units in columns clean / dirty / inspected, one click to change a unit's status.
import { html, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { FormError } from '../../lib/forms.js';
import { navigate, withQuery } from '../../lib/router.js';
import { api } from '../../lib/session.js';
import { useTitle } from '../../lib/ui.js';
import { LoadState, fetchAll, useLoad } from '../widgets.js';

export const STATUSES = ['clean', 'dirty', 'inspected']; // SPEC 4.4 housekeepingStatus

/* The establishments to choose from (a super admin's, else null) and the units of the chosen one. */
async function loadBoard(user, chosen) {
    let ests = null;
    let estId = user.establishmentId;
    if (!estId) {
        ests = await fetchAll('/establishments', { sort: 'name' });
        estId = (ests.find((e) => e.id === chosen) || ests[0] || {}).id;
    }
    const units = estId ? await fetchAll('/accommodations', user.establishmentId ? {} : { establishmentId: estId }) : [];
    return { ests, estId, units };
}

/* One unit: name, type, out-of-service mark, and a button per other status (data-action="mark-<status>"). */
function UnitCard({ unit, busy, onSet }) {
    return html`<li class="unit-card" data-accommodation-id=${unit.id} data-housekeeping-status=${unit.housekeepingStatus}>
        <p class="unit-name"><a href=${`/admin/accommodations/${unit.id}`}>${unit.name}</a></p>
        <p class="muted">${t(`type.${unit.type}`)}${unit.status === 'out_of_service' ? html` · <span class="badge badge-out_of_service">${t('accommodation.status.out_of_service')}</span>` : null}</p>
        <div class="unit-actions">
            ${STATUSES.filter((s) => s !== unit.housekeepingStatus).map((s) => html`<button type="button"
                class="button" data-action=${`mark-${s}`} disabled=${busy}
                aria-label=${t('housekeeping.markLabel', { name: unit.name, status: t(`housekeeping.status.${s}`) })}
                onClick=${() => onSet(unit, s)}>${t(`housekeeping.mark.${s}`)}</button>`)}
        </div>
    </li>`;
}

/* The board; the establishment of a super admin is kept in the address (?establishmentId=). */
export function HousekeepingPage({ query, user }) {
    useTitle(t('nav.housekeeping'));
    const chosen = query.get('establishmentId') || '';
    const state = useLoad(() => loadBoard(user, chosen), [chosen]);
    const [busy, setBusy] = useState(null); // id of the unit being changed
    const [error, setError] = useState(null);
    const [announce, setAnnounce] = useState('');
    async function set(unit, status) {
        setBusy(unit.id);
        setError(null);
        try {
            const updated = (await api.patch(`/accommodations/${unit.id}/housekeeping`, { housekeepingStatus: status })).data;
            state.set((board) => ({ ...board, units: board.units.map((u) => (u.id === updated.id ? updated : u)) }));
            setAnnounce(t('housekeeping.changed', { name: updated.name, status: t(`housekeeping.status.${updated.housekeepingStatus}`) }));
        } catch (err) {
            setError(err);
        } finally {
            setBusy(null);
        }
    }
    const board = state.value;
    return html`<section class="page">
        <div class="page-head">
            <h1>${t('nav.housekeeping')}</h1>
            <button type="button" class="button" data-action="refresh" onClick=${state.reload}>${t('common.refresh')}</button>
        </div>
        ${board && board.ests ? html`<p><label class="inline-label">${t('accommodation.establishment')}
            <select name="establishmentId" value=${board.estId}
                onChange=${(e) => navigate(withQuery('/admin/housekeeping', { establishmentId: e.currentTarget.value }), { replace: true })}>
                ${board.ests.map((e) => html`<option value=${e.id}>${e.name}</option>`)}
            </select></label></p>` : null}
        <${LoadState} state=${state} />
        <${FormError} error=${error} />
        <p class="visually-hidden" role="status">${announce}</p>
        ${board && board.units.length === 0 ? html`<p class="empty">${t('housekeeping.none')}</p>` : null}
        ${board && board.units.length ? html`<div class="board">
            ${STATUSES.map((s) => {
                const units = board.units.filter((u) => u.housekeepingStatus === s);
                return html`<section class=${`board-column board-${s}`} data-column=${s} aria-labelledby=${`col-${s}`}>
                    <h2 id=${`col-${s}`}>${t(`housekeeping.status.${s}`)} <span class="count">${units.length}</span></h2>
                    ${units.length === 0 ? html`<p class="empty">${t('housekeeping.emptyColumn')}</p>` : html`<ul class="unit-list">
                        ${units.map((u) => html`<${UnitCard} key=${u.id} unit=${u} busy=${busy === u.id} onSet=${set} />`)}
                    </ul>`}
                </section>`;
            })}
        </div>` : null}
    </section>`;
}
