// web/lib/ui.js: small components both apps share: the language switch, loading and message blocks, the page title.
import { html, useEffect } from './html.js';
import { LANGUAGES, getLang, setLang, t } from './i18n.js';

/* The language switch (UI.md 7: data-lang="fr" / "en"); the current language is aria-pressed. */
export function LangSwitch() {
    const current = getLang();
    return html`<div class="lang-switch" role="group" aria-label=${t('lang.label')}>
        ${LANGUAGES.map((l) => html`<button type="button" data-lang=${l} lang=${l}
            aria-pressed=${l === current ? 'true' : 'false'} onClick=${() => setLang(l)}>${t(`lang.${l}`)}</button>`)}
    </div>`;
}

/* A loading line, announced politely. */
export function Loading({ text }) {
    return html`<p class="loading" role="status">${text || t('common.loading')}</p>`;
}

/* A message block: kind is 'info', 'error' or 'success'; errors are announced at once. */
export function Message({ kind = 'info', children }) {
    return html`<div class=${`alert alert-${kind}`} role=${kind === 'error' ? 'alert' : 'status'}>${children}</div>`;
}

/* Sets document.title to "<title> · Ruzizi" while the page is shown. */
export function useTitle(title) {
    useEffect(() => {
        document.title = title ? `${title} · Ruzizi` : 'Ruzizi';
    }, [title]);
}
