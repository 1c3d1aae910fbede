// The page's MQTT client (web/static/js/mqtt.js) against a broker's WebSocket listener:
// connect with the derived login and password, subscribe, publish QoS 0 and QoS 1,
// receive both (the QoS of each is reported); the will (the page's users/<nick>/logout)
// is published when a socket dies; keepalive pings hold an idle connection; then a wrong
// password must be refused with CONNACK "not authorized".
//
//   node e2e/amqtt_page_roundtrip.mjs ws://127.0.0.1:PORT/ LOGIN PASSWORD
//
// Prints one JSON line of what happened; exits 0 when all went as expected.
// Run by e2e/test_sample_configs.py against amqtt started with sample_configs/amqtt.yaml.
import { MqttClient, ConnectionRefusedError } from '../web/static/js/mqtt.js';
import { NodeWebSocket } from '../web/test-support/websocket.mjs';

const [url, username, password] = process.argv.slice(2);
if (!url || !username || !password) {
  console.error('usage: node e2e/amqtt_page_roundtrip.mjs ws://host:port/path LOGIN PASSWORD');
  process.exit(2);
}

const clients = [];
let counter = 0;

function client(options) {
  const c = new MqttClient({
    url,
    clientId: `page-rt-${process.pid}-${(counter += 1)}`,
    username,
    password,
    minRetry: 200,
    maxRetry: 1000,
    connectTimeout: 5000,
    createSocket: (u, protocols) => {
      const socket = new NodeWebSocket(u, protocols);
      c.sockets.push(socket);
      return socket;
    },
    ...options,
  });
  c.sockets = [];
  c.events = [];
  c.received = [];
  c.on('message', (m) => c.received.push(m));
  for (const name of ['connect', 'offline', 'error']) c.on(name, (value) => c.events.push([name, String(value?.error ?? value?.message ?? JSON.stringify(value))]));
  clients.push(c);
  return c;
}

async function waitFor(condition, what, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const report = { url };
try {
  const topic = `rooms/pagert${process.pid}/newtext`;
  const reader = client({ subscriptions: [{ topic: 'rooms/#', qos: 1 }] });
  reader.connect();
  await waitFor(() => reader.connected, `the reader's CONNACK (events: ${JSON.stringify(reader.events)})`);
  await waitFor(() => reader.inflight.size === 0, 'the SUBACK');
  const writer = client({});
  writer.connect();
  await waitFor(() => writer.connected, `the writer's CONNACK (events: ${JSON.stringify(writer.events)})`);
  await writer.publish(topic, JSON.stringify({ author: 'ann', text: 'zéro 😀' }), { qos: 0 });
  await writer.publish(topic, JSON.stringify({ author: 'bob', text: 'one', id: 'page-1' }), { qos: 1 }); // PUBACK
  await waitFor(() => reader.received.length >= 2, 'both messages');
  report.received = reader.received.map((m) => [m.topic, JSON.parse(m.text).text, m.qos]);
  // Topics and texts are checked here; the QoS each arrived with is left to the caller
  // (amqtt 0.12 delivers at the subscription's QoS even what was published at QoS 0).
  const got = report.received.map(([t, text]) => [t, text]);
  const expected = [[topic, 'zéro 😀'], [topic, 'one']];
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new Error(`received ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
  }

  // The page's will: users/<nick>/logout at QoS 1, sent by the broker when the tab dies.
  const nick = `pagert${process.pid}`;
  const watcher = client({ subscriptions: [{ topic: 'users/#', qos: 1 }] });
  watcher.connect();
  await waitFor(() => watcher.connected && watcher.inflight.size === 0, "the watcher's SUBACK");
  const dying = client({ will: { topic: `users/${nick}/logout`, payload: '{}', qos: 1 } });
  dying.connect();
  await waitFor(() => dying.connected, "the dying client's CONNACK");
  dying.stopped = true; // no reconnect
  dying.sockets[0].kill();
  await waitFor(() => watcher.received.some((m) => m.topic === `users/${nick}/logout`), 'the will');
  report.will = watcher.received.find((m) => m.topic === `users/${nick}/logout`).text;

  // Keepalive: PINGREQ/PINGRESP keep an idle connection open past 1.5 x keepalive.
  const idle = client({ keepalive: 1 });
  idle.connect();
  await waitFor(() => idle.connected, "the idle client's CONNACK");
  await new Promise((r) => setTimeout(r, 2600));
  if (!idle.connected || idle.events.some(([name]) => name === 'offline')) {
    throw new Error(`the idle client was dropped: ${JSON.stringify(idle.events)}`);
  }
  await idle.publish('still/here', 'yes', { qos: 1 });

  const stranger = client({ password: `${password}x` });
  let refusalError = null;
  stranger.on('error', (error) => { refusalError = error; });
  stranger.connect();
  await waitFor(() => stranger.events.some(([name]) => name === 'error'), 'the refusal of a wrong password');
  report.refusal = String(refusalError?.message);
  report.refusalCode = refusalError?.returnCode;
  if (!(refusalError instanceof ConnectionRefusedError)) throw new Error(`not a CONNACK refusal: ${refusalError}`);
  report.ok = true;
} catch (error) {
  report.ok = false;
  report.error = String(error?.stack ?? error);
} finally {
  for (const c of clients) c.stop();
}
console.log(JSON.stringify(report));
process.exit(report.ok ? 0 : 1);
