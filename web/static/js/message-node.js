// One message of a room's log as a DOM node: its time, author (with the ✓ or warning of a
// signed nickname), its text through the Markdown renderer, the classes and data the view
// and the style use. A room opens with hundreds of these at once, so they are made cheaply
// (bench/markdown.sh measures it): the empty message and each author's button are made once
// per document and cloned, the full date of the time's tooltip is made when the pointer
// comes to it (`timeTitle`), and the mention check parses Markdown only when the plain text
// mentions the reader at all. A message made `later` (one of many made at once, out of
// view: log.js) shows its text as it is, one text node, until the view calls `finish` as
// it nears the view; only then is its Markdown made. Still createElement/textContent only:
// nothing of a message's text becomes markup.
import { verdictMark } from './identity-view.js';
import { mentions, nickHue } from './render.js';
import { appendMarkdown, rendersAsText, textOutsideCode } from './markdown.js';
import { formatDate } from './i18n.js';

/** "20:15": the time of day of `ts` (ms, or a Date), in the reader's zone, on 24 hours in every language. */
export function timeLabel(ts) {
  const date = ts instanceof Date ? ts : new Date(ts);
  return formatDate(date, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** The full date and time of `date` in the page's language, for tooltips. */
export function fullDate(date) {
  return formatDate(date, { dateStyle: 'full', timeStyle: 'short' });
}

/** The reader's calendar day of `date`, as a key ("2026-12-1"). */
export const dayKey = (date) => `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;

/** A message long enough to be collapsed behind "Show more" (by its text: no layout needed). */
const LONG_CHARACTERS = 700;
const LONG_LINES = 12;
export function isLong(text) {
  if (text.length > LONG_CHARACTERS) return true;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lines <= LONG_LINES; i = text.indexOf('\n', i + 1)) lines += 1;
  return lines > LONG_LINES;
}

/** Authors' buttons kept per document, to clone; past this many a new set is started. */
const AUTHORS_KEPT = 500;

/** Makes message nodes in one document. */
export class MessageNodes {
  constructor(doc) {
    this.doc = doc;
    // <div class="msg"><time class="time"></time><span class="text" dir="auto"></span></div>
    this.shell = doc.createElement('div');
    this.shell.className = 'msg';
    const time = doc.createElement('time');
    time.className = 'time';
    const text = doc.createElement('span');
    text.className = 'text';
    this.shell.append(time, text);
    this.authors = new Map(); // nick -> <button class="author">, to clone
    this.unfinished = new WeakMap(); // node made `later` -> { text, source }: its Markdown to make
  }

  /** The author's button (its colour, `data-nick` for the click that mentions them). */
  author(nick) {
    let button = this.authors.get(nick);
    if (!button) {
      if (this.authors.size >= AUTHORS_KEPT) this.authors.clear();
      button = this.doc.createElement('button');
      button.className = 'author';
      button.type = 'button';
      button.dataset.nick = nick;
      button.style.setProperty('--hue', String(nickHue(nick)));
      button.textContent = nick;
      this.authors.set(nick, button);
    }
    return button.cloneNode(true);
  }

  /**
   * The node of `message` as `me` reads it: `.msg` (+ `mine`, `mention`, `forged-msg`),
   * `data-id`, `data-key`, `data-day`; returns { node, text } (text: its `.text` span).
   * `later`: the text's Markdown is made by `finish(node)`, its source shown until then.
   */
  make(message, me, { later = false } = {}) {
    const node = this.shell.cloneNode(true);
    const time = node.firstChild;
    const text = node.lastChild;
    let classes = 'msg';
    if (message.author === me) classes += ' mine';
    else if (me && mentions(message.text, me) && mentions(textOutsideCode(message.text), me)) classes += ' mention';
    if (message.verdict === 'forged') classes += ' forged-msg';
    if (classes !== 'msg') node.className = classes;
    if (message.id) node.setAttribute('data-id', message.id);
    if (message.key !== null) node.setAttribute('data-key', String(message.key));
    if (message.ts !== null) {
      const date = new Date(message.ts);
      node.setAttribute('data-day', dayKey(date));
      time.textContent = timeLabel(date);
      time.setAttribute('datetime', date.toISOString());
    }
    node.insertBefore(this.author(message.author), text);
    for (const mark of verdictMark(this.doc, message)) node.insertBefore(mark, text);
    if (rendersAsText(message.text)) {
      text.textContent = message.text;
    } else if (later) {
      text.textContent = message.text; // as it is, until `finish`
      this.unfinished.set(node, { text, source: message.text });
    } else {
      appendMarkdown(this.doc, text, message.text);
    }
    text.dir = 'auto'; // Arabic and Hebrew read right to left
    return { node, text };
  }

  /** Does `node` still show its text's source (made `later`, not finished)? */
  isUnfinished(node) {
    return this.unfinished.has(node);
  }

  /** Makes the Markdown of a node made `later` (nothing for any other node); true if it did. */
  finish(node) {
    const entry = this.unfinished.get(node);
    if (!entry) return false;
    this.unfinished.delete(node);
    entry.text.replaceChildren();
    appendMarkdown(this.doc, entry.text, entry.source);
    return true;
  }
}

/**
 * Gives a message's <time> its tooltip (the full local date and time) if it has none yet:
 * called when the pointer comes over it, so that a log of hundreds of messages does not
 * format hundreds of dates it may never show.
 */
export function timeTitle(time) {
  if (time.title || !time.dateTime) return;
  const date = new Date(time.dateTime);
  if (!Number.isNaN(date.getTime())) time.title = fullDate(date);
}
