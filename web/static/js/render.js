// Message text -> DOM nodes. Text stays text: the only elements made are links and
// images whose address is http(s), and emoticon pictures (spans that the style draws from
// our own static files). `parseText` is pure (a list of parts); `toNodes` turns parts into
// nodes with createElement/createTextNode/setAttribute (and clones of those) only.
import { t } from './i18n.js';

export const EMOTICONS = {
  ':))': 'shappy',
  ':)': 'happy',
  ':(': 'sad',
  ':D': 'shappy',
  ':P': 'gibber',
  ':/': 'confused',
  ';)': 'wink',
  XD: 'crazy',
  '^^': 'happy',
};


// One scan, earliest match first: an :img:(url), a bare http(s) link, or an emoticon
// standing alone (start or space before it; end, space or punctuation after it).
const TOKEN = new RegExp(
  [
    String.raw`:img:\(([^()\s]*)\)`,
    String.raw`\b([Hh][Tt][Tt][Pp][Ss]?:\/\/[^\s<>"'\x60]+)`,
    String.raw`(?<=^|\s)(:\)\)|:\)|:\(|:D|:P|:\/|;\)|XD|\^\^)(?=$|\s|[.,!?])`,
  ].join('|'),
  'gu',
);

const NEEDS_SCAN = /[:;^]|XD/;

/** Could `text` hold a link, an :img: or an emoticon? (false: `parseText` gives it back as one text part) */
export const mayHaveTokens = (text) => NEEDS_SCAN.test(text);

/** The address as the browser would resolve it, if it is an absolute http(s) URL; else null. */
export function safeHttpUrl(raw) {
  if (typeof raw !== 'string' || !/^https?:\/\//i.test(raw)) return null;
  let url;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname) return null;
  return url.href;
}

