import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conversation } from '../static/js/conversation.js';
import { Presence, presencePayload, AWAY_AFTER } from '../static/js/presence.js';
import { ChatState } from '../static/js/state.js';

function fakes() {
  const published = [];
  const client = {
    connected: true,
    publish: (topic, payload, options = {}) => {
      published.push({ topic, payload: JSON.parse(payload), qos: options.qos ?? 0, retain: options.retain ?? false });
      return Promise.resolve();
    },
  };
  const updated = [];
  const typing = [];
  const view = {
    updateMessage: (room, message) => updated.push([room, message.id]),
    setTyping: (names) => typing.push(names),
    status: () => {},
    messageArrived: () => {},
  };
  const state = new ChatState('me');
  state.addMessage('main', { author: 'me', text: 'mine', ts: 1, id: 'my-message-1', key: null });
  state.addMessage('main', { author: 'bob', text: 'his', ts: 2, id: 'bobs-message', key: null });
  return { published, updated, typing, conversation: new Conversation({ nick: 'me', state, view, client }), state, client };
}

const ID = /^[A-Za-z0-9_-]{8,64}$/;

test('edit, delete and react publish the payloads of SPEC.md and apply at once', () => {
  const { published, updated, conversation, state } = fakes();
  assert.equal(conversation.edit('main', 'my-message-1', 'mine!'), true);
  assert.equal(conversation.react('main', 'bobs-message', '👍'), true);
  assert.equal(conversation.react('main', 'bobs-message', '👍'), true); // again: takes it back
  conversation.remove('main', 'my-message-1');
  assert.deepEqual(published.map((p) => [p.topic, p.qos, p.retain, Object.keys(p.payload).sort().join()]), [
    ['rooms/main/edit', 1, false, 'author,id,target,text,ts'],
    ['rooms/main/react', 1, false, 'author,emoji,id,on,target,ts'],
    ['rooms/main/react', 1, false, 'author,emoji,id,on,target,ts'],
    ['rooms/main/delete', 1, false, 'author,id,target,ts'],
  ]);
  assert.deepEqual(published.map((p) => p.payload.on), [undefined, true, false, undefined]);
  for (const { payload } of published) {
    assert.match(payload.id, ID);
    assert.equal(payload.author, 'me');
    assert.ok(Number.isInteger(payload.ts));
  }
  assert.equal(state.find('main', 'my-message-1').deleted, true);
  assert.equal(updated.length, 4);
  // Not one's own: nothing published.
  assert.equal(conversation.edit('main', 'bobs-message', 'pwned'), false);
  conversation.remove('main', 'bobs-message');
  assert.equal(published.length, 4);
});

test('typing: QoS 0, throttled; others shown and gone when they send', () => {
  const { published, typing, conversation, state } = fakes();
  conversation.typed();
  conversation.typed();
  assert.equal(published.length, 1);
  assert.deepEqual([published[0].topic, published[0].qos, Object.keys(published[0].payload).sort().join()],
    ['rooms/main/typing', 0, 'author,ts']);
  conversation.sent();
  conversation.typed();
  assert.equal(published.length, 2);
  conversation.onRoomEvent('main', 'typing', JSON.stringify({ author: 'bob', ts: 1 }), false);
  assert.deepEqual(typing.at(-1), ['bob']);
  conversation.onRoomEvent('ghost', 'typing', JSON.stringify({ author: 'eve', ts: 1 }), false); // no such room
  conversation.onRoomEvent('main', 'typing', JSON.stringify({ author: 'me', ts: 1 }), false); // oneself
  assert.deepEqual(typing.at(-1), ['bob']);
  conversation.arrived('main', state.find('main', 'bobs-message'), true);
  assert.deepEqual(typing.at(-1), []);
  conversation.dispose();
});

test('presence: retained, online on connect, away when hidden, the will says offline', () => {
  const { published, client } = fakes();
  const doc = { hidden: false, defaultView: {} };
  const presence = new Presence({ nick: 'me', client, doc });
  presence.update(true);
  presence.update();
  doc.hidden = true;
  presence.update();
  assert.deepEqual(published.map((p) => [p.topic, p.payload.state, p.qos, p.retain]), [
    ['users/me/presence', 'online', 1, true],
    ['users/me/presence', 'away', 1, true],
  ]);
  const will = Presence.will('me');
  assert.deepEqual([will.topic, JSON.parse(will.payload).state, will.qos, will.retain], ['users/me/presence', 'offline', 1, true]);
  assert.equal(JSON.parse(presencePayload('away', 5)).ts, 5);
});

test('presence: away after 5 idle minutes, online again on activity', () => {
  const { published, client } = fakes();
  const listeners = new Map();
  const doc = {
    hidden: false,
    defaultView: { addEventListener: (name, fn) => listeners.set(name, fn), removeEventListener: (name) => listeners.delete(name) },
    addEventListener: () => {},
    removeEventListener: () => {},
  };
  const presence = new Presence({ nick: 'me', client, doc });
  presence.start();
  presence.update(true);
  presence.lastActive = Date.now() - AWAY_AFTER + 1000;
  presence.update();
  presence.lastActive = Date.now() - AWAY_AFTER;
  presence.update();
  listeners.get('keydown')();
  assert.deepEqual(published.map((p) => p.payload.state), ['online', 'away', 'online']);
  presence.dispose();
  assert.equal(listeners.size, 0);
});
