// The page's words: every string a member reads comes from a catalog per language
// (locales/en.js, locales/fr.js), looked up by key with `t`. The language is the member's
// choice (kept in localStorage) or else the first of the browser's languages that has a
// catalog, or else English. Dates and numbers go through Intl in that language.
// `--help` and the daemons' logs stay English; only the page is translated.
// English is always loaded (the reference, the fallback and the text of errors' messages);
// another catalog only when it is the page's language, before any module that imports this
// one runs (a top-level await), so `t` is synchronous everywhere.
import en from './locales/en.js';

/** The languages the page speaks, with their own names (for the switch). */
export const languages = Object.freeze([
  { tag: 'en', name: 'English' },
  { tag: 'fr', name: 'Français' },
]);

/** How each catalog but English is loaded (a test checks each has every key of en.js). */
export const catalogLoaders = Object.freeze({
  fr: () => import('./locales/fr.js'),
});

const catalogs = { en }; // the catalogs loaded, by language tag
const known = (tag) => languages.some((entry) => entry.tag === tag);

/** Loads the catalog of `tag` (once); the catalog. */
export async function loadCatalog(tag) {
  if (!known(tag)) throw new Error(`no catalog for language ${tag}`);
  catalogs[tag] ??= (await catalogLoaders[tag]()).default;
  return catalogs[tag];
}

const STORAGE_KEY = 'chatt-language';

/** The catalog language for a list of browser language tags (`fr-CA` → `fr`), English if none. */
export function pickLanguage(preferred, stored = null) {
  if (stored && known(stored)) return stored;
  for (const tag of preferred ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (known(base)) return base;
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
if (current !== 'en') {
  try {
    await loadCatalog(current);
  } catch {
    current = 'en'; // the file could not be loaded (offline before the worker kept it): English
  }
}

/** The language the page speaks now. */
export function language() {
  return current;
}

/**
 * Speaks `tag` from now on (and remembers it for the next opens when `remember`), in
 * English until its catalog is loaded (`loadCatalog`); strings already on the page are
 * not redrawn: the switch stores the choice and reloads the page, which loads it.
 */
export function setLanguage(tag, { remember = true } = {}) {
  if (!known(tag)) throw new Error(`no catalog for language ${tag}`);
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
 * Numbers among `params` are written in the language's way (`1 234` in French).
 */
export function t(key, params = {}) {
  return fill(catalogs[current]?.[key] ?? en[key] ?? key, params, current);
}

function fill(text, params, tag) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name];
    return typeof value === 'number' ? numberFormat(tag).format(value) : String(value);
  });
}

const plurals = new Map(); // language -> Intl.PluralRules
const numbers = new Map(); // language -> Intl.NumberFormat

function numberFormat(tag) {
  let format = numbers.get(tag);
  if (!format) {
    format = new Intl.NumberFormat(tag);
    numbers.set(tag, format);
  }
  return format;
}

/**
 * The text of `key.one`, `key.other` (…) for `count` by the language's plural rules
 * (Intl.PluralRules: French says "0 résultat", English "0 results"); `{count}` is `count`.
 */
export function plural(key, count, params = {}) {
  let rules = plurals.get(current);
  if (!rules) {
    rules = new Intl.PluralRules(current);
    plurals.set(current, rules);
  }
  const form = rules.select(count);
  const catalog = catalogs[current] ?? en;
  const chosen = [`${key}.${form}`, `${key}.other`].find((k) => Object.hasOwn(catalog, k) || Object.hasOwn(en, k)) ?? `${key}.other`;
  return t(chosen, { count, ...params });
}

/**
 * An Error to show in the page: its `message` is the English text of `key` (for logs and
 * tests), `key` and `params` let `errorText` say it in the reader's language.
 */
export function pageError(key, params = {}, ErrorType = Error) {
  const error = new ErrorType(fill(en[key] ?? key, englishParams(params), 'en'));
  error.key = key;
  error.params = params;
  return error;
}

/** A param may itself be an error (a cause): its own text, in English here. */
function englishParams(params) {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, value instanceof Error ? value.message : value]));
}

/** An error's text in the current language: a `pageError`'s own, else its (English or browser's) message. */
export function errorText(error) {
  if (typeof error?.key !== 'string') return String(error?.message ?? error);
  const params = Object.fromEntries(Object.entries(error.params ?? {}).map(([name, value]) => [name, value instanceof Error ? errorText(value) : value]));
  return t(error.key, params);
}

/**
 * Fills the static page in the current language: `<html lang>`, the text of every
 * `[data-i18n="key"]`, and the attributes named by `[data-i18n-attr="title:key;placeholder:key"]`;
 * then shows it (the page is hidden until then, so English never flashes before French).
 */
export function translatePage(doc) {
  doc.documentElement.lang = current;
  for (const node of doc.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of doc.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of node.dataset.i18nAttr.split(';')) {
      const [attribute, key] = pair.split(':').map((part) => part.trim());
      if (attribute && key) node.setAttribute(attribute, t(key));
    }
  }
  doc.documentElement.classList.remove('translating'); // shown from now on (chatt.css)
}

/** A number in the current language (`1 234,5` in French). */
export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(current, options).format(value);
}

const dates = new Map(); // language and options -> Intl.DateTimeFormat

/** A date in the current language; `options` as Intl.DateTimeFormat's (formats are kept: messages call it by the hundred). */
export function formatDate(date, options = {}) {
  const id = `${current} ${JSON.stringify(options)}`;
  let format = dates.get(id);
  if (!format) {
    format = new Intl.DateTimeFormat(current, options);
    dates.set(id, format);
  }
  return format.format(date);
}
