// Direct messages for one session (SPEC.md, "Identity and direct messages (v2)"): each
// conversation on `direct/<a>/<b>` (the nicknames in code-point order), sealed with
// identity.js before it leaves the browser and opened only with the member's keys; the
// history of one from `GET /data/direct/<a>/<b>/messages`; unread counts. A member without
// a personal secret has no keys: conversations show why they cannot be opened. No DOM: the
// DirectView (direct-view.js) shows what this decides.
import { directTopic, sealDirect, openDirect, fromBase64url } from './identity.js';
import { nickProblem } from './names.js';
import { isEventId } from './events.js';
import { newMessageId } from './wire.js';
import { NO_SECRET } from './identity-view.js';
import { t } from './i18n.js';

export { NO_SECRET };

/** `{ a, b }` of a `direct/<a>/<b>` topic whose nicknames are valid and in code-point order, else null. */
export function parseDirectTopic(topic) {
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== 'direct') return null;
  const [, a, b] = parts;
  if (nickProblem(a) !== null || nickProblem(b) !== null || a === b) return null;
  return directTopic(a, b) === topic ? { a, b } : null;
}

/** A direct payload `{from, to, id, ts, nonce, ct, sig}` on `topic` well formed, else null. */
export function parseEnvelope(topic, value) {
  const ends = parseDirectTopic(topic);
  if (!ends || !value || typeof value !== 'object') return null;
  const { from, to, id, ts, nonce, ct, sig } = value;
  if (!((from === ends.a && to === ends.b) || (from === ends.b && to === ends.a))) return null;
  if (!isEventId(id) || !Number.isFinite(ts) || typeof sig !== 'string') return null;
  const iv = fromBase64url(nonce), sealed = fromBase64url(ct);
  if (!iv || iv.length !== 12 || !sealed || sealed.length < 16) return null;
  return { from, to, id, ts, nonce, ct, sig };
}

export class DirectMessages {
  /**
   * @param {object} options
   * @param {string} options.nick
   * @param {import('./identity-session.js').IdentitySession} options.ids the member's and others' keys
   * @param {{ publish: Function }} options.client
   * @param {{ get: (path: string, what: string) => Promise<any> }} options.api
   * @param {(change: object) => void} [options.onChange] a conversation changed ({ peer })
   */
  constructor({ nick, ids, client, api, onChange = () => {} }) {
    this.nick = nick;
    this.ids = ids;
    this.client = client;
    this.api = api;
    this.onChange = onChange;
    this.conversations = new Map(); // peer -> { peer, topic, messages (by ts), ids, unread, historyLoaded }
    this.current = null; // the peer whose conversation is open
  }

  /** The MQTT subscriptions of the member's own conversations (none without keys). */
  static subscriptions(nick, signing) {
    return signing ? [{ topic: `direct/${nick}/+`, qos: 1 }, { topic: `direct/+/${nick}`, qos: 1 }] : [];
  }

  /** Whether direct messages can be opened here (the member gave a personal secret). */
  get available() {
    return this.ids.signing;
  }

  /** Whether a conversation with `peer` can be started (their keys are known). */
  canStart(peer) {
    // `bot` (memorize) has keys but reads no direct messages.
    return this.available && peer !== this.nick && peer !== 'bot' && this.ids.book.get(peer) !== null;
  }

  conversation(peer) {
    let conversation = this.conversations.get(peer);
    if (!conversation) {
      conversation = { peer, topic: directTopic(this.nick, peer), messages: [], ids: new Set(), unread: 0, historyLoaded: false };
      this.conversations.set(peer, conversation);
    }
    return conversation;
  }

  /** The list of conversations (the "Direct" section): peers in name order with unread counts. */
  list() {
    return [...this.conversations.values()]
      .sort((x, y) => (x.peer < y.peer ? -1 : 1))
      .map(({ peer, unread }) => ({ peer, unread }));
  }

  totalUnread() {
    let total = 0;
    for (const { unread } of this.conversations.values()) total += unread;
    return total;
  }

