// web/site/price.js: a PricingQuote shown to the guest: the total with the stay's length, and its breakdown (lines, discount, tax).
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { money } from '../lib/format.js';
import { stayLength } from './stay.js';

/* The PricingQuote as lines, discount, total and the tax it includes. */
export function Breakdown({ pricing: p, currency }) {
    return html`<dl class="breakdown">
        ${p.lines.map((l) => html`<div class="breakdown-line">
            <dt>${l.quantity} × ${t(`unit.${l.unit}`)} × ${money(l.unitPrice, currency)}</dt>
            <dd>${money(l.amount, currency)}</dd></div>`)}
        ${p.discount && p.discount.amount > 0 ? html`<div class="breakdown-line">
            <dt>${t('offer.discount', { pct: p.discount.percentBps / 100 })}</dt>
            <dd>− ${money(p.discount.amount, currency)}</dd></div>` : null}
        <div class="breakdown-line breakdown-total"><dt>${t('offer.total')}</dt><dd>${money(p.total, currency)}</dd></div>
        ${p.taxAmount > 0 ? html`<div class="breakdown-line muted">
            <dt>${t('offer.taxIncluded', { pct: p.taxRateBps / 100 })}</dt><dd>${money(p.taxAmount, currency)}</dd></div>` : null}
    </dl>`;
}

/* The total of a quote, how long it is for, and the breakdown behind a disclosure (on demand). */
export function Price({ pricing, currency }) {
    return html`<p class="offer-price"><strong>${money(pricing.total, currency)}</strong>
        <span class="muted"> ${stayLength(pricing)}</span></p>
        <details class="offer-breakdown">
            <summary>${t('offer.breakdown')}</summary>
            <${Breakdown} pricing=${pricing} currency=${currency} />
        </details>`;
}
