// web/admin/accommodations/seasons.js: the seasons editor of the accommodation form: rows of name, dates and price, added and removed, with the API's messages at their row and field.
import { html } from '../../lib/html.js';
import { detailText, t } from '../../lib/i18n.js';
import { Field } from '../../lib/forms.js';
import { moneyInput, parseMoney } from '../widgets.js';

let lastKey = 0;

/* A new editor row (strings as typed; `key` identifies the row while others are removed). */
export function seasonRow(season = null, currency = 'BIF') {
    lastKey += 1;
    return {
        key: lastKey,
        name: season ? season.name : '',
        from: season ? season.from : '',
        to: season ? season.to : '',
        price: season ? moneyInput(season.price, currency) : '',
    };
}

/* The rows as pricing.seasons for the API (empty texts left out, so the API names them as required). */
export function seasonsBody(rows, currency) {
    return rows.map((r) => {
        const s = {};
        if (r.name.trim()) s.name = r.name.trim();
        if (r.from) s.from = r.from;
        if (r.to) s.to = r.to;
        if (r.price.trim()) s.price = parseMoney(r.price, currency);
        return s;
    });
}

/* The input names of the rows and of the rows themselves (a row-level message: an overlap). */
export function seasonNames(rows) {
    return rows.flatMap((r, i) => ['', '.name', '.from', '.to', '.price'].map((f) => `pricing.seasons.${i}${f}`));
}

/* Words the API's season messages (rz_accdoc.c check_seasons) and the others as detailText does. */
export function seasonText(detail) {
    const overlap = /^overlaps pricing\.seasons\.(\d+)$/.exec(detail.message || '');
    if (overlap) return t('seasons.overlaps', { n: Number(overlap[1]) + 1 });
    if (/^must not be before from/.test(detail.message || '')) return t('seasons.toBeforeFrom');
    return detailText(detail);
}

/* The editor: one fieldset per season (data-season-row=<index>) with its inputs named
   pricing.seasons.<i>.<field>, a remove button per row and an add button. `errors` maps input names
   and row paths to messages; setRows(rows) is called on every change. */
export function SeasonsEditor({ rows, setRows, errors, unitLabel, disabled }) {
    const edit = (i, field) => (e) => {
        const value = e.currentTarget.value;
        setRows(rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
    };
    return html`<fieldset class="seasons" disabled=${disabled}>
        <legend>${t('seasons.title')}</legend>
        <p class="field-hint">${t('seasons.hint')}</p>
        ${rows.length === 0 ? html`<p class="empty">${t('seasons.none')}</p>` : null}
        ${rows.map((r, i) => {
            const base = `pricing.seasons.${i}`;
            const rowError = errors[base];
            return html`<fieldset key=${r.key} class=${rowError ? 'season-row season-row-invalid' : 'season-row'} data-season-row=${i}>
                <legend>${t('seasons.row', { n: i + 1 })}</legend>
                ${rowError ? html`<p class="field-error" role="alert">${rowError}</p>` : null}
                <div class="season-fields">
                    <${Field} name=${`${base}.name`} label=${t('seasons.name')} value=${r.name} maxLength="50"
                        error=${errors[`${base}.name`]} onInput=${edit(i, 'name')} />
                    <${Field} type="date" name=${`${base}.from`} label=${t('seasons.from')} value=${r.from}
                        error=${errors[`${base}.from`]} onInput=${edit(i, 'from')} />
                    <${Field} type="date" name=${`${base}.to`} label=${t('seasons.to')} value=${r.to}
                        error=${errors[`${base}.to`]} onInput=${edit(i, 'to')} />
                    <${Field} name=${`${base}.price`} label=${t('seasons.priceIn', { unit: unitLabel })} value=${r.price}
                        inputmode="decimal" error=${errors[`${base}.price`]} onInput=${edit(i, 'price')} />
                </div>
                <button type="button" class="button" data-action="remove-season"
                    aria-label=${t('seasons.removeLabel', { n: i + 1 })}
                    onClick=${() => setRows(rows.filter((_, j) => j !== i))}>${t('seasons.remove')}</button>
            </fieldset>`;
        })}
        ${rows.length < 50 ? html`<button type="button" class="button" data-action="add-season"
            onClick=${() => setRows([...rows, seasonRow()])}>${t('seasons.add')}</button>` : null}
    </fieldset>`;
}
