// web/admin/bookings/actions.js: a booking's action buttons (accept, confirm, check in, check out, no-show, cancel with a reason), each one user action with its own Idempotency-Key.
import { html, useEffect, useRef, useState } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Field, compact, useSubmit } from '../../lib/forms.js';
import { api } from '../../lib/session.js';
import { ActionError, actionsFor } from './parts.js';

/* One action button (data-action=<action>): POST /api/bookings/{id}/<action> with a key kept for its
   retries; reports its failure (or null when it starts again) through report(action, error). */
function ActionButton({ booking, action, primary, onDone, report }) {
    const { submit, busy, error } = useSubmit(async (key) => {
        const r = await api.post(`/bookings/${booking.id}/${action}`, {}, { idempotencyKey: key });
        onDone(r.data, action);
    }, { keyed: true });
    useEffect(() => report(action, error), [error]);
    return html`<button type="button" class=${primary ? 'button button-primary' : 'button'} data-action=${action}
        disabled=${busy} aria-busy=${busy ? 'true' : undefined} onClick=${submit}>${t(`booking.action.${action}`)}</button>`;
}

/* The cancel control: data-action="cancel" opens a form asking for the reason (name="reason", SPEC 5.1:
   1..500 characters), sent with its own key; the API's 400 shows next to the field. */
function CancelAction({ booking, onDone, open, setOpen }) {
    const [reason, setReason] = useState('');
    const area = useRef(null);
    const { submit, busy, error, errors } = useSubmit(async (key) => {
        const r = await api.post(`/bookings/${booking.id}/cancel`, compact({ reason: reason.trim() }), { idempotencyKey: key });
        setOpen(false);
        onDone(r.data, 'cancel');
    }, { keyed: true });
    useEffect(() => {
        if (open && area.current) area.current.querySelector('textarea').focus();
    }, [open]);
    const toggle = html`<button type="button" class="button button-danger" data-action="cancel" aria-expanded=${open ? 'true' : 'false'}
        onClick=${() => setOpen(!open)}>${t('booking.action.cancel')}</button>`;
    if (!open) return toggle;
    return html`${toggle}<form class="cancel-form" data-form="cancel" onSubmit=${submit} noValidate>
        ${error && !errors.reason ? html`<${ActionError} action="cancel" error=${error} />` : null}
        <div ref=${area}><${Field} as="textarea" name="reason" label=${t('booking.cancelReason')} required maxlength="500" rows="3"
            value=${reason} error=${errors.reason} hint=${t('booking.cancelHint')} onInput=${(e) => setReason(e.currentTarget.value)} /></div>
        <div class="form-actions">
            <button type="submit" class="button button-danger" disabled=${busy}>${t('booking.cancelSubmit')}</button>
            <button type="button" class="button" onClick=${() => setOpen(false)}>${t('booking.cancelKeep')}</button>
        </div>
    </form>`;
}

/* The buttons of the actions `booking`'s status allows (SPEC 5.1), or those of them listed in `only`;
   onDone(updatedBooking, action) after a success. A failure is shown below the buttons. */
export function ActionBar({ booking, onDone, only = null }) {
    const [failure, setFailure] = useState(null);
    const [cancelling, setCancelling] = useState(false);
    const actions = actionsFor(booking.status).filter((a) => !only || only.includes(a));
    function report(action, error) {
        setFailure((f) => (error ? { action, error } : f && f.action === action ? null : f));
    }
    if (!actions.length) return null;
    return html`<div class="action-bar">
        <div class="actions" role="group" aria-label=${t('booking.actions')}>
            ${actions.map((a, i) => (a === 'cancel'
                ? html`<${CancelAction} key=${a} booking=${booking} onDone=${onDone} open=${cancelling} setOpen=${setCancelling} />`
                : html`<${ActionButton} key=${a} booking=${booking} action=${a} primary=${i === 0} onDone=${onDone} report=${report} />`))}
        </div>
        ${failure ? html`<${ActionError} action=${failure.action} error=${failure.error} />` : null}
    </div>`;
}
