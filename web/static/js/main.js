// Wiring: the join form, the MQTT client, the history API, the state and the view.
import { derivePair, makeRandomPair } from './credentials.js';
import { titleChars } from './strong.js';
import { readConfig } from './config.js';
import { MqttClient } from './mqtt.js';
import { HistoryApi } from './api.js';
import { ChatState, liveMessage, newMessageId } from './state.js';
import { View } from './view.js';
import { nickProblem, roomProblem, textProblem, parseTopic, topics } from './names.js';
import { mentions } from './render.js';

const $ = (id) => document.getElementById(id);
const config = readConfig(document, location);
const SESSION_KEY = 'chatt-session';
const BELL_KEY = 'chatt-bell';

let session = null; // { client, api, state, view, nick } while joined
let joining = false; // while the passphrase is being derived

const sentence = (text) => `${text[0].toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

function status(text, kind = 'info') {
  $('status').textContent = text;
  $('status').dataset.kind = kind;
}

function remembered() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
}

function leave() {
  if (!session) return;
  session.client.stop();
  session = null;
}

function backToForm(message) {
  leave();
  sessionStorage.removeItem(SESSION_KEY);
  $('chat').hidden = true;
  $('join_form').hidden = false;
  status(message, 'error');
  $('passphrase').focus();
}

// --- joining -------------------------------------------------------------------------

function join(passphrase, nick, remember) {
  if (joining) return;
  const problem = nickProblem(nick);
  if (problem) {
    status(problem, 'error');
    $('nick').focus();
    return;
  }
  if (config.protected && passphrase === '') {
    status('This chat is protected: enter its passphrase.', 'error');
    $('passphrase').focus();
    return;
  }
  joining = true;
  $('join').disabled = true;
  // 600,000 PBKDF2 iterations for the strong scheme: a moment with WebCrypto, a second or
  // more without it (plain http on a LAN).
  if (passphrase !== '' && config.scheme !== 'legacy') status('Deriving the login from the passphrase…');
  // An empty passphrase means "no protection": nothing to derive but the legacy title.
  const derivation = passphrase === '' ? Promise.resolve(makeRandomPair('')) : derivePair(config, passphrase);
  derivation.then(
    (pair) => {
      joining = false;
      $('join').disabled = false;
      const credentials = passphrase === '' ? null : pair;
      const title = titleChars(pair[0]);
      if (remember) sessionStorage.setItem(SESSION_KEY, JSON.stringify({ nick, credentials, title }));
      else sessionStorage.removeItem(SESSION_KEY);
      start(nick, credentials, title);
    },
    (error) => {
      joining = false;
      $('join').disabled = false;
      status(sentence(error.message.startsWith('passphrase too long') ? `the ${error.message}` : error.message), 'error');
    },
  );
}

function start(nick, credentials, titleText) {
  leave();
  document.title = `ChaTT-${titleText}`;
  const state = new ChatState(nick);
  const view = new View(document, nick);
  const api = new HistoryApi({ credentials });
  const client = new MqttClient({
    url: config.brokerUrl,
    clientId: `chatt_${Math.random().toString(36).slice(2, 12)}`,
    username: credentials ? credentials[0] : undefined,
    password: credentials ? credentials[1] : undefined,
    will: { topic: topics.logout(nick), payload: '{}', qos: 1 },
    subscriptions: [{ topic: 'rooms/#', qos: 1 }, { topic: 'users/#', qos: 1 }],
  });
  session = { client, api, state, view, nick, loading: false };
  const mine = session;

  $('all_channels').replaceChildren();
  $('all_nicks').replaceChildren();
  for (const log of $('all_texts').querySelectorAll('.log')) log.remove();
  state.roomOrder.forEach((name, i) => view.addRoom(name, i));
  state.userList().forEach((n, i) => view.addUser(n, i));
  status(`Connecting to ${config.brokerUrl}…`);

  client.on('connect', async ({ reconnected }) => {
    if (session !== mine) return;
    client.publish(topics.hello(nick), JSON.stringify({ ipAddress: config.address }), { qos: 1 }).catch(() => {});
    if (!reconnected) {
      $('join_form').hidden = true;
      $('chat').hidden = false;
      selectRoom('main');
      $('input_text').focus();
    }
    status(reconnected ? 'Connected again; fetching what was missed…' : 'Connected; loading history…');
    try {
      const data = await api.lastinfo();
      if (session !== mine) return;
      applyLastinfo(data, !reconnected);
      status('');
    } catch (error) {
      if (session !== mine) return;
      if (error.status === 401) backToForm(`The server refused the passphrase: check it and join again.`);
      else status(`Connected, but ${error.message}.`, 'error');
    }
  });
  client.on('offline', ({ error, retryIn }) => {
    if (session !== mine) return;
    status(sentence(`${error.message}; trying again in ${Math.ceil(retryIn / 1000)} s`), 'error');
  });
  client.on('error', (error) => {
    if (session !== mine) return;
    backToForm(sentence(error.message));
  });
  client.on('message', (m) => {
    if (session === mine) onMessage(m);
  });
  client.connect();
}

function applyLastinfo(data, initial) {
  const { state, view } = session;
  const changes = state.mergeLastinfo(data, { initial });
  for (const name of changes.rooms) view.addRoom(name, state.roomOrder.indexOf(name));
  for (const nick of changes.users) view.addUser(nick, state.userList().indexOf(nick));
  // Users who left while we were away.
  if (!initial && Array.isArray(data.users)) {
    const online = new Set(data.users);
    for (const nick of state.userList()) {
      if (nick !== 'bot' && nick !== session.nick && !online.has(nick)) {
        state.removeUser(nick);
        view.removeUser(nick);
      }
    }
  }
  for (const { room, message, index } of changes.messages) view.insertMessage(room, message, index);
  for (const name of state.roomOrder) view.updateRoom(name, state.room(name).unread, name === state.current);
  if (initial) view.showRoom(state.room(state.current));
}

// --- incoming ------------------------------------------------------------------------

function onMessage({ topic, text, retain }) {
  const { state, view, nick } = session;
  const parsed = parseTopic(topic);
  if (!parsed) return;
  if (parsed.verb === 'newtext' && retain) return; // an old message the broker replays (liveMessage)
  if (parsed.kind === 'user') {
    if (parsed.verb === 'hello') {
      const index = state.addUser(parsed.nick);
      if (index >= 0) view.addUser(parsed.nick, index);
    } else if (parsed.verb === 'logout' && parsed.nick !== nick && state.removeUser(parsed.nick)) {
      view.removeUser(parsed.nick);
    }
    return;
  }
  // Only `newtext` and `new` make a room known (SPEC.md, protocol v2): a `typing` or
  // `react` under a room nobody created must not add it.
  if (parsed.verb !== 'newtext' && parsed.verb !== 'new') return;
  const index = state.addRoom(parsed.room);
  if (index >= 0) {
    view.addRoom(parsed.room, index);
    view.updateRoom(parsed.room, 0, false);
  }
  if (parsed.verb !== 'newtext') return;
  const message = liveMessage({ text, retain }, Date.now());
  if (!message) return;
  const at = state.addMessage(parsed.room, message);
  if (at < 0) {
    if (message.id) view.confirm(message.id);
    return;
  }
  view.insertMessage(parsed.room, message, at);
  view.updateRoom(parsed.room, state.room(parsed.room).unread, parsed.room === state.current);
  if (message.author !== nick) alertFor(parsed.room, message);
}

function alertFor(room, message) {
  if (localStorage.getItem(BELL_KEY) === 'on') {
    const bell = new Audio('static/snd/bell.wav');
    bell.play().catch(() => {});
  }
  if (document.hidden && mentions(message.text, session.nick) && 'Notification' in window && Notification.permission === 'granted') {
    const note = new Notification(`${message.author} in ${room}`, { body: message.text, tag: `chatt-${room}` });
    note.onclick = () => {
      window.focus();
      selectRoom(room);
      note.close();
    };
  }
}

// --- actions -------------------------------------------------------------------------

function selectRoom(name) {
  const { state, view } = session;
  const previous = state.current;
  if (!state.select(name)) return;
  view.updateRoom(previous, state.room(previous).unread, false);
  view.updateRoom(name, 0, true);
  view.hideSearch();
  $('search').value = '';
  view.showRoom(state.room(name));
}

function send(text) {
  const { state, view, client, nick } = session;
  const problem = textProblem(text);
  if (problem) {
    status(problem, 'error');
    return false;
  }
  const room = state.current;
  const message = { author: nick, text, ts: Date.now(), id: newMessageId(), key: null, pending: true };
  const at = state.addMessage(room, message);
  view.insertMessage(room, message, at);
  client.publish(topics.roomText(room), JSON.stringify({ author: nick, text, id: message.id, ts: message.ts }), { qos: 1 })
    .then(() => view.confirm(message.id))
    .catch((error) => {
      view.failed(message.id);
      status(`Not sent: ${error.message}.`, 'error');
    });
  return true;
}

async function loadOlder() {
  const s = session;
  if (!s || s.loading) return false;
  const room = s.state.room(s.state.current);
  if (!room.hasMore || room.oldestKey === null) return false;
  s.loading = true;
  try {
    const page = await s.api.older(room.name, room.oldestKey, 50);
    const added = s.state.prependOlder(room.name, page.messages, page.hasMore);
    s.view.prependMessages(room, added);
    return true;
  } catch (error) {
    status(sentence(error.message), 'error');
    return false;
  } finally {
    s.loading = false;
  }
}

async function search(query) {
  const { api, state, view } = session;
  if (query.trim() === '') {
    view.hideSearch();
    return;
  }
  try {
    view.showSearchResults(query, await api.search(state.current, query));
  } catch (error) {
    status(sentence(error.message), 'error');
  }
}

async function jumpTo(key) {
  const { view } = session;
  for (let pages = 0; pages < 40; pages += 1) {
    if (view.reveal(key)) return;
    if (!(await loadOlder())) break;
  }
  if (!view.reveal(key)) status('That message is no longer in the history.', 'error');
}

function createRoom(name) {
  const { state, view, client } = session;
  const problem = roomProblem(name);
  if (problem) {
    status(problem, 'error');
    return false;
  }
  const index = state.addRoom(name);
  if (index >= 0) view.addRoom(name, index);
  client.publish(topics.roomNew(name), '', { qos: 1 }).catch((error) => status(sentence(error.message), 'error'));
  selectRoom(name);
  return true;
}

function insertMention(nick) {
  const input = $('input_text');
  const mention = `@${nick}: `;
  input.value = input.value.trim() === '' ? mention : `${input.value.replace(/\s*$/, ' ')}${mention}`;
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}

function setBell(on) {
  localStorage.setItem(BELL_KEY, on ? 'on' : 'off');
  $('bell').setAttribute('aria-pressed', String(on));
  $('bell').title = on ? 'Bell on: click to silence it' : 'Bell off: click to ring on new messages';
}

// --- events --------------------------------------------------------------------------

$('join_form').addEventListener('submit', (event) => {
  event.preventDefault();
  if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {});
  join($('passphrase').value, $('nick').value.trim(), $('remember').checked);
});

$('input_form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('input_text').value;
  if (session && text.trim() !== '' && send(text)) $('input_text').value = '';
});

$('new_room_form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('new_room_name');
  if (input.value.trim() === '') {
    input.focus();
    status('Type a room name (letters, digits, “-”), then press + again.');
    return;
  }
  if (session && createRoom(input.value.trim())) input.value = '';
});

$('search_form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (session) search($('search').value);
});

$('bell').addEventListener('click', () => setBell(localStorage.getItem(BELL_KEY) !== 'on'));
$('older').addEventListener('click', () => loadOlder());
$('all_texts').addEventListener('scroll', () => {
  if ($('all_texts').scrollTop < 40) loadOlder();
});

// One listener per area: clicks on rooms, nicknames, images and search results.
document.addEventListener('click', (event) => {
  if (!session) return;
  const target = event.target.closest('button[data-room], button[data-nick], img.inline-image, button.result');
  if (!target) return;
  if (target.dataset.room) selectRoom(target.dataset.room);
  else if (target.dataset.nick) insertMention(target.dataset.nick);
  else if (target.matches('img.inline-image')) target.classList.toggle('enlarged');
  else if (target.dataset.key) jumpTo(Number(target.dataset.key));
});

document.addEventListener('keydown', (event) => {
  if (!session) return;
  if (event.key === 'Escape') {
    session.view.hideSearch();
    if (document.activeElement === $('search')) $('input_text').focus();
  } else if (event.key === 'Enter' && event.target.matches('img.inline-image')) {
    event.target.classList.toggle('enlarged');
  } else if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
    // Alt+↑/↓: previous/next room.
    event.preventDefault();
    const order = session.state.roomOrder;
    const i = order.indexOf(session.state.current) + (event.key === 'ArrowUp' ? -1 : 1);
    selectRoom(order[(i + order.length) % order.length]);
  }
});

window.addEventListener('online', () => session?.client.retryNow());
window.addEventListener('pageshow', (event) => {
  if (event.persisted) location.reload(); // back from the bfcache: the connection is gone
});
window.addEventListener('pagehide', () => {
  if (!session) return;
  session.client.publish(topics.logout(session.nick), '{}').catch(() => {});
  session.client.end();
  session = null;
});

// --- opening -------------------------------------------------------------------------

setBell(localStorage.getItem(BELL_KEY) === 'on');
if (config.protected) $('passphrase_hint').textContent = 'This chat is protected: its passphrase is needed.';
const saved = remembered();
if (saved && typeof saved.nick === 'string') {
  $('nick').value = saved.nick;
  $('remember').checked = true;
  start(saved.nick, saved.credentials ?? null, String(saved.title ?? ''));
} else {
  $('nick').focus();
}
