// The MQTT client of the page against a real mosquitto WebSocket listener.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MqttClient, ConnectionRefusedError, PacketReader, encodePublish, decodePublish } from '../static/js/mqtt.js';
import { NodeWebSocket } from '../test-support/websocket.mjs';
import { startBroker, waitFor } from '../test-support/broker.mjs';
import { makeRandomPair } from '../static/js/credentials.js';

let counter = 0;
const clients = [];

function client(url, options = {}) {
  const sockets = [];
  const c = new MqttClient({
    url,
    clientId: `test-${process.pid}-${(counter += 1)}`,
    minRetry: 100,
    maxRetry: 400,
    createSocket: (u, protocols) => {
      const socket = new NodeWebSocket(u, protocols);
      sockets.push(socket);
      return socket;
    },
    ...options,
  });
  c.sockets = sockets;
  c.received = [];
  c.events = [];
  c.on('message', (m) => c.received.push(m));
  for (const name of ['connect', 'offline', 'error']) c.on(name, (value) => c.events.push([name, value]));
  clients.push(c);
  return c;
}

const connected = (c, count = 1) =>
  waitFor(() => c.events.filter(([name]) => name === 'connect').length >= count, 'the client to connect');

after(() => {
  for (const c of clients) c.stop();
});

test('packets split across WebSocket messages, or several in one, are read whole', () => {
  const long = 'x'.repeat(300); // remaining length needs two bytes
  const a = encodePublish({ topic: 'rooms/main/newtext', payload: long, qos: 1, packetId: 7 });
  const b = encodePublish({ topic: 't', payload: 'é' });
  const both = new Uint8Array([...a, ...b]);
  const reader = new PacketReader();
  const got = [];
  for (let i = 0; i < both.length; i += 5) got.push(...reader.push(both.subarray(i, i + 5)));
  assert.equal(got.length, 2);
  const first = decodePublish(got[0].flags, got[0].body);
  assert.equal(first.topic, 'rooms/main/newtext');
  assert.equal(first.qos, 1);
  assert.equal(first.packetId, 7);
  assert.equal(new TextDecoder().decode(first.payload), long);
  assert.equal(new TextDecoder().decode(decodePublish(got[1].flags, got[1].body).payload), 'é');
});

test('anonymous broker', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());

  await t.test('QoS 0 and QoS 1 publish and subscribe, UTF-8 intact', async () => {
    const reader = client(broker.url, { subscriptions: [{ topic: 'rooms/#', qos: 1 }] });
    reader.connect();
    await connected(reader);
    await waitFor(() => reader.inflight.size === 0, 'the SUBACK');
    const writer = client(broker.url);
    writer.connect();
    await connected(writer);
    await writer.publish('rooms/main/newtext', '{"author":"ann","text":"zéro 😀"}', { qos: 0 });
    await writer.publish('rooms/main/newtext', '{"author":"bob","text":"one"}', { qos: 1 }); // resolves on PUBACK
    await waitFor(() => reader.received.length === 2, 'both messages');
    assert.deepEqual(reader.received.map((m) => [m.topic, JSON.parse(m.text).text, m.qos]), [
      ['rooms/main/newtext', 'zéro 😀', 0],
      ['rooms/main/newtext', 'one', 1],
    ]);
  });

  await t.test('incoming QoS 1 is acknowledged (more than the broker\'s inflight window of 20 arrives)', async () => {
    const reader = client(broker.url, { subscriptions: [{ topic: 'acks/#', qos: 1 }] });
    reader.connect();
    await connected(reader);
    await waitFor(() => reader.inflight.size === 0, 'the SUBACK');
    const writer = client(broker.url);
    writer.connect();
    await connected(writer);
    await Promise.all(Array.from({ length: 60 }, (_, i) => writer.publish(`acks/${i}`, String(i), { qos: 1 })));
    await waitFor(() => reader.received.length === 60, '60 QoS 1 messages');
    assert.deepEqual(reader.received.map((m) => m.text), Array.from({ length: 60 }, (_, i) => String(i)));
  });

  await t.test('the will is published when the socket dies without DISCONNECT', async () => {
    const watcher = client(broker.url, { subscriptions: [{ topic: 'users/#', qos: 1 }] });
    watcher.connect();
    await connected(watcher);
    await waitFor(() => watcher.inflight.size === 0, 'the SUBACK');
    const dying = client(broker.url, { will: { topic: 'users/ann/logout', payload: '{}', qos: 1 } });
    dying.connect();
    await connected(dying);
    dying.stopped = true; // no reconnect
    dying.sockets[0].kill();
    await waitFor(() => watcher.received.some((m) => m.topic === 'users/ann/logout'), 'the will');
    assert.equal(watcher.received.find((m) => m.topic === 'users/ann/logout').text, '{}');
  });

  await t.test('the retain flag comes with each message: set on a retained copy, clear when live', async () => {
    const topic = `rooms/retain${process.pid}/newtext`;
    const live = client(broker.url, { subscriptions: [{ topic, qos: 1 }] });
    live.connect();
    await connected(live);
    await waitFor(() => live.inflight.size === 0, 'the SUBACK');
    const writer = client(broker.url);
    writer.connect();
    await connected(writer);
    await writer.publish(topic, '{"author":"ann","text":"kept"}', { qos: 1, retain: true });
    await waitFor(() => live.received.length === 1, 'the live copy');
    assert.equal(live.received[0].retain, false);
    const late = client(broker.url, { subscriptions: [{ topic, qos: 1 }] });
    late.connect();
    await waitFor(() => late.received.length === 1, 'the retained copy');
    assert.equal(late.received[0].retain, true);
    await writer.publish(topic, '', { qos: 1, retain: true }); // clears it for the later tests
  });

  await t.test('a clean end() does not send the will', async () => {
    const watcher = client(broker.url, { subscriptions: [{ topic: 'users/#' }] });
    watcher.connect();
    await connected(watcher);
    await waitFor(() => watcher.inflight.size === 0, 'the SUBACK');
    const leaving = client(broker.url, { will: { topic: 'users/bob/logout', payload: '{}' } });
    leaving.connect();
    await connected(leaving);
    leaving.end();
    await watcher.publish('users/marker/hello', '{}');
    await waitFor(() => watcher.received.some((m) => m.topic === 'users/marker/hello'), 'the marker');
    assert.ok(!watcher.received.some((m) => m.topic === 'users/bob/logout'));
  });

  await t.test('keepalive: PINGREQ keeps an idle connection open past 1.5 × keepalive', async () => {
    const idle = client(broker.url, { keepalive: 1 });
    idle.connect();
    await connected(idle);
    await new Promise((r) => setTimeout(r, 2600));
    assert.equal(idle.events.filter(([name]) => name === 'offline').length, 0);
    assert.ok(idle.connected);
    await idle.publish('still/here', 'yes', { qos: 1 });
  });
});

