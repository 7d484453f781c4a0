// web/site/gallery.js: the photo gallery of establishment and unit pages: the WebP renditions with srcset, thumbnails to choose the photo shown.
import { html, useState } from '../lib/html.js';
import { t } from '../lib/i18n.js';

/* The three cropped renditions of an ImageRef (SPEC 4.14: small 150x150, medium 300x300, large 600x400)
   as a srcset; the browser picks one for the space the photo takes. */
export function srcsetOf(img) {
    const th = img.thumbnails;
    return `${th.small} 150w, ${th.medium} 300w, ${th.large} 600w`;
}

/* images: ImageRef[] in display order; name: what the photos show (for their text alternative).
   Nothing when there is no image. The first photo is shown large; the others as buttons below it. */
export function Gallery({ images, name }) {
    const [shown, setShown] = useState(0);
    if (!images || !images.length) return null;
    const current = images[Math.min(shown, images.length - 1)];
    return html`<figure class="gallery">
        <img class="gallery-main" src=${current.thumbnails.large} srcset=${srcsetOf(current)}
            sizes="(min-width: 40rem) 600px, calc(100vw - 2rem)" width="600" height="400" decoding="async"
            alt=${t('site.photoOf', { name, n: shown + 1, total: images.length })} />
        ${images.length > 1 ? html`<ul class="gallery-thumbs" aria-label=${t('site.photos')}>
            ${images.map((img, i) => html`<li key=${img.id}>
                <button type="button" class="gallery-thumb" aria-pressed=${i === shown ? 'true' : 'false'}
                    aria-label=${t('site.showPhoto', { n: i + 1 })} onClick=${() => setShown(i)}>
                    <img src=${img.thumbnails.small} width="64" height="64" alt="" loading="lazy" decoding="async" />
                </button></li>`)}
        </ul>` : null}
    </figure>`;
}
