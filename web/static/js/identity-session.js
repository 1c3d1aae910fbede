// Signed nicknames for one session (SPEC.md, "Identity and direct messages (v2)"): the
// member's own keys (when they gave a personal secret), the keys seen of others (retained
// `users/<nick>/key`, the server's pins in `/data/lastinfo`), remembered per chat in
// localStorage, the `sig` of everything the member sends, and the verdict on what others
// send: "verified", "forged" (a nickname with a key, and a missing or wrong signature), or
// null (a nickname without a key: plain, as before). No DOM, no element ids.
import { signatureInput, signInput, verifyInput, fromBase64url } from './identity.js';
import { nickProblem } from './names.js';
import { AwaitingKey } from './awaiting-key.js';

const KEYS_PREFIX = 'chatt-keys:';

/**
 * The fields a signature covers, in SPEC.md's order, for the event `payload` published on
 * `topic` (by its last level: newtext, edit, delete, react, key, or a direct/<a>/<b> topic);
 * null for a topic that is not signed (typing, presence, hello…).
 */
export function signedFields(topic, payload) {
  if (topic.startsWith('direct/')) return [payload.id, payload.ts, payload.from, payload.to, payload.nonce, payload.ct];
  const verb = topic.split('/').at(-1);
  switch (verb) {
    case 'newtext': return [payload.id, payload.ts, payload.author, payload.replyTo ?? '', payload.text];
    case 'edit': return [payload.id, payload.ts, payload.author, payload.target, payload.text];
    case 'delete': return [payload.id, payload.ts, payload.author, payload.target];
    case 'react': return [payload.id, payload.ts, payload.author, payload.target, payload.on ? '1' : '0', payload.emoji];
    case 'key': return [payload.ts, payload.sign, payload.dh];
    default: return null;
  }
}

/** `{sign, dh}` when both are base64url of 32 bytes, else null. */
export function parseKeyPair(value) {
  if (!value || typeof value !== 'object') return null;
  const sign = fromBase64url(value.sign), dh = fromBase64url(value.dh);
  if (!sign || sign.length !== 32 || !dh || dh.length !== 32) return null;
  return { sign: value.sign, dh: value.dh };
}

/** The keys of others this browser has seen in one chat, in localStorage `chatt-keys:<chat>`. */
export class KeyBook {
  constructor(storage, chat) {
    this.storage = storage;
    this.name = `${KEYS_PREFIX}${chat}`;
    this.keys = new Map();
    try {
      const saved = JSON.parse(storage?.getItem(this.name) ?? '{}');
      for (const [nick, pair] of Object.entries(saved ?? {})) {
        const keys = parseKeyPair(pair);
        if (keys && nickProblem(nick) === null) this.keys.set(nick, keys);
      }
    } catch {
      // Unreadable: start empty.
    }
  }

  get(nick) {
    return this.keys.get(nick) ?? null;
  }

  /** Learns `nick`'s keys: "new", "same" or "changed" (then the new ones are kept: a pin moved). */
  learn(nick, keys) {
    const known = this.keys.get(nick);
    if (known && known.sign === keys.sign && known.dh === keys.dh) return 'same';
    this.keys.set(nick, { sign: keys.sign, dh: keys.dh });
    try {
      this.storage?.setItem(this.name, JSON.stringify(Object.fromEntries(this.keys)));
    } catch {
      // Full or disabled storage: the keys hold for this page.
    }
    return known ? 'changed' : 'new';
  }
}

export class IdentitySession {
  /**
   * @param {object} options
   * @param {string} options.nick
   * @param {object|null} options.own the member's keys (identity.js `deriveIdentity`), or null without a secret
   * @param {KeyBook} options.book
   * @param {(nick: string, refused: boolean) => void} [options.onKeyChanged] a nickname's key changed
   *   (refused: an announcement differs from the server's pin, which stays)
   */
  constructor({ nick, own, book, onKeyChanged = () => {} }) {
    this.nick = nick;
    this.own = own;
    this.book = book;
    this.onKeyChanged = onKeyChanged;
    this.queue = Promise.resolve(); // signatures in call order, so events leave in the order sent
    this.pinned = new Set(); // nicknames whose keys the server pinned (lastinfo): announcements do not replace them
    this.awaiting = new AwaitingKey(); // live events checked again when their author's key comes
    if (own) this.book.learn(nick, { sign: own.sign, dh: own.dh });
  }

