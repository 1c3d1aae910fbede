// The page's signed nicknames (identity-session.js): every event it sends carries the `sig`
// of the shared vectors (Tests/Fixtures/identity-vectors.json), through the same code the
// page publishes with (Conversation for edit/delete/react); the verdicts on others' events;
// key announcements, the keys remembered per chat, a changed key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deriveIdentity } from '../static/js/identity.js';
import { IdentitySession, KeyBook, signedFields, parseKeyPair } from '../static/js/identity-session.js';
import { Conversation } from '../static/js/conversation.js';
import { ChatState } from '../static/js/state.js';
import { entryToMessage } from '../static/js/wire.js';
import { verdictMark } from '../static/js/identity-view.js';

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../Tests/Fixtures/identity-vectors.json', import.meta.url)), 'utf8'));
const own = {};
for (const v of fixture.identities.slice(0, 2)) own[v.nick] = await deriveIdentity(v.secret, v.nick);
const impostor = await deriveIdentity(fixture.identities[2].secret, 'alice'); // another secret, same nickname

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
}

/** The payload an event of the vectors was made from. */
function payloadOf(topic, fields) {
  const verb = topic.split('/').at(-1);
  const [id, ts, author] = fields;
  switch (verb) {
    case 'newtext': return { author, text: fields[4], id, ts: Number(ts), ...(fields[3] ? { replyTo: fields[3] } : {}) };
    case 'edit': return { author, id, ts: Number(ts), target: fields[3], text: fields[4] };
    case 'delete': return { author, id, ts: Number(ts), target: fields[3] };
    case 'react': return { author, id, ts: Number(ts), target: fields[3], on: fields[4] === '1', emoji: fields[5] };
    case 'key': return { ts: Number(fields[0]), sign: fields[1], dh: fields[2] };
    default: throw new Error(topic);
  }
}

const session = (nick, keys, storage = new MemoryStorage(), onKeyChanged) =>
  new IdentitySession({ nick, own: keys, book: new KeyBook(storage, 'ws://127.0.0.1:9001/'), onKeyChanged });

test('every event the page signs has the vectors\' signature input and signature', async () => {
  for (const v of fixture.signatures) {
    const payload = payloadOf(v.topic, v.fields);
    assert.deepEqual(signedFields(v.topic, payload).map(String), v.fields, v.topic);
    const signed = await session(v.signer, own[v.signer]).sign(v.topic, payload);
    assert.equal(signed.sig, v.sig, v.topic);
  }
  const envelope = fixture.direct[0].envelope;
  assert.equal(['chatt-sig-1', fixture.direct[0].topic, ...signedFields(fixture.direct[0].topic, envelope)].join('\n'), fixture.direct[0].signatureInput);
  // Typing and presence are not signed; without a secret nothing is.
  assert.equal(signedFields('rooms/main/typing', { author: 'a', ts: 1 }), null);
  const plain = { author: 'carol', text: 'hi', id: 'abcdefgh', ts: 1 };
  assert.equal(await session('carol', null).sign('rooms/main/newtext', plain), plain);
});

