import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventApplier, parseRoomEvent, parsePresence, emojiProblem } from '../static/js/events.js';
import { entryToMessage, payloadToMessage } from '../static/js/wire.js';
import { ChatState } from '../static/js/state.js';

const ID = (n) => `event-id-${n}`;
const msg = (over = {}) => ({ author: 'alice', text: 'hello', ts: 1000, id: 'message-1', key: null, ...over });
const ev = (kind, over = {}) => ({ kind, author: 'alice', id: ID(Math.random().toString(36).slice(2, 10)), ts: 2000, target: 'message-1', ...over });

test('parseRoomEvent: each event, and bad fields refused', () => {
  const base = { author: 'bob', id: 'abcdefgh', ts: 5, target: 'message-1' };
  assert.deepEqual(parseRoomEvent('edit', JSON.stringify({ ...base, text: 'x', extra: 1 })), { kind: 'edit', ...base, text: 'x' });
  assert.deepEqual(parseRoomEvent('delete', JSON.stringify(base)), { kind: 'delete', ...base });
  assert.deepEqual(parseRoomEvent('react', JSON.stringify({ ...base, emoji: '👍🏽', on: true })), { kind: 'react', ...base, emoji: '👍🏽', on: true });
  assert.deepEqual(parseRoomEvent('typing', '{"author":"bob","ts":1}'), { kind: 'typing', author: 'bob' });
  for (const [verb, bad] of [
    ['edit', { ...base, text: 3 }], ['edit', { ...base, id: 'short' }], ['edit', { ...base, id: 'has space 123' }],
    ['delete', { ...base, target: '' }], ['delete', { ...base, ts: '5' }], ['delete', { ...base, author: 'a/b' }],
    ['react', { ...base, emoji: '', on: true }], ['react', { ...base, emoji: 'x'.repeat(17), on: true }],
    ['react', { ...base, emoji: '👍', on: 'yes' }], ['react', { ...base, emoji: '\u0007', on: true }],
    ['shout', base], ['typing', { ts: 1 }],
  ]) assert.equal(parseRoomEvent(verb, JSON.stringify(bad)), null, `${verb} ${JSON.stringify(bad)}`);
  assert.equal(parseRoomEvent('edit', 'not json'), null);
  assert.equal(emojiProblem('👨‍👩‍👧‍👦'), null); // one character of 7 code points
  assert.equal(parsePresence('{"state":"away","ts":1}'), 'away');
  assert.equal(parsePresence('{"state":"gone"}'), null);
});

test('edit and delete only from the target\'s author', () => {
  const applier = new EventApplier();
  const m = msg();
  const find = (id) => (id === m.id ? m : undefined);
  assert.equal(applier.apply(ev('edit', { author: 'mallory', text: 'pwned' }), find), null);
  assert.equal(applier.apply(ev('delete', { author: 'mallory' }), find), null);
  assert.equal(m.text, 'hello');
  assert.equal(applier.apply(ev('edit', { text: 'hello!' }), find), m);
  assert.equal(m.text, 'hello!');
  assert.equal(m.edited, 2000);
  // An older edit arriving late does not undo a newer one.
  assert.equal(applier.apply(ev('edit', { text: 'old', ts: 1500 }), find), null);
  assert.equal(m.text, 'hello!');
  assert.equal(applier.apply(ev('delete'), find), m);
  assert.equal(m.deleted, true);
  assert.equal(m.text, '');
  assert.equal(applier.apply(ev('edit', { text: 'back', ts: 9000 }), find), null); // a tombstone stays
});

test('reactions: one per author and emoji; a removal only of one\'s own', () => {
  const applier = new EventApplier();
  const m = msg();
  const find = () => m;
  applier.apply(ev('react', { author: 'bob', emoji: '👍', on: true }), find);
  applier.apply(ev('react', { author: 'carol', emoji: '👍', on: true, ts: 2001 }), find);
  assert.equal(applier.apply(ev('react', { author: 'bob', emoji: '👍', on: true, ts: 2002 }), find), null); // already
  assert.deepEqual([...m.reactions.get('👍')], ['bob', 'carol']);
  applier.apply(ev('react', { author: 'carol', emoji: '👍', on: false, ts: 2003 }), find);
  assert.deepEqual([...m.reactions.get('👍')], ['bob']);
  // bob's older "on" delivered after his newer "off" stays off.
  applier.apply(ev('react', { author: 'bob', emoji: '👍', on: false, ts: 3000 }), find);
  applier.apply(ev('react', { author: 'bob', emoji: '👍', on: true, ts: 2500 }), find);
  assert.equal(m.reactions.has('👍'), false);
});

