// Direct messages in the page (direct.js): the topic's nicknames in code-point order, sealed
// before they leave, opened only with one of the two members' keys, history pages read
// defensively, unread counts; an envelope that does not decrypt shows as such.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deriveIdentity } from '../static/js/identity.js';
import { IdentitySession, KeyBook } from '../static/js/identity-session.js';
import { DirectMessages, parseDirectTopic, parseEnvelope, NO_SECRET } from '../static/js/direct.js';

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../Tests/Fixtures/identity-vectors.json', import.meta.url)), 'utf8'));
const secrets = Object.fromEntries(fixture.identities.slice(0, 2).map((v) => [v.nick, v.secret]));
const keys = {
  alice: await deriveIdentity(secrets.alice, 'alice'),
  bob: await deriveIdentity(secrets.bob, 'bob'),
  carol: await deriveIdentity('carol\'s secret', 'carol', { iterations: 1000 }),
};

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(key) { return this.items.get(key) ?? null; }
  setItem(key, value) { this.items.set(key, String(value)); }
}

function member(nick, { secret = true, history = null } = {}) {
  const ids = new IdentitySession({ nick, own: secret ? keys[nick] : null, book: new KeyBook(new MemoryStorage(), 'chat') });
  for (const other of Object.values(keys)) if (other.nick !== nick) ids.learn(other.nick, { sign: other.sign, dh: other.dh });
  const published = [];
  const changes = [];
  const client = { publish: async (topic, payload, options) => { published.push({ topic, payload, options }); } };
  const api = { get: async (path) => { if (!history) throw new Error('HTTP 404'); return history(path); } };
  const direct = new DirectMessages({ nick, ids, client, api, onChange: (change) => changes.push(change) });
  return { direct, published, changes };
}

test('direct topics: the two nicknames in code-point order, valid and different', () => {
  assert.deepEqual(parseDirectTopic('direct/alice/bob'), { a: 'alice', b: 'bob' });
  assert.equal(parseDirectTopic('direct/bob/alice'), null);
  assert.equal(parseDirectTopic('direct/alice/alice'), null);
  assert.equal(parseDirectTopic('direct/alice/bob/x'), null);
  assert.equal(parseDirectTopic('direct/al+ce/bob'), null);
  assert.equal(parseDirectTopic('rooms/alice/bob'), null);
  // U+FF5E before U+1F600 in code points, though not in UTF-16 code units.
  assert.deepEqual(parseDirectTopic('direct/\uFF5E/😀'), { a: '\uFF5E', b: '😀' });
  assert.equal(parseDirectTopic('direct/😀/\uFF5E'), null);
  assert.deepEqual(parseDirectTopic('direct/Bob/alice'), { a: 'Bob', b: 'alice' });
  assert.equal(DirectMessages.subscriptions('bob', true).map((s) => s.topic).join(), 'direct/bob/+,direct/+/bob');
  assert.deepEqual(DirectMessages.subscriptions('bob', false), []);
});

test('a message is sealed before it leaves; the peer opens it, a third member cannot', async () => {
  const alice = member('alice'), bob = member('bob'), carol = member('carol');
  const { message } = await alice.direct.send('bob', 'just between us 🤫');
  assert.equal(message.text, 'just between us 🤫');
  assert.equal(alice.published.length, 1);
  const { topic, payload, options } = alice.published[0];
  assert.equal(topic, 'direct/alice/bob');
  assert.equal(options.qos, 1);
  assert.ok(!payload.includes('between us'), 'no plain text on the wire');
  assert.deepEqual(Object.keys(JSON.parse(payload)).sort(), ['ct', 'from', 'id', 'nonce', 'sig', 'to', 'ts']);
  const opened = await bob.direct.onMessage(topic, payload);
  assert.equal(opened.text, 'just between us 🤫');
  assert.equal(opened.verdict, 'verified');
  assert.deepEqual(bob.direct.list(), [{ peer: 'alice', unread: 1 }]);
  assert.equal(await bob.direct.onMessage(topic, payload), null, 'twice: once');
  assert.equal(await carol.direct.onMessage(topic, payload), null, 'not carol\'s conversation: ignored');
  // Even forced, carol's keys do not open it: it shows as not decryptable.
  const forced = await carol.direct.open(topic, { ...JSON.parse(payload), to: 'carol' });
  assert.equal(forced.text, '');
  assert.match(forced.problem, /could not be decrypted/);
  // The sender's own copy from the broker is the same message.
  assert.equal(await alice.direct.onMessage(topic, payload), null);
  await bob.direct.select('alice');
  assert.equal(bob.direct.totalUnread(), 0);
});

