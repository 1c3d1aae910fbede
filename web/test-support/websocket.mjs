// A small WebSocket client for node tests (node 20 has no global WebSocket): just what
// the browser's WebSocket offers to mqtt.js — onopen/onmessage/onclose/onerror,
// binaryType "arraybuffer", send(bytes), close() — plus kill(), which drops the TCP
// connection without a close frame, the way a crashed tab or a lost network does.
import net from 'node:net';
import { randomBytes, createHash } from 'node:crypto';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class NodeWebSocket {
  constructor(url, protocols = []) {
    const target = new URL(url);
    if (target.protocol !== 'ws:') throw new Error(`only ws:// in tests, got ${url}`);
    this.url = url;
    this.readyState = 0;
    this.binaryType = 'arraybuffer';
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    this.buffer = Buffer.alloc(0);
    this.fragments = [];
    this.handshakeDone = false;
    const key = randomBytes(16).toString('base64');
    this.expectedAccept = createHash('sha1').update(key + GUID).digest('base64');
    this.socket = net.connect(Number(target.port), target.hostname, () => {
      const lines = [
        `GET ${target.pathname}${target.search} HTTP/1.1`,
        `Host: ${target.host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
      ];
      if (protocols.length > 0) lines.push(`Sec-WebSocket-Protocol: ${protocols.join(', ')}`);
      this.socket.write(lines.join('\r\n') + '\r\n\r\n');
    });
    this.socket.on('data', (chunk) => this.receive(chunk));
    this.socket.on('error', () => this.onerror?.({ type: 'error' }));
    this.socket.on('close', () => this.closed(1006, ''));
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.handshakeDone) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('latin1');
      this.buffer = this.buffer.subarray(end + 4);
      const accept = /^sec-websocket-accept:\s*(\S+)/im.exec(head)?.[1];
      if (!/^HTTP\/1\.1 101/.test(head) || accept !== this.expectedAccept) {
        this.socket.destroy();
        return;
      }
      this.protocol = /^sec-websocket-protocol:\s*(\S+)/im.exec(head)?.[1] ?? '';
      this.handshakeDone = true;
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
    }
    for (;;) {
      if (this.buffer.length < 2) return;
      const fin = (this.buffer[0] & 0x80) !== 0;
      const opcode = this.buffer[0] & 0x0f;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = Buffer.from(this.buffer.subarray(offset, offset + length));
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x8) {
        this.frame(0x8, payload.subarray(0, 2));
        this.socket.end();
        this.closed(payload.length >= 2 ? payload.readUInt16BE(0) : 1005, payload.subarray(2).toString());
        return;
      }
      if (opcode === 0x9) {
        this.frame(0xa, payload);
        continue;
      }
      if (opcode === 0xa) continue;
      this.fragments.push(payload);
      if (fin) {
        const data = Buffer.concat(this.fragments);
        this.fragments = [];
        const bytes = data.buffer.slice(data.byteOffset, data.byteOffset + data.length);
        this.onmessage?.({ type: 'message', data: bytes });
      }
    }
  }

  frame(opcode, payload) {
    if (this.socket.destroyed) return;
    const mask = randomBytes(4);
    const length = payload.length;
    const head = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length])
      : length < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i += 1) masked[i] ^= mask[i % 4];
    this.socket.write(Buffer.concat([head, mask, masked]));
  }

  send(data) {
    if (this.readyState !== 1) throw new Error('WebSocket is not open');
    this.frame(0x2, Buffer.from(data));
  }

  /** A text frame (what the DevTools protocol wants). */
  sendText(text) {
    if (this.readyState !== 1) throw new Error('WebSocket is not open');
    this.frame(0x1, Buffer.from(String(text), 'utf8'));
  }

  close() {
    if (this.readyState > 1) return;
    if (this.readyState === 1) {
      this.readyState = 2;
      this.frame(0x8, Buffer.from([0x03, 0xe8]));
      this.socket.end();
    } else {
      this.socket.destroy();
    }
  }

  /** Drops the TCP connection without a close frame. */
  kill() {
    this.socket.destroy();
  }

  closed(code, reason) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ type: 'close', code, reason, wasClean: code !== 1006 });
  }
}
