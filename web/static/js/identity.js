// Signed nicknames and direct messages (SPEC.md, "Identity and direct messages (v2)"), with
// WebCrypto only (Ed25519, X25519, HKDF, AES-GCM, PBKDF2): a page in a secure context
// (https, or localhost) has them; elsewhere `identitySupported()` is false.
//   seed    = PBKDF2-HMAC-SHA256(secret, "chatt-id:" + nick, 600,000, 32 bytes)
//   signing = Ed25519 from HKDF-SHA256(seed, no salt, "chatt-sign", 32 bytes)
//   dh      = X25519 from HKDF-SHA256(seed, no salt, "chatt-dh", 32 bytes)
// Held to Tests/Fixtures/identity-vectors.json (made with Python's cryptography package),
// which Sources/ChatCore/Identity is held to as well.

export const IDENTITY_ITERATIONS = 600000;
const encoder = new TextEncoder();

// PKCS #8 wrappers of a raw 32-byte private key: WebCrypto imports Curve25519 private
// keys as PKCS #8 or JWK only.
const ED25519_PKCS8 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const X25519_PKCS8 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20];

export function base64url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) return null;
  if (text.length % 4 === 1) return null; // no base64 has this length (atob would throw)
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Whether this page can sign and open direct messages (WebCrypto with Curve25519). */
export function identitySupported(subtle = globalThis.crypto?.subtle) {
  return Boolean(subtle);
}

async function hkdf(subtle, ikm, info, salt = new Uint8Array()) {
  const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode(info) }, key, 256);
  return new Uint8Array(bits);
}

async function importPrivate(subtle, prefix, raw, algorithm, usages) {
  return subtle.importKey('pkcs8', new Uint8Array([...prefix, ...raw]), algorithm, true, usages);
}

/**
 * The keys of `nick` from its personal secret: `{ nick, sign, dh, signingKey, dhKey }`, the
 * public keys in base64url and the private ones as CryptoKeys.
 */
export async function deriveIdentity(secret, nick, { iterations = IDENTITY_ITERATIONS, subtle = crypto.subtle } = {}) {
  const material = await subtle.importKey('raw', encoder.encode(secret), 'PBKDF2', false, ['deriveBits']);
  const seed = new Uint8Array(await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode(`chatt-id:${nick}`), iterations }, material, 256));
  const signingKey = await importPrivate(subtle, ED25519_PKCS8, await hkdf(subtle, seed, 'chatt-sign'), { name: 'Ed25519' }, ['sign']);
  const dhKey = await importPrivate(subtle, X25519_PKCS8, await hkdf(subtle, seed, 'chatt-dh'), { name: 'X25519' }, ['deriveBits']);
  // The JWK of a private key carries its public half ("x").
  const sign = (await subtle.exportKey('jwk', signingKey)).x;
  const dh = (await subtle.exportKey('jwk', dhKey)).x;
  return { nick, sign, dh, signingKey, dhKey };
}

/** The text a signature covers: `chatt-sig-1`, the topic, then the fields, joined by "\n". */
export function signatureInput(topic, fields) {
  return ['chatt-sig-1', topic, ...fields.map(String)].join('\n');
}

/** The `sig` of `input` by `identity`, base64url. */
export async function signInput(identity, input, subtle = crypto.subtle) {
  return base64url(new Uint8Array(await subtle.sign({ name: 'Ed25519' }, identity.signingKey, encoder.encode(input))));
}

/** Whether `sig` is the signature of `input` by the public key `sign` (base64url). */
export async function verifyInput(sign, sig, input, subtle = crypto.subtle) {
  const key = fromBase64url(sign), signature = fromBase64url(sig);
  if (!key || key.length !== 32 || !signature || signature.length !== 64) return false;
  try {
    const publicKey = await subtle.importKey('raw', key, { name: 'Ed25519' }, false, ['verify']);
    return await subtle.verify({ name: 'Ed25519' }, publicKey, signature, encoder.encode(input));
  } catch {
    return false;
  }
}

function comparesBefore(a, b) {
  // Code-point order, as SPEC.md says (JavaScript's < compares UTF-16 code units).
  const x = [...a].map((c) => c.codePointAt(0)), y = [...b].map((c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i] < y[i];
  return x.length <= y.length;
}

/** `direct/<a>/<b>`: the two nicknames in code-point order. */
export function directTopic(a, b) {
  return comparesBefore(a, b) ? `direct/${a}/${b}` : `direct/${b}/${a}`;
}

async function conversationKey(own, peerDh, peerNick, subtle) {
  const [first, second] = comparesBefore(own.nick, peerNick) ? [own.nick, peerNick] : [peerNick, own.nick];
  const peer = await subtle.importKey('raw', fromBase64url(peerDh), { name: 'X25519' }, false, []);
  const shared = new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: peer }, own.dhKey, 256));
  const key = await hkdf(subtle, shared, 'chatt-direct', encoder.encode(`${first}\n${second}`));
  return subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

function directFields(envelope) {
  return [envelope.id, envelope.ts, envelope.from, envelope.to, envelope.nonce, envelope.ct];
}

/**
 * A direct message from `own` to `to` (whose X25519 key is `peerDh`), sealed and signed:
 * `{ topic, payload }` with payload `{from, to, id, ts, nonce, ct, sig}`.
 */
export async function sealDirect(own, to, peerDh, { text, replyTo = null, id, ts, nonce, subtle = crypto.subtle }) {
  const iv = nonce ?? crypto.getRandomValues(new Uint8Array(12));
  const content = replyTo ? { replyTo, text } : { text };
  const key = await conversationKey(own, peerDh, to, subtle);
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(JSON.stringify(content))));
  const topic = directTopic(own.nick, to);
  const payload = { from: own.nick, to, id, ts, nonce: base64url(iv), ct: base64url(ct) };
  payload.sig = await signInput(own, signatureInput(topic, directFields(payload)), subtle);
  return { topic, payload };
}

/**
 * Opens a direct message with `own` (its sender's or recipient's keys); `peer` is the other
 * side's `{ sign, dh }`. Resolves to `{ text, replyTo, signed }`, or null when it does not
 * open (not for these keys, or altered).
 */
export async function openDirect(own, peer, topic, payload, subtle = crypto.subtle) {
  try {
    const other = payload.from === own.nick ? payload.to : payload.from;
    const key = await conversationKey(own, peer.dh, other, subtle);
    const plain = await subtle.decrypt({ name: 'AES-GCM', iv: fromBase64url(payload.nonce) }, key, fromBase64url(payload.ct));
    const content = JSON.parse(new TextDecoder().decode(plain));
    if (typeof content.text !== 'string') return null;
    const signer = payload.from === own.nick ? null : peer.sign;
    const signed = signer ? await verifyInput(signer, payload.sig, signatureInput(topic, directFields(payload)), subtle) : true;
    return { text: content.text, replyTo: typeof content.replyTo === 'string' ? content.replyTo : null, signed };
  } catch {
    return null;
  }
}
