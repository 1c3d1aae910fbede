// The strong scheme and the page's own PBKDF2, held to the vectors Python's hashlib made
// (Tests/Fixtures/strong-scheme-vectors.json), which the Swift side reads too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pbkdf2Sha256, sha256 } from '../static/js/pbkdf2.js';
import { makeStrongPair, isValidSalt, titleChars, STRONG_ITERATIONS } from '../static/js/strong.js';
import { derivePair, makeRandomPair } from '../static/js/credentials.js';

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../Tests/Fixtures/strong-scheme-vectors.json', import.meta.url)), 'utf8'));
const encode = (text) => new TextEncoder().encode(text);
const hex = (bytes) => Buffer.from(bytes).toString('hex');

test('the parameters are the fixture\'s', () => {
  assert.equal(STRONG_ITERATIONS, fixture.iterations);
  assert.equal(fixture.saltPrefix, 'chatt-strong:');
  assert.ok(fixture.scheme.length >= 10);
});

test('sha256 of the FIPS 180 samples', () => {
  assert.equal(hex(sha256(encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(hex(sha256(encode(''))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(hex(sha256(encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

test(`the pure-JS PBKDF2 matches hashlib on all ${fixture.pbkdf2.length} PBKDF2 vectors (RFC 7914 included)`, async () => {
  for (const v of fixture.pbkdf2) {
    const dk = await pbkdf2Sha256(encode(v.password), encode(v.salt), v.iterations, v.length);
    assert.equal(hex(dk), v.dk, `${JSON.stringify(v.password.slice(0, 20))} / ${JSON.stringify(v.salt)} × ${v.iterations}`);
  }
});

test(`WebCrypto: all ${fixture.scheme.length} strong vectors (non-ASCII included)`, async () => {
  assert.ok(globalThis.crypto?.subtle, 'node has WebCrypto');
  for (const v of fixture.scheme) {
    assert.deepEqual(await makeStrongPair(v.passphrase, v.salt), [v.login, v.password], `passphrase ${JSON.stringify(v.passphrase)}`);
  }
});

test('without WebCrypto (plain http): the pure-JS PBKDF2 gives the fixture\'s pair, 600,000 iterations', async () => {
  // One full vector outside the BMP (the slow path takes seconds on a loaded machine);
  // every other byte path is covered by the PBKDF2 vectors above.
  const v = fixture.scheme.find((each) => [...each.passphrase].some((c) => c.codePointAt(0) > 0xffff));
  assert.ok(v);
  assert.deepEqual(await makeStrongPair(v.passphrase, v.salt, { subtle: null }), [v.login, v.password]);
});

test('the pure-JS PBKDF2 yields to the event loop while it runs', async () => {
  let pauses = 0;
  const pause = () => { pauses += 1; return new Promise((resolve) => setTimeout(resolve, 0)); };
  const fast = await pbkdf2Sha256(encode('p'), encode('s'), 20000, 48, { pause, sliceMs: 0 });
  assert.ok(pauses > 0);
  assert.equal(hex(fast), hex(await pbkdf2Sha256(encode('p'), encode('s'), 20000, 48)));
});

test('a WebCrypto that fails falls back to the pure-JS PBKDF2', async () => {
  const broken = { importKey: () => Promise.reject(new Error('no')), deriveBits: () => Promise.reject(new Error('no')) };
  const v = fixture.scheme[0];
  const few = { iterations: 3 };
  assert.deepEqual(await makeStrongPair(v.passphrase, v.salt, { subtle: broken, ...few }),
    await makeStrongPair(v.passphrase, v.salt, few));
});

test('salts: the fixture\'s valid ones pass, its invalid ones are refused with a clear error', async () => {
  for (const v of fixture.scheme) assert.ok(isValidSalt(v.salt), v.salt);
  for (const salt of fixture.invalidSalts) {
    assert.ok(!isValidSalt(salt), JSON.stringify(salt));
    await assert.rejects(makeStrongPair('x', salt), /salt .* is not base64url of 16 bytes/);
  }
});

test('derivePair follows the chat\'s scheme', async () => {
  const v = fixture.scheme[0];
  assert.deepEqual(await derivePair({ scheme: 'legacy', salt: '' }, 'foobar'), makeRandomPair('foobar'));
  assert.deepEqual(await derivePair({ scheme: 'strong', salt: v.salt }, v.passphrase), [v.login, v.password]);
  await assert.rejects(derivePair({ scheme: 'rot13', salt: '' }, 'x'), /scheme "rot13"/);
  await assert.rejects(derivePair({ scheme: 'legacy', salt: '' }, 'a'.repeat(200)), /^Error: passphrase too long/);
});

test('the title shows two characters after the strong prefix', () => {
  assert.equal(titleChars('c2-z9LdYZBe0OdQqiw4FHMBjg'), 'z9');
  assert.equal(titleChars('R3ZXKboT3M5V'), 'R3');
});
