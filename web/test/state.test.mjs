import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatState } from '../static/js/state.js';
import { entryToMessage, payloadToMessage, liveMessage, newMessageId } from '../static/js/wire.js';
import { HistoryApi, HttpError } from '../static/js/api.js';
import { readConfig } from '../static/js/config.js';

const msg = (author, text, ts = null, id = null, key = null) => ({ author, text, ts, id, key });

test('entries of /data/*: 2 to 5 elements, junk skipped', () => {
  assert.deepEqual(entryToMessage(['ann', 'hi']), msg('ann', 'hi'));
  assert.deepEqual(entryToMessage(['ann', 'hi', 5, 'x', 9]), msg('ann', 'hi', 5, 'x', 9));
  assert.deepEqual(entryToMessage(['ann', 'hi', null, null]), msg('ann', 'hi'));
  for (const junk of [null, 'x', ['ann'], [1, 'x'], ['ann', {}], {}]) assert.equal(entryToMessage(junk), null);
});

const live = (author, text, ts, id = null, localTime = false) => ({ author, text, ts, localTime, id, key: null });

test('a retained newtext is not a live message (the broker replays it to every page that subscribes)', () => {
  const text = '{"author":"ann","text":"hi"}';
  assert.deepEqual(liveMessage({ text, retain: false }, 7), live('ann', 'hi', 7, null, true));
  assert.equal(liveMessage({ text, retain: true }, 7), null);
  assert.equal(liveMessage({ text: 'nope', retain: false }, 7), null);
});

test('MQTT payloads with and without id/ts; unknown fields ignored; bad ones refused', () => {
  const now = 1_800_000_000_000;
  assert.deepEqual(payloadToMessage('{"author":"ann","text":"hi"}', now), live('ann', 'hi', now, null, true));
  assert.deepEqual(payloadToMessage(`{"author":"ann","text":"hi","id":"a1","ts":${now - 5},"x":1}`, now),
    live('ann', 'hi', now - 5, 'a1'));
  for (const bad of ['', 'nope', '[]', '{"text":"x"}', '{"author":"a/b","text":"x"}', '{"author":"ann","text":3}', 'null']) {
    assert.equal(payloadToMessage(bad), null, bad);
  }
});

test('a sender time outside a day before to a minute after arrival shows the arrival time', () => {
  const now = 1_800_000_000_000;
  const day = 24 * 60 * 60 * 1000;
  for (const ts of [1, now - day - 1, now + 60_001, -5, 'x', null]) {
    assert.deepEqual(payloadToMessage(JSON.stringify({ author: 'ann', text: 'hi', ts }), now),
      live('ann', 'hi', now, null, true), String(ts));
  }
  for (const ts of [now - day, now + 60_000, now]) {
    assert.deepEqual(payloadToMessage(JSON.stringify({ author: 'ann', text: 'hi', ts }), now), live('ann', 'hi', ts), String(ts));
  }
});

test('a message without id and with a local time is a duplicate of the stored one', () => {
  const s = new ChatState('me');
  s.addMessage('main', entryToMessage(['ann', 'hi', 1000]));
  assert.equal(s.addMessage('main', payloadToMessage('{"author":"ann","text":"hi"}', 1003)), -1);
});

test('message ids are unique', () => {
  const ids = new Set(Array.from({ length: 100 }, () => newMessageId()));
  assert.equal(ids.size, 100);
  assert.match(newMessageId({ getRandomValues: (b) => b.fill(1) }), /^(01){16}$/);
});

test('rooms: main first, then sorted; bad names ignored', () => {
  const s = new ChatState('me');
  assert.equal(s.addRoom('zeta'), 1);
  assert.equal(s.addRoom('Alpha'), 1);
  assert.equal(s.addRoom('beta'), 2);
  assert.equal(s.addRoom('beta'), -1);
  assert.equal(s.addRoom('no way'), -1);
  assert.deepEqual(s.roomOrder, ['main', 'Alpha', 'beta', 'zeta']);
});