test('duplicates are applied once', () => {
  const applier = new EventApplier();
  const m = msg();
  const react = ev('react', { author: 'bob', emoji: '🎉', on: true });
  assert.equal(applier.apply(react, () => m), m);
  applier.apply(ev('react', { author: 'bob', emoji: '🎉', on: false, ts: 2500 }), () => m);
  assert.equal(applier.apply(react, () => m), null); // the first again (QoS 1 redelivery): not on again
  assert.equal(m.reactions.has('🎉'), false);
});

test('an event before its target is held and applied when it arrives; bounded', () => {
  let now = 0;
  const applier = new EventApplier({ now: () => now, holdLimit: 3, holdMs: 100 });
  const edit = ev('edit', { target: 'later-msg', text: 'fixed' });
  assert.equal(applier.apply(edit, () => undefined), null);
  assert.equal(applier.holding, 1);
  assert.equal(applier.apply(edit, () => undefined), null); // duplicate: held once
  assert.equal(applier.holding, 1);
  const m = msg({ id: 'later-msg', text: 'fxed' });
  assert.equal(applier.arrived(m), true);
  assert.equal(m.text, 'fixed');
  assert.equal(applier.holding, 0);
  // Held too long: dropped. More than the limit: the oldest go.
  applier.apply(ev('delete', { target: 'never-comes' }), () => undefined);
  now = 1000;
  for (let i = 0; i < 5; i += 1) applier.apply(ev('edit', { target: `t-${i}-target`, text: 'x' }), () => undefined);
  assert.equal(applier.holding, 3);
  assert.equal(applier.arrived(msg({ id: 'never-comes' })), false);
  assert.equal(applier.arrived(msg({ id: 't-0-target' })), false);
  assert.equal(applier.arrived(msg({ id: 't-4-target' })), true);
});

test('history entries with the sixth element; newtext with replyTo', () => {
  const entry = ['bob', 'hi', 10, 'message-2', 7, { replyTo: 'message-1', edited: 20, reactions: { '👍': ['alice', 'bob', 'a/b'], '': ['x'] } }];
  const m = entryToMessage(entry);
  assert.equal(m.replyTo, 'message-1');
  assert.equal(m.edited, 20);
  assert.deepEqual([...m.reactions.keys()], ['👍']);
  assert.deepEqual([...m.reactions.get('👍')], ['alice', 'bob']);
  const gone = entryToMessage(['bob', '', 10, 'message-3', 8, { deleted: true }]);
  assert.equal(gone.deleted, true);
  assert.deepEqual(entryToMessage(['bob', 'hi', 10, 'message-2', 7]), { author: 'bob', text: 'hi', ts: 10, id: 'message-2', key: 7 });
  const live = payloadToMessage(JSON.stringify({ author: 'a', text: 't', id: 'message-4', ts: 100, replyTo: 'message-1' }), 100);
  assert.equal(live.replyTo, 'message-1');
  assert.equal(payloadToMessage(JSON.stringify({ author: 'a', text: 't', replyTo: '<bad>' }), 100).replyTo, undefined);
});

test('the history merges into messages the page has: edits, deletes, reactions', () => {
  const state = new ChatState('me');
  state.mergeLastinfo({ rooms: ['main'], messages: { main: [['bob', 'hi', 10, 'message-2', 7]] } }, { initial: true });
  const changes = state.mergeLastinfo({ messages: { main: [['bob', 'hi!', 10, 'message-2', 7, { edited: 30, reactions: { '👍': ['me'] } }]] } });
  assert.equal(changes.updated.length, 1);
  const m = state.find('main', 'message-2');
  assert.equal(m.text, 'hi!');
  assert.deepEqual([...m.reactions.get('👍')], ['me']);
  const again = state.mergeLastinfo({ messages: { main: [['bob', 'hi!', 10, 'message-2', 7, { edited: 30, reactions: { '👍': ['me'] } }]] } });
  assert.equal(again.updated.length, 0);
});

test('api.around asks for the page holding a message (?around=) and reads v2 entries', async () => {
  const { HistoryApi } = await import('../static/js/api.js');
  const asked = [];
  const api = new HistoryApi({
    fetch: async (url) => {
      asked.push(url);
      return { ok: true, status: 200, json: async () => ({ messages: [['bob', 'x', 1, 'message-1', 4], ['al', 'y', 2, 'message-2', 5, { replyTo: 'message-1' }]], hasMore: true }) };
    },
  });
  const page = await api.around('main', 'message-2', 20);
  assert.deepEqual(asked, ['data/rooms/main/messages?around=message-2&limit=20']);
  assert.equal(page.hasMore, true);
  assert.deepEqual(page.messages.map((m) => [m.id, m.key, m.replyTo ?? null]), [['message-1', 4, null], ['message-2', 5, 'message-1']]);
});
