// PBKDF2-HMAC-SHA256 in plain JavaScript, for pages without WebCrypto: crypto.subtle exists
// only in secure contexts (https, localhost), and a chat on a LAN is often plain http.
// Two SHA-256 compressions per iteration (the HMAC pads are hashed once), no allocation in
// the loop; it yields to the event loop every ~50 ms so the page can show "deriving…".

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// One SHA-256 compression: out = compress(state, w[0..15]); w[16..63] is scratch.
// `out` may be `state`.
function compress(state, w, out) {
  for (let i = 16; i < 64; i += 1) {
    const a = w[i - 15];
    const b = w[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = state[0]; let b = state[1]; let c = state[2]; let d = state[3];
  let e = state[4]; let f = state[5]; let g = state[6]; let h = state[7];
  for (let i = 0; i < 64; i += 1) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  out[0] = (state[0] + a) | 0; out[1] = (state[1] + b) | 0; out[2] = (state[2] + c) | 0; out[3] = (state[3] + d) | 0;
  out[4] = (state[4] + e) | 0; out[5] = (state[5] + f) | 0; out[6] = (state[6] + g) | 0; out[7] = (state[7] + h) | 0;
}

// SHA-256 of `data`, continuing from `state` after `done` bytes (0, or 64 for an HMAC pad).
function hashFrom(state, done, data) {
  const h = Int32Array.from(state);
  const w = new Int32Array(64);
  const total = done + data.length;
  const padded = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor((total * 8) / 0x100000000));
  view.setUint32(padded.length - 4, (total * 8) >>> 0);
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i += 1) w[i] = view.getInt32(offset + i * 4);
    compress(h, w, h);
  }
  return h;
}

function wordsToBytes(words) {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((word, i) => view.setInt32(i * 4, word));
  return bytes;
}

/** SHA-256 of `data`. @param {Uint8Array} data @returns {Uint8Array} 32 bytes */
export function sha256(data) {
  return wordsToBytes(hashFrom(IV, 0, data));
}

const defaultPause = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * PBKDF2-HMAC-SHA256 (RFC 8018).
 * @param {Uint8Array} password
 * @param {Uint8Array} salt
 * @param {number} iterations
 * @param {number} length bytes wanted
 * @param {{ pause?: () => Promise<void>, sliceMs?: number }} [options] how to yield between slices
 * @returns {Promise<Uint8Array>}
 */
export async function pbkdf2Sha256(password, salt, iterations, length, { pause = defaultPause, sliceMs = 50 } = {}) {
  // The HMAC key, one block: a key longer than a block is hashed first.
  const key = new Uint8Array(64);
  key.set(password.length > 64 ? sha256(password) : password);
  const inner = new Uint8Array(64);
  const outer = new Uint8Array(64);
  for (let i = 0; i < 64; i += 1) {
    inner[i] = key[i] ^ 0x36;
    outer[i] = key[i] ^ 0x5c;
  }
  // The states after the first block of each HMAC hash, computed once.
  const innerState = Int32Array.from(IV);
  const outerState = Int32Array.from(IV);
  const w = new Int32Array(64);
  for (const [pad, state] of [[inner, innerState], [outer, outerState]]) {
    const view = new DataView(pad.buffer);
    for (let i = 0; i < 16; i += 1) w[i] = view.getInt32(i * 4);
    compress(state, w, state);
  }

  const blocks = Math.ceil(length / 32);
  const result = new Int32Array(blocks * 8);
  const u = new Int32Array(8);
  let sliceStart = Date.now();
  for (let block = 1; block <= blocks; block += 1) {
    // U1 = HMAC(password, salt || INT(block)), through the general path.
    const first = new Uint8Array(salt.length + 4);
    first.set(salt);
    new DataView(first.buffer).setUint32(salt.length, block);
    const innerHash = hashFrom(innerState, 64, first);
    u.set(hashFrom(outerState, 64, wordsToBytes(innerHash)));
    const t = result.subarray((block - 1) * 8, block * 8);
    t.set(u);
    // U2…Uc: each message is one 32-byte value, so each hash is one padded block.
    for (let round = 1; round < iterations; round += 1) {
      for (let i = 0; i < 8; i += 1) w[i] = u[i];
      w[8] = 0x80000000;
      for (let i = 9; i < 15; i += 1) w[i] = 0;
      w[15] = (64 + 32) * 8;
      compress(innerState, w, u);
      for (let i = 0; i < 8; i += 1) w[i] = u[i];
      w[8] = 0x80000000;
      for (let i = 9; i < 15; i += 1) w[i] = 0;
      w[15] = (64 + 32) * 8;
      compress(outerState, w, u);
      for (let i = 0; i < 8; i += 1) t[i] ^= u[i];
      if ((round & 0x3ff) === 0 && Date.now() - sliceStart > sliceMs) {
        await pause();
        sliceStart = Date.now();
      }
    }
  }
  return wordsToBytes(result).slice(0, length);
}
