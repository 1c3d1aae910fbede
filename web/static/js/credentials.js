// The passphrase derivations of SPEC.md: passphrase -> [login, password]. The "legacy"
// scheme is here; it must give exactly the original's strings, so it keeps the original's
// arithmetic: doubles, `%` as a double remainder, and the passphrase read as UTF-16 code
// units. The "strong" scheme is in strong.js; derivePair() picks the chat's.
import { makeStrongPair } from './strong.js';
import { pageError } from './i18n.js';

const MODULUS = 2147483647;
const DIGIT_LIMIT = 308;

// Park–Miller "minimal standard" generator, computed in doubles like the original.
function generator(seed) {
  let state = seed % MODULUS;
  if (state <= 0) state += 2147483646;
  return () => {
    state = (state * 16807) % MODULUS;
    return state;
  };
}

// Step 1: the decimal digits of every UTF-16 code unit, joined and read as a double.
// The original loops forever when that double is infinite; refuse such input at once.
function seedOf(passphrase) {
  let digits = '';
  for (let i = 0; i < passphrase.length; i += 1) digits += String(passphrase.charCodeAt(i));
  const seed = digits === '' ? 0 : Number(digits);
  if (!Number.isFinite(seed)) {
    const significant = digits.replace(/^0+/, '').length;
    throw pageError('passphrase.tooLong', { limit: DIGIT_LIMIT, count: significant });
  }
  return seed;
}

// Step 5: the three rules, each applied to the result of the one before.
function mapPiece(piece) {
  let v = piece;
  if (v < 65) v = 65 + (v % 62);
  if (v > 90 && v < 97) v = 48 + (v - 90);
  if (v > 122) v = 48 + (v % 10);
  return v;
}

// Step 4: cut the digit string into pieces below 123 (the last piece takes the rest).
function characters(digits) {
  const codes = [];
  let position = 0;
  while (position < digits.length) {
    let end = position;
    let value = 0;
    while (end < digits.length && value < 123) {
      value = value * 10 + (digits.charCodeAt(end) - 48);
      end += 1;
    }
    if (end < digits.length) {
      value = Math.floor(value / 10);
      end -= 1;
    }
    codes.push(mapPiece(value));
    position = end;
  }
  return codes;
}

/**
 * Derives the MQTT login and password from a passphrase.
 * @param {string} passphrase
 * @returns {[string, string]} [login, password]
 * @throws {Error} "passphrase too long …" where the original never returns.
 */
export function makeRandomPair(passphrase) {
  const first = generator(seedOf(String(passphrase)));
  const second = generator(first());
  let digits = '';
  for (let i = 0; i < 30; i += 1) digits += String(second());
  const codes = characters(digits);
  let split = Math.floor(codes.length / 2);
  while (split < codes.length && codes[split] < 60) split += 1;
  return [String.fromCharCode(...codes.slice(0, split)), String.fromCharCode(...codes.slice(split))];
}

/**
 * Derives the pair under the chat's scheme (from the page's chatt-scheme meta tags).
 * @param {{ scheme: string, salt: string }} chat
 * @param {string} passphrase
 * @returns {Promise<[string, string]>} [login, password]
 * @throws {Error} a too-long passphrase (legacy), a bad salt or an unknown scheme.
 */
export async function derivePair(chat, passphrase) {
  if (chat.scheme === 'legacy') return makeRandomPair(passphrase);
  if (chat.scheme === 'strong') return makeStrongPair(passphrase, chat.salt);
  throw pageError('passphrase.unknownScheme', { scheme: chat.scheme });
}
