// web/admin/accommodations/images.js: an accommodation's photos (SPEC 7.20): renditions shown, upload with the browser's own preview, reorder and delete.
import { html, useEffect, useRef, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { FormError, useSubmit } from '../../lib/forms.js';
import { api } from '../../lib/session.js';
import { ConfirmButton, useLoad } from '../widgets.js';

const SIZES = ['small', 'medium', 'large', 'full'];
const MAX_BYTES = 10 * 1024 * 1024; // RuziziImageBodyLimit's default (SPEC 8.3)
const TYPES = ['image/jpeg', 'image/png', 'image/webp'];

function kilobytes(bytes) {
    return t('images.kb', { n: Math.max(1, Math.round(bytes / 1024)) });
}

/* One photo: its medium rendition, the list of renditions with their sizes, and for managers the
   move and delete buttons. */
function Photo({ image, meta, index, count, canEdit, onMove, onDelete, busy, unitName }) {
    const thumbs = image.thumbnails;
    return html`<li class="photo" data-image-id=${image.id}>
        <img src=${thumbs.medium} srcset=${`${thumbs.small} 150w, ${thumbs.medium} 300w, ${thumbs.large} 600w`}
            sizes="(min-width: 40rem) 300px, 150px" width="300" height="300" loading="lazy"
            alt=${t('images.alt', { n: index + 1, name: unitName })} />
        <ul class="renditions" aria-label=${t('images.renditions')}>
            ${SIZES.map((s) => {
                const size = meta && meta.sizes && meta.sizes[s];
                return html`<li><a href=${s === 'full' ? image.url : thumbs[s]} data-size=${s}>${t(`images.size.${s}`)}</a>
                    ${size ? html` <span class="muted">${size.width}×${size.height} · ${kilobytes(size.bytes)}</span>` : null}</li>`;
            })}
        </ul>
        ${canEdit ? html`<div class="photo-actions">
            <button type="button" class="button" data-action="move-up" disabled=${busy || index === 0}
                aria-label=${t('images.moveUpLabel', { n: index + 1 })} onClick=${() => onMove(index, -1)}>${t('images.moveUp')}</button>
            <button type="button" class="button" data-action="move-down" disabled=${busy || index === count - 1}
                aria-label=${t('images.moveDownLabel', { n: index + 1 })} onClick=${() => onMove(index, 1)}>${t('images.moveDown')}</button>
            <${ConfirmButton} label=${t('images.delete')} question=${t('images.deleteQuestion')} action="delete-image"
                busy=${busy} onConfirm=${() => onDelete(image.id)} />
        </div>` : null}
    </li>`;
}

/* The upload form: a file input, the preview of the chosen file (an object URL of the browser, freed
   when replaced or sent) and the send button; one Idempotency-Key per upload, reused on its retries. */
function Upload({ unit, onUploaded }) {
    const [file, setFile] = useState(null);
    const [preview, setPreview] = useState(null);
    const [local, setLocal] = useState(null);
    const [round, setRound] = useState(0); // remounts the file input after an upload
    useEffect(() => () => { if (preview) URL.revokeObjectURL(preview); }, [preview]);
    function choose(e) {
        const f = e.currentTarget.files && e.currentTarget.files[0];
        setLocal(null);
        setFile(f || null);
        setPreview(f ? URL.createObjectURL(f) : null);
        if (f && !TYPES.includes(f.type)) setLocal(t('images.wrongType'));
        else if (f && f.size > MAX_BYTES) setLocal(t('images.tooLarge'));
    }
    const send = useSubmit(async (key) => {
        const headers = /^[\x20-\x7e]{1,255}$/.test(file.name) ? { 'X-Filename': file.name } : {};
        await api.upload('/images', file, { query: { accommodationId: unit.id }, idempotencyKey: key, headers });
        setFile(null);
        setPreview(null);
        setRound((n) => n + 1);
        await onUploaded();
    }, { keyed: true });
    const full = unit.images.length >= 20;
    return html`<form class="upload" data-form="upload" onSubmit=${(e) => (file && !local ? send.submit(e) : e.preventDefault())} noValidate>
        <h3>${t('images.add')}</h3>
        ${full ? html`<p class="muted">${t('images.full')}</p>` : html`
        <div class="field">
            <label for="image-file">${t('images.file')}</label>
            <input key=${round} id="image-file" type="file" name="file" accept=${TYPES.join(',')} onChange=${choose}
                aria-describedby="image-hint" aria-invalid=${local ? 'true' : undefined} />
            <p class="field-hint" id="image-hint">${t('images.hint')}</p>
            ${local ? html`<p class="field-error" role="alert">${local}</p>` : null}
        </div>
        ${preview ? html`<figure class="preview">
            <img src=${preview} alt=${t('images.previewAlt')} data-preview="true" />
            <figcaption>${file.name} · ${kilobytes(file.size)}</figcaption>
        </figure>` : null}
        <${FormError} error=${send.error} />
        <button type="submit" class="button button-primary" data-action="upload" disabled=${!file || !!local || send.busy}>
            ${send.busy ? t('images.uploading') : t('images.upload')}</button>`}
    </form>`;
}

/* The photos section of the accommodation page; onChange(unit) gets the unit after each change. */
export function ImagesSection({ unit, user, onChange }) {
    const canEdit = user.role !== 'staff';
    const metas = useLoad(() => api.get('/images', { accommodationId: unit.id, limit: 100 }), [unit.id, unit.images.map((i) => i.id).join()]);
    const byId = Object.fromEntries(((metas.value && metas.value.data) || []).map((m) => [m.id, m]));
    const reload = async () => onChange((await api.get(`/accommodations/${unit.id}`)).data);
    const target = useRef(null); // what the clicked button acts on: [index, step] or an image id
    const move = useSubmit(async () => {
        const [index, step] = target.current;
        const ids = unit.images.map((i) => i.id);
        [ids[index], ids[index + step]] = [ids[index + step], ids[index]];
        onChange((await api.patch(`/accommodations/${unit.id}`, { images: ids })).data);
    });
    const remove = useSubmit(async () => {
        await api.del(`/images/${target.current}`);
        await reload();
    });
    const busy = move.busy || remove.busy;
    return html`<section class="block" aria-labelledby="images-title">
        <h2 id="images-title">${t('images.title')}</h2>
        <${FormError} error=${move.error || remove.error} />
        ${unit.images.length === 0 ? html`<p class="empty">${t('images.none')}</p>` : html`<ol class="photos">
            ${unit.images.map((image, i) => html`<${Photo} key=${image.id} image=${image} meta=${byId[image.id]} index=${i}
                count=${unit.images.length} canEdit=${canEdit} busy=${busy} unitName=${unit.name}
                onMove=${(index, step) => { target.current = [index, step]; return move.submit(); }}
                onDelete=${(id) => { target.current = id; return remove.submit(); }} />`)}
        </ol>`}
        ${canEdit ? html`<${Upload} unit=${unit} onUploaded=${reload} />` : null}
    </section>`;
}