test('reconnects with backoff after the broker restarts, subscribes again and sends what waited', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const reader = client(broker.url, { subscriptions: [{ topic: 'rooms/#', qos: 1 }] });
  const writer = client(broker.url);
  reader.connect();
  writer.connect();
  await connected(reader);
  await connected(writer);

  await broker.stop();
  await waitFor(() => writer.events.some(([name]) => name === 'offline'), 'the offline event');
  const offline = writer.events.find(([name]) => name === 'offline')[1];
  assert.match(offline.error.message, /broker/);
  assert.ok(offline.retryIn >= 100);
  const waiting = writer.publish('rooms/main/newtext', 'sent while offline', { qos: 1 });

  await broker.start();
  await connected(reader, 2);
  await connected(writer, 2);
  assert.equal(writer.events.filter(([name]) => name === 'connect')[1][1].reconnected, true);
  await waitFor(() => reader.inflight.size === 0, 'the SUBACK after reconnecting');
  await waiting;
  // The queued message may have reached the broker before the reader subscribed again:
  // send one more to check the subscription itself came back.
  await writer.publish('rooms/main/newtext', 'after restart', { qos: 1 });
  await waitFor(() => reader.received.some((m) => m.text === 'after restart'), 'a message after the restart');
});

test('a broker that is down: offline events with growing delays, no exception', async () => {
  const broker = await startBroker();
  const url = broker.url;
  await broker.close();
  const c = client(url, { minRetry: 50, maxRetry: 200 });
  c.connect();
  await waitFor(() => c.events.filter(([name]) => name === 'offline').length >= 3, 'three offline events');
  const delays = c.events.filter(([name]) => name === 'offline').map(([, v]) => v.retryIn);
  assert.ok(delays[1] >= 100 && delays[2] >= 200, `delays grow: ${delays}`);
  assert.match(c.events[0][1].error.message, /cannot reach the broker at ws:\/\/127\.0\.0\.1/);
  c.stop();
});

test('protected broker (password file with the derived pair)', async (t) => {
  const [login, password] = makeRandomPair('plop');
  const broker = await startBroker({ users: { [login]: password } });
  t.after(() => broker.close());

  await t.test('the right pair connects and publishes', async () => {
    const c = client(broker.url, { username: login, password, subscriptions: [{ topic: 'rooms/#', qos: 1 }] });
    c.connect();
    await connected(c);
    await waitFor(() => c.inflight.size === 0, 'the SUBACK');
    await c.publish('rooms/main/newtext', 'hi', { qos: 1 });
    await waitFor(() => c.received.length === 1, 'own message');
  });

  for (const [name, options] of [
    ['a wrong password', { username: login, password: makeRandomPair('wrong')[1] }],
    ['no credentials', {}],
  ]) {
    await t.test(`${name} is refused with a clear error, and no retry`, async () => {
      const c = client(broker.url, options);
      c.connect();
      await waitFor(() => c.events.some(([event]) => event === 'error'), 'the refusal');
      const error = c.events.find(([event]) => event === 'error')[1];
      assert.ok(error instanceof ConnectionRefusedError);
      assert.ok([4, 5].includes(error.returnCode));
      assert.match(error.message, /refused the connection: .*(password|authorized).*passphrase/);
      assert.ok(c.stopped);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(c.sockets.length, 1, 'no reconnect after a refusal');
      await assert.rejects(c.publish('rooms/main/newtext', 'x'), /stopped/);
    });
  }
});

test('off() removes a listener that on() added, also while the event runs', () => {
  const client = new MqttClient({ url: 'ws://127.0.0.1:9/', clientId: 'off-test' });
  const seen = [];
  const once = (value) => {
    seen.push(`once ${value}`);
    client.off('message', once);
  };
  const always = (value) => seen.push(`always ${value}`);
  client.on('message', once).on('message', always);
  client.emit('message', 1);
  client.emit('message', 2);
  client.off('message', always).off('message', always).off('nothing', always);
  client.emit('message', 3);
  assert.deepEqual(seen, ['once 1', 'always 1', 'always 2']);
});
