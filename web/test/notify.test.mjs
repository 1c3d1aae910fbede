// The per-room notification choice (notify.js) that Web Push and the in-tab notifications follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roomChoice, roomChoices, setRoomChoice, shouldNotify, base64UrlBytes, MODES } from '../static/js/notify.js';
import en from '../static/js/locales/en.js';
import fr from '../static/js/locales/fr.js';

function memoryStorage() {
  const map = new Map();
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, String(v)) };
}

test('a room is "mentions" until chosen otherwise; choices are kept per room', () => {
  const store = memoryStorage();
  assert.equal(roomChoice('main', store), 'mentions');
  assert.ok(setRoomChoice('main', 'all', store));
  assert.ok(setRoomChoice('dev', 'none', store));
  assert.equal(roomChoice('main', store), 'all');
  assert.deepEqual(roomChoices(store), { main: 'all', dev: 'none' });
  assert.ok(setRoomChoice('main', 'mentions', store));
  assert.deepEqual(roomChoices(store), { dev: 'none' }, 'the default is not sent');
  assert.equal(setRoomChoice('main', 'sometimes', store), false);
});

test('a damaged saved value is ignored', () => {
  const store = memoryStorage();
  store.setItem('chatt-notify', '{not json');
  assert.deepEqual(roomChoices(store), {});
  store.setItem('chatt-notify', JSON.stringify({ main: 'loud', dev: 'all' }));
  assert.deepEqual(roomChoices(store), { dev: 'all' });
});

test('all: every message; mentions: mentions only; none: nothing, not even a mention', () => {
  assert.equal(shouldNotify('all', false), true);
  assert.equal(shouldNotify('mentions', true), true);
  assert.equal(shouldNotify('mentions', false), false);
  assert.equal(shouldNotify('none', true), false);
});

test('the VAPID key turns into its 65 bytes', () => {
  const key = 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4';
  const bytes = base64UrlBytes(key);
  assert.equal(bytes.length, 65);
  assert.equal(bytes[0], 4);
});

test('every notification string is in both catalogs', () => {
  const keys = ['push.button', 'push.on', 'push.off', 'push.failed', 'push.denied', 'push.unsupported',
    ...['on', 'off', 'busy', 'unsupported'].map((s) => `push.title.${s}`), 'notify.label', ...MODES.map((m) => `notify.${m}`)];
  for (const key of keys) {
    assert.equal(typeof en[key], 'string', `en: ${key}`);
    assert.equal(typeof fr[key], 'string', `fr: ${key}`);
  }
});

test("a notification's click opens the page on its room, once", async () => {
  const { takeRoomFromUrl } = await import('../static/js/notify.js');
  const replaced = [];
  const hist = { state: null, replaceState: (_state, _title, url) => replaced.push(url) };
  assert.equal(takeRoomFromUrl({ search: '?room=dev&x=1', pathname: '/chat/', hash: '' }, hist), 'dev');
  assert.deepEqual(replaced, ['/chat/?x=1']);
  assert.equal(takeRoomFromUrl({ search: '', pathname: '/', hash: '' }, hist), null);
  assert.equal(takeRoomFromUrl({ search: '?other=1', pathname: '/', hash: '' }, hist), null);
});
