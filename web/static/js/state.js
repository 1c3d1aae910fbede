// The chat as the page knows it: rooms with their messages, users online, the current
// room, unread counts. No DOM here; the methods say what changed so the view can
// append or insert exactly that.
import { nickProblem, roomProblem } from './names.js';
import { entryToMessage } from './wire.js';

const DEDUPE_WINDOW = 200; // messages without an id are compared with this many recent ones

function compareRooms(a, b) {
  if (a === b) return 0;
  if (a === 'main') return -1;
  if (b === 'main') return 1;
  return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : a < b ? -1 : 1;
}

const byName = (list) => list.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : a < b ? -1 : a > b ? 1 : 0));

/**
 * What the history says of a message the page already has (protocol v2: edited, deleted,
 * reactions, replyTo) taken into it; true if it changed. Reactions are added, never
 * removed here: a live removal may be newer than the history.
 */
export function mergeConversation(known, from) {
  if (!known) return false;
  let changed = false;
  if (from.replyTo && !known.replyTo) {
    known.replyTo = from.replyTo;
    changed = true;
  }
  if (known.deleted) return changed;
  if (from.deleted) {
    Object.assign(known, { deleted: true, text: '', reactions: null });
    return true;
  }
  if (from.edited != null && (known.edited ?? -Infinity) < from.edited) {
    Object.assign(known, { text: from.text, edited: from.edited });
    changed = true;
  }
  for (const [emoji, who] of from.reactions ?? []) {
    if (!known.reactions) known.reactions = new Map();
    const mine = known.reactions.get(emoji) ?? new Set();
    for (const nick of who) {
      if (!mine.has(nick)) {
        mine.add(nick);
        changed = true;
      }
    }
    known.reactions.set(emoji, mine);
  }
  return changed;
}

export class ChatState {
  /**
   * @param {string} me the nickname of this page
   * @param {object} [options]
   * @param {{get(room: string): number|null}|null} [options.read] the reader's marks: on
   *   the first load, messages of others newer than a room's mark count as unread
   * @param {number|null} [options.pageSize] messages per room in /data/lastinfo (the
   *   server's `--history-page-size`); null when unknown: then a room whose first message
   *   has a key may have more, and the first older page tells.
   */
  constructor(me, { pageSize = null, read = null } = {}) {
    this.me = me;
    this.pageSize = pageSize;
    this.read = read; // ReadMarks (read.js): history newer than a room's mark is unread
    this.rooms = new Map();
    this.roomOrder = [];
    this.users = new Set(['bot']);
    this.offline = new Set();
    this.current = 'main';
    this.addRoom('main');
  }

  room(name) {
    return this.rooms.get(name);
  }

  /** The message with `id` in `roomName`, or undefined. */
  find(roomName, id) {
    return this.rooms.get(roomName)?.byId.get(id);
  }

  /** Adds a room if new; returns its index in the sorted list, or -1 if it was known. */
  addRoom(name) {
    if (this.rooms.has(name) || roomProblem(name) !== null) return -1;
    this.rooms.set(name, { name, messages: [], ids: new Set(), byId: new Map(), unread: 0, hasMore: false, oldestKey: null, historyLoaded: false });
    let index = this.roomOrder.findIndex((other) => compareRooms(name, other) < 0);
    if (index < 0) index = this.roomOrder.length;
    this.roomOrder.splice(index, 0, name);
    return index;
  }

  /** Adds a user (or brings one back online); returns its index in the sorted list, or -1 if it was online. */
  addUser(nick) {
    if (this.users.has(nick) || nickProblem(nick) !== null) return -1;
    this.users.add(nick);
    this.offline.delete(nick);
    return this.userList().indexOf(nick);
  }

  /** A user went offline: listed after the online ones from now on. False if it was not online. */
  removeUser(nick) {
    if (nick === 'bot' || !this.users.delete(nick)) return false;
    this.offline.add(nick);
    return true;
  }

  /** Users online, by name. */
  userList() {
    return byName([...this.users]);
  }

  /** Users seen online during this session who are gone now, by name. */
  offlineList() {
    return byName([...this.offline]);
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
    if (message.id !== null) {
      room.ids.add(message.id);
      room.byId.set(message.id, message);
    }
    if (room.oldestKey === null && message.key !== null) room.oldestKey = message.key;
    if (countUnread && roomName !== this.current && message.author !== this.me) room.unread += 1;
    return index;
  }

  /** Older messages (oldest first) go before the loaded ones; returns those actually added. */
  prependOlder(roomName, messages, hasMore) {
    const room = this.rooms.get(roomName);
    const fresh = messages.filter((m) => !this.isDuplicate(room, m));
    room.messages.unshift(...fresh);
    for (const m of fresh) {
      if (m.id === null) continue;
      room.ids.add(m.id);
      room.byId.set(m.id, m);
    }
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
    const changes = { rooms: [], messages: [], users: [], updated: [] };
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
      const mark = initial ? this.read?.get(name) ?? null : null;
      for (const message of messages) {
        const missed = !initial || (mark !== null && message.ts !== null && message.ts > mark);
        const index = this.addMessage(name, message, { ordered: true, countUnread: missed });
        if (index >= 0) changes.messages.push({ room: name, message, index });
        else if (message.id !== null && mergeConversation(room.byId.get(message.id), message)) {
          changes.updated.push({ room: name, message: room.byId.get(message.id) });
        }
      }
      if (initial || !room.historyLoaded) {
        room.historyLoaded = true;
        // A full page means there may be more.
        room.hasMore = messages.length > 0 && messages.length >= (this.pageSize ?? 1) && messages[0].key !== null;
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

  /** The first message of others in `room` newer than `ts` (a read mark), or null. */
  firstAfter(roomName, ts) {
    if (ts === null) return null;
    return this.rooms.get(roomName)?.messages.find((m) => m.ts !== null && m.ts > ts && m.author !== this.me) ?? null;
  }

  /** The time of the room's last message, or null. */
  lastTime(roomName) {
    const messages = this.rooms.get(roomName)?.messages ?? [];
    for (let i = messages.length - 1; i >= 0; i -= 1) if (messages[i].ts !== null) return messages[i].ts;
    return null;
  }

  /** Unread messages in all rooms. */
  totalUnread() {
    let total = 0;
    for (const room of this.rooms.values()) total += room.unread;
    return total;
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
