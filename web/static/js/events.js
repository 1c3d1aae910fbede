// The v2 events of SPEC.md (edit, delete, react, typing on rooms/<room>/…; presence on
// users/<nick>/presence): payloads checked and turned into events, and applied to the
// messages of the state. No DOM. Rules: an edit, a delete or a reaction's removal is applied
// only from the target's author (for a reaction: one author's own); an event delivered twice
// is applied once; an event whose target is not known yet is held (at most HOLD_LIMIT, for
// HOLD_MS) and applied when the target arrives.
import { nickProblem } from './names.js';
import { t } from './i18n.js';

/** An event's id, and a message's id as a target or replyTo: 8–64 of [A-Za-z0-9_-]. */
export const EVENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
export const isEventId = (id) => typeof id === 'string' && EVENT_ID.test(id);

/** How long a typing event shows (ms). */
export const TYPING_SHOWN = 5000;
/** Events held for a target not known yet: at most this many, this long (ms). */
export const HOLD_LIMIT = 500;
export const HOLD_MS = 2 * 60 * 1000;
const SEEN_LIMIT = 5000;
export const PRESENCE_STATES = new Set(['online', 'away', 'offline']);

const segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/** Characters as people count them (grapheme clusters), as ChatCore counts an emoji. */
export function characters(text) {
  if (!segmenter) return [...text].length;
  let count = 0;
  for (const _ of segmenter.segment(text)) count += 1;
  return count;
}

/** Is `emoji` a reaction ChatCore takes: 1–16 characters, not blank, no control characters? */
export function emojiProblem(emoji) {
  if (typeof emoji !== 'string' || emoji.trim() === '') return t('reactions.empty');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/u.test(emoji)) return t('reactions.control');
  const count = characters(emoji);
  if (count > 16) return t('reactions.long', { max: 16, count });
  return null;
}

function object(json) {
  try {
    const value = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * A `rooms/<room>/<verb>` payload of a v2 event as {kind, author, id, ts, target, …}, or
 * null when it is not one (a bad field, an unknown verb).
 */
export function parseRoomEvent(verb, json) {
  const value = object(json);
  if (!value || typeof value.author !== 'string' || nickProblem(value.author) !== null) return null;
  if (verb === 'typing') return { kind: 'typing', author: value.author };
  if (!isEventId(value.id) || !Number.isFinite(value.ts) || !isEventId(value.target)) return null;
  const base = { author: value.author, id: value.id, ts: value.ts, target: value.target };
  if (verb === 'edit') return typeof value.text === 'string' ? { kind: 'edit', ...base, text: value.text } : null;
  if (verb === 'delete') return { kind: 'delete', ...base };
  if (verb === 'react') {
    if (emojiProblem(value.emoji) !== null || typeof value.on !== 'boolean') return null;
    return { kind: 'react', ...base, emoji: value.emoji, on: value.on };
  }
  return null;
}

/** A `users/<nick>/presence` payload: 'online' | 'away' | 'offline', or null. */
export function parsePresence(json) {
  const value = object(json);
  return value && PRESENCE_STATES.has(value.state) ? value.state : null;
}

/** The reactions of a message (emoji → Set of nicknames), made on first use. */
export function reactionsOf(message) {
  if (!message.reactions) message.reactions = new Map();
  return message.reactions;
}

/** Applies v2 events to messages; holds those whose target has not arrived. */
export class EventApplier {
  constructor({ now = () => Date.now(), holdLimit = HOLD_LIMIT, holdMs = HOLD_MS } = {}) {
    this.now = now;
    this.holdLimit = holdLimit;
    this.holdMs = holdMs;
    this.seen = new Set(); // event ids applied or held (insertion order: the oldest go first)
    this.held = new Map(); // target id -> [{ event, until }]
    this.heldCount = 0;
  }

  /**
   * Applies `event` to its target, found by `find(id)` (a message or undefined). Returns
   * the message it changed, or null (a duplicate, not the author, held, nothing changed).
   */
  apply(event, find) {
    if (this.seen.has(event.id)) return null;
    this.remember(event.id);
    const message = find(event.target);
    if (!message) {
      this.hold(event);
      return null;
    }
    return this.change(message, event) ? message : null;
  }

  /** A message arrived: the events held for it, applied. Returns true if it changed. */
  arrived(message) {
    if (!message.id || !this.held.has(message.id)) return false;
    const waiting = this.held.get(message.id);
    this.held.delete(message.id);
    this.heldCount -= waiting.length;
    const now = this.now();
    let changed = false;
    // In the senders' order, whatever order they came in.
    for (const { event, until } of waiting.sort((a, b) => a.event.ts - b.event.ts)) {
      if (until >= now && this.change(message, event)) changed = true;
    }
    return changed;
  }

  /** How many events wait for their target. */
  get holding() {
    return this.heldCount;
  }

  remember(id) {
    this.seen.add(id);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value);
  }

  hold(event) {
    const now = this.now();
    if (this.heldCount >= this.holdLimit) this.expire(now);
    while (this.heldCount >= this.holdLimit) {
      // Full of live ones: the oldest target's events go.
      const [target, list] = this.held.entries().next().value;
      list.shift();
      this.heldCount -= 1;
      if (list.length === 0) this.held.delete(target);
    }
    const list = this.held.get(event.target) ?? [];
    list.push({ event, until: now + this.holdMs });
    this.held.set(event.target, list);
    this.heldCount += 1;
  }

  expire(now) {
    for (const [target, list] of this.held) {
      const live = list.filter((entry) => entry.until >= now);
      this.heldCount -= list.length - live.length;
      if (live.length === 0) this.held.delete(target);
      else this.held.set(target, live);
    }
  }

  /** The rules; true if `message` changed. */
  change(message, event) {
    if (message.deleted) return false; // a tombstone takes nothing more
    switch (event.kind) {
      case 'edit':
        if (event.author !== message.author) return false;
        if (message.edited != null && message.edited > event.ts) return false; // a later edit is there
        if (message.text === event.text && message.edited != null) return false;
        message.text = event.text;
        message.edited = event.ts;
        return true;
      case 'delete':
        if (event.author !== message.author) return false;
        message.deleted = true;
        message.text = '';
        message.reactions = null;
        return true;
      case 'react': {
        // One author's reaction: only that author's latest word on it counts.
        if (!message.reactionTimes) message.reactionTimes = new Map();
        const key = `${event.author}\n${event.emoji}`;
        if ((message.reactionTimes.get(key) ?? -Infinity) > event.ts) return false;
        message.reactionTimes.set(key, event.ts);
        const reactions = reactionsOf(message);
        const who = reactions.get(event.emoji) ?? new Set();
        if (event.on === who.has(event.author)) return false;
        if (event.on) who.add(event.author);
        else who.delete(event.author);
        if (who.size === 0) reactions.delete(event.emoji);
        else reactions.set(event.emoji, who);
        return true;
      }
      default:
        return false;
    }
  }
}
