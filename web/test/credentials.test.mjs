import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeRandomPair } from '../static/js/credentials.js';

const fixtures = new URL('../../Tests/Fixtures/', import.meta.url);
const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('genpass-vectors.json', fixtures)), 'utf8'));
const refusals = JSON.parse(readFileSync(fileURLToPath(new URL('genpass-nonterminating.json', fixtures)), 'utf8'));

test('the README sample: foobar', () => {
  assert.deepEqual(makeRandomPair('foobar'), [
    'R3ZXKboT3M5VqPxOQclSB1SPAM3TVS5lqq33YTyi6iN26SRtboiRAzV4TbGP6ha4CI',
    'vUYP1AR1P23lTb6XAO1KhNaK2NQAFQ6DtrLpaEC1wdvu5hafjvCVQFn4R64WuQv4pD',
  ]);
});

test(`all ${vectors.length} vectors of the original`, () => {
  assert.ok(vectors.length >= 1500);
  for (const { passphrase, login, password } of vectors) {
    assert.deepEqual(makeRandomPair(passphrase), [login, password], `passphrase ${JSON.stringify(passphrase)}`);
  }
});

test(`all ${refusals.length} non-terminating passphrases are refused at once`, () => {
  assert.equal(refusals.length, 50);
  const started = Date.now();
  for (const passphrase of refusals) {
    assert.throws(() => makeRandomPair(passphrase), /^Error: passphrase too long/, `passphrase ${JSON.stringify(passphrase).slice(0, 60)}`);
  }
  assert.ok(Date.now() - started < 5000, 'refusals must not loop');
});

test('the refusal says how many digits', () => {
  assert.throws(() => makeRandomPair('a'.repeat(155)), /308 digits \(this one has 310\)/);
});

test('leading U+0000 do not count', () => {
  assert.deepEqual(makeRandomPair('\u0000'.repeat(1000) + 'x'.repeat(103)), makeRandomPair('x'.repeat(103)));
});
