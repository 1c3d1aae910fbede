// Room topics and archived rooms (issue 18): what the page knows of them, from
// /data/lastinfo and the live `rooms/<room>/topic` and `rooms/<room>/archive` events, and
// the payloads it publishes. No DOM here (room-bar.js shows them).
import { nickProblem } from './names.js';
import { t } from './i18n.js';

export const TOPIC_MAX_BYTES = 512;

const byteLength = (text) => new TextEncoder().encode(text).length;

/** A v2 event's fields checked: author, id and ts; null if unusable. */
function eventFields(json) {
  let value;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  if (typeof value.author !== 'string' || nickProblem(value.author) !== null) return null;
  if (!Number.isFinite(value.ts) || value.ts < 0) return null;
  return value;
}

export class RoomSettings {
  constructor() {
    this.topics = new Map(); // room -> { text, author, ts }
    this.archived = new Map(); // room -> ts of the archiving (0 when it came from lastinfo)
    this.archiveTs = new Map(); // room -> ts of the latest archive event seen live
  }

  /** The topics and archived rooms of /data/lastinfo (absent keys: none). */
  mergeLastinfo(data) {
    const topics = data?.topics && typeof data.topics === 'object' ? data.topics : {};
    for (const [room, topic] of Object.entries(topics)) {
      if (typeof topic?.text !== 'string' || !Number.isFinite(topic?.ts)) continue;
      if ((this.topics.get(room)?.ts ?? -Infinity) <= topic.ts) {
        this.topics.set(room, { text: topic.text, author: String(topic.author ?? ''), ts: topic.ts });
      }
    }
    const archived = Array.isArray(data?.archived) ? new Set(data.archived) : new Set();
    for (const [room, ts] of [...this.archived]) {
      // Unarchived while we were away: by an event we missed, or by a message newer than it.
      const newest = data?.messages?.[room]?.at?.(-1)?.[2];
      if (!archived.has(room) && (!this.archiveTs.has(room) || (Number.isFinite(newest) && newest > ts))) {
        this.archived.delete(room);
      }
    }
    for (const room of archived) {
      if (typeof room === 'string' && !this.archived.has(room) && !this.archiveTs.has(room)) this.archived.set(room, 0);
    }
  }

  /** A live `topic` event; true if the shown topic changed. The latest `ts` wins. */
  applyTopic(room, json) {
    const value = eventFields(json);
    if (!value || typeof value.text !== 'string' || byteLength(value.text) > TOPIC_MAX_BYTES) return false;
    if ((this.topics.get(room)?.ts ?? -Infinity) > value.ts) return false;
    this.topics.set(room, { text: value.text, author: value.author, ts: value.ts });
    return true;
  }

  /** A live `archive` event; true if the room's archived state may have changed. */
  applyArchive(room, json) {
    const value = eventFields(json);
    if (!value || typeof value.on !== 'boolean' || room === 'main') return false; // main always shows
    if ((this.archiveTs.get(room) ?? -Infinity) > value.ts) return false;
    this.archiveTs.set(room, value.ts);
    if (value.on) this.archived.set(room, value.ts);
    else this.archived.delete(room);
    return true;
  }

  /** A message was posted in `room`: it is shown again. True if it was archived. */
  messageIn(room) {
    return this.archived.delete(room);
  }

  topic(room) {
    const topic = this.topics.get(room);
    return topic && topic.text !== '' ? topic : null;
  }

  isArchived(room) {
    return this.archived.has(room);
  }

  /** The rooms of `order` not archived (the current one always: it is open). */
  visible(order, current) {
    return order.filter((room) => room === current || !this.archived.has(room));
  }

  /** The archived rooms of `order`, in its order. */
  archivedRooms(order) {
    return order.filter((room) => this.archived.has(room));
  }
}

/** The payload of `rooms/<room>/topic`. */
export function topicPayload(author, text, id, ts = Date.now()) {
  return JSON.stringify({ author, id, ts, text });
}

/** The payload of `rooms/<room>/archive`. */
export function archivePayload(author, on, id, ts = Date.now()) {
  return JSON.stringify({ author, id, ts, on });
}

/** Why `text` cannot be a topic, or null. */
export function topicProblem(text) {
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(text)) return t('topic.oneLine');
  const bytes = byteLength(text);
  if (bytes > TOPIC_MAX_BYTES) return t('topic.tooLong', { count: bytes, max: TOPIC_MAX_BYTES });
  return null;
}
