// The catalogs (web/static/js/locales): every key in both languages, every key the page
// uses in English, the same placeholders in every language; the language choice; plurals
// and errors in the reader's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  languages, catalogLoaders, loadCatalog, pickLanguage, t, plural, setLanguage, language, pageError, errorText, formatNumber,
} from '../static/js/i18n.js';
import en from '../static/js/locales/en.js';

const web = fileURLToPath(new URL('..', import.meta.url));
// Every catalog, loaded as the page loads it.
const catalogs = { en };
for (const { tag } of languages) if (tag !== 'en') catalogs[tag] = await loadCatalog(tag);
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Every .js file under web/static/js, catalogs included (they use no keys). */
function scripts(dir = join(web, 'static', 'js')) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scripts(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

/** Does `key` name a text of `catalog`: the key itself, or the forms of a plural (`key.other`)? */
const known = (catalog, key) => Object.hasOwn(catalog, key) || Object.hasOwn(catalog, `${key}.other`);

/** In the current language, then back to English (the others tests expect it). */
function inFrench(body) {
  setLanguage('fr', { remember: false });
  try {
    return body();
  } finally {
    setLanguage('en', { remember: false });
  }
}

test('every language of the switch has a catalog, loaded on demand', () => {
  assert.deepEqual(languages.map(({ tag }) => tag), ['en', 'fr']);
  assert.deepEqual(Object.keys(catalogLoaders), ['fr']);
});

test('every catalog has exactly the keys of the English one', () => {
  for (const [tag, catalog] of Object.entries(catalogs)) {
    const missing = Object.keys(en).filter((key) => !Object.hasOwn(catalog, key));
    const extra = Object.keys(catalog).filter((key) => !Object.hasOwn(en, key));
    assert.deepEqual(missing, [], `keys of en.js missing from ${tag}.js`);
    assert.deepEqual(extra, [], `keys of ${tag}.js missing from en.js`);
  }
});

test('every text has the same placeholders in every language, and none is empty', () => {
  for (const [tag, catalog] of Object.entries(catalogs)) {
    for (const [key, text] of Object.entries(catalog)) {
      assert.equal(typeof text, 'string', `${tag} ${key}`);
      assert.notEqual(text.trim(), '', `${tag} ${key} is empty`);
      if (Object.hasOwn(en, key)) assert.deepEqual(placeholders(text), placeholders(en[key]), `placeholders of ${key} in ${tag}.js`);
    }
  }
});

test('a plural has its `other` form in every catalog', () => {
  for (const [tag, catalog] of Object.entries(catalogs)) {
    for (const key of Object.keys(catalog)) {
      const base = key.replace(/\.(zero|one|two|few|many|other)$/, '');
      if (base !== key) assert.ok(Object.hasOwn(catalog, `${base}.other`), `${tag} ${base}.other`);
    }
  }
});

test('every key the scripts name is in en.js', () => {
  // Literal keys: t('…'), plural('…'), pageError('…'), and any quoted `area.what` of an area
  // the catalogs have (keys chosen by a condition: t(on ? 'bell.on' : 'bell.off')).
  const areas = new Set(Object.keys(en).map((key) => key.split('.')[0]));
  const problems = [];
  for (const file of scripts()) {
    if (file.includes(`${join('js', 'locales')}`)) continue;
    const source = readFileSync(file, 'utf8');
    const name = relative(web, file);
    for (const [, key] of source.matchAll(/\b(?:t|plural|pageError)\(\s*'([^']+)'/g)) {
      if (!known(en, key)) problems.push(`${name}: ${key}`);
    }
    for (const [, key] of source.matchAll(/'([a-z][A-Za-z0-9]*\.[A-Za-z0-9.]+)'/g)) {
      if (areas.has(key.split('.')[0]) && !key.endsWith('.js') && !known(en, key)) problems.push(`${name}: ${key}`);
    }
  }
  // Keys made at run time.
  for (const code of [1, 2, 3, 4, 5]) if (!known(en, `mqtt.refusal.${code}`)) problems.push(`mqtt.refusal.${code}`);
  for (const presence of ['away', 'offline']) if (!known(en, `users.${presence}`)) problems.push(`users.${presence}`);
  assert.deepEqual(problems, []);
});

test('every data-i18n key of index.html is in en.js', () => {
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  const keys = [...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]);
  for (const [, pairs] of html.matchAll(/data-i18n-attr="([^"]+)"/g)) {
    for (const pair of pairs.split(';')) {
      const [attribute, key] = pair.split(':');
      assert.ok(attribute && key, `malformed data-i18n-attr "${pairs}"`);
      keys.push(key);
    }
  }
  assert.ok(keys.length > 20, `only ${keys.length} keys in index.html`);
  assert.deepEqual(keys.filter((key) => !Object.hasOwn(en, key)), []);
});

