// web/lib/html.js: the component toolkit every page imports: htm templates bound to Preact, its hooks, render.
import { h, render, Fragment, createContext } from '../vendor/preact.mjs';
import htm from '../vendor/htm.mjs';

export {
    useCallback, useContext, useEffect, useId, useMemo, useReducer, useRef, useState,
} from '../vendor/preact-hooks.mjs';
export { h, render, Fragment, createContext };

/* html`<p class="x">${text}</p>`: a tagged template that builds Preact elements. Interpolated values
   are always text or attributes, never parsed as HTML, so API data can be shown as it is. */
export const html = htm.bind(h);