// An uploaded file of this chat (issue 19): `/data/files/<sha256>/<name>`, with the size of a
// picture in the fragment (`#w=640&h=480`) so that its room is kept before it loads.
const FILE_PATH = /^\/data\/files\/([0-9a-f]{64})\/([^/?#\s]+)(?:#w=(\d{1,5})&h=(\d{1,5}))?$/;

/**
 * `raw` as an uploaded file of this chat: its path relative to the page
 * (`data/files/<sha256>/<name>`, fetched with the chat's credentials), the file's name and,
 * for a picture, its size; null for anything else. `origin`: this page's origin, which an
 * absolute link must have (the same path on another chat is that chat's file).
 */
export function chatFile(raw, origin = globalThis.location?.origin ?? null) {
  if (typeof raw !== 'string') return null;
  let path = raw;
  if (/^https?:\/\//i.test(raw)) {
    const href = safeHttpUrl(raw);
    if (href === null || origin === null) return null;
    const url = new URL(href);
    if (url.origin !== origin) return null;
    path = url.pathname + url.hash;
  }
  const match = FILE_PATH.exec(path);
  if (!match) return null;
  let name;
  try {
    name = decodeURIComponent(match[2]);
  } catch {
    return null;
  }
  const file = { path: `data/files/${match[1]}/${match[2]}`, name };
  const width = Number(match[3]);
  const height = Number(match[4]);
  if (width > 0 && height > 0) Object.assign(file, { width, height });
  return file;
}

// Punctuation that ends a sentence rather than the link: "see http://x.org." or "(http://x.org)".
function trimLink(raw) {
  let end = raw.length;
  for (;;) {
    const last = raw[end - 1];
    if (/[.,;:!?'"\]}*]/.test(last)) end -= 1;
    else if (last === ')' && (raw.slice(0, end).match(/\(/g) ?? []).length < (raw.slice(0, end).match(/\)/g) ?? []).length) end -= 1;
    else break;
  }
  return raw.slice(0, end);
}

/**
 * @param {string} text
 * @returns {({type:'text', text:string}|{type:'link', href:string, text:string}|
 *   {type:'image', src:string, text:string}|{type:'emoticon', name:string, text:string})[]}
 */
export function parseText(text) {
  const parts = [];
  const pushText = (s) => {
    if (!s) return;
    const last = parts[parts.length - 1];
    if (last && last.type === 'text') last.text += s;
    else parts.push({ type: 'text', text: s });
  };
  const source = String(text ?? '');
  // Every token has a ':', ';' or '^' but XD: text with none of them is one part, unscanned.
  if (!NEEDS_SCAN.test(source)) return source === '' ? parts : [{ type: 'text', text: source }];
  let position = 0;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(source); match; match = TOKEN.exec(source)) {
    const [whole, image, link, emoticon] = match;
    let consumed = whole;
    let part = null;
    if (image !== undefined) {
      const src = safeHttpUrl(image);
      const file = src ? null : chatFile(image);
      if (src) part = { type: 'image', src, text: whole };
      else if (file) part = { type: 'image', src: null, file, text: whole };
    } else if (link !== undefined) {
      consumed = trimLink(link);
      const href = safeHttpUrl(consumed);
      const file = href ? chatFile(href) : null;
      if (file) part = { type: 'link', href, file, text: consumed };
      else if (href) part = { type: 'link', href, text: consumed };
    } else if (emoticon !== undefined) {
      part = { type: 'emoticon', name: EMOTICONS[emoticon], text: emoticon };
    }
    pushText(source.slice(position, match.index));
    if (part) parts.push(part);
    else pushText(consumed);
    position = match.index + consumed.length;
    TOKEN.lastIndex = position;
  }
  pushText(source.slice(position));
  return parts;
}

/** Does `text` mention `@nick` (case-insensitive, not as the start of a longer name)? */
export function mentions(text, nick) {
  if (!nick) return false;
  const haystack = String(text).toLowerCase();
  const needle = `@${nick.toLowerCase()}`;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const next = haystack.slice(at + needle.length);
    if (!/^[\p{L}\p{N}_-]/u.test(next)) return true;
  }
  return false;
}

/** A stable hue (0–359) per nickname: FNV-1a over the UTF-16 code units. */
export function nickHue(nick) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < nick.length; i += 1) {
    hash ^= nick.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 360;
}

// An emoticon is a <span role="img"> holding its source text (what a copy of the message
// gives), drawn by chatt.css from static/img/emoticons/<name>.svg by its data-emoticon:
// an <img src> costs ten times as much to make (an image load per picture, and a load
// event each; measured with bench/markdown.sh). One per emoticon and document, cloned.
const emoticonShells = new WeakMap(); // document -> Map(emoticon text -> span)

function emoticonShell(doc, part) {
  let shells = emoticonShells.get(doc);
  if (!shells) emoticonShells.set(doc, (shells = new Map()));
  let span = shells.get(part.text);
  if (span) return span;
  span = doc.createElement('span');
  span.setAttribute('class', 'emoticon');
  span.setAttribute('data-emoticon', part.name);
  span.setAttribute('role', 'img');
  span.setAttribute('aria-label', part.text);
  span.setAttribute('title', part.text);
  span.textContent = part.text;
  shells.set(part.text, span);
  return span;
}

/** Builds the nodes for `parts` in `doc`; returns them in order (append them to a parent). */
export function toNodes(doc, parts) {
  return parts.map((part) => {
    switch (part.type) {
      case 'link': {
        const a = doc.createElement('a');
        a.setAttribute('href', part.href);
        a.setAttribute('rel', 'noopener noreferrer');
        if (part.file) {
          // A file of this chat: downloaded under its name (files.js fetches it with the
          // credentials of a protected chat).
          a.setAttribute('class', 'file-link');
          a.setAttribute('data-file', part.file.path);
          a.setAttribute('download', part.file.name);
          a.textContent = part.file.name;
          return a;
        }
        a.setAttribute('target', '_blank');
        a.textContent = part.text;
        return a;
      }
      case 'image': {
        const img = doc.createElement('img');
        if (part.file) return fileImage(doc, img, part);
        img.setAttribute('src', part.src);
        img.setAttribute('alt', part.text);
        img.setAttribute('class', 'inline-image');
        img.setAttribute('loading', 'lazy');
        img.setAttribute('referrerpolicy', 'no-referrer');
        img.setAttribute('tabindex', '0');
        img.setAttribute('title', t('image.enlarge'));
        return img;
      }
      case 'emoticon':
        return emoticonShell(doc, part).cloneNode(true);
      default:
        return doc.createTextNode(part.text);
    }
  });
}

/** The largest side, in CSS pixels, of an uploaded picture in the log (a click enlarges it). */
export const FILE_IMAGE_SIDE = 256;

// An uploaded picture: its source is set by files.js (fetched with the credentials of a
// protected chat), and its box has the picture's shape from the start, so nothing below it
// moves when it loads.
function fileImage(doc, img, part) {
  const { file } = part;
  img.setAttribute('data-file', file.path);
  img.setAttribute('alt', file.name);
  img.setAttribute('class', file.width ? 'inline-image file-image sized' : 'inline-image file-image');
  img.setAttribute('tabindex', '0');
  img.setAttribute('title', file.name);
  if (file.width) {
    img.setAttribute('width', String(file.width));
    img.setAttribute('height', String(file.height));
    const scale = Math.min(1, FILE_IMAGE_SIDE / file.width, FILE_IMAGE_SIDE / file.height);
    img.style.setProperty('width', `${Math.max(1, Math.round(file.width * scale))}px`);
    img.style.setProperty('aspect-ratio', `${file.width} / ${file.height}`);
  }
  return img;
}

/** Text -> nodes in one step. */
export function renderText(doc, text) {
  return toNodes(doc, parseText(text));
}
