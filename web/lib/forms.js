// web/lib/forms.js: form helpers: labelled fields with their API error next to them, submit state, one Idempotency-Key per action.
import { html, useId, useMemo, useRef, useState } from './html.js';
import { ApiError, newIdempotencyKey } from './api.js';
import { detailText, errorText } from './i18n.js';

/* The field messages of a VALIDATION_ERROR as {inputName: text}. `aliases` maps API field paths to
   input names where they differ ({'clientInfo.firstName': 'firstName'}); other paths are used as is. */
export function fieldErrors(err, aliases = {}) {
    const out = {};
    if (!err || !Array.isArray(err.details)) return out;
    for (const d of err.details) {
        const name = aliases[d.field] || d.field;
        if (name && !(name in out)) out[name] = detailText(d);
    }
    return out;
}

/* A copy of a form's values without the empty ones, so a required field left empty is reported by the
   API as `required` next to it (an empty string is not the same as absent for every route). */
export function compact(values) {
    const out = {};
    for (const [k, v] of Object.entries(values)) {
        if (v !== '' && v !== null && v !== undefined) out[k] = v;
    }
    return out;
}

/* A key holder {current} that mirrors its value in sessionStorage item `name` (memory only if name is
   null or storage is refused). */
function storedKey(name) {
    let mem = null;
    const storage = () => { try { return name ? window.sessionStorage : null; } catch (e) { return null; } };
    const s = storage();
    if (s) mem = s.getItem(name);
    return {
        get current() { return mem; },
        set current(v) {
            mem = v;
            const st = storage();
            if (!st) return;
            try {
                if (v) st.setItem(name, v);
                else st.removeItem(name);
            } catch (e) { /* kept in memory */ }
        },
    };
}

/* A hook for one form or action button. submit(event) runs `action(idempotencyKey)` once at a time
   (a double click sends nothing more) and returns { submit, busy, error, errors }, where errors are the
   field messages (fieldErrors) and error the ApiError (show it with <FormError>).
   With {keyed: true} the action gets an Idempotency-Key: the same key for every retry of the same
   action while the outcome is uncertain (no answer, 5xx, 429: the server may have done it, or stored
   nothing), a new one after any definite answer. After a failure the first invalid field gets focus.
   With {keyed: true, keyStorage: 'name'} the key is also kept in sessionStorage under that name, so a
   reload of the page (same tab) retries the same action with the same key. */
export function useSubmit(action, { keyed = false, aliases = {}, keyStorage = null } = {}) {
    const [state, setState] = useState({ busy: false, error: null, errors: {} });
    const running = useRef(false);
    const key = useMemo(() => storedKey(keyStorage), [keyStorage]);
    async function submit(ev) {
        if (ev && ev.preventDefault) ev.preventDefault();
        if (running.current) return undefined;
        const form = ev && ev.currentTarget && ev.currentTarget.tagName === 'FORM' ? ev.currentTarget : null;
        running.current = true;
        setState({ busy: true, error: null, errors: {} });
        if (keyed && !key.current) key.current = newIdempotencyKey();
        try {
            const result = await action(key.current);
            key.current = null;
            setState({ busy: false, error: null, errors: {} });
            return result;
        } catch (err) {
            const apiErr = err instanceof ApiError ? err : new ApiError({ code: 'UNKNOWN', message: String(err) });
            if (!apiErr.uncertain) key.current = null;
            setState({ busy: false, error: apiErr, errors: fieldErrors(apiErr, aliases) });
            if (form) setTimeout(() => { const bad = form.querySelector('[aria-invalid="true"]'); if (bad) bad.focus(); }, 0);
            return undefined;
        } finally {
            running.current = false;
        }
    }
    return { submit, ...state };
}

/* A labelled input (or <select> with as="select" and <option> children) whose error, if any, is shown
   right below it and tied to it with aria-describedby / aria-invalid. Other props go to the control;
   `name` is the API field name (UI.md 7). */
export function Field({ label, name, error, hint, as = 'input', children, ...rest }) {
    const id = useId();
    const described = [error ? `${id}-err` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
    const common = { id, name, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described, ...rest };
    const control = as === 'select'
        ? html`<select ...${common}>${children}</select>`
        : as === 'textarea' ? html`<textarea ...${common}></textarea>` : html`<input ...${common} />`;
    return html`<div class=${error ? 'field field-invalid' : 'field'}>
        <label for=${id}>${label}</label>
        ${control}
        ${hint ? html`<p class="field-hint" id=${`${id}-hint`}>${hint}</p>` : null}
        ${error ? html`<p class="field-error" id=${`${id}-err`}>${error}</p>` : null}
    </div>`;
}

/* The message of a failed submission (translated by code), announced to screen readers; nothing if no error. */
export function FormError({ error }) {
    if (!error) return null;
    return html`<div class="alert alert-error" role="alert" data-error-code=${error.code}>${errorText(error)}</div>`;
}
