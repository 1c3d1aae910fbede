// The DOM of the chat: room list, user list, one message log per room. Every node is
// made with createElement/textContent; new messages are inserted one by one, the
// lists are never rebuilt. The view knows nothing of MQTT or HTTP.
import { renderText, mentions, nickHue } from './render.js';

const pad = (n) => String(n).padStart(2, '0');

function timeLabel(ts) {
  const date = new Date(ts);
  const now = new Date();
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return date.toDateString() === now.toDateString() ? hm : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${hm}`;
}

export class View {
  constructor(doc, me) {
    this.doc = doc;
    this.me = me;
    this.$ = (id) => doc.getElementById(id);
    this.roomsList = this.$('all_channels');
    this.nicksList = this.$('all_nicks');
    this.texts = this.$('all_texts');
    this.older = this.$('older');
    this.logs = new Map(); // room -> log element
    this.messageNodes = new Map(); // room -> [element…], in the order of the state's messages
    this.byId = new Map(); // message id -> element
    this.roomItems = new Map();
    this.nickItems = new Map();
  }

  el(tag, className, text) {
    const node = this.doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  nickButton(nick, className) {
    const button = this.el('button', className, nick);
    button.type = 'button';
    button.dataset.nick = nick;
    button.style.setProperty('--hue', String(nickHue(nick)));
    return button;
  }

  // Rooms

  addRoom(name, index) {
    const item = this.el('li');
    const button = this.el('button', 'room-link');
    button.type = 'button';
    button.dataset.room = name;
    button.append(this.el('span', 'room-name', name), this.el('span', 'unread'));
    item.append(button);
    this.roomsList.insertBefore(item, this.roomsList.children[index] ?? null);
    this.roomItems.set(name, button);
  }

  updateRoom(name, unread, current) {
    const button = this.roomItems.get(name);
    if (!button) return;
    button.querySelector('.unread').textContent = unread > 0 ? String(unread) : '';
    button.setAttribute('aria-label', unread > 0 ? `${name}, ${unread} unread` : name);
    if (current) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
  }

  // Users

  addUser(nick, index) {
    if (this.nickItems.has(nick)) return;
    const item = this.el('li');
    item.append(this.nickButton(nick, 'nick'));
    this.nicksList.insertBefore(item, this.nicksList.children[index] ?? null);
    this.nickItems.set(nick, item);
  }

  removeUser(nick) {
    this.nickItems.get(nick)?.remove();
    this.nickItems.delete(nick);
  }

  // Messages

  messageNode(message) {
    const node = this.el('div', 'msg');
    if (message.author === this.me) node.classList.add('mine');
    if (message.pending) node.classList.add('pending');
    if (message.author !== this.me && mentions(message.text, this.me)) node.classList.add('mention');
    if (message.id) {
      node.dataset.id = message.id;
      this.byId.set(message.id, node);
    }
    if (message.key !== null) node.dataset.key = String(message.key);
    const time = this.el('time', 'time', message.ts !== null ? timeLabel(message.ts) : '');
    if (message.ts !== null) {
      const iso = new Date(message.ts).toISOString();
      time.setAttribute('datetime', iso);
      time.title = new Date(message.ts).toLocaleString();
    }
    const text = this.el('span', 'text');
    text.append(...renderText(this.doc, message.text));
    node.append(time, this.nickButton(message.author, 'author'), text);
    return node;
  }

  /** Shows a room's log, making it from the state the first time. */
  showRoom(room) {
    this.$('room_title').textContent = room.name;
    let log = this.logs.get(room.name);
    if (!log) {
      log = this.el('div', 'log');
      log.setAttribute('role', 'log');
      log.dataset.room = room.name;
      const nodes = room.messages.map((m) => this.messageNode(m));
      log.append(...nodes);
      this.messageNodes.set(room.name, nodes);
      this.logs.set(room.name, log);
      this.texts.append(log);
    }
    for (const [name, other] of this.logs) other.hidden = name !== room.name;
    this.current = room.name;
    this.older.hidden = !room.hasMore;
    this.scrollToEnd();
  }

  nearEnd() {
    const t = this.texts;
    return t.scrollHeight - t.scrollTop - t.clientHeight < 80;
  }

  scrollToEnd() {
    this.texts.scrollTop = this.texts.scrollHeight;
  }

  /** Inserts a message at `index` of its room (if that room's log exists yet). */
  insertMessage(roomName, message, index) {
    const log = this.logs.get(roomName);
    if (!log) return;
    const nodes = this.messageNodes.get(roomName);
    const stick = roomName === this.current && this.nearEnd();
    const node = this.messageNode(message);
    log.insertBefore(node, nodes[index] ?? null);
    nodes.splice(index, 0, node);
    if (stick || message.author === this.me) this.scrollToEnd();
  }

  /** Older messages go on top, keeping what the reader looks at in place. */
  prependMessages(room, messages) {
    const log = this.logs.get(room.name);
    if (log && messages.length > 0) {
      const before = this.texts.scrollHeight;
      const nodes = messages.map((m) => this.messageNode(m));
      log.prepend(...nodes);
      this.messageNodes.get(room.name).unshift(...nodes);
      if (room.name === this.current) this.texts.scrollTop += this.texts.scrollHeight - before;
    }
    if (room.name === this.current) this.older.hidden = !room.hasMore;
  }

  confirm(id) {
    this.byId.get(id)?.classList.remove('pending');
  }

  failed(id) {
    this.byId.get(id)?.classList.add('failed');
  }

  /** Scrolls to a message by its server key and flashes it; false if it is not loaded. */
  reveal(key) {
    const log = this.logs.get(this.current);
    const node = log?.querySelector(`[data-key="${Number(key)}"]`);
    if (!node) return false;
    node.scrollIntoView({ block: 'center' });
    node.classList.remove('flash');
    void node.offsetWidth; // restart the animation
    node.classList.add('flash');
    node.tabIndex = -1;
    node.focus({ preventScroll: true });
    return true;
  }

  showSearchResults(query, results) {
    const box = this.$('search_results');
    const list = this.el('ol');
    for (const m of results) {
      const item = this.el('li');
      const button = this.el('button', 'result');
      button.type = 'button';
      if (m.key !== null) button.dataset.key = String(m.key);
      button.append(this.el('span', 'time', m.ts !== null ? timeLabel(m.ts) : ''), this.el('b', null, ` ${m.author}: `), this.el('span', null, m.text));
      item.append(button);
      list.append(item);
    }
    const head = this.el('p', 'results-head', results.length > 0
      ? `${results.length} result${results.length === 1 ? '' : 's'} for “${query}” (Escape closes)`
      : `Nothing found for “${query}”.`);
    box.replaceChildren(head, list);
    box.hidden = false;
  }

  hideSearch() {
    this.$('search_results').hidden = true;
  }
}
