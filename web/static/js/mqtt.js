// A small MQTT 3.1.1 client over WebSocket (subprotocol "mqtt"), made for this page:
// CONNECT with user name, password and a will; SUBSCRIBE; PUBLISH at QoS 0 and 1 (with
// PUBACK both ways); PINGREQ keepalive; reconnect with backoff. Why not MQTT.js: web/README.md.
//
//   const client = new MqttClient({ url, clientId, username, password, will, subscriptions });
//   client.on('message', ({ topic, payload, text }) => …);
//   client.connect();
//   await client.publish('rooms/main/newtext', json, { qos: 1 });

import { Endpoints } from './endpoints.js';
import { pageError } from './i18n.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7;
const SUBSCRIBE = 8, SUBACK = 9, PINGREQ = 12, PINGRESP = 13, DISCONNECT = 14;

// CONNACK return codes 1-5 (keys `mqtt.refusal.1` … of the catalogs).
const REFUSALS = new Set([1, 2, 3, 4, 5]);

/** The broker answered CONNECT with a refusal; reconnecting will not help. */
export class ConnectionRefusedError extends Error {
  constructor(code) {
    const reason = REFUSALS.has(code) ? pageError(`mqtt.refusal.${code}`) : pageError('mqtt.refusal.other', { code: String(code) });
    const { message, key, params } = pageError('mqtt.refused', { reason });
    super(message);
    this.key = key;
    this.params = params;
    this.name = 'ConnectionRefusedError';
    this.returnCode = code;
  }
}

function utf8(value) {
  return typeof value === 'string' ? encoder.encode(value) : new Uint8Array(value ?? []);
}

function withLength(bytes) {
  if (bytes.length > 0xffff) throw new Error('MQTT string longer than 65535 bytes');
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

// A packet: fixed header byte, remaining length (variable byte integer), then the body.
function packet(first, ...parts) {
  let size = 0;
  for (const part of parts) size += part.length;
  const header = [first];
  let n = size;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    header.push(byte);
  } while (n > 0);
  const out = new Uint8Array(header.length + size);
  out.set(header, 0);
  let offset = header.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const u16 = (n) => [n >> 8, n & 0xff];

export function encodeConnect({ clientId, username, password, will, keepalive, clean = true }) {
  let flags = clean ? 0x02 : 0;
  const payload = [...withLength(utf8(clientId))];
  if (will) {
    flags |= 0x04 | ((will.qos ?? 0) << 3) | (will.retain ? 0x20 : 0);
    payload.push(...withLength(utf8(will.topic)), ...withLength(utf8(will.payload)));
  }
  if (username != null) {
    flags |= 0x80;
    payload.push(...withLength(utf8(username)));
    if (password != null) {
      flags |= 0x40;
      payload.push(...withLength(utf8(password)));
    }
  }
  const variable = [...withLength(utf8('MQTT')), 4, flags, ...u16(keepalive)];
  return packet(CONNECT << 4, Uint8Array.from(variable), Uint8Array.from(payload));
}

export function encodePublish({ topic, payload, qos = 0, retain = false, dup = false, packetId = 0 }) {
  const first = (PUBLISH << 4) | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0);
  const head = [...withLength(utf8(topic)), ...(qos > 0 ? u16(packetId) : [])];
  return packet(first, Uint8Array.from(head), utf8(payload));
}

export function encodeSubscribe(packetId, subscriptions) {
  const body = [...u16(packetId)];
  for (const { topic, qos = 0 } of subscriptions) body.push(...withLength(utf8(topic)), qos);
  return packet((SUBSCRIBE << 4) | 0x02, Uint8Array.from(body));
}

const ack = (type, packetId, flags = 0) => packet((type << 4) | flags, Uint8Array.from(u16(packetId)));

// Splits the byte stream into packets: push() takes one WebSocket message (part of a
// packet, or several) and returns the whole packets so far.
export class PacketReader {
  constructor() {
    this.buffer = new Uint8Array(0);
  }

  push(bytes) {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer, 0);
    joined.set(bytes, this.buffer.length);
    const packets = [];
    let offset = 0;
    for (;;) {
      if (joined.length - offset < 2) break;
      let length = 0;
      let multiplier = 1;
      let i = offset + 1;
      let complete = false;
      while (i < joined.length && i < offset + 5) {
        const byte = joined[i++];
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i >= offset + 5) throw pageError('mqtt.malformed');
        break;
      }
      if (joined.length - i < length) break;
      packets.push({ type: joined[offset] >> 4, flags: joined[offset] & 0x0f, body: joined.subarray(i, i + length) });
      offset = i + length;
    }
    this.buffer = joined.slice(offset);
    return packets;
  }
}

