// The Markdown subset of SPEC.md (protocol v2) → DOM nodes, with createElement,
// createTextNode, textContent and setAttribute only: no text of a message ever becomes
// markup. Blocks: fenced code (``` lines, an optional language word shown as a label, a
// copy button made on demand), `> ` quote lines, `- ` and `1. ` lists, and paragraphs (lines kept as they
// are). Inline: `code`, **bold**, *italic* / _italic_, ~~strike~~, and outside code the
// original's links, :img:(url) and emoticons (render.js). A text with none of it is the
// plain text of render.js, node for node.
import { parseText, toNodes, mayHaveTokens } from './render.js';
import { t } from './i18n.js';

const FENCE = /^ {0,3}```\s*([A-Za-z0-9_+#.-]{0,32})\s*$/;
const FENCE_END = /^ {0,3}```\s*$/;
const QUOTE = /^>(?: (.*)|$)/;
const BULLET = /^- (.*)$/;
const NUMBERED = /^(\d{1,9})\. (.*)$/;
// Anything that could be Markdown: else the text takes render.js's plain path.
const MAYBE = /[`*_~]|^(?:>|- |\d{1,9}\. )/m;

/**
 * The blocks of `text`: {type:'para', lines}, {type:'code', lang, text}, {type:'quote',
 * lines}, {type:'list', ordered, start, items}. Pure.
 */
export function parseBlocks(text) {
  const lines = String(text ?? '').split('\n');
  const blocks = [];
  const last = () => blocks[blocks.length - 1];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      const body = [];
      for (i += 1; i < lines.length && !FENCE_END.test(lines[i]); i += 1) body.push(lines[i]);
      blocks.push({ type: 'code', lang: fence[1], text: body.join('\n') });
      continue;
    }
    const quote = QUOTE.exec(line);
    if (quote) {
      if (last()?.type === 'quote') last().lines.push(quote[1] ?? '');
      else blocks.push({ type: 'quote', lines: [quote[1] ?? ''] });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const ordered = numbered !== null;
      const item = bullet ? bullet[1] : numbered[2];
      const list = last();
      if (list?.type === 'list' && list.ordered === ordered) list.items.push(item);
      else blocks.push({ type: 'list', ordered, start: ordered ? Number(numbered[1]) : 1, items: [item] });
      continue;
    }
    if (last()?.type === 'para') last().lines.push(line);
    else blocks.push({ type: 'para', lines: [line] });
  }
  return blocks;
}

// --- inline ------------------------------------------------------------------------------

const CODE_SPAN = /(`+)([^`](?:[\s\S]*?[^`])?)\1(?!`)/g;
const DELIMS = /\*{1,3}|~~|_+/g;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;

/**
 * Inline parts of one line (or several): the parts of render.js ('text', 'link', 'image',
 * 'emoticon') plus {type:'code', text} and {type:'strong'|'em'|'del', children}. Pure.
 */
export function parseInline(source) {
  // Code spans first: nothing inside them is anything but text.
  const tokens = [];
  let position = 0;
  CODE_SPAN.lastIndex = 0;
  for (let m = CODE_SPAN.exec(source); m; m = CODE_SPAN.exec(source)) {
    tokenize(source.slice(position, m.index), tokens, false);
    tokens.push({ type: 'code', text: m[2] });
    position = m.index + m[0].length;
  }
  tokenize(source.slice(position), tokens, true);
  return pair(tokens);
}

// Text → render.js parts, with the emphasis delimiters of its text parts cut out as
// {type:'delim', marker, open, close}: a delimiter opens when no space follows it, closes
// when no space precedes it (the start and end of the text count as space; a link or code
// next to it does not); `_` also neither opens after nor closes before a letter or digit,
// so snake_case stays text. `last`: nothing follows `text`.
function tokenize(text, tokens, last) {
  if (text === '') return;
  const parts = parseText(text);
  parts.forEach((part, index) => {
    if (part.type !== 'text') {
      tokens.push(part);
      return;
    }
    const s = part.text;
    let at = 0;
    DELIMS.lastIndex = 0;
    for (let m = DELIMS.exec(s); m; m = DELIMS.exec(s)) {
      const run = m[0];
      if (run[0] === '_' && run.length > 1) continue; // __init__ stays text
      const end = m.index + run.length;
      const previous = tokens[tokens.length - 1];
      const before = m.index > 0 ? s[m.index - 1] : previous?.type === 'text' ? previous.text.slice(-1) : null;
      const after = end < s.length ? s[end] : null;
      const spaceBefore = before === null ? previous === undefined : SPACE.test(before);
      const spaceAfter = after === null ? last && index === parts.length - 1 : SPACE.test(after);
      let open = !spaceAfter;
      let close = !spaceBefore;
      if (run === '_') {
        open = open && !(before !== null && WORD.test(before));
        close = close && !(after !== null && WORD.test(after));
      }
      if (!open && !close) continue;
      pushText(tokens, s.slice(at, m.index));
      if (run === '***') {
        // ***x***: strong outside, em inside.
        const markers = open ? ['**', '*'] : ['*', '**'];
        for (const marker of markers) tokens.push({ type: 'delim', marker, open, close });
      } else {
        tokens.push({ type: 'delim', marker: run, open, close });
      }
      at = end;
    }
    pushText(tokens, s.slice(at));
  });
}

function pushText(tokens, s) {
  if (!s) return;
  const last = tokens[tokens.length - 1];
  if (last && last.type === 'text') last.text += s;
  else tokens.push({ type: 'text', text: s });
}

const KIND = { '*': 'em', _: 'em', '**': 'strong', '~~': 'del' };

// Pairs openers with the first closer of the same marker after them (with something
// between); what has no partner is text. A marker without a closer is remembered, so a
// text of a thousand lone `*` stays linear.
function pair(tokens) {
  const out = [];
  const noCloser = new Set();
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token.type !== 'delim') {
      const last = out[out.length - 1];
      if (token.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + token.text };
      else out.push(token);
      continue;
    }
    let closer = -1;
    if (token.open && !noCloser.has(token.marker)) {
      for (let j = i + 2; j < tokens.length; j += 1) {
        if (tokens[j].type === 'delim' && tokens[j].marker === token.marker && tokens[j].close) {
          closer = j;
          break;
        }
      }
      if (closer < 0) noCloser.add(token.marker);
    }
    if (closer < 0) {
      const last = out[out.length - 1];
      if (last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + token.marker };
      else out.push({ type: 'text', text: token.marker });
      continue;
    }
    out.push({ type: KIND[token.marker], children: pair(tokens.slice(i + 1, closer)) });
    i = closer;
  }
  return out;
}

// --- nodes ---------------------------------------------------------------------------------

function inlineNodes(doc, parts) {
  const nodes = [];
  let plain = [];
  const flush = () => {
    if (plain.length > 0) nodes.push(...toNodes(doc, plain));
    plain = [];
  };
  for (const part of parts) {
    if (part.type === 'code' || part.type === 'strong' || part.type === 'em' || part.type === 'del') {
      flush();
      const tag = part.type === 'strong' ? 'strong' : part.type === 'em' ? 'em' : part.type === 'del' ? 's' : 'code';
      const element = doc.createElement(tag);
      const only = part.type === 'code' ? part : part.children.length === 1 && part.children[0];
      if (only?.type === 'code' || only?.type === 'text') element.textContent = only.text; // one call, not three
      else appendAll(element, inlineNodes(doc, part.children));
      nodes.push(element);
    } else {
      plain.push(part);
    }
  }
  flush();
  return nodes;
}

function linesNodes(doc, lines) {
  return inlineNodes(doc, parseInline(lines.join('\n')));
}

// appendChild one by one: append(...nodes) with several nodes makes a DocumentFragment
// first and moves them twice (measured: bench/markdown.sh).
function appendAll(parent, nodes) {
  for (const node of nodes) parent.appendChild(node);
  return parent;
}

function element(doc, tag, className) {
  const node = doc.createElement(tag);
  if (className) node.setAttribute('class', className);
  return node;
}

const shells = new WeakMap(); // document -> the code block's empty shell

// <pre class="md-code" tabindex="0"><code></code></pre>: focusable, so that a keyboard
// scrolls it and reaches its Copy button. The language is `data-lang`, which the style
// shows as the block's label; the Copy button is made when the pointer or the focus comes
// to the block (`copyButton`): three nodes per block instead of eight.
function codeShell(doc) {
  let pre = shells.get(doc);
  if (pre) return pre;
  pre = element(doc, 'pre', 'md-code');
  pre.setAttribute('tabindex', '0');
  pre.appendChild(doc.createElement('code'));
  shells.set(doc, pre);
  return pre;
}

/**
 * The Copy button of a code block (`pre.md-code`), made the first time it is wanted (the
 * pointer over the block, or the focus on it); returns it.
 */
export function copyButton(doc, pre) {
  const first = pre.firstChild;
  if (first?.nodeType === 1 && first.getAttribute('class') === 'md-copy') return first;
  const copy = element(doc, 'button', 'md-copy');
  copy.setAttribute('type', 'button');
  copy.setAttribute('title', t('code.copyTitle'));
  copy.textContent = t('code.copy');
  pre.insertBefore(copy, pre.firstChild);
  return copy;
}

function blockNodes(doc, block) {
  switch (block.type) {
    case 'code': {
      const pre = codeShell(doc).cloneNode(true);
      if (block.lang) pre.setAttribute('data-lang', block.lang);
      pre.firstChild.textContent = block.text;
      return pre;
    }
    case 'quote': {
      const quote = element(doc, 'blockquote', 'md-quote');
      return appendAll(quote, linesNodes(doc, block.lines));
    }
    case 'list': {
      const list = element(doc, block.ordered ? 'ol' : 'ul', 'md-list');
      if (block.ordered && block.start !== 1) list.setAttribute('start', String(block.start));
      for (const item of block.items) {
        list.appendChild(appendAll(doc.createElement('li'), linesNodes(doc, [item])));
      }
      return list;
    }
    default:
      return null;
  }
}

/** Message text → nodes (append them to the message's text element). */
export function renderMarkdown(doc, text) {
  const source = String(text ?? '');
  if (!MAYBE.test(source)) return toNodes(doc, parseText(source));
  const nodes = [];
  let afterBlock = false;
  for (const block of parseBlocks(source)) {
    if (block.type === 'para') {
      // A line break between paragraphs' lines stays (the text keeps its whitespace); none
      // next to a block element, which breaks the line itself.
      if (nodes.length > 0 && !afterBlock) nodes.push(doc.createTextNode('\n'));
      nodes.push(...linesNodes(doc, block.lines));
      afterBlock = false;
    } else {
      nodes.push(blockNodes(doc, block));
      afterBlock = true;
    }
  }
  return nodes;
}

/** Is `text` rendered as itself, one text node (no Markdown, link, image or emoticon in it)? */
export function rendersAsText(text) {
  const source = String(text ?? '');
  return !MAYBE.test(source) && !mayHaveTokens(source);
}

/** Message text → nodes appended to `parent` (the message's text element); returns it. */
export function appendMarkdown(doc, parent, text) {
  return appendAll(parent, renderMarkdown(doc, text));
}

/** The text outside code (spans and blocks): where mentions count. */
export function textOutsideCode(text) {
  const source = String(text ?? '');
  if (!source.includes('`')) return source;
  return parseBlocks(source)
    .filter((block) => block.type !== 'code')
    .map((block) => (block.type === 'list' ? block.items : block.lines).join('\n').replace(CODE_SPAN, ' '))
    .join('\n');
}