test('dedupe by id; without id by author+text; unread counts', () => {
  const s = new ChatState('me');
  assert.equal(s.addMessage('main', msg('ann', 'a', 1, 'x')), 0);
  assert.equal(s.addMessage('main', msg('ann', 'a', 1, 'x')), -1);
  assert.equal(s.addMessage('main', msg('old', 'plain')), 1);
  assert.equal(s.addMessage('main', msg('old', 'plain', 77)), -1, 'the server copy of a message without id');
  assert.equal(s.addMessage('other', msg('ann', 'b', 2, 'y')), 0);
  assert.equal(s.addMessage('other', msg('me', 'mine', 3, 'z')), 1);
  assert.equal(s.room('other').unread, 1);
  assert.equal(s.room('main').unread, 0);
  s.select('other');
  assert.equal(s.room('other').unread, 0);
});

test('lastinfo: first load, then after a reconnect only what was missed, in time order', () => {
  const s = new ChatState('me');
  const first = s.mergeLastinfo({
    users: ['ann', 'bot'],
    rooms: ['main', 'dev'],
    messages: { main: [['ann', 'one', 10, 'a', 1], ['bob', 'two', 20, 'b', 2]], dev: [['old', 'legacy']] },
  }, { initial: true });
  assert.deepEqual(first.rooms, ['dev']);
  assert.deepEqual(first.users, ['ann']);
  assert.equal(first.messages.length, 3);
  assert.equal(s.room('main').oldestKey, 1);
  // While offline: 'three' (ts 30) was missed; 'five' (ts 50) arrived live after the reconnect.
  s.addMessage('main', msg('carl', 'five', 50, 'e'));
  const again = s.mergeLastinfo({
    users: ['ann', 'carl'],
    rooms: ['main', 'dev'],
    messages: { main: [['ann', 'one', 10, 'a', 1], ['bob', 'two', 20, 'b', 2], ['dora', 'three', 30, 'c', 3], ['carl', 'five', 50, 'e', 5]] },
  });
  assert.deepEqual(again.messages.map((c) => [c.message.text, c.index]), [['three', 2]]);
  assert.deepEqual(s.room('main').messages.map((m) => m.text), ['one', 'two', 'three', 'five']);
  assert.deepEqual(again.users, ['carl']);
  assert.equal(s.room('main').unread, 0);
});

test('older pages go first, cursor moves', () => {
  const s = new ChatState('me');
  s.mergeLastinfo({ messages: { main: Array.from({ length: 50 }, (_, i) => ['a', `m${i + 100}`, i + 100, `id${i + 100}`, i + 100]) } }, { initial: true });
  assert.equal(s.room('main').hasMore, true);
  assert.equal(s.room('main').oldestKey, 100);
  const added = s.prependOlder('main', [msg('a', 'm98', 98, 'id98', 98), msg('a', 'm99', 99, 'id99', 99), msg('a', 'm100', 100, 'id100', 100)], false);
  assert.deepEqual(added.map((m) => m.text), ['m98', 'm99']);
  assert.equal(s.room('main').oldestKey, 98);
  assert.equal(s.room('main').hasMore, false);
  assert.equal(s.room('main').messages[0].text, 'm98');
});

test('lastinfo cut short by the server (olderBefore): older messages stay reachable', () => {
  // A page size of 50: main's one message is all there is; big and huge were cut short.
  const s = new ChatState('me', { pageSize: 50 });
  s.mergeLastinfo({
    rooms: ['main', 'big', 'huge'],
    messages: { main: [['a', 'm1', 1, 'i1', 1]], big: [['a', 'x', 10, 'i10', 10], ['a', 'y', 11, 'i11', 11]] },
    olderBefore: { big: 10, huge: 42, unknown: 7, main: 'x' },
  }, { initial: true });
  assert.equal(s.room('main').hasMore, false);
  assert.equal(s.room('big').hasMore, true);
  assert.equal(s.room('big').oldestKey, 10);
  // Nothing of this room fit: the page still pages back from the key the server named.
  assert.equal(s.room('huge').messages.length, 0);
  assert.equal(s.room('huge').hasMore, true);
  assert.equal(s.room('huge').oldestKey, 42);
});

