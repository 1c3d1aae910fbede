// Issue 20: several WebSocket endpoints; the page moves to the next when it loses one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Endpoints, parseEndpoints } from '../static/js/endpoints.js';
import { MqttClient } from '../static/js/mqtt.js';
import { NodeWebSocket } from '../test-support/websocket.mjs';
import { startBroker, waitFor } from '../test-support/broker.mjs';

test('the meta tag: a JSON array of ws:// and wss:// URLs, anything else ignored', () => {
  assert.deepEqual(parseEndpoints('["ws://a:1/", "wss://b/mqtt"]'), ['ws://a:1/', 'wss://b/mqtt']);
  assert.deepEqual(parseEndpoints('["javascript:alert(1)", 3, "ws://", "ws://c:2/"]'), ['ws://c:2/']);
  for (const text of [null, '', '[]', 'ws://a/', '{"a":1}', '[']) assert.deepEqual(parseEndpoints(text), []);
});

test('stays on a working endpoint, comes back once, then moves on in order and wraps', () => {
  const e = new Endpoints(['ws://a/', 'ws://b/', 'ws://c/']);
  assert.equal(e.current, 'ws://a/');
  assert.equal(e.lost(true), 'ws://a/'); // connected, then lost: try the same one again
  assert.equal(e.lost(false), 'ws://b/'); // that try failed: the next
  assert.equal(e.lost(false), 'ws://c/');
  assert.equal(e.lost(false), 'ws://a/');
  assert.equal(new Endpoints(['ws://only/']).lost(false), 'ws://only/');
});

test('two brokers: connected to A, A stops, the client moves to B and gets what is published there', async (t) => {
  const a = await startBroker();
  const b = await startBroker();
  t.after(() => Promise.all([a.close(), b.close()]));
  const events = [];
  const received = [];
  const client = new MqttClient({
    urls: [a.url, b.url], clientId: `failover-${process.pid}`, minRetry: 100, maxRetry: 400,
    subscriptions: [{ topic: 'rooms/#', qos: 1 }],
    createSocket: (u, protocols) => new NodeWebSocket(u, protocols),
  });
  t.after(() => client.stop());
  client.on('connect', (value) => events.push(['connect', value, client.url]));
  client.on('message', (m) => received.push(m.text));
  client.connect();
  await waitFor(() => events.length === 1, 'the connection to A');
  assert.equal(events[0][2], a.url);

  await a.stop();
  await waitFor(() => events.length === 2, 'the connection to B', 10000);
  assert.deepEqual(events[1].slice(1), [{ reconnected: true }, b.url]);
  await waitFor(() => client.inflight.size === 0, 'the SUBACK on B');
  const writer = new MqttClient({ url: b.url, clientId: `writer-${process.pid}`, createSocket: (u, p) => new NodeWebSocket(u, p) });
  t.after(() => writer.stop());
  writer.connect();
  await writer.publish('rooms/main/newtext', 'on B', { qos: 1 });
  await waitFor(() => received.includes('on B'), 'the message published on B');
});