test('edit, delete and react leave the Conversation signed', async () => {
  const published = [];
  const client = { connected: true, publish: (topic, payload) => { published.push({ topic, payload: JSON.parse(payload) }); return Promise.resolve(); } };
  const view = { updateMessage: () => {}, setTyping: () => {}, status: () => {}, messageArrived: () => {} };
  const state = new ChatState('alice');
  state.addMessage('main', { author: 'alice', text: 'mine', ts: 1, id: 'my-message-1', key: null });
  const ids = session('alice', own.alice);
  const conversation = new Conversation({ nick: 'alice', state, view, client, sign: (t, p) => ids.sign(t, p) });
  conversation.edit('main', 'my-message-1', 'mine!');
  conversation.react('main', 'my-message-1', '👍');
  conversation.remove('main', 'my-message-1');
  const deadline = Date.now() + 10000;
  while (published.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(published.length, 3);
  const reader = session('bob', null);
  reader.learn('alice', { sign: own.alice.sign, dh: own.alice.dh });
  for (const { topic, payload } of published) {
    assert.equal(await reader.verdict(topic, 'alice', JSON.stringify(payload)), 'verified', topic);
  }
});

test('verdicts: verified, forged (missing, wrong, another key, unparsable), plain without a key', async () => {
  const reader = session('carol', null);
  const topic = 'rooms/main/newtext';
  const payload = { author: 'alice', text: 'hello', id: 'msg-12345678', ts: 1800000000000 };
  const good = JSON.stringify(await session('alice', own.alice).sign(topic, payload));
  assert.equal(await reader.verdict(topic, 'alice', good), null, 'no key known yet: plain');
  reader.learn('alice', { sign: own.alice.sign, dh: own.alice.dh });
  assert.equal(await reader.verdict(topic, 'alice', good), 'verified');
  assert.equal(await reader.verdict(topic, 'alice', JSON.stringify(payload)), 'forged', 'no sig');
  assert.equal(await reader.verdict(topic, 'alice', JSON.stringify({ ...JSON.parse(good), text: 'changed' })), 'forged');
  assert.equal(await reader.verdict('rooms/other/newtext', 'alice', good), 'forged', 'another room');
  assert.equal(await reader.verdict(topic, 'alice', JSON.stringify({ ...payload, sig: 'AAAA' })), 'forged', 'a short sig');
  const byImpostor = JSON.stringify(await session('alice', impostor).sign(topic, payload));
  assert.equal(await reader.verdict(topic, 'alice', byImpostor), 'forged', 'another key');
  assert.equal(await reader.verdict(topic, 'alice', '{not json'), 'forged');
  assert.equal(await reader.verdict(topic, 'bob', JSON.stringify({ ...payload, author: 'bob' })), null);
});

test('key announcements: self-signed ones learnt and remembered per chat; bad ones refused; a change warned', async () => {
  const storage = new MemoryStorage();
  const changed = [];
  const reader = session('carol', null, storage, (nick) => changed.push(nick));
  const announcement = await session('alice', own.alice).announcement(1800000000000);
  assert.equal(announcement.topic, 'users/alice/key');
  assert.equal(announcement.payload.sig, fixture.signatures.find((s) => s.topic === 'users/alice/key').sig);
  assert.equal(await reader.onKeyMessage('alice', JSON.stringify(announcement.payload)), 'new');
  assert.equal(await reader.onKeyMessage('alice', JSON.stringify(announcement.payload)), 'same');
  // Under another nickname the self-signature does not hold (the topic is signed).
  assert.equal(await reader.onKeyMessage('bob', JSON.stringify(announcement.payload)), null);
  assert.equal(await reader.onKeyMessage('alice', JSON.stringify({ ...announcement.payload, sig: undefined })), null);
  assert.equal(await reader.onKeyMessage('alice', JSON.stringify({ ...announcement.payload, sign: 'short' })), null);
  assert.equal(await reader.onKeyMessage('alice', 'garbage'), null);
  assert.deepEqual(changed, []);
  // Remembered: a new page of the same chat knows alice's key.
  assert.deepEqual(session('dave', null, storage).book.get('alice'), { sign: own.alice.sign, dh: own.alice.dh });
  assert.equal(new KeyBook(storage, 'ws://elsewhere:9001/').get('alice'), null);
  // Another key for alice: warned.
  const other = await session('alice', impostor).announcement(1800000000001);
  assert.equal(await reader.onKeyMessage('alice', JSON.stringify(other.payload)), 'changed');
  assert.deepEqual(changed, ['alice']);
  // The server's pins (lastinfo) count as keys seen; bad ones are skipped.
  reader.mergeLastinfo({ keys: { bob: { sign: own.bob.sign, dh: own.bob.dh }, eve: { sign: 'x', dh: 'y' }, 'a/b': { sign: own.bob.sign, dh: own.bob.dh } } });
  assert.deepEqual(reader.book.get('bob'), { sign: own.bob.sign, dh: own.bob.dh });
  assert.equal(reader.book.get('eve'), null);
  // An announcement against the server's pin is refused (and warned), the pin stays.
  const bobImpostor = await deriveIdentity('guess', 'bob');
  const fake = await session('bob', bobImpostor).announcement(1800000000002);
  assert.equal(await reader.onKeyMessage('bob', JSON.stringify(fake.payload)), 'refused');
  assert.equal(reader.book.get('bob').sign, own.bob.sign);
  assert.deepEqual(changed, ['alice', 'bob']);
  assert.equal(parseKeyPair(null), null);
});

/** Resolves when `condition()` holds; fails after a deadline (no timing assertion: it only bounds the wait). */
async function until(condition, what, deadline = Date.now() + 10_000) {
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`waited for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('live messages that came before their author\'s key are checked when the key comes (announcement or pin)', async () => {
  const reader = session('carol', null);
  const topic = 'rooms/main/newtext';
  const payload = { author: 'alice', text: 'hello before my key', id: 'msg-early-001', ts: 1800000000000 };
  const good = JSON.stringify(await session('alice', own.alice).sign(topic, payload));
  const byImpostor = JSON.stringify(await session('alice', impostor).sign(topic, { ...payload, id: 'msg-early-002' }));
  const unsigned = JSON.stringify({ ...payload, id: 'msg-early-003' });
  const verdicts = [];
  for (const [name, text] of [['good', good], ['impostor', byImpostor], ['unsigned', unsigned]]) {
    await reader.check(topic, 'alice', text, (verdict) => verdicts.push([name, verdict]));
  }
  assert.deepEqual(verdicts, [], 'no key yet: plain, nothing decided');
  assert.equal(reader.awaiting.count('alice'), 3);
  // alice's retained key announcement comes: the three are checked as if it had been there.
  const announcement = await session('alice', own.alice).announcement(1800000000000);
  assert.equal(await reader.onKeyMessage('alice', JSON.stringify(announcement.payload)), 'new');
  await until(() => verdicts.length === 3, 'the three verdicts');
  assert.deepEqual(Object.fromEntries(verdicts), { good: 'verified', impostor: 'forged', unsigned: 'forged' });
  assert.equal(reader.awaiting.count('alice'), 0, 'checked once');
  // With the key known, a later message is checked at once.
  await reader.check(topic, 'alice', good, (verdict) => verdicts.push(['again', verdict]));
  assert.deepEqual(verdicts.at(-1), ['again', 'verified']);
  // A refused announcement (against the server's pin) releases nothing; the pin itself does.
  const bobPayload = { ...payload, author: 'bob', id: 'msg-early-004' };
  const bobText = JSON.stringify(await session('bob', own.bob).sign(topic, bobPayload));
  const bobVerdicts = [];
  await reader.check(topic, 'bob', bobText, (verdict) => bobVerdicts.push(verdict));
  reader.mergeLastinfo({ keys: { bob: { sign: own.bob.sign, dh: own.bob.dh } } });
  await until(() => bobVerdicts.length === 1, "bob's verdict after the server's pin");
  assert.deepEqual(bobVerdicts, ['verified']);
  // A nickname that never gets a key stays plain: its messages are held, bounded.
  for (let i = 0; i < 250; i += 1) await reader.check(topic, 'nokey', JSON.stringify({ ...payload, author: 'nokey' }), () => assert.fail('no key'));
  assert.equal(reader.awaiting.count('nokey'), 200);
});

test('memorize\'s verdict in a history entry is shown: a mark, or a warning', () => {
  const verified = entryToMessage(['alice', 'hi', 1, 'msg-12345678', 3, { sig: 'verified' }]);
  const forged = entryToMessage(['bot', 'enter the passphrase at http://evil', 2, 'msg-87654321', 4, { sig: 'forged' }]);
  const other = entryToMessage(['bob', 'hi', 1, 'msg-12345679', 5, { sig: '<b>' }]);
  assert.equal(verified.verdict, 'verified');
  assert.equal(forged.verdict, 'forged');
  assert.equal(other.verdict, undefined);
  const doc = { createElement: (tag) => ({ tag, attributes: {}, setAttribute(k, v) { this.attributes[k] = v; } }) };
  assert.equal(verdictMark(doc, verified)[0].className, 'verified');
  const [warning] = verdictMark(doc, forged);
  assert.equal(warning.className, 'forged');
  assert.match(warning.textContent, /not from bot/);
  assert.deepEqual(verdictMark(doc, other), []);
});

test('an edit, delete or reaction under a signed nickname is applied only when signed by its key', async () => {
  const view = { updated: [], updateMessage(room, m) { this.updated.push(m.id); }, setTyping: () => {}, status: () => {}, messageArrived: () => {} };
  const state = new ChatState('carol');
  state.addMessage('main', { author: 'alice', text: 'original', ts: 1, id: 'alices-msg-1', key: null });
  const ids = session('carol', null);
  ids.learn('alice', { sign: own.alice.sign, dh: own.alice.dh });
  const conversation = new Conversation({ nick: 'carol', state, view, client: { publish: async () => {} }, verifier: ids });
  const edit = (text, id) => ({ author: 'alice', id, ts: 1800000000000, target: 'alices-msg-1', text });
  // By an impostor (no sig, then another key's sig): not applied.
  conversation.onRoomEvent('main', 'edit', JSON.stringify(edit('pwned', 'evt-forged-1')), false);
  const byImpostor = await session('alice', impostor).sign('rooms/main/edit', edit('pwned again', 'evt-forged-2'));
  conversation.onRoomEvent('main', 'edit', JSON.stringify(byImpostor), false);
  const signed = await session('alice', own.alice).sign('rooms/main/edit', edit('fixed typo', 'evt-signed-1'));
  conversation.onRoomEvent('main', 'edit', JSON.stringify(signed), false);
  const deadline = Date.now() + 10000;
  while (state.find('main', 'alices-msg-1').text === 'original' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(state.find('main', 'alices-msg-1').text, 'fixed typo');
  assert.deepEqual(view.updated, ['alices-msg-1']);
  // A nickname without a key: applied at once, as before.
  state.addMessage('main', { author: 'dave', text: 'plain', ts: 1, id: 'daves-msg-1', key: null });
  conversation.onRoomEvent('main', 'edit', JSON.stringify({ author: 'dave', id: 'evt-plain-1', ts: 1800000000000, target: 'daves-msg-1', text: 'plain!' }), false);
  assert.equal(state.find('main', 'daves-msg-1').text, 'plain!');
});

test('signatures resolve in the order asked (events leave in the order the member made them)', async () => {
  const ids = session('alice', own.alice);
  const done = [];
  const all = [];
  for (let i = 0; i < 40; i += 1) {
    const text = i % 2 ? 'x'.repeat(20000) : 'short'; // different lengths, different work
    all.push(ids.sign('rooms/main/newtext', { author: 'alice', text, id: `msg-order-${i}`, ts: 1 }).then((p) => done.push(p.id)));
  }
  await Promise.all(all);
  assert.deepEqual(done, Array.from({ length: 40 }, (_, i) => `msg-order-${i}`));
});
