// Search: what the reader typed (words and `from:nick`), the result count ("50+" while
// more exist), and a result's text with its matches wrapped in <mark>. DOM only through
// createElement/textContent; never HTML from a message.
import { t, plural } from './i18n.js';

/** "from:ann pizza" → { words: ['pizza'], author: 'ann' }. */
export function parseQuery(q) {
  let author = null;
  const words = [];
  for (const term of q.split(/\s+/u)) {
    if (term === '') continue;
    if (/^from:./iu.test(term)) author = term.slice(5);
    else words.push(term);
  }
  return { words, author };
}

/** "1 result", "37 results", "50+ results" (when more exist than shown), in the page's language. */
export function countLabel(shown, hasMore) {
  return hasMore ? t('search.countMore', { count: shown }) : plural('search.count', shown);
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/**
 * `text` cut into pieces: [{ text, match }], a match being a word of the text that starts
 * with one of `words` (as the server's prefix search matches), any case.
 */
export function splitMatches(text, words) {
  const wanted = words.map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).filter((w) => w !== '');
  if (wanted.length === 0) return [{ text, match: false }];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${wanted.map(escapeRegExp).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const pieces = [];
  let at = 0;
  for (const found of text.matchAll(pattern)) {
    if (found.index > at) pieces.push({ text: text.slice(at, found.index), match: false });
    pieces.push({ text: found[0], match: true });
    at = found.index + found[0].length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), match: false });
  return pieces;
}

/** The nodes of `text` with its matches in <mark> elements. */
export function highlighted(doc, text, words) {
  return splitMatches(text, words).map(({ text: piece, match }) => {
    if (!match) return doc.createTextNode(piece);
    const mark = doc.createElement('mark');
    mark.textContent = piece;
    return mark;
  });
}
