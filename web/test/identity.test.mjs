// Signed nicknames and direct messages in the page, held to the vectors Python's
// cryptography package made (Tests/Fixtures/identity-vectors.json), which the Swift side
// (Sources/ChatCore/Identity) reads too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  deriveIdentity, signatureInput, signInput, verifyInput, directTopic, sealDirect, openDirect, fromBase64url,
  IDENTITY_ITERATIONS,
} from '../static/js/identity.js';

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../Tests/Fixtures/identity-vectors.json', import.meta.url)), 'utf8'));
const identities = {};
for (const v of fixture.identities) {
  if (!identities[v.nick]) identities[v.nick] = await deriveIdentity(v.secret, v.nick);
}

test('a secret and a nickname give the vectors\' public keys', async () => {
  assert.equal(IDENTITY_ITERATIONS, fixture.iterations);
  for (const v of fixture.identities.slice(0, 2)) {
    assert.equal(identities[v.nick].sign, v.sign, v.secret);
    assert.equal(identities[v.nick].dh, v.dh, v.secret);
  }
  const other = await deriveIdentity(fixture.identities[2].secret, 'alice');
  assert.equal(other.sign, fixture.identities[2].sign);
  assert.notEqual(other.sign, identities.alice.sign);
});

test('each signature input and signature is the vectors\'; a changed field does not verify', async () => {
  for (const v of fixture.signatures) {
    const input = signatureInput(v.topic, v.fields);
    assert.equal(input, v.input);
    assert.equal(await signInput(identities[v.signer], input), v.sig, v.topic);
    assert.ok(await verifyInput(identities[v.signer].sign, v.sig, input));
    assert.ok(!(await verifyInput(identities[v.signer].sign, v.sig, `${input}!`)));
  }
  assert.ok(!(await verifyInput('not a key', fixture.signatures[0].sig, fixture.signatures[0].input)));
});

test('direct messages seal to the vectors\' ciphertext and open on both sides only', async () => {
  const { alice, bob } = identities;
  for (const v of fixture.direct) {
    const { topic, payload } = await sealDirect(alice, 'bob', bob.dh, {
      text: v.text, replyTo: v.replyTo, id: v.envelope.id, ts: v.envelope.ts, nonce: fromBase64url(v.envelope.nonce),
    });
    assert.equal(topic, v.topic);
    assert.deepEqual(payload, v.envelope);
    const opened = await openDirect(bob, { sign: alice.sign, dh: alice.dh }, topic, v.envelope);
    assert.deepEqual(opened, { text: v.text, replyTo: v.replyTo, signed: true });
    assert.equal((await openDirect(alice, { sign: bob.sign, dh: bob.dh }, topic, v.envelope)).text, v.text);
    const mallory = await deriveIdentity('x', 'mallory', { iterations: 1 });
    assert.equal(await openDirect(mallory, { sign: alice.sign, dh: alice.dh }, topic, v.envelope), null);
    const altered = { ...v.envelope, ct: v.envelope.ct.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
    assert.equal(await openDirect(bob, { sign: alice.sign, dh: alice.dh }, topic, altered), null);
  }
});

test('direct topics name the two nicknames in code-point order', () => {
  assert.equal(directTopic('bob', 'alice'), 'direct/alice/bob');
  assert.equal(directTopic('Zoë', 'zed'), 'direct/Zoë/zed');
  // U+FF21 (a BMP letter) comes before U+1F600, though its UTF-16 unit is larger.
  assert.equal(directTopic('😀', 'Ａ'), 'direct/Ａ/😀');
});