  /**
   * An envelope as a message: `{ author, text, ts, id, verdict }`, or with `problem` (and
   * empty text) when it cannot be read here: no secret, the peer's key unknown, or it does
   * not decrypt (not for these keys, or altered).
   */
  async open(topic, envelope) {
    const base = { author: envelope.from, ts: envelope.ts, id: envelope.id, key: null };
    if (!this.ids.own) return { ...base, text: '', problem: NO_SECRET };
    const peer = envelope.from === this.nick ? envelope.to : envelope.from;
    const keys = this.ids.book.get(peer);
    if (!keys) return { ...base, text: '', problem: t('direct.keyUnknown', { nick: peer }), waiting: { topic, envelope } };
    const opened = await openDirect(this.ids.own, keys, topic, envelope);
    if (!opened) return { ...base, text: '', problem: t('direct.undecryptable') };
    return { ...base, text: opened.text, verdict: opened.signed ? 'verified' : 'forged', ...(opened.replyTo ? { replyTo: opened.replyTo } : {}) };
  }

  /** Adds a message to a conversation in time order; false when it was there already. */
  add(conversation, message, { live }) {
    if (conversation.ids.has(message.id)) return false;
    conversation.ids.add(message.id);
    let index = conversation.messages.length;
    while (index > 0 && conversation.messages[index - 1].ts > message.ts) index -= 1;
    conversation.messages.splice(index, 0, message);
    if (live && message.author !== this.nick && this.current !== conversation.peer) conversation.unread += 1;
    return true;
  }

  /** A live message on a `direct/…` topic; ignored unless it is one of the member's, well formed. */
  async onMessage(topic, text) {
    const ends = parseDirectTopic(topic);
    if (!ends || (ends.a !== this.nick && ends.b !== this.nick)) return null;
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      return null;
    }
    const envelope = parseEnvelope(topic, value);
    if (!envelope) return null;
    const conversation = this.conversation(ends.a === this.nick ? ends.b : ends.a);
    if (conversation.ids.has(envelope.id)) return null;
    const message = await this.open(topic, envelope);
    if (!this.add(conversation, message, { live: true })) return null;
    this.onChange({ peer: conversation.peer, message });
    return message;
  }

  /** `nick`'s keys became known: its messages that waited for them are opened now. */
  async keyLearnt(nick) {
    const conversation = this.conversations.get(nick);
    if (!conversation) return 0;
    let opened = 0;
    for (const [i, message] of conversation.messages.entries()) {
      if (!message.waiting) continue;
      const again = await this.open(message.waiting.topic, message.waiting.envelope);
      if (again.waiting) continue;
      conversation.messages[i] = again;
      opened += 1;
    }
    if (opened > 0) this.onChange({ peer: nick });
    return opened;
  }

  /** Seals `text` for `peer` and publishes it; the message, or null (and why) when it cannot. */
  async send(peer, text) {
    if (!this.ids.own) return { problem: NO_SECRET };
    const keys = this.ids.book.get(peer);
    if (!keys) return { problem: t('direct.noKey', { nick: peer }) };
    const id = newMessageId();
    const ts = Date.now();
    const { topic, payload } = await sealDirect(this.ids.own, peer, keys.dh, { text, id, ts });
    const conversation = this.conversation(peer);
    const message = { author: this.nick, text, ts, id, key: null, verdict: 'verified' };
    this.add(conversation, message, { live: false });
    this.onChange({ peer, message });
    await this.client.publish(topic, JSON.stringify(payload), { qos: 1 });
    return { message };
  }

  /** Opens `peer`'s conversation (null: none): its unread count is cleared, its history loaded once. */
  async select(peer) {
    this.current = peer;
    if (peer === null) return;
    const conversation = this.conversation(peer);
    conversation.unread = 0;
    this.onChange({ peer });
    if (!conversation.historyLoaded && this.available) {
      conversation.historyLoaded = true;
      await this.loadHistory(conversation);
    }
  }

  /**
   * A page of a conversation's history: `{"messages": [{from, to, id, ts, nonce, ct, sig}],
   * "hasMore"}`; entries that are not well formed are skipped, a server without the route
   * leaves the live messages.
   */
  async loadHistory(conversation, limit = 100) {
    const [a, b] = conversation.topic.split('/').slice(1);
    let data;
    try {
      data = await this.api.get(`data/direct/${encodeURIComponent(a)}/${encodeURIComponent(b)}/messages?limit=${limit}`, 'api.what.direct');
    } catch {
      return 0;
    }
    const entries = Array.isArray(data?.messages) ? data.messages : [];
    let added = 0;
    for (const entry of entries) {
      const envelope = parseEnvelope(conversation.topic, entry);
      if (!envelope || conversation.ids.has(envelope.id)) continue;
      if (this.add(conversation, await this.open(conversation.topic, envelope), { live: false })) added += 1;
    }
    if (added > 0) this.onChange({ peer: conversation.peer });
    return added;
  }
}
