// The chat as the page knows it: rooms with their messages, users online, the current
// room, unread counts. No DOM here; the methods say what changed so the view can
// append or insert exactly that.
import { nickProblem, roomProblem } from './names.js';

/** An entry of /data/* ([author, text, ts?, id?, key?]) as a message, or null if unusable. */
export function entryToMessage(entry) {
  if (!Array.isArray(entry) || entry.length < 2) return null;
  const [author, text, ts, id, key] = entry;
  if (typeof author !== 'string' || typeof text !== 'string') return null;
  return {
    author,
    text,
    ts: Number.isFinite(ts) ? ts : null,
    id: typeof id === 'string' && id !== '' ? id : null,
    key: Number.isInteger(key) ? key : null,
  };
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

const DEDUPE_WINDOW = 200; // messages without an id are compared with this many recent ones

function compareRooms(a, b) {
  if (a === b) return 0;
  if (a === 'main') return -1;
  if (b === 'main') return 1;
  return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : a < b ? -1 : 1;
}

export class ChatState {
  constructor(me) {
    this.me = me;
    this.rooms = new Map();
    this.roomOrder = [];
    this.users = new Set(['bot']);
    this.current = 'main';
    this.addRoom('main');
  }

  room(name) {
    return this.rooms.get(name);
  }

  /** Adds a room if new; returns its index in the sorted list, or -1 if it was known. */
  addRoom(name) {
    if (this.rooms.has(name) || roomProblem(name) !== null) return -1;
    this.rooms.set(name, { name, messages: [], ids: new Set(), unread: 0, hasMore: false, oldestKey: null, historyLoaded: false });
    let index = this.roomOrder.findIndex((other) => compareRooms(name, other) < 0);
    if (index < 0) index = this.roomOrder.length;
    this.roomOrder.splice(index, 0, name);
    return index;
  }

  /** Adds a user if new; returns its index in the sorted list, or -1. */
  addUser(nick) {
    if (this.users.has(nick) || nickProblem(nick) !== null) return -1;
    this.users.add(nick);
    return this.userList().indexOf(nick);
  }

  removeUser(nick) {
    if (nick === 'bot') return false;
    return this.users.delete(nick);
  }

  userList() {
    return [...this.users].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  }

  isDuplicate(room, message) {
    if (message.id !== null) return room.ids.has(message.id);
    const recent = room.messages.slice(-DEDUPE_WINDOW);
    return recent.some((m) => m.id === null && m.author === message.author && m.text === message.text &&
      (m.ts === null || message.ts === null || m.localTime || message.localTime || m.ts === message.ts));
  }

  /**
   * Adds a message unless it is already there. Live messages are appended (broker
   * order); with `ordered`, a message is placed by its timestamp (missed messages
   * fetched after a reconnect). Returns the index it got, or -1 for a duplicate.
   */
  addMessage(roomName, message, { ordered = false, countUnread = true } = {}) {
    this.addRoom(roomName);
    const room = this.rooms.get(roomName);
    if (this.isDuplicate(room, message)) return -1;
    let index = room.messages.length;
    if (ordered && message.ts !== null) {
      while (index > 0 && room.messages[index - 1].ts !== null && room.messages[index - 1].ts > message.ts) index -= 1;
    }
    room.messages.splice(index, 0, message);
    if (message.id !== null) room.ids.add(message.id);
    if (room.oldestKey === null && message.key !== null) room.oldestKey = message.key;
    if (countUnread && roomName !== this.current && message.author !== this.me) room.unread += 1;
    return index;
  }

  /** Older messages (oldest first) go before the loaded ones; returns those actually added. */
  prependOlder(roomName, messages, hasMore) {
    const room = this.rooms.get(roomName);
    const fresh = messages.filter((m) => !this.isDuplicate(room, m));
    room.messages.unshift(...fresh);
    for (const m of fresh) if (m.id !== null) room.ids.add(m.id);
    const firstKey = messages.find((m) => m.key !== null)?.key;
    if (firstKey !== undefined) room.oldestKey = firstKey;
    room.hasMore = Boolean(hasMore) && firstKey !== undefined;
    return fresh;
  }

  /**
   * Merges a /data/lastinfo answer. The first time it fills the rooms; after a
   * reconnect it adds only what was missed. Returns what changed.
   */
  mergeLastinfo(data, { initial = false } = {}) {
    const changes = { rooms: [], messages: [], users: [] };
    const rooms = Array.isArray(data?.rooms) ? data.rooms : [];
    const history = data && typeof data.messages === 'object' && data.messages !== null ? data.messages : {};
    for (const name of [...rooms, ...Object.keys(history)]) {
      if (typeof name === 'string' && this.addRoom(name) >= 0) changes.rooms.push(name);
    }
    // Lists the server cut short to keep the answer small (even to nothing): the older
    // messages come on demand, from the key it names.
    const cuts = data && typeof data.olderBefore === 'object' && data.olderBefore !== null ? data.olderBefore : {};
    const cutRooms = Object.keys(cuts).filter((name) => {
      const room = this.rooms.get(name);
      return room && (initial || !room.historyLoaded) && Number.isSafeInteger(cuts[name]) && cuts[name] > 0;
    });
    for (const [name, entries] of Object.entries(history)) {
      const room = this.rooms.get(name);
      if (!room || !Array.isArray(entries)) continue;
      const messages = entries.map(entryToMessage).filter(Boolean);
      for (const message of messages) {
        const index = this.addMessage(name, message, { ordered: true, countUnread: !initial });
        if (index >= 0) changes.messages.push({ room: name, message, index });
      }
      if (initial || !room.historyLoaded) {
        room.historyLoaded = true;
        // A full page means there may be more; the server sends the last 50.
        room.hasMore = messages.length >= 50 && messages[0].key !== null;
        if (messages[0]?.key != null) room.oldestKey = messages[0].key;
      }
    }
    for (const name of cutRooms) {
      const room = this.rooms.get(name);
      room.historyLoaded = true;
      room.hasMore = true;
      room.oldestKey = room.oldestKey === null ? cuts[name] : Math.min(room.oldestKey, cuts[name]);
    }
    if (Array.isArray(data?.users)) {
      for (const nick of data.users) {
        if (typeof nick === 'string' && this.addUser(nick) >= 0) changes.users.push(nick);
      }
    }
    return changes;
  }

  /** Switches rooms; returns false for an unknown room. */
  select(name) {
    const room = this.rooms.get(name);
    if (!room) return false;
    this.current = name;
    room.unread = 0;
    return true;
  }
}