export function decodePublish(flags, body) {
  const qos = (flags >> 1) & 0x03;
  const topicLength = (body[0] << 8) | body[1];
  const topic = decoder.decode(body.subarray(2, 2 + topicLength));
  let offset = 2 + topicLength;
  let packetId = 0;
  if (qos > 0) {
    packetId = (body[offset] << 8) | body[offset + 1];
    offset += 2;
  }
  const payload = body.slice(offset);
  return { topic, payload, qos, retain: (flags & 1) === 1, dup: (flags & 8) === 8, packetId };
}

// The client. Options: url (ws:// or wss://) or urls (several, tried in order: the next
// one when a connection is lost and the try to get back to it fails, see endpoints.js), clientId, username, password, will
// ({topic, payload, qos, retain}), subscriptions ([{topic, qos}], made again on every
// connect), keepalive (s, 45), minRetry/maxRetry (ms, 1000/30000), connectTimeout (ms,
// 10000), maxQueue (publishes kept while offline, 200), createSocket(url, protocols).
// Events (on(name, fn), removed with off(name, fn)): connect ({reconnected}), message ({topic, payload, text, qos,
// retain}), offline ({error, retryIn}) while it retries, error (a refusal; it stops).
export class MqttClient {
  constructor(options) {
    this.options = {
      keepalive: 45, minRetry: 1000, maxRetry: 30000, maxQueue: 200, connectTimeout: 10000, subscriptions: [], ...options,
    };
    this.endpoints = new Endpoints(options.urls ?? [options.url]);
    this.createSocket = options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols));
    this.listeners = new Map();
    this.socket = null;
    this.connected = false;
    this.stopped = true;
    this.everConnected = false;
    this.nextId = 1;
    this.inflight = new Map(); // packetId -> { bytes, resolve, reject } for QoS 1 publishes and subscribes
    this.queue = []; // publishes made while offline
    this.retryDelay = this.options.minRetry;
    this.retryTimer = null;
    this.pingTimer = null;
    this.awaitingPong = false;
  }

  /** The endpoint connected to, or tried next. */
  get url() {
    return this.endpoints.current;
  }

  on(name, fn) {
    if (!this.listeners.has(name)) this.listeners.set(name, []);
    this.listeners.get(name).push(fn);
    return this;
  }

  /** Removes a listener that `on(name, fn)` added. */
  off(name, fn) {
    const list = this.listeners.get(name);
    const index = list ? list.indexOf(fn) : -1;
    if (index >= 0) list.splice(index, 1);
    return this;
  }

  emit(name, value) {
    // A copy: a listener may remove itself (or others) while the event runs.
    for (const fn of [...(this.listeners.get(name) ?? [])]) fn(value);
  }

  /** Starts connecting; reconnects by itself until `end()` or a refusal. */
  connect() {
    this.stopped = false;
    this.open();
    return this;
  }

  open() {
    clearTimeout(this.retryTimer);
    const reader = new PacketReader();
    let socket;
    try {
      socket = this.createSocket(this.url, ['mqtt']);
    } catch (error) {
      this.lost(error);
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    const timeout = pageError('mqtt.noAnswer', { url: this.url });
    this.pingTimer = setTimeout(() => this.drop(socket, timeout), this.options.connectTimeout);
    socket.onopen = () => {
      const { clientId, username, password, will, keepalive } = this.options;
      this.send(encodeConnect({ clientId, username, password, will, keepalive }));
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      let packets;
      try {
        packets = reader.push(new Uint8Array(event.data));
      } catch (error) {
        this.drop(socket, error);
        return;
      }
      for (const p of packets) this.handle(p);
    };
    socket.onerror = () => {}; // a close event follows; browsers give no detail here
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      const reason = event && event.reason ? event.reason : null;
      this.lost(reason ? pageError('mqtt.unreachableBecause', { url: this.url, reason }) : pageError('mqtt.unreachable', { url: this.url }));
    };
  }

  handle({ type, flags, body }) {
    switch (type) {
      case CONNACK: {
        const code = body[1];
        if (code !== 0) {
          const error = new ConnectionRefusedError(code);
          this.stop();
          this.emit('error', error);
          return;
        }
        this.connected = true;
        this.retryDelay = this.options.minRetry;
        const reconnected = this.everConnected;
        this.everConnected = true;
        this.startPing();
        if (this.options.subscriptions.length > 0) this.subscribe(this.options.subscriptions).catch(() => {});
        // Unacknowledged QoS 1 publishes go again (DUP set), then what was queued offline.
        for (const entry of this.inflight.values()) if (entry.retry) this.send(entry.retry);
        const queued = this.queue.splice(0);
        for (const item of queued) this.publish(item.topic, item.payload, item.options).then(item.resolve, item.reject);
        this.emit('connect', { reconnected });
        break;
      }
      case PUBLISH: {
        const message = decodePublish(flags, body);
        if (message.qos === 1) this.send(ack(PUBACK, message.packetId));
        if (message.qos === 2) this.send(ack(PUBREC, message.packetId));
        this.emit('message', { ...message, text: decoder.decode(message.payload) });
        break;
      }
      case PUBREL:
        this.send(ack(PUBCOMP, (body[0] << 8) | body[1]));
        break;
      case PUBACK:
      case SUBACK: {
        const id = (body[0] << 8) | body[1];
        const entry = this.inflight.get(id);
        this.inflight.delete(id);
        if (entry) entry.resolve(type === SUBACK ? Array.from(body.subarray(2)) : undefined);
        break;
      }
      case PINGRESP:
        this.awaitingPong = false;
        break;
      default:
        break;
    }
  }

  send(bytes) {
    if (this.socket && this.socket.readyState === 1) this.socket.send(bytes);
  }

  packetId() {
    for (let i = 0; i < 65535; i += 1) {
      const id = this.nextId;
      this.nextId = (this.nextId % 65535) + 1;
      if (!this.inflight.has(id)) return id;
    }
    throw pageError('mqtt.inflightFull');
  }

  // QoS 0 resolves once written, QoS 1 on PUBACK; while offline it waits for the next connect.
  publish(topic, payload = '', options = {}) {
    const qos = options.qos ?? 0;
    if (qos !== 0 && qos !== 1) return Promise.reject(new Error('only QoS 0 and 1 are supported'));
    if (!this.connected) {
      if (this.stopped) return Promise.reject(pageError('mqtt.stopped'));
      if (this.queue.length >= this.options.maxQueue) return Promise.reject(pageError('mqtt.queueFull'));
      return new Promise((resolve, reject) => this.queue.push({ topic, payload, options, resolve, reject }));
    }
    if (qos === 0) {
      this.send(encodePublish({ topic, payload, retain: options.retain }));
      return Promise.resolve();
    }
    const packetId = this.packetId();
    const publish = { topic, payload, qos, retain: options.retain, packetId };
    return new Promise((resolve, reject) => {
      this.inflight.set(packetId, { resolve, reject, retry: encodePublish({ ...publish, dup: true }) });
      this.send(encodePublish(publish));
    });
  }

  /** Subscribes; resolves with the granted QoS per topic (128 = refused). */
  subscribe(subscriptions) {
    if (!this.connected) return Promise.reject(pageError('mqtt.notConnected'));
    const packetId = this.packetId();
    return new Promise((resolve, reject) => {
      this.inflight.set(packetId, { resolve, reject, retry: null });
      this.send(encodeSubscribe(packetId, subscriptions));
    });
  }

  startPing() {
    clearTimeout(this.pingTimer);
    this.awaitingPong = false;
    this.pingTimer = setInterval(() => {
      if (this.awaitingPong) {
        this.drop(this.socket, pageError('mqtt.keepalive'));
        return;
      }
      this.awaitingPong = true;
      this.send(packet(PINGREQ << 4));
    }, this.options.keepalive * 1000);
  }

  drop(socket, error) {
    if (socket) socket.close();
    if (socket === this.socket) this.lost(error);
  }

  // The connection is gone: forget it, fail pending subscribes, plan the next try.
  lost(error) {
    clearTimeout(this.pingTimer);
    this.endpoints.lost(this.connected);
    this.socket = null;
    this.connected = false;
    for (const [id, entry] of this.inflight) {
      if (!entry.retry) {
        this.inflight.delete(id);
        entry.reject(error);
      }
    }
    if (this.stopped) return;
    const retryIn = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.options.maxRetry);
    const jitter = Math.floor(Math.random() * retryIn * 0.2);
    this.retryTimer = setTimeout(() => this.open(), retryIn + jitter);
    this.emit('offline', { error, retryIn: retryIn + jitter });
  }

  /** Tries again now (e.g. the browser says it is online again). */
  retryNow() {
    if (!this.stopped && !this.socket) this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.pingTimer);
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    if (socket) socket.close();
    const error = pageError('mqtt.stopped');
    for (const entry of this.inflight.values()) entry.reject(error);
    this.inflight.clear();
    for (const item of this.queue.splice(0)) item.reject(error);
  }

  /** Leaves cleanly: DISCONNECT (so the broker does not send the will), then close. */
  end() {
    if (this.connected) this.send(packet(DISCONNECT << 4));
    this.stop();
  }
}
