// The DOM of the page, and the only module that knows its element ids: the join form or
// the chat, the status line, focus, the room list, user list, one message log per room.
// Every node is made with createElement/textContent; new messages are inserted in batches
// per animation frame (log.js), list items are moved into place, never rebuilt. The view
// knows nothing of MQTT or HTTP: it reports what the reader does through the handlers
// given to `bind()`.
import { nickHue } from './render.js';
import { MessageNodes, timeLabel, dayKey, isLong, timeTitle } from './message-node.js';
import { MessageActions } from './actions.js';
import { RoomLog, TAIL } from './log.js';
import { RoomBar } from './room-bar.js';
import { parseQuery, countLabel, highlighted } from './search.js';
import { t, plural, language, formatDate, formatNumber } from './i18n.js';
import { UploadControls } from './upload-view.js';
import { FileImages } from './files.js';

// Per animation frame: ms of message insertion, and messages made (their layout follows
// in the same frame); what is left waits for the next frame, so input is never held up.
const FRAME_BUDGET = 6;
const FRAME_NODES = 60;

/** A full date with the time, for search results (no day separator there), in the page's language. */
function dateTimeLabel(ts) {
  const date = new Date(ts);
  return `${formatDate(date, { year: 'numeric', month: 'short', day: 'numeric' })} ${timeLabel(date)}`;
}

const relativeDays = new Map(); // language -> Intl.RelativeTimeFormat (a log labels its days at every frame)

