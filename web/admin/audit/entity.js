// web/admin/audit/entity.js: the history of one object (/admin/audit/<entity>/<id>): its audit entries oldest first, each with its changes.
import { html } from '../../lib/html.js';
import { hasText, t } from '../../lib/i18n.js';
import { api } from '../../lib/session.js';
import { useTitle } from '../../lib/ui.js';
import { LoadState, Pager, useLoad } from '../widgets.js';
import { Actor, Changes, objectPage, utcText } from './entries.js';

/* The page (404 from the API for an unknown entity name or an object out of scope, shown translated). */
export function AuditEntityPage({ params, query }) {
    const entity = hasText(`audit.entity.${params.entity}`) ? t(`audit.entity.${params.entity}`) : params.entity;
    const title = t('audit.historyOf', { entity, id: params.id });
    useTitle(title);
    const state = useLoad(() => api.get(`/audit/entity/${encodeURIComponent(params.entity)}/${encodeURIComponent(params.id)}`, {
        page: query.get('page') || '', limit: 20,
    }), [params.entity, params.id, query.toString()]);
    const page = objectPage(params.entity, params.id);
    const rows = state.value ? state.value.data : [];
    const path = `/admin/audit/${params.entity}/${params.id}`;
    return html`<section class="page">
        <p class="crumbs"><a href="/admin/audit">${t('nav.audit')}</a></p>
        <h1>${title}</h1>
        ${page ? html`<p><a href=${page}>${t('audit.openObject')}</a></p>` : null}
        <${LoadState} state=${state} />
        ${rows.length ? html`<ol class="audit-entries">
            ${rows.map((e) => html`<li class="audit-entry" data-audit-seq=${e.seq} data-audit-action=${e.action}>
                <p><strong><code>${e.action}</code></strong> · ${t('audit.seqN', { n: e.seq })} · ${utcText(e.at)}</p>
                <p class="muted"><${Actor} entry=${e} />${e.ip ? ` · ${e.ip}` : ''}${e.requestId ? ` · ${t('audit.request', { id: e.requestId })}` : ''}</p>
                <${Changes} changes=${e.changes} />
            </li>`)}
        </ol>` : null}
        <${Pager} path=${path} query=${query} pagination=${state.value && state.value.pagination} />
    </section>`;
}
