// The conversation features of protocol v2 for one session: publishing replies, edits,
// deletes, reactions and typing, and applying those of others as they come over MQTT
// (so they work between pages even while memorize is down). The session hands it the
// v2 topics; it asks the view to redraw what changed. No element ids here.
import { EventApplier, parseRoomEvent, TYPING_SHOWN, emojiProblem } from './events.js';
import { newMessageId } from './wire.js';
import { topics, textProblem } from './names.js';
import { t, errorText } from './i18n.js';

/** Typing events at most this often (ms) while the reader types: readers show one 5 s. */
export const TYPING_EVERY = 3000;

export class Conversation {
  /**
   * @param {object} options
   * @param {string} options.nick
   * @param {import('./state.js').ChatState} options.state
   * @param {import('./view.js').View} options.view
   * @param {import('./mqtt.js').MqttClient} options.client
   * @param {((topic: string, payload: object) => Promise<object>)|null} [options.sign] adds the `sig`
   *   (identity-session.js) when the member has keys
   * @param {import('./identity-session.js').IdentitySession|null} [options.verifier] the keys
   *   seen: an event by a nickname with a key is applied only when its signature holds
   */
  constructor({ nick, state, view, client, sign = null, verifier = null }) {
    this.nick = nick;
    this.sign = sign;
    this.verifier = verifier;
    this.state = state;
    this.view = view;
    this.client = client;
    this.applier = new EventApplier();
    this.typers = new Map(); // room -> Map(nick -> timer)
    this.lastTyping = 0;
  }

  dispose() {
    for (const people of this.typers.values()) for (const timer of people.values()) clearTimeout(timer);
    this.typers.clear();
  }

  // --- incoming ------------------------------------------------------------------------

  /** A `rooms/<room>/{edit,delete,react,typing}` message; ignored for a room nobody created. */
  onRoomEvent(room, verb, text, retain) {
    if (retain || !this.state.room(room)) return;
    const event = parseRoomEvent(verb, text);
    if (!event) return;
    if (event.kind === 'typing') {
      if (event.author !== this.nick) this.typing(room, event.author, true);
      return;
    }
    if (this.verifier?.book.get(event.author)) {
      // A signed nickname: "the author" is the holder of the key (SPEC.md), so an edit,
      // delete or reaction under that nickname without its signature is not applied.
      this.verifier.verdict(`rooms/${room}/${verb}`, event.author, text).then((verdict) => {
        if (verdict !== 'forged') this.applyEvent(room, event);
      }, () => {});
      return;
    }
    this.applyEvent(room, event);
  }

  applyEvent(room, event) {
    const changed = this.applier.apply(event, (id) => this.state.find(room, id));
    if (changed) this.view.updateMessage(room, changed);
  }

  /** A message came (live or from the history): events held for it, and its author stops typing. */
  arrived(room, message, live) {
    this.view.messageArrived(message);
    if (this.applier.arrived(message)) this.view.updateMessage(room, message);
    if (live) this.typing(room, message.author, false);
  }

  typing(room, author, on) {
    let people = this.typers.get(room);
    if (!people) {
      if (!on) return;
      people = new Map();
      this.typers.set(room, people);
    }
    clearTimeout(people.get(author));
    if (on) people.set(author, setTimeout(() => this.typing(room, author, false), TYPING_SHOWN));
    else if (!people.delete(author)) return;
    this.showTyping();
  }

  /** "alice is typing…" for the current room. */
  showTyping() {
    this.view.setTyping([...(this.typers.get(this.state.current)?.keys() ?? [])]);
  }

  // --- outgoing ------------------------------------------------------------------------

  publish(topic, payload, qos = 1) {
    // Unsigned events leave at once; signed ones once WebCrypto signed them.
    const sent = this.sign
      ? this.sign(topic, payload).then((event) => this.client.publish(topic, JSON.stringify(event), { qos }))
      : this.client.publish(topic, JSON.stringify(payload), { qos });
    return sent.catch((error) => {
      this.view.status(t('status.notSent', { reason: errorText(error) }), 'error');
    });
  }

  /** Applies our own event at once (the broker's copy is then a duplicate) and publishes it. */
  own(room, verb, fields) {
    const event = { author: this.nick, id: newMessageId(), ts: Date.now(), ...fields };
    const changed = this.applier.apply({ kind: verb, ...event }, (id) => this.state.find(room, id));
    if (changed) this.view.updateMessage(room, changed);
    this.publish(topics.roomEvent(room, verb), event);
  }

  /** Replaces the text of an own message; false (and says why) if it cannot. */
  edit(room, id, text) {
    const message = this.state.find(room, id);
    if (!message || message.author !== this.nick || message.deleted) return false;
    const problem = textProblem(text);
    if (problem) {
      this.view.status(problem, 'error');
      return false;
    }
    if (text !== message.text) this.own(room, 'edit', { target: id, text });
    return true;
  }

  /** Deletes an own message (the view asked first). */
  remove(room, id) {
    const message = this.state.find(room, id);
    if (!message || message.author !== this.nick || message.deleted) return;
    this.own(room, 'delete', { target: id });
  }

  /** Adds our reaction `emoji` to a message, or takes it back when it is there; false if refused. */
  react(room, id, emoji) {
    const message = this.state.find(room, id);
    const problem = emojiProblem(emoji);
    if (problem) {
      this.view.status(problem, 'error');
      return false;
    }
    if (!message || message.deleted) return false;
    const on = !(message.reactions?.get(emoji)?.has(this.nick) ?? false);
    this.own(room, 'react', { target: id, emoji, on });
    return true;
  }

  /** The reader types in the current room: a typing event, at most every TYPING_EVERY ms. */
  typed() {
    const now = Date.now();
    if (now - this.lastTyping < TYPING_EVERY || !this.client.connected) return;
    this.lastTyping = now;
    this.client.publish(topics.roomEvent(this.state.current, 'typing'), JSON.stringify({ author: this.nick, ts: now }), { qos: 0 })
      .catch(() => {});
  }

  /** A message was sent: the next keystroke says "typing" again at once. */
  sent() {
    this.lastTyping = 0;
  }
}
