// The page's words: every string a member reads comes from a catalog per language
// (locales/en.js, locales/fr.js), looked up by key with `t`. The language is the member's
// choice (kept in localStorage) or else the first of the browser's languages that has a
// catalog, or else English. Dates and numbers go through Intl in that language.
// `--help` and the daemons' logs stay English; only the page is translated.
import en from './locales/en.js';
import fr from './locales/fr.js';

/** The catalogs, by language tag. English is complete; a test checks the others have every key. */
export const catalogs = Object.freeze({ en, fr });

/** The languages the page speaks, with their own names (for the switch). */
export const languages = Object.freeze([
  { tag: 'en', name: 'English' },
  { tag: 'fr', name: 'Français' },
]);

const STORAGE_KEY = 'chatt-language';

/** The catalog language for a list of browser language tags (`fr-CA` → `fr`), English if none. */
export function pickLanguage(preferred, stored = null) {
  if (stored && Object.hasOwn(catalogs, stored)) return stored;
  for (const tag of preferred ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (Object.hasOwn(catalogs, base)) return base;
  }
  return 'en';
}

function storedLanguage() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

let current = pickLanguage(globalThis.navigator?.languages, storedLanguage());

/** The language the page speaks now. */
export function language() {
  return current;
}

/**
 * Speaks `tag` from now on (and remembers it for the next opens when `remember`);
 * strings already on the page are not redrawn: the switch reloads the page.
 */
export function setLanguage(tag, { remember = true } = {}) {
  if (!Object.hasOwn(catalogs, tag)) throw new Error(`no catalog for language ${tag}`);
  current = tag;
  if (remember) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, tag);
    } catch {
      // private mode: the choice lasts this open only
    }
  }
}

/**
 * The text of `key` in the current language, `{name}` placeholders replaced by `params`'
 * values (as text: the caller puts the result in `textContent`, never in HTML).
 * A key missing from the language falls back to English, then to the key itself.
 */
export function t(key, params = {}) {
  const text = catalogs[current][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** A number in the current language (`1 234,5` in French). */
export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(current, options).format(value);
}

/** A date in the current language; `options` as Intl.DateTimeFormat's. */
export function formatDate(date, options = {}) {
  return new Intl.DateTimeFormat(current, options).format(date);
}
