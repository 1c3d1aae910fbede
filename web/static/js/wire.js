// The wire formats as messages: entries of the history API and `newtext` payloads of
// MQTT (SPEC.md). No state, no DOM: what comes in is checked and turned into the
// message objects the state and the view share.
import { nickProblem } from './names.js';
import { isEventId, emojiProblem } from './events.js';

/**
 * An entry of /data/* ([author, text, ts?, id?, key?, v2?]) as a message, or null if
 * unusable. The sixth element (protocol v2) may say `replyTo`, `edited`, `deleted` and
 * `reactions` ({"👍": ["alice", "bob"]}); what is not well formed in it is left out.
 */
export function entryToMessage(entry) {
  if (!Array.isArray(entry) || entry.length < 2) return null;
  const [author, text, ts, id, key, v2] = entry;
  if (typeof author !== 'string' || typeof text !== 'string') return null;
  const message = {
    author,
    text,
    ts: Number.isFinite(ts) ? ts : null,
    id: typeof id === 'string' && id !== '' ? id : null,
    key: Number.isInteger(key) ? key : null,
  };
  if (v2 && typeof v2 === 'object' && !Array.isArray(v2)) addConversation(message, v2);
  return message;
}

function addConversation(message, v2) {
  if (isEventId(v2.replyTo)) message.replyTo = v2.replyTo;
  if (Number.isFinite(v2.edited)) message.edited = v2.edited;
  if (v2.sig === 'verified' || v2.sig === 'forged') message.verdict = v2.sig; // memorize's verdict
  if (v2.deleted === true) {
    message.deleted = true;
    message.text = '';
    return;
  }
  if (v2.reactions && typeof v2.reactions === 'object' && !Array.isArray(v2.reactions)) {
    const reactions = new Map();
    for (const [emoji, who] of Object.entries(v2.reactions)) {
      if (emojiProblem(emoji) !== null || !Array.isArray(who)) continue;
      const nicks = new Set(who.filter((nick) => typeof nick === 'string' && nickProblem(nick) === null));
      if (nicks.size > 0) reactions.set(emoji, nicks);
    }
    if (reactions.size > 0) message.reactions = reactions;
  }
}

/** How far before and after its arrival a sender's `ts` is believed (SPEC.md, protocol v2). */
export const SENDER_TIME_EARLIEST = 24 * 60 * 60 * 1000;
export const SENDER_TIME_LATEST = 60 * 1000;

/**
 * A `rooms/<room>/newtext` payload as a message, or null if it is not one. `arrivedAt`
 * (ms) is when it came: a missing or implausible `ts` (outside a day before to a minute
 * after) shows that time instead, marked `localTime` so that it never decides whether
 * two messages without ids are the same.
 */
export function payloadToMessage(json, arrivedAt = Date.now()) {
  let value;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || typeof value.text !== 'string') return null;
  if (typeof value.author !== 'string' || nickProblem(value.author) !== null) return null;
  const plausible = Number.isFinite(value.ts) && value.ts >= arrivedAt - SENDER_TIME_EARLIEST &&
    value.ts <= arrivedAt + SENDER_TIME_LATEST;
  return {
    author: value.author,
    text: value.text,
    ts: plausible ? value.ts : arrivedAt,
    localTime: !plausible,
    id: typeof value.id === 'string' && value.id !== '' ? value.id : null,
    key: null,
    ...(isEventId(value.replyTo) ? { replyTo: value.replyTo } : {}),
  };
}

/**
 * The message a live `newtext` carries, or null. A retained one is skipped: the broker
 * hands it to every page that subscribes, again on each reconnect (anyone may publish one,
 * and without an id it cannot be told from a new message); history comes from the server.
 */
export function liveMessage({ text, retain }, arrivedAt = Date.now()) {
  return retain ? null : payloadToMessage(text, arrivedAt);
}

/** A fresh message id: random, unique enough to dedupe a QoS 1 redelivery. */
export function newMessageId(random = globalThis.crypto) {
  if (random && typeof random.randomUUID === 'function') return random.randomUUID();
  const bytes = new Uint8Array(16);
  random.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
