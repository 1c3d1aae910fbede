import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uploadProblem, uploadName, uploadMessage, upload } from '../static/js/upload.js';

const SHA = 'cd'.repeat(32);

test('the message of an upload: a picture with its size, another file as its full URL', () => {
  assert.equal(uploadMessage({ url: `/data/files/${SHA}/cat.png`, type: 'image/png', width: 640, height: 480 }, 'https://c.example'),
    `:img:(/data/files/${SHA}/cat.png#w=640&h=480)`);
  assert.equal(uploadMessage({ url: `/data/files/${SHA}/a.webp`, type: 'image/webp' }, 'https://c.example'),
    `:img:(/data/files/${SHA}/a.webp)`);
  assert.equal(uploadMessage({ url: `/data/files/${SHA}/notes.txt`, type: 'application/octet-stream' }, 'https://c.example'),
    `https://c.example/data/files/${SHA}/notes.txt`);
});

test('checks before sending: empty, past the limit', () => {
  assert.match(uploadProblem({ name: 'a.txt', size: 0 }, 100), /empty/);
  assert.match(uploadProblem({ name: 'big.bin', size: 30 * 1024 * 1024 }, 20 * 1024 * 1024), /30 MB.*20 MB/);
  assert.equal(uploadProblem({ name: 'ok.bin', size: 10 }, 100), null);
  assert.equal(uploadProblem({ name: 'ok.bin', size: 10 ** 9 }, null), null, 'a server that does not say: it decides');
});

test('names: a pasted picture gets one; slashes, control characters and .. never reach the server', () => {
  const at = new Date(2026, 11, 2, 9, 5, 7);
  assert.equal(uploadName({ name: '', type: 'image/png' }, at), 'pasted-20261202-090507.png');
  assert.equal(uploadName({ name: 'image.png', type: 'image/png' }, at), 'image.png');
  assert.equal(uploadName({ name: 'a/b\\c\u0007..txt', type: '' }, at), 'a_b_c_.txt');
});

test('upload: POST data/files?name=… with the credentials; the server\'s reason on a refusal', async () => {
  const sent = [];
  class FakeXHR {
    constructor() { this.listeners = {}; this.upload = { addEventListener: (n, f) => { this.progress = f; } }; this.headers = {}; }
    open(method, url) { sent.push({ method, url }); }
    setRequestHeader(name, value) { this.headers[name] = value; }
    addEventListener(name, fn) { this.listeners[name] = fn; }
    send(body) {
      sent.at(-1).headers = this.headers;
      sent.at(-1).body = body;
      this.progress({ lengthComputable: true, loaded: 5, total: 10 });
      if (body.refuse) {
        this.status = 415;
        this.responseText = JSON.stringify({ error: { message: 'the file claims to be image/png (by its name) but its content is not' } });
      } else {
        this.status = 201;
        this.responseText = JSON.stringify({ url: `/data/files/${SHA}/a%20b.png`, type: 'image/png', width: 1, height: 1 });
      }
      this.listeners.load();
    }
  }
  const progress = [];
  const answer = await upload({ blob: { type: 'image/png' }, name: 'a b.png', authorization: 'Basic eDp5', XHR: FakeXHR, onProgress: (f) => progress.push(f) });
  assert.equal(answer.url, `/data/files/${SHA}/a%20b.png`);
  assert.deepEqual(sent[0].method, 'POST');
  assert.equal(sent[0].url, 'data/files?name=a%20b.png');
  assert.deepEqual(sent[0].headers, { Authorization: 'Basic eDp5', 'Content-Type': 'image/png' });
  assert.deepEqual(progress, [0.5]);
  await assert.rejects(upload({ blob: { type: 'image/png', refuse: true }, name: 'x.png', XHR: FakeXHR }),
    (error) => error.status === 415 && /claims to be image\/png/.test(error.message));
});
