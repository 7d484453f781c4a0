// web/site/wait.js: a 429's Retry-After on the site's forms: the seconds left, counted down, and the message that says so.
import { html, useEffect, useState } from '../lib/html.js';
import { t } from '../lib/i18n.js';

/* The seconds left of a 429's Retry-After (error: an ApiError or null), counted down; 0 when the guest
   may try again (and for any other error). */
export function useWait(error) {
    const [left, setLeft] = useState(0);
    useEffect(() => {
        if (!error || error.status !== 429) {
            setLeft(0);
            return undefined;
        }
        const seconds = error.retryAfter || 1;
        const until = Date.now() + seconds * 1000;
        setLeft(seconds);
        const timer = setInterval(() => {
            const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
            setLeft(s);
            if (!s) clearInterval(timer);
        }, 250);
        return () => clearInterval(timer);
    }, [error]);
    return left;
}

/* The message of a 429: the countdown while it runs, then that the guest may try again. */
export function WaitMessage({ error, left }) {
    return html`<div class="alert alert-error" role="alert" data-error-code=${error.code}>
        ${left > 0 ? t('site.wait', { seconds: left }) : t('site.waitOver')}</div>`;
}
