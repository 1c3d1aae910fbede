// The page's Web Push control (push.js) against fakes of the Push API and the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PushControl, pushTexts, TEXTS_CACHE, TEXTS_KEY } from '../static/js/push.js';
import { setLanguage, loadCatalog } from '../static/js/i18n.js';

const KEY = 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4';

function fakes({ permission = 'granted', status = 201, caches = undefined } = {}) {
  const calls = [];
  let current = null;
  const subscription = {
    endpoint: 'https://push.example/abc',
    toJSON: () => ({ endpoint: 'https://push.example/abc', keys: { p256dh: 'p', auth: 'a' } }),
    unsubscribe: async () => { calls.push(['browser unsubscribe']); current = null; return true; },
  };
  const registration = { pushManager: {
    getSubscription: async () => current,
    subscribe: async (options) => { calls.push(['subscribe', options.userVisibleOnly, options.applicationServerKey.length]); current = subscription; return current; },
  } };
  const api = {
    base: '', headers: { Accept: 'application/json', Authorization: 'Basic x' },
    get: async (path) => { calls.push(['GET', path]); return { publicKey: KEY }; },
    fetch: async (url, init) => {
      calls.push([init.method, url, JSON.parse(init.body), init.headers.Authorization]);
      return { ok: status < 300, status, json: async () => ({ error: { message: 'endpoint: must be https' } }) };
    },
  };
  const notification = { requestPermission: async () => { calls.push(['permission']); return permission; } };
  const control = new PushControl({ api, nick: 'ann', nav: { serviceWorker: { ready: Promise.resolve(registration) } }, notification, caches });
  return { control, calls };
}

test('a click subscribes: permission, the key, the Push API, then the POST with the nick and the choices', async () => {
  const { control, calls } = fakes();
  await control.subscribe();
  assert.deepEqual(calls, [
    ['permission'],
    ['GET', 'data/push/key'],
    ['subscribe', true, 65],
    ['POST', 'data/push/subscriptions',
      { subscription: { endpoint: 'https://push.example/abc', keys: { p256dh: 'p', auth: 'a' } }, nick: 'ann', rooms: {} }, 'Basic x'],
  ]);
  calls.length = 0;
  await control.unsubscribe();
  assert.deepEqual(calls, [['DELETE', 'data/push/subscriptions', { endpoint: 'https://push.example/abc' }, 'Basic x'], ['browser unsubscribe']]);
  assert.equal(await control.current(), null);
});

test('a refused permission subscribes nothing', async () => {
  const { control, calls } = fakes({ permission: 'denied' });
  await assert.rejects(control.subscribe(), (error) => error.key === 'push.denied');
  assert.deepEqual(calls, [['permission']]);
});

test("the server's refusal is said with its reason", async () => {
  const { control } = fakes({ status: 400 });
  await assert.rejects(control.subscribe(), /the server refused it: endpoint: must be https \(HTTP 400\)/);
});

test('the page leaves the worker its notification texts, in its language, with {from} and {room} to fill', async () => {
  const stored = new Map();
  const caches = { open: async (name) => ({ put: async (key, response) => stored.set(`${name}/${key}`, await response.json()) }) };
  const { control } = fakes({ caches });
  await control.subscribe();
  assert.deepEqual(stored.get(`${TEXTS_CACHE}/${TEXTS_KEY}`), { message: '{from} in {room}', direct: 'New direct message from {from}' });
  await loadCatalog('fr');
  setLanguage('fr', { remember: false });
  try {
    assert.deepEqual(pushTexts(), { message: '{from} dans {room}', direct: 'Nouveau message direct de {from}' });
  } finally {
    setLanguage('en', { remember: false });
  }
});
