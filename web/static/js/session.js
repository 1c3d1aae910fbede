// One joined session: its MQTT client, history API and state, wired to the view. Every
// listener it adds to the client it removes in `dispose()`, so a session that ended
// (left, refused, replaced by a new join) never touches the page again. It knows no
// element ids: the view shows, the session decides.
import { MqttClient } from './mqtt.js';
import { HistoryApi } from './api.js';
import { ChatState } from './state.js';
import { ReadMarks } from './read.js';
import { liveMessage, newMessageId } from './wire.js';
import { roomProblem, textProblem, parseTopic, topics } from './names.js';
import { mentions } from './render.js';
import { RoomSettings, topicPayload, archivePayload, topicProblem } from './rooms.js';
import { Conversation } from './conversation.js';
import { Presence } from './presence.js';
import { parsePresence } from './events.js';
import { IdentitySession, KeyBook } from './identity-session.js';
import { directClosedNote } from './identity-view.js';
import { roomChoice, setRoomChoice, shouldNotify, takeRoomFromUrl } from './notify.js';
import { PushControl, pushSupported } from './push.js';
import { uploadProblem, uploadName, uploadMessage, withoutMetadata, upload } from './upload.js';
import { t, errorText } from './i18n.js';

const BELL_KEY = 'chatt-bell';
const CATCH_UP_AFTER = [2000, 5000, 10000, 30000]; // ms after a reconnect: the history again
const JUMP_PATIENCE = 30000; // ms a jump to a search result may load older pages
const PRESENCE_INTERVAL = 4 * 60 * 1000; // hello again while connected (memorize forgets at 10 min)

