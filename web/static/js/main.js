// The page's start: the join form → the derivation of the pair → a Session. The view owns
// the DOM, the session owns its client and listeners; this module only hands the reader's
// actions to the session of the moment.
import { readConfig } from './config.js';
import { Session, sentence, bellOn, storeBell } from './session.js';
import { View } from './view.js';
import { nickProblem } from './names.js';
import { registerServiceWorker, forgetHistory } from './pwa.js';
import { t, pageError, errorText, translatePage } from './i18n.js';
import { bindLanguageSwitch } from './language-switch.js';

const config = readConfig(document, location);
translatePage(document);
// The "not sent yet" of a queued message is drawn by chatt.css from this property.
document.documentElement.style.setProperty('--queued-label', `" — ${t('message.queued').replace(/["\\]/g, '\\$&')}"`);
bindLanguageSwitch(document.getElementById('language'));
const view = new View(document);
view.setName(config.name);
const SESSION_KEY = 'chatt-session';

let session = null; // the joined Session, or null
let joining = false; // while the passphrase is being derived
let resumable = null; // { nick, credentials } of a remembered session that waits for its personal secret

function remembered() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
}

function end() {
  session?.dispose();
  session = null;
}

/** A protected chat's history stays in the worker's cache only while someone is logged in. */
function loggedOut() {
  if (config.protected) forgetHistory();
}

function backToForm(message) {
  end();
  sessionStorage.removeItem(SESSION_KEY);
  loggedOut();
  view.reset(null);
  view.showForm({ focus: 'passphrase' });
  view.status(message, 'error');
}

/**
 * The member's keys from their personal secret (PBKDF2, 600,000 iterations: a moment with
 * WebCrypto), null without one. The time it took is kept in `window.chattKeyDerivationMs`
 * (bench/ reads it).
 */
async function deriveKeys(secret, nick) {
  if (secret === '') return null;
  const { deriveIdentity, identitySupported } = await import('./identity.js');
  if (!identitySupported()) {
    throw pageError('join.secretNeedsHttps');
  }
  const started = performance.now();
  let identity;
  try {
    identity = await deriveIdentity(secret, nick);
  } catch (error) {
    // Browsers before Ed25519/X25519 in WebCrypto (Chrome 113–, Firefox 129–, Safari 17–).
    throw pageError('join.secretUnsupported', { reason: error.message });
  }
  window.chattKeyDerivationMs = performance.now() - started;
  return identity;
}

function join({ passphrase, nick, remember, secret = '' }) {
  if (joining) return;
  if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {});
  const problem = nickProblem(nick);
  if (problem) {
    view.status(problem, 'error');
    view.focusField('nick');
    return;
  }
  // A remembered session asked only for its personal secret: its pair is still here.
  const resumed = passphrase === '' && resumable?.nick === nick ? resumable : null;
  if (config.protected && passphrase === '' && !resumed) {
    view.status(t('join.protectedEnter'), 'error');
    view.focusField('passphrase');
    return;
  }
  joining = true;
  view.setJoining(true);
  // 600,000 PBKDF2 iterations for the strong scheme: a moment with WebCrypto, a second or
  // more without it (plain http on a LAN).
  if (passphrase !== '' && config.scheme !== 'legacy') view.status(t('join.derivingLogin'));
  if (secret !== '') view.status(t('join.derivingKeys'));
  // An empty passphrase means "no protection": nothing to derive, and the derivations
  // (credentials.js, strong.js) are not even loaded.
  const derivation = passphrase === ''
    ? Promise.resolve(resumed?.credentials ?? null)
    : import('./credentials.js').then(({ derivePair }) => derivePair(config, passphrase));
  Promise.all([derivation, deriveKeys(secret, nick)]).then(
    ([pair, identity]) => {
      joining = false;
      view.setJoining(false);
      const credentials = pair;
      // The personal secret and the keys are never stored: a reload joins without them.
      if (remember) sessionStorage.setItem(SESSION_KEY, JSON.stringify({ nick, credentials, signed: identity !== null }));
      else sessionStorage.removeItem(SESSION_KEY);
      start(nick, credentials, identity);
    },
    (error) => {
      joining = false;
      view.setJoining(false);
      view.status(sentence(errorText(error)), 'error');
    },
  );
}

function start(nick, credentials, identity = null) {
  end();
  session = new Session({ config, nick, credentials, view, onRefused: backToForm, identity });
  session.start();
  session.showPush();
}

function setBell(on) {
  storeBell(on);
  view.setBell(on);
}

view.bind({
  join,
  send: (text, replyTo) => session?.send(text, replyTo) ?? false,
  upload: (files) => session?.upload(files),
  edit: (id, text) => session?.edit(id, text) ?? false,
  remove: (id) => session?.remove(id),
  react: (id, emoji) => session?.react(id, emoji) ?? false,
  typed: () => session?.typed(),
  jumpToMessage: (id) => session?.jumpToMessage(id),
  createRoom: (name) => session?.createRoom(name) ?? false,
  search: (query, scope) => session?.search(query, scope),
  moreResults: () => session?.moreResults(),
  setTopic: (text) => session?.setTopic(text) ?? false,
  archive: (room, on) => session?.archive(room, on),
  toggleBell: () => setBell(!bellOn()),
  togglePush: () => session?.togglePush(),
  setRoomNotify: (mode) => session?.setRoomNotify(mode),
  older: () => session?.older(),
  selectRoom: (name) => session?.selectRoom(name),
  stepRoom: (step) => session?.stepRoom(step),
  jumpTo: (key, room) => session?.jumpTo(key, room),
  online: () => session?.retryNow(),
  reachedEnd: () => session?.reachedEnd(),
  leave: () => {
    session?.leave();
    session = null;
    // Not remembered: the page going away is the logout (a remembered one rejoins on reload).
    if (remembered() === null) loggedOut();
  },
});

setBell(bellOn());
const saved = remembered();
if (saved && typeof saved.nick === 'string' && saved.signed === true) {
  // Joined with a personal secret: it is never stored, so it is asked again rather than
  // joining unsigned (the others' pages would show every message as forged).
  resumable = { nick: saved.nick, credentials: saved.credentials ?? null };
  view.showForm({ nick: saved.nick, remember: true, protectedChat: config.protected, focus: 'secret' });
  view.status(t('join.secretAgain'));
} else if (saved && typeof saved.nick === 'string') {
  view.showForm({ nick: saved.nick, remember: true, protectedChat: config.protected });
  start(saved.nick, saved.credentials ?? null);
} else {
  loggedOut(); // nobody logged in on this open: a protected chat's history goes
  view.showForm({ protectedChat: config.protected });
}

registerServiceWorker();
// A click on a Web Push notification while the page is open: the worker asks it to show the room.
navigator.serviceWorker?.addEventListener('message', (event) => {
  if (event.data?.type === 'chatt-open-room' && typeof event.data.room === 'string') session?.selectRoom(event.data.room);
});