test('pickLanguage: the stored choice, else the first browser language with a catalog, else English', () => {
  assert.equal(pickLanguage(['fr-FR', 'en-US']), 'fr');
  assert.equal(pickLanguage(['fr-CA']), 'fr');
  assert.equal(pickLanguage(['FR']), 'fr');
  assert.equal(pickLanguage(['de-DE', 'fr', 'en']), 'fr');
  assert.equal(pickLanguage(['en-GB', 'fr']), 'en');
  assert.equal(pickLanguage(['de', 'es']), 'en');
  assert.equal(pickLanguage([]), 'en');
  assert.equal(pickLanguage(undefined), 'en');
  assert.equal(pickLanguage(['en-US'], 'fr'), 'fr');
  assert.equal(pickLanguage(['fr'], 'en'), 'en');
  assert.equal(pickLanguage(['fr'], 'xx'), 'fr'); // a stored language without a catalog (any more)
});

test('t fills placeholders, numbers in the language\'s way; a key missing falls back to English, then to itself', () => {
  assert.equal(language(), 'en');
  assert.equal(t('status.notSent', { reason: 'not connected' }), 'Not sent: not connected.');
  assert.equal(t('names.textLong', { count: 16386, max: 16384 }), 'The message is too long: 16,386 bytes, at most 16,384.');
  assert.equal(t('no.such.key'), 'no.such.key');
  assert.equal(t('status.notSent'), 'Not sent: {reason}.');
  inFrench(() => {
    assert.equal(t('names.textLong', { count: 16386, max: 16384 }), 'Le message est trop long\u00a0: 16\u202f386 octets, 16\u202f384 au plus.');
    assert.equal(formatNumber(1234.5), '1\u202f234,5');
  });
});

test('plural picks the form of the language (French: 0 and 1 are singular)', () => {
  assert.equal(plural('search.count', 0), '0 results');
  assert.equal(plural('search.count', 1), '1 result');
  assert.equal(plural('search.count', 2), '2 results');
  inFrench(() => {
    assert.equal(plural('search.count', 0), '0 résultat');
    assert.equal(plural('search.count', 1), '1 résultat');
    assert.equal(plural('search.count', 2), '2 résultats');
    assert.equal(plural('search.count', 1000000), '1\u202f000\u202f000 résultats'); // `many`: falls back to `other`
  });
});

test('a page error keeps its English message and is shown in the reader\'s language, with its causes', () => {
  const error = pageError('api.cannotLoad', { what: pageError('api.what.older'), reason: new Error('Failed to fetch') });
  assert.equal(error.message, 'cannot load older messages: Failed to fetch');
  assert.equal(errorText(error), 'cannot load older messages: Failed to fetch');
  inFrench(() => {
    assert.equal(errorText(error), 'impossible de charger les messages plus anciens\u00a0: Failed to fetch');
    assert.equal(errorText(new Error('plain')), 'plain');
  });
});

test('day separators and times in the page\'s language, through Intl', async () => {
  const { dayLabel } = await import('../static/js/view.js');
  const { timeLabel } = await import('../static/js/message-node.js');
  const now = new Date(2026, 11, 2, 9, 30);
  assert.equal(dayLabel(new Date(2026, 11, 2, 8).getTime(), now), 'Today');
  assert.equal(timeLabel(new Date(2026, 11, 2, 20, 5)), '20:05');
  inFrench(() => {
    assert.equal(dayLabel(new Date(2026, 11, 2, 8).getTime(), now), 'Aujourd’hui');
    assert.equal(dayLabel(new Date(2026, 11, 1, 23).getTime(), now), 'Hier');
    assert.equal(dayLabel(new Date(2026, 10, 29, 12).getTime(), now), 'dimanche 29 novembre 2026');
    assert.equal(timeLabel(new Date(2026, 11, 2, 20, 5)), '20:05');
  });
});