/** "cannot reach x" → "Cannot reach x." */
export const sentence = (text) => `${text[0].toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/** Is the bell on (kept in localStorage)? */
export const bellOn = () => localStorage.getItem(BELL_KEY) === 'on';

/** Turns the bell on or off for every tab of this browser. */
export function storeBell(on) {
  localStorage.setItem(BELL_KEY, on ? 'on' : 'off');
}

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled: the read marks hold for this page only
  }
}

export class Session {
  /**
   * @param {object} options
   * @param {object} options.config the page's config (config.js)
   * @param {string} options.nick
   * @param {string[]|null} options.credentials [login, password] when protected
   * @param {import('./view.js').View} options.view
   * @param {(message: string) => void} options.onRefused the broker or server refused us
   * @param {object|null} [options.identity] the member's keys from a personal secret (identity.js), or null
   */
  constructor({ config, nick, credentials, view, onRefused, identity = null }) {
    this.config = config;
    this.nick = nick;
    this.view = view;
    this.onRefused = onRefused;
    this.read = new ReadMarks(storage(), nick);
    this.state = new ChatState(nick, { pageSize: config.historyPageSize, read: this.read });
    this.rooms = new RoomSettings(); // topics and archived rooms
    this.unseen = 0; // messages of others in the current room not seen yet (away from its end, or tab hidden)
    this.api = new HistoryApi({ credentials });
    this.push = pushSupported() ? new PushControl({ api: this.api, nick }) : null;
    this.client = new MqttClient({
      urls: config.brokerUrls ?? [config.brokerUrl],
      clientId: `chatt_${Math.random().toString(36).slice(2, 12)}`,
      username: credentials ? credentials[0] : undefined,
      password: credentials ? credentials[1] : undefined,
      will: Presence.will(nick), // retained `offline` (protocol v2); leave() still says logout
      // Back within 2 s of the broker: retries at most 1.6 s apart (+ up to 20 % jitter).
      minRetry: 500,
      maxRetry: 1600,
      subscriptions: [
        { topic: 'rooms/#', qos: 1 }, { topic: 'users/#', qos: 1 },
        // The member's own direct conversations (direct.js), only with keys to open them.
        ...(identity ? [{ topic: `direct/${nick}/+`, qos: 1 }, { topic: `direct/+/${nick}`, qos: 1 }] : []),
      ],
    });
    this.ids = new IdentitySession({
      nick, own: identity, book: new KeyBook(storage(), config.brokerUrl),
      onKeyChanged: (who, refused) => view.status(t(refused ? 'identity.keyRefused' : 'identity.keyChanged', { nick: who }), 'error'),
    });
    this.direct = null; // DirectMessages (direct.js), loaded at start for a member with keys
    this.directWaiting = []; // direct messages that came before it was loaded
    this.conversation = new Conversation({ nick, state: this.state, view, client: this.client, sign: identity ? (topic, payload) => this.ids.sign(topic, payload) : null,
      verifier: this.ids,
    });
    this.ownPresence = new Presence({ nick, client: this.client, doc: document });
    this.loading = false;
    this.disposed = false;
    this.listeners = [
      ['connect', (event) => this.onConnect(event)],
      ['offline', ({ error, retryIn }) => this.onOffline(error, retryIn)],
      ['error', (error) => this.onRefused(sentence(errorText(error)))],
      ['message', (message) => this.onMessage(message)],
    ];
  }

  /** Resets the view for this session and starts connecting. */
  start() {
    const { state, view } = this;
    view.reset(this.nick);
    view.showFiles((path) => this.api.blob(path), this.config.protected);
    this.startDirect();
    this.syncRooms();
    this.syncUsers();
    view.status(t('status.connecting', { url: this.client.url }));
    for (const [name, fn] of this.listeners) this.client.on(name, fn);
    this.ownPresence.start();
    this.client.connect();
  }

  /** Stops the client and removes every listener; the session is over. */
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.view.showFiles(null);
    clearInterval(this.presence);
    this.stopCatchUp();
    this.conversation.dispose();
    this.ownPresence.dispose();
    this.endDirect();
    for (const [name, fn] of this.listeners) this.client.off(name, fn);
    this.client.stop();
  }

  /** The page goes away: say so to the others (logout), disconnect cleanly. */
  leave() {
    if (this.disposed) return;
    this.client.publish(topics.logout(this.nick), '{}').catch(() => {});
    this.ownPresence.leave().catch(() => {});
    this.conversation.dispose();
    this.ownPresence.dispose();
    this.endDirect();
    clearInterval(this.presence);
    this.stopCatchUp();
    for (const [name, fn] of this.listeners) this.client.off(name, fn);
    this.client.end();
    this.view.showFiles(null);
    this.disposed = true;
  }

  /**
   * Direct messages: their modules load only for a member with a personal secret; without
   * one the rooms' list says why there are none.
   */
  startDirect() {
    if (!this.ids.signing) {
      this.directNote = directClosedNote(document);
      return;
    }
    Promise.all([import('./direct.js'), import('./direct-view.js')]).then(([{ DirectMessages }, { DirectView }]) => {
      if (this.disposed) return;
      this.direct = new DirectMessages({
        nick: this.nick, ids: this.ids, client: this.client, api: this.api, onChange: (change) => this.directView?.changed(change),
      });
      this.directView = new DirectView(document, this.direct, { unreadChanged: () => this.updateUnread() });
      this.view.nickExtra = (nick, item) => this.directView?.decorateNick(nick, item);
      this.syncUsers();
      for (const [topic, text] of this.directWaiting.splice(0)) this.direct.onMessage(topic, text).catch(() => {});
    }, (error) => this.view.status(t('direct.unavailable', { reason: errorText(error) }), 'error'));
  }

  endDirect() {
    this.directNote?.remove();
    this.directView?.dispose();
    this.directView = null;
    this.view.nickExtra = null;
  }

  retryNow() {
    if (!this.disposed) this.client.retryNow();
  }

  // --- connection and history ----------------------------------------------------------

  syncUsers() {
    this.view.syncUsers(this.state.userList(), this.state.offlineList());
  }

  /** Says we are here (users/<nick>/hello), as on connect. */
  hello() {
    if (!this.client.connected) return;
    this.client.publish(topics.hello(this.nick), JSON.stringify({ ipAddress: this.config.address }), { qos: 1 }).catch(() => {});
  }

  /** The retained, self-signed users/<nick>/key (only with a personal secret). */
  async announceKey() {
    const announcement = await this.ids.announcement();
    if (!announcement || this.disposed) return;
    this.client.publish(announcement.topic, JSON.stringify(announcement.payload), { qos: 1, retain: true }).catch(() => {});
  }

  onOffline(error, retryIn) {
    this.attempts = (this.attempts ?? 0) + 1;
    this.view.status(sentence(t('status.reconnecting', { reason: errorText(error), seconds: Math.ceil(retryIn / 1000), attempt: this.attempts })), 'error');
    this.view.showRetry(true);
    if (!this.client.everConnected && !this.savedShown) this.showSaved();
  }

  /**
   * Not connected yet (offline, or the broker away): the chat as last seen, from the
   * service worker's copy of /data/lastinfo. Nothing kept: the form stays until connected.
   */
  async showSaved() {
    this.savedShown = true;
    let data;
    try {
      data = await this.api.lastinfo();
    } catch {
      return; // nothing kept (or the server answered with an error): wait for the broker
    }
    if (this.disposed || this.client.everConnected || this.historyShown) return;
    this.historyShown = true;
    this.view.showChat();
    this.selectRoom('main');
    // Who was online then is not known now: the list waits for the broker.
    this.applyLastinfo({ ...data, users: [] }, true);
  }

  async onConnect({ reconnected }) {
    const { view, api } = this;
    this.attempts = 0;
    this.stopCatchUp();
    // What others said between the broker's return and our subscription reaches memorize
    // only when memorize is back too (it may retry later than we do): after a reconnect
    // the history is asked again a few times, and merged without duplicates.
    if (reconnected) this.catchUp = CATCH_UP_AFTER.map((ms) => setTimeout(() => this.refresh(), ms));
    view.showRetry(false);
    this.hello();
    this.announceKey();
    this.ownPresence.update(true);
    // memorize marks a user gone after 10 silent minutes: a reader who never speaks says
    // hello again every few minutes while connected.
    clearInterval(this.presence);
    this.presence = setInterval(() => this.hello(), PRESENCE_INTERVAL);
    // The history shown from the worker's copy while offline is merged into, as after a reconnect.
    const initial = !reconnected && !this.historyShown;
    this.historyShown = true;
    if (initial) {
      view.showChat();
      this.selectRoom('main');
    }
    view.status(t(reconnected ? 'status.reconnected' : 'status.loadingHistory'));
    try {
      const data = await api.lastinfo();
      if (this.disposed) return;
      this.applyLastinfo(data, initial);
      view.status('');
      if (!reconnected) this.fillView();
    } catch (error) {
      if (this.disposed) return;
      if (error.status === 401) this.onRefused(t('status.refused'));
      else view.status(t('status.connectedBut', { reason: errorText(error) }), 'error');
    }
  }

  stopCatchUp() {
    for (const timer of this.catchUp ?? []) clearTimeout(timer);
    this.catchUp = [];
  }

  /** The history again, merged: what was missed is added, nothing twice. */
  async refresh() {
    try {
      const data = await this.api.lastinfo();
      if (!this.disposed) this.applyLastinfo(data, false);
    } catch {
      // The next try, or the next reconnect, asks again.
    }
  }

  applyLastinfo(data, initial) {
    const { state, view } = this;
    this.ids.mergeLastinfo(data);
    for (const peer of this.direct?.conversations.keys() ?? []) this.direct.keyLearnt(peer).catch(() => {});
    const changes = state.mergeLastinfo(data, { initial });
    this.rooms.mergeLastinfo(data);
    this.syncRooms();
    // Users who left while we were away.
    if (!initial && Array.isArray(data.users)) {
      const online = new Set(data.users);
      for (const nick of state.userList()) {
        if (nick !== 'bot' && nick !== this.nick && !online.has(nick)) state.removeUser(nick);
      }
    }
    this.syncUsers();
    if (initial) {
      // Opened by a click on a notification (sw.js): that room first.
      const wanted = takeRoomFromUrl();
      if (wanted !== null) state.select(wanted);
    }
    for (const { room, message, index } of changes.messages) view.insertMessage(room, message, index);
    for (const { room, message } of changes.messages) this.conversation.arrived(room, message, false);
    for (const { room, message } of changes.updated) view.updateMessage(room, message);
    for (const name of state.roomOrder) view.updateRoom(name, state.room(name).unread, name === state.current);
    if (initial) this.showCurrent();
    this.updateUnread();
  }

  /** Shows the current room with a "new messages" line at the first unread message; it is read now. */
  showCurrent() {
    const { state, view } = this;
    const name = state.current;
    const mark = this.read.get(name);
    view.showRoom(state.room(name), { firstUnread: state.firstAfter(name, mark) });
    view.setRoomNotify(roomChoice(name));
    this.reachedEnd();
  }

  /** The reader sees the end of the current room: it is read up to its last message. */
  reachedEnd() {
    if (this.disposed || document.hidden || !this.view.atEnd) return;
    const ts = this.state.lastTime(this.state.current);
    if (ts !== null) this.read.set(this.state.current, ts);
    this.unseen = 0;
    this.view.setNewBelow(0);
    this.updateUnread();
  }

  /** The title and icon: unread messages in the other rooms and unseen ones in this one. */
  updateUnread() {
    this.view.setUnread(this.state.totalUnread() + this.unseen + (this.direct?.totalUnread() ?? 0));
  }

  /** Older pages until the log can scroll (or the room's start): else no scroll asks for more. */
  async fillView() {
    while (!this.disposed && this.view.atTop() && (await this.loadOlder()));
  }

  /** Earlier messages: those the view's window dropped, else a page from the server. */
  async loadOlder() {
    if (this.disposed || this.loading) return false;
    const room = this.state.room(this.state.current);
    // While new messages are still being laid out (a burst), the top is not the reader's.
    if (this.view.settling(room.name)) return false;
    if (this.view.showEarlier(room.name)) return true;
    if (!room.hasMore || room.oldestKey === null) return false;
    this.loading = true;
    try {
      const page = await this.api.older(room.name, room.oldestKey);
      if (this.disposed) return false;
      const added = this.state.prependOlder(room.name, page.messages, page.hasMore);
      this.view.prependMessages(room, added);
      for (const message of added) this.conversation.arrived(room.name, message, false);
      this.view.clearError();
      return true;
    } catch (error) {
      if (!this.disposed) this.view.status(sentence(errorText(error)), 'error');
      return false;
    } finally {
      this.loading = false;
    }
  }

  /** Asked by a scroll to the top or the "older" button: a page, more if the log still cannot scroll. */
  async older() {
    if (await this.loadOlder()) this.fillView();
  }

  // --- incoming ------------------------------------------------------------------------

  onMessage({ topic, text, retain }) {
    const { state, view, nick } = this;
    if (topic.startsWith('direct/')) {
      // Sealed; opened (or not) in direct.js. A retained one is an old message replayed on
      // every connect (pages never retain them): history comes from the server.
      if (retain) return;
      if (this.direct) this.direct.onMessage(topic, text).catch(() => {});
      else this.directWaiting.push([topic, text]);
      return;
    }
    const parsed = parseTopic(topic);
    if (!parsed) return;
    if (parsed.verb === 'newtext' && retain) return; // an old message the broker replays (liveMessage)
    if (parsed.kind === 'user') {
      if (parsed.verb === 'hello') {
        if (state.addUser(parsed.nick) >= 0) this.syncUsers();
      } else if (parsed.verb === 'logout' && parsed.nick === nick) {
        // Another tab of this nickname closed (or its will fired): we are still here.
        this.hello();
      } else if (parsed.verb === 'logout' && state.removeUser(parsed.nick)) {
        this.syncUsers();
      } else if (parsed.verb === 'presence') {
        this.onPresence(parsed.nick, parsePresence(text));
      } else if (parsed.verb === 'key') {
        this.ids.onKeyMessage(parsed.nick, text).then((outcome) => {
          if (this.disposed || outcome === null || outcome === 'same' || outcome === 'refused') return;
          this.syncUsers(); // the ✉ of direct messages
          this.direct?.keyLearnt(parsed.nick).catch(() => {});
        }, () => {});
      }
      return;
    }
    if (parsed.verb === 'topic' || parsed.verb === 'archive') {
      this.roomEvent(parsed.room, parsed.verb, text);
      return;
    }
    if (parsed.verb === 'edit' || parsed.verb === 'delete' || parsed.verb === 'react' || parsed.verb === 'typing') {
      this.conversation.onRoomEvent(parsed.room, parsed.verb, text, retain);
      return;
    }
    // Only `newtext` and `new` make a room known (SPEC.md, protocol v2): a `typing` or
    // `react` under a room nobody created must not add it.
    if (parsed.verb !== 'newtext' && parsed.verb !== 'new') return;
    if (state.addRoom(parsed.room) >= 0) this.syncRooms();
    if (parsed.verb !== 'newtext') return;
    const message = liveMessage({ text, retain }, Date.now());
    if (!message) return;
    if (this.rooms.messageIn(parsed.room)) this.syncRooms(); // posting unarchives
    const at = state.addMessage(parsed.room, message);
    if (at < 0) {
      if (message.id) view.confirm(message.id);
      return;
    }
    view.insertMessage(parsed.room, message, at);
    this.conversation.arrived(parsed.room, message, true);
    this.check(parsed.room, topic, message, text);
    view.updateRoom(parsed.room, state.room(parsed.room).unread, parsed.room === state.current);
    if (parsed.room === state.current) {
      if (message.author !== nick && (document.hidden || !view.atEnd)) {
        this.unseen += 1;
        view.setNewBelow(this.unseen);
      } else if (!document.hidden && message.ts !== null) {
        this.read.set(parsed.room, message.ts);
      }
    }
    this.updateUnread();
    if (message.author !== nick) this.alertFor(parsed.room, message);
  }

  /**
   * Marks a live message verified or forged once its signature is checked: at once for a
   * nickname with keys, else when a key for it comes (identity-session.js `check`).
   */
  check(room, topic, message, text) {
    // Our own sends never come here (the broker's copy is a duplicate): a live message under
    // our nickname is someone else's, checked like any other.
    this.ids.check(topic, message.author, text, (verdict) => {
      if (this.disposed) return;
      message.verdict = verdict;
      this.view.updateMessage(room, message);
    }).catch(() => {});
  }

  /** users/<nick>/presence: the dot in the user list; `offline` lists them as gone. */
  onPresence(nick, presence) {
    if (presence === null) return;
    if (nick === this.nick) {
      // Our own retained `offline` (an earlier page's will, or another tab that closed): we are here.
      if (presence === 'offline') this.ownPresence.update(true);
      return;
    }
    if (presence === 'offline') this.state.removeUser(nick);
    else this.state.addUser(nick);
    this.view.setPresence(nick, presence);
    this.syncUsers();
  }

  alertFor(room, message) {
    // One ring per second at most: a burst is one ring, not two thousand.
    if (bellOn() && Date.now() - (this.rang ?? 0) > 1000) {
      this.rang = Date.now();
      const bell = new Audio('static/snd/bell.wav');
      bell.play().catch(() => {});
    }
    // The room's choice (notify.js), as Web Push follows it: all, mentions only, or nothing.
    if (document.hidden && shouldNotify(roomChoice(room), mentions(message.text, this.nick))
        && 'Notification' in window && Notification.permission === 'granted') {
      const note = new Notification(t('notification.mention', { nick: message.author, room }), { body: message.text, tag: `chatt-${room}` });
      note.onclick = () => {
        window.focus();
        this.selectRoom(room);
        note.close();
      };
    }
  }

  // --- actions -------------------------------------------------------------------------

  /** Shows whether this browser gets Web Push (the Notifications button); called at start. */
  async showPush() {
    if (!this.push) {
      this.view.setPush('unsupported');
      return;
    }
    const current = await this.push.current();
    if (this.disposed) return;
    this.view.setPush(current ? 'on' : 'off');
    if (current) await this.push.leaveTexts();
  }

  /** The Notifications button: subscribes this browser to Web Push, or unsubscribes it. */
  async togglePush() {
    const { view } = this;
    if (!this.push) {
      view.status(t('push.unsupported'), 'error');
      return;
    }
    view.setPush('busy');
    try {
      if (await this.push.current()) {
        await this.push.unsubscribe();
        view.setPush('off');
        view.status(t('push.off'));
      } else {
        await this.push.subscribe();
        view.setPush('on');
        view.status(t('push.on'));
      }
    } catch (error) {
      view.setPush((await this.push.current()) ? 'on' : 'off');
      view.status(t('push.failed', { reason: errorText(error) }), 'error');
    }
  }

  /** The room's notification choice changed (all, mentions, none): kept, and sent with the subscription. */
  async setRoomNotify(mode) {
    const room = this.state.current;
    if (!setRoomChoice(room, mode)) return;
    try {
      await this.push?.send();
    } catch (error) {
      this.view.status(t('push.failed', { reason: errorText(error) }), 'error');
    }
  }

  selectRoom(name) {
    const { state, view } = this;
    const previous = state.current;
    if (!state.select(name)) return;
    view.updateRoom(previous, state.room(previous).unread, false);
    view.updateRoom(name, 0, true);
    this.syncRooms(); // an archived room left is hidden again
    this.unseen = 0;
    view.setNewBelow(0);
    this.showCurrent();
    this.fillView();
    this.conversation.showTyping();
  }

  /** Alt+↑/↓: the room before or after the current one. */
  stepRoom(step) {
    const order = this.rooms.visible(this.state.roomOrder, this.state.current);
    const i = order.indexOf(this.state.current) + step;
    this.selectRoom(order[(i + order.length) % order.length]);
  }

  /** Sends `text` to the current room (a reply to `replyTo`, when given); false (and says why) if it cannot be sent. */
  send(text, replyTo = null) {
    const { state, view, client, nick } = this;
    const problem = textProblem(text);
    if (problem) {
      view.status(problem, 'error');
      return false;
    }
    const room = state.current;
    const message = {
      author: nick, text, ts: Date.now(), id: newMessageId(), key: null, pending: true,
      ...(replyTo ? { replyTo } : {}), ...(this.ids.signing ? { verdict: 'verified' } : {}),
    };
    const at = state.addMessage(room, message);
    view.insertMessage(room, message, at);
    // Offline, the client keeps it and sends it once it is connected again.
    if (!client.connected) view.queued(message.id);
    this.conversation.sent();
    const payload = { author: nick, text, id: message.id, ts: message.ts, ...(replyTo ? { replyTo } : {}) };
    const topic = topics.roomText(room);
    this.ids.sign(topic, payload)
      .then((signed) => client.publish(topic, JSON.stringify(signed), { qos: 1 }))
      .then(() => {
        view.confirm(message.id);
        view.clearError();
      })
      .catch((error) => {
        if (this.disposed) return;
        view.failed(message.id);
        view.status(t('status.notSent', { reason: errorText(error) }), 'error');
      });
    return true;
  }

  /**
   * Sends photos and files to the current room, one after the other: each uploaded to
   * chatt-server (a JPEG first drawn again without its EXIF, unless the member keeps the
   * original), then a message showing it. A refusal shows the server's reason.
   */
  async upload(files) {
    const { view } = this;
    for (const file of files) {
      if (this.disposed) return;
      const name = uploadName(file);
      const problem = uploadProblem(file, this.config.maxUploadBytes);
      if (problem) {
        view.status(problem, 'error');
        continue;
      }
      try {
        view.uploadProgress(0, name);
        const blob = view.keepOriginalPhotos() ? file : await withoutMetadata(file);
        const answer = await upload({
          blob, name, authorization: this.api.headers.Authorization ?? null,
          onProgress: (fraction) => view.uploadProgress(fraction, name),
        });
        if (this.disposed) return;
        view.clearError();
        this.send(uploadMessage(answer, globalThis.location.origin));
      } catch (error) {
        if (this.disposed) return;
        view.status(t('upload.failed', { name, reason: error.message }), 'error');
      } finally {
        view.uploadProgress(null);
      }
    }
  }

  /** Searches this room or, with `scope` "all", every room; the first page. */
  async search(query, scope = 'room') {
    if (query.trim() === '') {
      this.view.hideSearch();
      this.searching = null;
      return;
    }
    this.searching = { query, room: scope === 'all' ? null : this.state.current, lastKey: null, hasMore: false };
    await this.searchPage(this.searching, false);
  }

  /** The next page of the search shown ("More results"). */
  async moreResults() {
    if (this.searching?.hasMore) await this.searchPage(this.searching, true);
  }

  async searchPage(search, append) {
    const { api, view } = this;
    try {
      const page = await api.searchPage({ room: search.room, q: search.query, before: append ? search.lastKey : null });
      if (this.disposed || search !== this.searching) return;
      search.hasMore = page.hasMore;
      search.lastKey = page.results.at(-1)?.message.key ?? search.lastKey;
      view.showSearchResults(search.query, page.results, { hasMore: page.hasMore, append, allRooms: search.room === null });
      view.clearError();
    } catch (error) {
      if (!this.disposed) view.status(sentence(errorText(error)), 'error');
    }
  }

  /** Opens `room` (the current one if not given) at the message with `key`, loading older pages until it is there. */
  async jumpTo(key, room = null) {
    if (room && room !== this.state.current) this.selectRoom(room);
    await this.reach(() => this.view.reveal(key));
  }

  /**
   * Shows the open room's message that `show()` scrolls to (true once it did), the one
   * path of search results and replies: earlier nodes the view's window dropped, then
   * older pages, until it shows, the room's start, or `stopBelow` (a key) is passed.
   */
  async reach(show, stopBelow = null) {
    const { view } = this;
    const until = Date.now() + JUMP_PATIENCE;
    while (!this.disposed && Date.now() < until) {
      if (show()) return;
      // A page already on its way (the room just opened fills its view) or a burst being
      // laid out: wait a frame for it rather than give up.
      if (this.loading || view.settling(this.state.current)) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        continue;
      }
      // Past `stopBelow` a page from the server cannot hold it: only the window's nodes may.
      const oldest = this.state.room(this.state.current).oldestKey;
      const past = stopBelow !== null && oldest !== null && oldest < stopBelow;
      if (!(past ? view.showEarlier(this.state.current) : await this.loadOlder())) break;
    }
    if (!this.disposed && !show()) view.status(t('status.notInHistory'), 'error');
  }

  // --- room topics and archive ---------------------------------------------------------

  /** The room list without the archived rooms, the archived ones apart, the open room's topic. */
  syncRooms() {
    const { state, view, rooms } = this;
    view.syncRooms(rooms.visible(state.roomOrder, state.current));
    view.roomBar.showArchived(rooms.archivedRooms(state.roomOrder));
    view.roomBar.show(state.current, rooms.topic(state.current), rooms.isArchived(state.current));
  }

  /** A live `topic` or `archive` event; ignored for a room nobody created (SPEC.md, v2). */
  roomEvent(room, verb, text) {
    if (!this.state.room(room)) return;
    const changed = verb === 'topic' ? this.rooms.applyTopic(room, text) : this.rooms.applyArchive(room, text);
    if (changed) this.syncRooms();
  }

  /** Sets the current room's topic for everyone; false (and says why) if it cannot be one. */
  setTopic(text) {
    const problem = topicProblem(text);
    if (problem) {
      this.view.status(problem, 'error');
      return false;
    }
    const room = this.state.current;
    this.publishRoomEvent(room, 'topic', topicPayload(this.nick, text, newMessageId()));
    return true;
  }

  /** Archives `room` (hides it from everyone's list) or shows it again. */
  archive(room, on) {
    if (room === 'main') return;
    this.publishRoomEvent(room, 'archive', archivePayload(this.nick, on, newMessageId()));
    if (on && room === this.state.current) this.selectRoom('main');
  }

  publishRoomEvent(room, verb, payload) {
    this.roomEvent(room, verb, payload); // at once; the broker's copy changes nothing more
    this.client.publish(`rooms/${room}/${verb}`, payload, { qos: 1 })
      .then(() => this.view.clearError(), (error) => {
        if (!this.disposed) this.view.status(t('status.notSent', { reason: errorText(error) }), 'error');
      });
  }

  // --- protocol v2: on a message of the current room --------------------------------

  edit(id, text) {
    return this.conversation.edit(this.state.current, id, text);
  }

  remove(id) {
    this.conversation.remove(this.state.current, id);
  }

  react(id, emoji) {
    return this.conversation.react(this.state.current, id, emoji);
  }

  typed() {
    this.conversation.typed();
  }

  /**
   * Shows the message `id` of the current room (a reply's original): in the page already,
   * else found with `?around=` (which gives its key, so the search for it knows where to
   * stop) and reached by loading older pages, as a search result is (``reach``).
   */
  async jumpToMessage(id) {
    const { view, state, api } = this;
    const room = state.current;
    let key = null;
    if (!state.find(room, id)) {
      try {
        const page = await api.around(room, id);
        key = page.messages.find((m) => m.id === id)?.key ?? null;
      } catch {
        // A server without `around=`: older pages until it shows up.
      }
      if (this.disposed || room !== state.current) return;
    }
    await this.reach(() => view.revealId(id), key);
  }

  /** Creates (publishes) a room and opens it; false (and says why) for a bad name. */
  createRoom(name) {
    const { state, view, client } = this;
    const problem = roomProblem(name);
    if (problem) {
      view.status(problem, 'error');
      return false;
    }
    if (state.addRoom(name) >= 0) this.syncRooms();
    client.publish(topics.roomNew(name), '', { qos: 1 })
      .then(() => view.clearError(), (error) => view.status(sentence(errorText(error)), 'error'));
    this.selectRoom(name);
    return true;
  }
}