  /** Whether the member has keys (gave a personal secret). */
  get signing() {
    return this.own !== null;
  }

  /**
   * `payload` with its `sig` added when the member has keys (else unchanged). Signatures
   * resolve in the order asked: WebCrypto may finish them in any order, and a message and
   * its edit must reach the broker in the order the member made them.
   */
  async sign(topic, payload) {
    const fields = this.own ? signedFields(topic, payload) : null;
    if (!fields) return payload;
    const sig = this.queue.then(() => signInput(this.own, signatureInput(topic, fields)));
    this.queue = sig.catch(() => {});
    return { ...payload, sig: await sig };
  }

  /** The retained self-signed `users/<nick>/key` announcement, or null without keys. */
  async announcement(ts = Date.now()) {
    if (!this.own) return null;
    const topic = `users/${this.nick}/key`;
    return { topic, payload: await this.sign(topic, { sign: this.own.sign, dh: this.own.dh, ts }) };
  }

  /**
   * Learns keys (`pinned`: the server's), telling onKeyChanged when a nickname's keys changed;
   * the outcome: "new", "same", "changed", or "refused" (an announcement against the server's pin).
   */
  learn(nick, keys, { pinned = false } = {}) {
    const known = this.book.get(nick);
    if (!pinned && this.pinned.has(nick) && known && known.sign !== keys.sign) {
      this.onKeyChanged(nick, true);
      return 'refused';
    }
    if (pinned) this.pinned.add(nick);
    const outcome = this.book.learn(nick, keys);
    if (outcome === 'changed') this.onKeyChanged(nick, false);
    for (const { topic, text, done } of this.awaiting.take(nick)) this.check(topic, nick, text, done).catch(() => {});
    return outcome;
  }

  /** A `users/<nick>/key` message: learnt when well formed and self-signed; the outcome, or null if refused. */
  async onKeyMessage(nick, text) {
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      return null;
    }
    const keys = parseKeyPair(value);
    if (!keys || !Number.isFinite(value.ts)) return null;
    const topic = `users/${nick}/key`;
    if (!(await verifyInput(keys.sign, value.sig, signatureInput(topic, signedFields(topic, value))))) return null;
    return this.learn(nick, keys);
  }

  /** The server's pinned keys (`/data/lastinfo` `"keys"`). */
  mergeLastinfo(data) {
    const keys = data?.keys;
    if (!keys || typeof keys !== 'object' || Array.isArray(keys)) return;
    for (const [nick, pair] of Object.entries(keys)) {
      const parsed = parseKeyPair(pair);
      if (parsed && nickProblem(nick) === null) this.learn(nick, parsed, { pinned: true });
    }
  }

  /**
   * Checks an event others sent (its JSON `text` on `topic`, by `author`) and calls
   * `done(verdict)` with "verified" or "forged" once its author's key is known: now, or
   * when a key for `author` is learnt later (a key announcement that comes after their
   * messages). An event of a nickname that never gets a key never calls `done` (plain).
   */
  async check(topic, author, text, done) {
    for (;;) {
      const verdict = await this.verdict(topic, author, text);
      if (verdict !== null) {
        done(verdict);
        return;
      }
      if (this.book.get(author) === null) break; // else a key came meanwhile: check with it
    }
    this.awaiting.hold(author, { topic, text, done });
  }

  /**
   * The verdict on an event others sent (its JSON `text` on `topic`, by `author`):
   * "verified", "forged", or null for a nickname without known keys.
   */
  async verdict(topic, author, text) {
    const keys = this.book.get(author);
    if (!keys) return null;
    let payload;
    try {
      payload = JSON.parse(text);
    } catch {
      return 'forged';
    }
    const fields = signedFields(topic, payload ?? {});
    if (!fields || typeof payload.sig !== 'string') return 'forged';
    return (await verifyInput(keys.sign, payload.sig, signatureInput(topic, fields))) ? 'verified' : 'forged';
  }
}