test('the page size comes from the server, no literal: a full page of 10 has more', () => {
  const page = (n) => ({ messages: { main: Array.from({ length: n }, (_, i) => ['a', `m${i}`, i, `id${i}`, i + 1]) } });
  const ten = new ChatState('me', { pageSize: 10 });
  ten.mergeLastinfo(page(10), { initial: true });
  assert.equal(ten.room('main').hasMore, true);
  const short = new ChatState('me', { pageSize: 10 });
  short.mergeLastinfo(page(9), { initial: true });
  assert.equal(short.room('main').hasMore, false);
  // A server that does not say: a keyed room may have more; the first older page tells.
  const unknown = new ChatState('me');
  unknown.mergeLastinfo(page(3), { initial: true });
  assert.equal(unknown.room('main').hasMore, true);
  assert.equal(readConfig(fakeDoc({ 'chatt-history-page-size': '10' }), { hostname: 'h', protocol: 'http:' }).historyPageSize, 10);
  for (const junk of ['0', '-1', 'x', '']) {
    assert.equal(readConfig(fakeDoc({ 'chatt-history-page-size': junk }), { hostname: 'h', protocol: 'http:' }).historyPageSize, null, junk);
  }
});

test('users: bot stays, sorted list', () => {
  const s = new ChatState('me');
  s.addUser('Zed');
  s.addUser('amy');
  assert.equal(s.addUser('a/b'), -1);
  assert.deepEqual(s.userList(), ['amy', 'bot', 'Zed']);
  assert.equal(s.removeUser('bot'), false);
  assert.equal(s.removeUser('amy'), true);
});

function fakeFetch(routes, seen) {
  return async (url, init) => {
    seen.push({ url, init });
    const route = routes[url];
    if (!route) return { ok: false, status: 404, json: async () => ({}) };
    return { ok: route.status === undefined, status: route.status ?? 200, json: async () => route.body };
  };
}

test('api: Basic auth when protected, paths, 401 says passphrase', async () => {
  const seen = [];
  const api = new HistoryApi({
    credentials: ['lôgin', 'pw'],
    fetch: fakeFetch({
      'data/lastinfo': { body: { users: [], rooms: [], messages: {} } },
      'data/rooms/main/messages?before=42': { body: { messages: [['a', 't', 1, 'i', 41]], hasMore: true } },
      'data/rooms/main/search?q=a+b%26c': { body: { messages: [['a', 'a b&c', 1, 'i', 7]] } },
    }, seen),
  });
  await api.lastinfo();
  assert.equal(seen[0].init.headers.Authorization, `Basic ${Buffer.from('lôgin:pw').toString('base64')}`);
  assert.deepEqual(await api.older('main', 42), { messages: [msg('a', 't', 1, 'i', 41)], hasMore: true });
  assert.deepEqual(await api.search('main', 'a b&c'), [msg('a', 'a b&c', 1, 'i', 7)]);

  const open = new HistoryApi({ fetch: fakeFetch({ 'data/lastinfo': { status: 401 } }, seen) });
  await assert.rejects(open.lastinfo(), (e) => e instanceof HttpError && e.status === 401 && /passphrase/.test(e.message));
  assert.equal(seen.at(-1).init.headers.Authorization, undefined);
  // Other refusals show the server's reason (a word too short, too many searches at once).
  const picky = new HistoryApi({
    fetch: fakeFetch({ 'data/rooms/main/search?q=a': { status: 400, body: { error: { message: 'query parameter `q`: "a" is too short' } } } }, seen),
  });
  await assert.rejects(picky.search('main', 'a'), (e) => e.status === 400 && /"a" is too short \(HTTP 400\)/.test(e.message));
  const busy = new HistoryApi({ fetch: fakeFetch({ 'data/rooms/main/search?q=ab': { status: 503, body: 'not json' } }, seen) });
  await assert.rejects(busy.search('main', 'ab'), /cannot load the search results: HTTP 503$/);
  const down = new HistoryApi({ fetch: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(down.lastinfo(), /cannot load the recent messages: Failed to fetch/);
});

function fakeDoc(metas) {
  return {
    querySelector(selector) {
      const name = /name="([^"]+)"/.exec(selector)[1];
      return name in metas ? { getAttribute: () => metas[name] } : null;
    },
  };
}

