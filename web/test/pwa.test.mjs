// pwa.js: the history kept for offline opens is forgotten at a protected chat's logout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgetHistory, HISTORY_CACHE, registerServiceWorker } from '../static/js/pwa.js';

test('forgetHistory deletes the worker\'s history cache, and only it', async () => {
  const deleted = [];
  const store = { delete: async (name) => { deleted.push(name); return true; } };
  assert.equal(await forgetHistory(store), true);
  assert.deepEqual(deleted, [HISTORY_CACHE]);
  assert.equal(HISTORY_CACHE, 'chatt-data'); // the name sw.js uses
});

test('forgetHistory without Cache Storage, or with it refused, does nothing and does not throw', async () => {
  assert.equal(await forgetHistory(null), false);
  assert.equal(await forgetHistory({ delete: async () => { throw new Error('SecurityError'); } }), false);
});

test('registerServiceWorker without service workers resolves to null', async () => {
  assert.equal(await registerServiceWorker({}), null);
});