test('an altered envelope, a bad one, or a member without a secret: shown as such, never thrown', async () => {
  const alice = member('alice'), bob = member('bob');
  await alice.direct.send('bob', 'hello');
  const { topic, payload } = alice.published[0];
  const value = JSON.parse(payload);
  const flipped = value.ct[0] === 'A' ? `B${value.ct.slice(1)}` : `A${value.ct.slice(1)}`;
  const altered = await bob.direct.onMessage(topic, JSON.stringify({ ...value, ct: flipped, id: 'other-id-1' }));
  assert.match(altered.problem, /could not be decrypted/);
  const resigned = await bob.direct.onMessage(topic, JSON.stringify({ ...value, sig: value.sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), id: 'other-id-2' }));
  assert.equal(resigned.verdict, 'forged', 'opens, but the signature does not hold');
  for (const bad of ['not json', '{}', JSON.stringify({ ...value, nonce: 'short' }), JSON.stringify({ ...value, from: 'carol' }),
    JSON.stringify({ ...value, ts: 'x' }), JSON.stringify({ ...value, id: 'a b' })]) {
    assert.equal(await bob.direct.onMessage(topic, bad), null, bad);
  }
  assert.equal(await bob.direct.onMessage('direct/bob/alice', payload), null, 'nicknames out of order');
  const reader = member('bob', { secret: false });
  assert.equal((await reader.direct.onMessage(topic, payload)).problem, NO_SECRET);
  assert.equal(reader.direct.canStart('alice'), false);
  assert.equal((await reader.direct.send('alice', 'hi')).problem, NO_SECRET);
  assert.equal(reader.published.length, 0);
  assert.equal(parseEnvelope(topic, null), null);
});

test('history: the shared vectors\' envelope opens; bad entries skipped; a server without the route is fine', async () => {
  const entries = fixture.direct.map((d) => d.envelope);
  let asked = null;
  const bob = member('bob', { history: (path) => { asked = path; return { messages: [...entries, { junk: true }, 'x', null], hasMore: false }; } });
  await bob.direct.select('alice');
  assert.equal(asked, 'data/direct/alice/bob/messages?limit=100');
  assert.deepEqual(bob.direct.conversations.get('alice').messages.map((m) => [m.text, m.verdict, m.replyTo ?? null]),
    fixture.direct.map((d) => [d.text, 'verified', d.replyTo]));
  const alice = member('alice');
  await alice.direct.select('bob'); // the fake api throws (HTTP 404): live messages only
  assert.deepEqual(alice.direct.conversations.get('bob').messages, []);
  const weird = member('alice', { history: () => ({ messages: 'nope' }) });
  await weird.direct.select('bob');
  assert.deepEqual(weird.direct.conversations.get('bob').messages, []);
});

test('a message that came before its sender\'s key opens once the key is known', async () => {
  const alice = member('alice');
  await alice.direct.send('bob', 'early bird');
  const ids = new IdentitySession({ nick: 'bob', own: keys.bob, book: new KeyBook(new MemoryStorage(), 'chat') });
  const changes = [];
  const bob = new DirectMessages({ nick: 'bob', ids, client: { publish: async () => {} }, api: { get: async () => ({}) }, onChange: (c) => changes.push(c) });
  const { topic, payload } = alice.published[0];
  const waiting = await bob.onMessage(topic, payload);
  assert.match(waiting.problem, /key is not known here yet/);
  assert.equal(await bob.keyLearnt('alice'), 0, 'still no key');
  ids.learn('alice', { sign: keys.alice.sign, dh: keys.alice.dh });
  assert.equal(await bob.keyLearnt('alice'), 1);
  const [message] = bob.conversations.get('alice').messages;
  assert.equal(message.text, 'early bird');
  assert.equal(message.verdict, 'verified');
  assert.equal(message.problem, undefined);
});