/** "Today", "Yesterday" (Intl.RelativeTimeFormat's words) or the date, for the separator above a day's first message. */
export function dayLabel(ts, now = new Date()) {
  const date = new Date(ts);
  const relative = (days) => {
    const tag = language();
    if (!relativeDays.has(tag)) relativeDays.set(tag, new Intl.RelativeTimeFormat(tag, { numeric: 'auto' }));
    const words = relativeDays.get(tag).format(days, 'day');
    return `${words[0].toLocaleUpperCase(tag)}${words.slice(1)}`;
  };
  if (dayKey(date) === dayKey(now)) return relative(0);
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return relative(-1);
  return formatDate(date, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

const ICON_SIZE_SMALL = 13;
const ICON_SIZE = 19;

/** The tab's icon with an unread count: a red disc with the number (digits only). */
function unreadIcon(count) {
  const label = count > 99 ? '99+' : String(count);
  const svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><circle cx='16' cy='16' r='16' fill='#c5221f'/>" +
    `<text x='16' y='22.5' font-size='${label.length > 2 ? ICON_SIZE_SMALL : ICON_SIZE}' font-weight='700' text-anchor='middle' ` +
    `fill='#fff' font-family='sans-serif'>${label}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

export class View {
  constructor(doc) {
    this.doc = doc;
    this.$ = (id) => doc.getElementById(id);
    this.roomsList = this.$('all_channels');
    this.nicksList = this.$('all_nicks');
    this.texts = this.$('all_texts');
    this.older = this.$('older');
    this.input = this.$('input_text');
    this.nodes = new MessageNodes(doc);
    // Messages made many at once get their Markdown as they near the view, when the browser
    // says their content is no longer skipped (content-visibility: auto, chatt.css); a
    // browser that does not say it gets every message whole at once.
    this.finishLater = typeof doc.defaultView?.ContentVisibilityAutoStateChangeEvent === 'function';
    if (this.finishLater) {
      this.texts.addEventListener('contentvisibilityautostatechange', (event) => {
        if (!event.skipped) this.nodes.finish(event.target);
      }, { capture: true, passive: true });
    }
    this.actions = new MessageActions(this);
    this.actions.attach(this.$('compose'), this.$('compose_text'), this.$('compose_cancel'), this.$('typing'));
    this.presence = new Map(); // nick -> 'online' | 'away' | 'offline', as they said it
    // A room that was at its end stays there when its content grows by itself (an image
    // loads, a long line wraps): `atEnd` follows the reader's scrolling, and a change of
    // the log's size scrolls it back to the end while it holds.
    this.atEnd = true;
    this.onEnd = () => {}; // the reader reached the end of the room (bind() sets it)
    this.areaHeight = 0;
    this.lastTop = 0;
    this.texts.addEventListener('scroll', () => {
      const was = this.atEnd;
      // A scroll that comes with a new height of the area (a soft keyboard, the search
      // results) is the layout's, not the reader's: the end stays in view if it was.
      const height = this.texts.clientHeight;
      if (height !== this.areaHeight) {
        this.areaHeight = height;
        if (was) {
          this.scrollToEnd();
          return;
        }
      }
      // Only moving up leaves the end: content that grew below (a frame of a burst laid
      // out before its scroll) keeps a room that followed its end following it.
      const top = this.texts.scrollTop;
      this.atEnd = this.nearEnd() || (was && top >= this.lastTop);
      this.lastTop = top;
      if (this.atEnd && !was) this.onEnd();
      this.updateJumps();
    });
    // A message's time shows its full date on hover (made then: message-node.js).
    this.texts.addEventListener('pointerover', (event) => {
      if (event.target.localName === 'time') timeTitle(event.target);
    });
    this.jumpUnread = this.$('jump_unread');
    this.jumpLatest = this.$('jump_latest');
    this.jumpUnread.addEventListener('click', () => {
      const line = this.logs.get(this.current)?.line;
      if (!line) return;
      this.finishAround(line.nextElementSibling);
      line.scrollIntoView({ block: 'start' });
      this.jumped();
    });
    this.jumpLatest.addEventListener('click', () => this.scrollToEnd());
    // Search results close by their button, and when the field is cleared.
    this.$('search_results').addEventListener('click', (event) => {
      if (!event.target.closest('.close-results')) return;
      this.hideSearch();
      this.$('search').value = '';
      this.input.focus();
    });
    this.$('search').addEventListener('input', (event) => {
      if (event.target.value === '') this.hideSearch();
    });
    this.roomBar = new RoomBar(doc, this.$);
    this.uploads = new UploadControls(doc, this.$);
    this.files = null; // the FileImages of the session, while one shows uploaded files
    this.icon = doc.querySelector('link[rel="icon"]');
    this.plainIcon = this.icon?.getAttribute('href') ?? null;
    this.newBelow = 0;
    // The logs growing by themselves, or the message area shrinking (a phone's soft
    // keyboard opens), keep the end in view while the reader was there.
    const Observer = doc.defaultView?.ResizeObserver;
    this.resizes = Observer ? new Observer(() => {
      if (this.atEnd) this.scrollToEnd();
    }) : null;
    this.reset(null);
  }

  /** Empties the chat for a new session of `me`: lists, logs, search. */
  reset(me) {
    if (this.frame) this.doc.defaultView.cancelAnimationFrame(this.frame);
    this.me = me;
    this.current = null;
    this.logs = new Map(); // room -> RoomLog
    this.byId = new Map(); // message id -> element
    this.settled = new Map(); // message id -> 'confirmed' | 'failed', for nodes not made yet
    this.followOwn = false; // a message of mine was added: show the end at the next flush
    this.frame = null;
    this.roomItems = new Map();
    this.nickItems = new Map();
    this.presence = new Map();
    this.actions.reset();
    this.roomsList.replaceChildren();
    this.nicksList.replaceChildren();
    for (const log of this.texts.querySelectorAll('.log')) log.remove();
    this.resizes?.disconnect();
    this.resizes?.observe(this.texts);
    this.atEnd = true;
    this.newBelow = 0;
    this.showRetry(false);
    this.hideSearch();
    this.$('search').value = '';
  }

  // The page: form or chat, status, focus, what the reader does

  /**
   * Calls `handlers` for what the reader does: join({passphrase, nick, remember}),
   * send(text) → bool, createRoom(name) → bool, search(query), toggleBell(), older(),
   * selectRoom(name), stepRoom(±1), jumpTo(key), online(), leave(), reachedEnd() (the
   * reader is at the end of the room, or the tab shows again). Each returns
   * nothing unless said; the view clears the fields that were used.
   */
  bind(handlers) {
    const submit = (id, fn) => this.$(id).addEventListener('submit', (event) => {
      event.preventDefault();
      fn();
    });
    submit('join_form', () => handlers.join({
      passphrase: this.$('passphrase').value, nick: this.$('nick').value.trim(), remember: this.$('remember').checked,
      secret: this.$('secret')?.value ?? '',
    }));
    submit('input_form', () => {
      if (this.actions.submit(this.input.value)) this.input.value = '';
    });
    this.actions.bind(handlers);
    submit('new_room_form', () => {
      const field = this.$('new_room_name');
      if (field.value.trim() === '') {
        field.focus();
        this.status(t('rooms.typeName'));
      } else if (handlers.createRoom(field.value.trim())) {
        field.value = '';
      }
    });
    submit('search_form', () => handlers.search(this.$('search').value, this.$('search_scope').value));
    this.$('search_scope').addEventListener('change', () => {
      if (this.$('search').value.trim() !== '') handlers.search(this.$('search').value, this.$('search_scope').value);
    });
    this.roomBar.bind({ setTopic: handlers.setTopic, archive: handlers.archive, done: () => this.input.focus() });
    this.uploads.bind((files) => handlers.upload(files));
    this.$('bell').addEventListener('click', () => handlers.toggleBell());
    this.$('push_toggle')?.addEventListener('click', () => handlers.togglePush());
    this.$('room_notify')?.addEventListener('change', (event) => handlers.setRoomNotify(event.target.value));
    this.older.addEventListener('click', () => handlers.older());
    this.texts.addEventListener('scroll', () => {
      if (this.texts.scrollTop < 40) handlers.older();
    });
    // One listener per area: clicks on rooms, nicknames, images and search results.
    this.doc.addEventListener('click', (event) => {
      if (this.me === null) return;
      const target = event.target.closest('button.result, button.more-results, button[data-room], button[data-nick], img.inline-image, button.show-more');
      if (!target) return;
      if (target.matches('button.result')) handlers.jumpTo(Number(target.dataset.key), target.dataset.resultRoom);
      else if (target.matches('button.more-results')) handlers.moreResults();
      else if (target.dataset.room) handlers.selectRoom(target.dataset.room);
      else if (target.dataset.nick) this.insertMention(target.dataset.nick);
      else if (target.matches('img.inline-image')) target.classList.toggle('enlarged');
      else if (target.matches('button.show-more')) this.toggleMore(target);
    });
    this.doc.addEventListener('keydown', (event) => {
      if (this.me === null) return;
      if (event.key === 'Escape') {
        this.hideSearch();
        if (this.doc.activeElement === this.$('search')) this.input.focus();
      } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && this.stepResult(event.target, event.key === 'ArrowDown' ? 1 : -1)) {
        event.preventDefault(); // ↓ from the search box into the results, ↑/↓ between them (Enter opens one)
      } else if (event.key === 'Enter' && event.target.matches('img.inline-image')) {
        event.target.classList.toggle('enlarged');
      } else if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        // Alt+↑/↓: previous/next room.
        event.preventDefault();
        handlers.stepRoom(event.key === 'ArrowUp' ? -1 : 1);
      }
    });
    this.onEnd = () => handlers.reachedEnd();
    const win = this.doc.defaultView;
    win.addEventListener('online', () => handlers.online());
    this.$('retry').addEventListener('click', () => handlers.online());
    this.doc.addEventListener('visibilitychange', () => {
      if (this.doc.hidden) return;
      handlers.online(); // back to the tab: reconnect now if we were cut off
      handlers.reachedEnd();
    });
    win.addEventListener('pageshow', (event) => {
      if (event.persisted) win.location.reload(); // back from the bfcache: the connection is gone
    });
    win.addEventListener('pagehide', () => handlers.leave());
  }

  /**
   * Shows the uploaded files of the log with `loadBlob(path)` (the session's, with the
   * credentials); `downloads`: file links need it too (a protected chat). null stops.
   */
  showFiles(loadBlob, downloads = false) {
    this.files?.dispose();
    this.files = loadBlob ? new FileImages(this.doc, this.texts, loadBlob, downloads) : null;
  }

  /** Whether photos are sent as they are, EXIF and location included (the member's choice). */
  keepOriginalPhotos() {
    return this.uploads.keepOriginal();
  }

  /** The upload progress bar at `fraction` (0–1) of `name`; null hides it. */
  uploadProgress(fraction, name = '') {
    this.uploads.show(fraction, name);
  }

  /** An error in the status line goes once a later action succeeded. */
  clearError() {
    if (this.$('status').dataset.kind === 'error') this.status('');
  }

  /** The "Retry now" button, while the broker cannot be reached. */
  showRetry(on) {
    this.$('retry').hidden = !on;
  }

  /** The status line; `kind` "error" shows it as one. */
  status(text, kind = 'info') {
    const line = this.$('status');
    line.textContent = text;
    line.dataset.kind = kind;
  }

  /** The join form (with `nick` filled in, if given), focused where typing starts. */
  showForm({ nick = null, remember = false, protectedChat = false, focus = 'nick' } = {}) {
    if (nick !== null) this.$('nick').value = nick;
    if (remember) this.$('remember').checked = true;
    if (protectedChat) this.$('passphrase_hint').textContent = t('join.protectedHint');
    this.$('chat').hidden = true;
    this.$('join_form').hidden = false;
    this.placeLanguage(false);
    this.focusField(focus);
  }

  /** The language switch (`#language`) goes with what is shown: the join form's end, or the foot of the online list. */
  placeLanguage(inChat) {
    const box = this.$('language_box');
    const home = inChat ? this.doc.querySelector('#chat .nicks') : this.$('join_form');
    if (box && home && box.parentElement !== home) home.append(box);
  }

  /** Focuses `passphrase` or `nick` of the join form. */
  focusField(id) {
    this.$(id === 'passphrase' || id === 'secret' ? id : 'nick').focus();
  }

  /** While the passphrase is derived the Join button waits. */
  setJoining(busy) {
    this.$('join').disabled = busy;
  }

  /** The chat instead of the form, the input focused. */
  showChat() {
    this.$('join_form').hidden = true;
    this.$('chat').hidden = false;
    this.placeLanguage(true);
    this.input.focus();
  }

  setBell(on) {
    const bell = this.$('bell');
    bell.setAttribute('aria-pressed', String(on));
    bell.title = t(on ? 'bell.on' : 'bell.off');
  }

  /** The Notifications (Web Push) button: `on`, `off`, `busy` or `unsupported`. */
  setPush(state) {
    const button = this.$('push_toggle');
    if (!button) return;
    button.textContent = t('push.button');
    button.setAttribute('aria-pressed', String(state === 'on'));
    button.disabled = state === 'busy';
    button.dataset.state = state;
    button.title = t(`push.title.${state}`);
  }

  /** The current room's notification choice in its select (`all`, `mentions`, `none`). */
  setRoomNotify(mode) {
    const select = this.$('room_notify');
    if (!select) return;
    if (select.options.length === 0) {
      for (const value of ['all', 'mentions', 'none']) {
        const option = this.doc.createElement('option');
        option.value = value;
        option.textContent = t(`notify.${value}`);
        select.append(option);
      }
      select.setAttribute('aria-label', t('notify.label'));
      select.title = t('notify.label');
    }
    select.value = mode;
  }

  /** "Show more" / "Show less" of a long message. */
  toggleMore(button) {
    const text = button.parentElement.querySelector('.text');
    const open = text.classList.toggle('collapsed') === false;
    button.textContent = t(open ? 'messages.showLess' : 'messages.showMore');
    button.setAttribute('aria-expanded', String(open));
  }

  insertMention(nick) {
    const input = this.input;
    const mention = `@${nick}: `;
    input.value = input.value.trim() === '' ? mention : `${input.value.replace(/\s*$/, ' ')}${mention}`;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
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

  /** Shows the rooms in `order` (the state's): new ones are made, known ones moved into place. */
  syncRooms(order) {
    const wanted = new Set(order);
    for (const [name, button] of this.roomItems) {
      if (!wanted.has(name)) button.parentElement.remove(); // archived: kept, to come back
    }
    order.forEach((name, index) => {
      let button = this.roomItems.get(name);
      if (!button) {
        button = this.el('button', 'room-link');
        button.type = 'button';
        button.dataset.room = name;
        button.append(this.el('span', 'room-name', name), this.el('span', 'unread'));
        const item = this.el('li');
        item.append(button);
        this.roomItems.set(name, button);
      }
      const item = button.parentElement;
      if (this.roomsList.children[index] !== item) this.roomsList.insertBefore(item, this.roomsList.children[index] ?? null);
    });
  }

  /** Marks `name` as the current room (and `previous` no longer) with their unread counts. */
  updateRoom(name, unread, current) {
    const button = this.roomItems.get(name);
    if (!button) return;
    button.querySelector('.unread').textContent = unread > 0 ? formatNumber(unread) : '';
    button.setAttribute('aria-label', unread > 0 ? plural('rooms.unread', unread, { room: name }) : name);
    if (current) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
  }

  // Users

  /** Shows the users: `online` first, then `offline` (greyed), each in the order given. */
  syncUsers(online, offline) {
    const wanted = new Set([...online, ...offline]);
    for (const [nick, item] of this.nickItems) {
      if (!wanted.has(nick)) {
        item.remove();
        this.nickItems.delete(nick);
      }
    }
    let index = 0;
    for (const [list, away] of [[online, false], [offline, true]]) {
      for (const nick of list) {
        let item = this.nickItems.get(nick);
        if (!item) {
          item = this.el('li');
          item.append(this.nickButton(nick, 'nick'));
          this.nickItems.set(nick, item);
        }
        item.classList.toggle('offline', away);
        this.nickExtra?.(nick, item); // the ✉ of direct messages (direct-view.js)
        const presence = away ? 'offline' : this.presence.get(nick) === 'away' ? 'away' : 'online';
        item.dataset.presence = presence;
        item.firstChild.title = presence === 'online' ? nick : t(`users.${presence}`, { nick });
        if (this.nicksList.children[index] !== item) this.nicksList.insertBefore(item, this.nicksList.children[index] ?? null);
        index += 1;
      }
    }
  }

  /** A user said online, away or offline (users/<nick>/presence): the dot by their name. */
  setPresence(nick, state) {
    this.presence.set(nick, state);
    const item = this.nickItems.get(nick);
    if (item && !item.classList.contains('offline')) {
      item.dataset.presence = state === 'away' ? 'away' : 'online';
      item.firstChild.title = state === 'away' ? t('users.away', { nick }) : nick;
    }
  }

  /** "alice is typing…" under the input (the current room's typers). */
  setTyping(names) {
    this.actions.setTyping(names);
  }

  // Messages

  /** A message came into the state: quotes of replies that waited for it show it. */
  messageArrived(message) {
    this.actions.arrived(message);
  }

  /** A message changed (edited, deleted, a reaction): its node is made again, in place. */
  updateMessage(roomName, message) {
    if (!message.id) return;
    this.actions.refreshQuotes(message);
    const old = this.byId.get(message.id);
    const log = this.logs.get(roomName);
    if (!old || !log) return;
    const hadFocus = old.contains(this.doc.activeElement);
    const keepToolbar = this.actions.target === old;
    const node = this.messageNode(message, log.room);
    if (old.dataset.dayLabel !== undefined) node.dataset.dayLabel = old.dataset.dayLabel;
    log.replace(old, node);
    if (keepToolbar) this.actions.showToolbar(node);
    if (hadFocus) {
      node.tabIndex = -1;
      node.focus({ preventScroll: true });
    }
  }

  /** `later`: its Markdown made when it nears the view (a message made in bulk: log.js). */
  messageNode(message, room = null, { later = false } = {}) {
    const { node, text } = this.nodes.make(message, this.me, { later: later && this.finishLater });
    const settled = message.id ? this.settled.get(message.id) : undefined;
    if (message.pending && settled !== 'confirmed') node.classList.add('pending');
    if (settled === 'failed') node.classList.add('failed');
    if (settled === 'queued') node.classList.add('queued');
    if (message.id) this.byId.set(message.id, node);
    this.actions.decorate(node, message, text, room);
    if (isLong(message.text)) {
      text.classList.add('collapsed');
      const more = this.el('button', 'show-more', t('messages.showMore'));
      more.type = 'button';
      more.setAttribute('aria-expanded', 'false');
      node.append(more);
    }
    return node;
  }

  /** Shows a room's log, making it from the state the first time; closes the search. */
  showRoom(room, { firstUnread = null } = {}) {
    this.hideSearch();
    this.$('search').value = '';
    if (this.current !== room.name) this.actions.leaveRoom();
    this.$('room_title').textContent = room.name;
    let log = this.logs.get(room.name);
    if (!log) {
      log = new RoomLog(this.doc, room, (m, options) => this.messageNode(m, room, options), (node) => this.forget(node));
      this.logs.set(room.name, log);
      this.texts.append(log.element);
      this.resizes?.observe(log.element);
    }
    log.flush(Infinity, true); // it opens at its end
    log.markDays(dayLabel);
    log.setLine(firstUnread, this.el('div', 'new-line', t('messages.newLine')));
    for (const [name, other] of this.logs) other.element.hidden = name !== room.name;
    this.current = room.name;
    this.older.hidden = !room.hasMore && !log.hasEarlier;
    this.scrollToEnd();
    this.updateJumps();
  }

  /** The jump buttons: to the "new messages" line when it is above the view, to the end when away from it. */
  updateJumps() {
    const line = this.logs.get(this.current)?.line;
    this.jumpUnread.hidden = !line || !line.isConnected || line.offsetTop >= this.texts.scrollTop;
    this.jumpLatest.hidden = this.atEnd;
    this.jumpLatest.textContent = this.newBelow > 0 ? plural('messages.latestNew', this.newBelow) : t('messages.latest');
  }

  /** Messages of others that came into the current room while the reader was away from its end (or the tab hidden). */
  setNewBelow(count) {
    this.newBelow = count;
    this.updateJumps();
  }

  /** The chat's name (`chatt-name`): the title and the heading. */
  setName(name) {
    this.name = name;
    const heading = this.doc.querySelector('h1');
    if (heading) heading.textContent = name;
    this.setUnread(this.unread ?? 0);
  }

  /** The tab's title and icon show the unread count: "(3) ChaTT". */
  setUnread(count) {
    this.unread = count;
    const name = this.name ?? 'ChaTT';
    this.doc.title = count > 0 ? `(${count}) ${name}` : name;
    if (this.icon && this.plainIcon !== null) this.icon.setAttribute('href', count > 0 ? unreadIcon(count) : this.plainIcon);
  }

  forget(node) {
    const id = node.dataset.id;
    if (id && this.byId.get(id) === node) {
      this.byId.delete(id);
      this.settled.delete(id);
    }
  }

  /** Is the reader at the top of the log (where older messages are asked for)? */
  atTop() {
    return this.texts.scrollTop < 40;
  }

  nearEnd() {
    const t = this.texts;
    return t.scrollHeight - t.scrollTop - t.clientHeight < 80;
  }

  scrollToEnd() {
    const was = this.atEnd;
    this.atEnd = true;
    this.texts.scrollTop = this.texts.scrollHeight;
    this.lastTop = this.texts.scrollTop;
    if (!was) this.onEnd();
  }

  /** A message the state put at `index` of its room; shown at the next animation frame. */
  insertMessage(roomName, message, index) {
    const log = this.logs.get(roomName);
    if (!log) return;
    log.add(message, index);
    if (message.author === this.me && roomName === this.current) this.followOwn = true;
    if (this.frame === null) this.frame = this.doc.defaultView.requestAnimationFrame(() => this.flushFrame());
  }

  /** Applies queued insertions for up to FRAME_BUDGET ms; the rest waits for the next frame. */
  flushFrame() {
    this.frame = null;
    const stick = this.atEnd || this.followOwn;
    const deadline = performance.now() + FRAME_BUDGET;
    let more = false;
    for (const [name, log] of this.logs) {
      if (!log.pending) continue;
      // The current room keeps its window only while it follows the end.
      if (!log.flush(deadline, name !== this.current || stick, FRAME_NODES)) more = true;
      log.markDays(dayLabel);
    }
    const current = this.logs.get(this.current);
    if (current) this.older.hidden = !current.room.hasMore && !current.hasEarlier;
    if (stick) this.scrollToEnd();
    if (!more) this.followOwn = false;
    if (more) this.frame = this.doc.defaultView.requestAnimationFrame(() => this.flushFrame());
  }

  /** Older messages went before the state's first ones: on top, keeping what the reader looks at in place. */
  prependMessages(room, messages) {
    const log = this.logs.get(room.name);
    if (log && messages.length > 0) {
      const before = this.texts.scrollHeight;
      log.prepended(messages);
      log.markDays(dayLabel);
      if (room.name === this.current) this.texts.scrollTop += this.texts.scrollHeight - before;
    }
    if (room.name === this.current) this.older.hidden = !room.hasMore && !(log?.hasEarlier);
  }

  /** Does the room's log still have insertions waiting for a frame? */
  settling(roomName) {
    return this.logs.get(roomName)?.pending ?? false;
  }

  /** Makes earlier messages the window dropped again (from the state); false if none were dropped. */
  showEarlier(roomName) {
    const log = this.logs.get(roomName);
    if (!log || !log.hasEarlier) return false;
    const before = this.texts.scrollHeight;
    log.showEarlier();
    log.markDays(dayLabel);
    if (roomName === this.current) {
      this.texts.scrollTop += this.texts.scrollHeight - before;
      this.older.hidden = !log.room.hasMore && !log.hasEarlier;
    }
    return true;
  }

  confirm(id) {
    this.settled.set(id, 'confirmed');
    this.byId.get(id)?.classList.remove('pending', 'queued');
  }

  /** A message of mine waits for the connection: it says "not sent yet" until it is sent. */
  queued(id) {
    if (this.settled.get(id) === 'confirmed') return;
    this.settled.set(id, 'queued');
    this.byId.get(id)?.classList.add('queued');
  }

  failed(id) {
    this.settled.set(id, 'failed');
    this.byId.get(id)?.classList.add('failed');
  }

  /** Scrolls to a message by its id and flashes it; false if it is not in the DOM. */
  revealId(id) {
    const node = this.byId.get(id);
    if (!node || !node.isConnected || node.parentElement !== this.logs.get(this.current)?.element) return false;
    return this.flash(node);
  }

  /** Scrolls to a message by its server key and flashes it; false if it is not loaded. */
  reveal(key) {
    const log = this.logs.get(this.current)?.element;
    const node = log?.querySelector(`[data-key="${Number(key)}"]`);
    if (!node) return false;
    return this.flash(node);
  }

  /**
   * Makes whole the messages around `node` (a screenful either way) before a jump shows
   * them, rather than their source for a frame.
   */
  finishAround(node, reach = TAIL) {
    if (!node) return;
    this.nodes.finish(node);
    for (let next = node.nextElementSibling, n = 0; next && n < reach; next = next.nextElementSibling, n += 1) this.nodes.finish(next);
    for (let previous = node.previousElementSibling, n = 0; previous && n < reach; previous = previous.previousElementSibling, n += 1) {
      this.nodes.finish(previous);
    }
  }

  /**
   * After a jump the reader is where it put them, no longer at the end (unless it is
   * there): said at once, before the scroll event, or a resize in between (the messages
   * the jump made whole, the search results) would take them back to the end.
   */
  jumped() {
    this.atEnd = this.nearEnd();
    this.lastTop = this.texts.scrollTop;
    this.updateJumps();
  }

  flash(node) {
    this.finishAround(node);
    node.scrollIntoView({ block: 'center' });
    this.jumped();
    node.classList.remove('flash');
    void node.offsetWidth; // restart the animation
    node.classList.add('flash');
    node.tabIndex = -1;
    node.focus({ preventScroll: true });
    return true;
  }

  /**
   * Search results, newest first: `results` [{ room, message }]; `append` adds them to those
   * shown (the "more" button's page). The count says "50+" while more exist.
   */
  showSearchResults(query, results, { hasMore = false, append = false, allRooms = false } = {}) {
    const box = this.$('search_results');
    let list = box.querySelector('ol');
    if (!append || !list) list = this.el('ol');
    const { words } = parseQuery(query);
    for (const { room, message: m } of results) {
      const item = this.el('li');
      const button = this.el('button', 'result');
      button.type = 'button';
      if (m.key !== null) button.dataset.key = String(m.key);
      button.dataset.resultRoom = room;
      const text = this.el('span', 'result-text');
      text.dir = 'auto';
      text.append(...highlighted(this.doc, m.text, words));
      button.append(this.el('span', 'time', m.ts !== null ? dateTimeLabel(m.ts) : ''));
      if (allRooms) button.append(this.el('span', 'room-label', ` #${room}`));
      button.append(this.el('b', null, ` ${m.author}: `), text);
      item.append(button);
      list.append(item);
    }
    const shown = list.children.length;
    const head = this.el('p', 'results-head');
    const close = this.el('button', 'close-results', t('search.close'));
    close.type = 'button';
    close.setAttribute('aria-label', t('search.closeLabel'));
    const count = countLabel(shown, hasMore);
    head.append(this.el('span', 'results-count', shown > 0
      ? t(allRooms ? 'search.foundAll' : 'search.found', { count, query })
      : t(allRooms ? 'search.nothingAll' : 'search.nothing', { query })), close);
    const parts = [head, list];
    if (hasMore) {
      const more = this.el('button', 'more-results', t('search.more'));
      more.type = 'button';
      parts.push(more);
    }
    box.replaceChildren(...parts);
    box.hidden = false;
    if (!append) box.scrollTop = 0; // a new search starts at its count
  }

  /** Moves the focus from the search box or a result to the next (`step` 1) or previous result; false if it does not apply. */
  stepResult(from, step) {
    const box = this.$('search_results');
    if (box.hidden || !(from === this.$('search') || from.matches?.('button.result'))) return false;
    const results = [...box.querySelectorAll('button.result')];
    const next = from === this.$('search') ? (step > 0 ? results[0] : null) : results[results.indexOf(from) + step];
    if (next) next.focus();
    else if (step < 0) this.$('search').focus();
    return true;
  }

  hideSearch() {
    this.$('search_results').hidden = true;
  }
}
