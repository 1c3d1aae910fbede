// The strong scheme of SPEC.md: passphrase + the chat's salt -> [login, password].
//   dk = PBKDF2-HMAC-SHA256(passphrase as UTF-8, "chatt-strong:" + salt, 600,000, 48 bytes)
//   login = "c2-" + base64url(dk[0..16]), password = base64url(dk[16..48]), no padding
// The salt in the PBKDF2 input is the salt's base64url text from the chatt-scheme-salt meta
// tag, as it is (Sources/ChatCore/StrongCredentials.swift does the same; both are held to
// Tests/Fixtures/strong-scheme-vectors.json, made with Python's hashlib).
// pbkdf2.js (the plain-JavaScript PBKDF2) is loaded only where WebCrypto is missing, so a
// page in a secure context does not download it.
import { pageError } from './i18n.js';

export const STRONG_ITERATIONS = 600000;
const SALT_PREFIX = 'chatt-strong:';
const LOGIN_PREFIX = 'c2-';

/** Whether `salt` is the canonical unpadded base64url text of 16 bytes. */
export function isValidSalt(salt) {
  // 22 characters; the last one carries 2 bits of data and 4 zero bits.
  return typeof salt === 'string' && /^[A-Za-z0-9_-]{21}[AQgw]$/.test(salt);
}

function base64url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// WebCrypto's PBKDF2 (native, fast); undefined where the page is not a secure context.
async function subtlePbkdf2(subtle, password, salt, iterations, length) {
  const key = await subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, length * 8);
  return new Uint8Array(bits);
}

/**
 * Derives the MQTT login and password of the strong scheme.
 * @param {string} passphrase
 * @param {string} salt the chat's salt (base64url of 16 bytes)
 * @param {{ subtle?: SubtleCrypto | null, iterations?: number }} [options] `subtle: null`
 *   forces the pure-JS PBKDF2 (what a page on plain http uses); `iterations` is for tests.
 * @returns {Promise<[string, string]>} [login, password]
 */
export async function makeStrongPair(passphrase, salt, { subtle = globalThis.crypto?.subtle, iterations = STRONG_ITERATIONS } = {}) {
  if (!isValidSalt(salt)) {
    throw pageError('passphrase.badSalt', { salt: JSON.stringify(String(salt).slice(0, 40)) });
  }
  const encoder = new TextEncoder();
  const password = encoder.encode(String(passphrase));
  const saltBytes = encoder.encode(SALT_PREFIX + salt);
  let dk = null;
  if (subtle) {
    try {
      dk = await subtlePbkdf2(subtle, password, saltBytes, iterations, 48);
    } catch {
      dk = null; // e.g. a browser that refuses an empty key: the fallback gives the same bytes
    }
  }
  if (!dk) {
    const { pbkdf2Sha256 } = await import('./pbkdf2.js');
    dk = await pbkdf2Sha256(password, saltBytes, iterations, 48);
  }
  return [LOGIN_PREFIX + base64url(dk.subarray(0, 16)), base64url(dk.subarray(16, 48))];
}

/** The two characters of a login the page shows in its title (`ChaTT-xy`). */
export function titleChars(login) {
  return login.startsWith(LOGIN_PREFIX) ? login.slice(LOGIN_PREFIX.length, LOGIN_PREFIX.length + 2) : login.slice(0, 2);
}