test('config from meta tags, with defaults', () => {
  assert.deepEqual(readConfig(fakeDoc({}), { hostname: 'chat.example', protocol: 'http:' }), {
    brokerUrl: 'ws://chat.example:9001/', brokerUrls: ['ws://chat.example:9001/'], address: 'unknown', protected: false, scheme: 'legacy', salt: '', historyPageSize: null, name: 'ChaTT', maxUploadBytes: null,
  });
  assert.equal(readConfig(fakeDoc({}), { hostname: 'chat.example', protocol: 'https:' }).brokerUrl, 'wss://chat.example:9001/');
  assert.deepEqual(readConfig(fakeDoc({
    'chatt-client-address': '10.0.0.7', 'chatt-broker-host': '', 'chatt-broker-port': '443',
    'chatt-broker-path': 'mqtt', 'chatt-broker-tls': 'auto', 'chatt-protected': 'true',
  }), { hostname: 'chat.example', protocol: 'https:' }), {
    brokerUrl: 'wss://chat.example:443/mqtt', brokerUrls: ['wss://chat.example:443/mqtt'], address: '10.0.0.7', protected: true, scheme: 'legacy', salt: '', historyPageSize: null, name: 'ChaTT', maxUploadBytes: null,
  });
  assert.equal(readConfig(fakeDoc({ 'chatt-name': ' Les copains ' }), { hostname: 'h', protocol: 'http:' }).name, 'Les copains');
  assert.equal(readConfig(fakeDoc({ 'chatt-max-upload-bytes': '20971520' }), { hostname: 'h', protocol: 'http:' }).maxUploadBytes, 20971520);
  assert.equal(readConfig(fakeDoc({ 'chatt-max-upload-bytes': '-1' }), { hostname: 'h', protocol: 'http:' }).maxUploadBytes, null);
  const strong = readConfig(fakeDoc({ 'chatt-scheme': 'strong', 'chatt-scheme-salt': ' 5FsG5mQesFB0tp8zvN_9sQ ' }),
    { hostname: 'h', protocol: 'http:' });
  assert.equal(strong.scheme, 'strong');
  assert.equal(strong.salt, '5FsG5mQesFB0tp8zvN_9sQ');
  assert.equal(readConfig(fakeDoc({ 'chatt-broker-host': '::1', 'chatt-broker-port': 'x', 'chatt-broker-tls': 'false' }),
    { hostname: 'h', protocol: 'https:' }).brokerUrl, 'ws://[::1]:9001/');
  // Issue 20: the listed endpoints, in order, replace the single one; a bad tag leaves it.
  const listed = readConfig(fakeDoc({ 'chatt-broker-port': '9001', 'chatt-ws-endpoints': '["ws://127.0.0.1:9101/","ws://127.0.0.1:9102/"]' }),
    { hostname: 'h', protocol: 'http:' });
  assert.deepEqual(listed.brokerUrls, ['ws://127.0.0.1:9101/', 'ws://127.0.0.1:9102/']);
  assert.equal(listed.brokerUrl, 'ws://127.0.0.1:9101/');
  assert.deepEqual(readConfig(fakeDoc({ 'chatt-ws-endpoints': 'not json' }), { hostname: 'h', protocol: 'http:' }).brokerUrls, ['ws://h:9001/']);
});

test('users who leave are listed offline, after the online ones; hello brings them back', () => {
  const s = new ChatState('me');
  s.addUser('zed');
  s.addUser('amy');
  assert.equal(s.removeUser('zed'), true);
  assert.equal(s.removeUser('zed'), false);
  assert.deepEqual([s.userList(), s.offlineList()], [['amy', 'bot'], ['zed']]);
  assert.ok(s.addUser('zed') >= 0);
  assert.deepEqual([s.userList(), s.offlineList()], [['amy', 'bot', 'zed'], []]);
});
