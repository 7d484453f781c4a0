// web/admin/audit/list.js: the audit trail (/admin/audit): an object's history by entity and id, the latest entries with the API's filters in the address, the chain check for a super admin.
import { html, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Field } from '../../lib/forms.js';
import { navigate } from '../../lib/router.js';
import { useTitle } from '../../lib/ui.js';
import {
    FilterBar, LoadState, Pager, establishmentOptions, useEstablishments, useListPage,
} from '../widgets.js';
import { Actor, ENTITIES, utcText } from './entries.js';

const FILTERS = ['entity', 'entityId', 'action', 'actorId', 'from', 'to', 'establishmentId', 'sort'];

/* Entity + id -> /admin/audit/<entity>/<id> (data-form="audit-entity"). */
function Lookup() {
    const [entity, setEntity] = useState('booking');
    const [id, setId] = useState('');
    function go(ev) {
        ev.preventDefault();
        if (id.trim()) navigate(`/admin/audit/${entity}/${encodeURIComponent(id.trim())}`);
    }
    return html`<form class="form form-inline" data-form="audit-entity" onSubmit=${go} noValidate>
        <h2>${t('audit.lookup')}</h2>
        <div class="form-row">
            <${Field} as="select" name="entity" label=${t('audit.entity')} value=${entity} onChange=${(e) => setEntity(e.currentTarget.value)}>
                ${ENTITIES.map((x) => html`<option value=${x}>${t(`audit.entity.${x}`)}</option>`)}
            </${Field}>
            <${Field} name="entityId" label=${t('audit.entityId')} hint=${t('audit.entityIdHint')} value=${id}
                onInput=${(e) => setId(e.currentTarget.value)} />
        </div>
        <button type="submit" class="button button-primary">${t('audit.showHistory')}</button>
    </form>`;
}

/* The page: lookup form, the verify link (super admin), then the filtered entries, newest first. */
export function AuditListPage({ query, user }) {
    useTitle(t('nav.audit'));
    const ests = useEstablishments(user);
    const state = useListPage('/audit', query, FILTERS);
    const rows = state.value ? state.value.data : [];
    const fields = [
        { name: 'entity', label: t('audit.entity'), type: 'select', options: ENTITIES.map((x) => [x, t(`audit.entity.${x}`)]) },
        { name: 'entityId', label: t('audit.entityId') },
        { name: 'action', label: t('audit.action') },
        { name: 'actorId', label: t('audit.actorId') },
        { name: 'from', label: t('audit.from'), type: 'date' },
        { name: 'to', label: t('audit.to'), type: 'date' },
    ];
    if (ests.value) fields.push({ name: 'establishmentId', label: t('accommodation.establishment'), type: 'select', options: establishmentOptions(ests.value) });
    fields.push({ name: 'sort', label: t('audit.sort'), type: 'select', blank: t('widgets.default'), options: [['-seq', t('audit.sort.-seq')], ['seq', t('audit.sort.seq')]] });
    return html`<section class="page">
        <div class="page-head">
            <h1>${t('nav.audit')}</h1>
            ${user.role === 'super_admin' ? html`<a class="button button-primary" href="/admin/audit/verify">${t('audit.verify')}</a>` : null}
        </div>
        <${Lookup} />
        <h2>${t('audit.latest')}</h2>
        <${FilterBar} path="/admin/audit" query=${query} fields=${fields} />
        <${LoadState} state=${state} />
        ${state.value && rows.length === 0 ? html`<p class="empty">${t('audit.none')}</p>` : null}
        ${rows.length ? html`<div class="table-wrap"><table class="list">
            <thead><tr>
                <th scope="col" class="num">${t('audit.seq')}</th><th scope="col">${t('audit.at')}</th>
                <th scope="col">${t('audit.actor')}</th><th scope="col">${t('audit.action')}</th>
                <th scope="col">${t('audit.object')}</th><th scope="col" class="num">${t('audit.changeCount')}</th>
            </tr></thead>
            <tbody>${rows.map((e) => html`<tr data-audit-seq=${e.seq}>
                <td class="num">${e.seq}</td><td>${utcText(e.at)}</td><td><${Actor} entry=${e} /></td><td><code>${e.action}</code></td>
                <td>${e.entityId ? html`<a href=${`/admin/audit/${e.entity}/${e.entityId}`}>${t(`audit.entity.${e.entity}`)} ${e.entityId}</a>` : t(`audit.entity.${e.entity}`)}</td>
                <td class="num">${e.changes.length}</td>
            </tr>`)}</tbody>
        </table></div>` : null}
        <${Pager} path="/admin/audit" query=${query} pagination=${state.value && state.value.pagination} />
    </section>`;
}
