// The page's own presence (protocol v2): `users/<nick>/presence`, retained, says `online`
// on connect, `away` after AWAY_AFTER without the reader touching the page or while the tab
// is hidden, `online` again when they come back; `offline` is the MQTT last will (and is
// said on leaving). Every listener it adds it removes in `dispose()`.
import { topics } from './names.js';

export const AWAY_AFTER = 5 * 60 * 1000;
const CHECK_EVERY = 60 * 1000;

/** The retained payload of a presence state. */
export const presencePayload = (state, ts = Date.now()) => JSON.stringify({ state, ts });

export class Presence {
  /**
   * @param {object} options
   * @param {string} options.nick
   * @param {import('./mqtt.js').MqttClient} options.client
   * @param {Document} options.doc
   */
  constructor({ nick, client, doc }) {
    this.nick = nick;
    this.client = client;
    this.doc = doc;
    this.said = null; // the state last published
    this.lastActive = Date.now();
    this.onActive = () => {
      this.lastActive = Date.now();
      if (this.said === 'away') this.update();
    };
    this.onVisibility = () => this.update();
    this.events = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'focus'];
  }

  /** The MQTT will that says `offline` when the connection dies. */
  static will(nick) {
    return { topic: topics.presence(nick), payload: presencePayload('offline'), qos: 1, retain: true };
  }

  start() {
    for (const name of this.events) this.doc.defaultView.addEventListener(name, this.onActive, { passive: true, capture: true });
    this.doc.addEventListener('visibilitychange', this.onVisibility);
    this.timer = setInterval(() => this.update(), CHECK_EVERY);
  }

  dispose() {
    for (const name of this.events) this.doc.defaultView.removeEventListener(name, this.onActive, { capture: true });
    this.doc.removeEventListener('visibilitychange', this.onVisibility);
    clearInterval(this.timer);
  }

  /** What the reader is now: away when the tab is hidden or idle for AWAY_AFTER. */
  current() {
    return this.doc.hidden || Date.now() - this.lastActive >= AWAY_AFTER ? 'away' : 'online';
  }

  /** Publishes the state when it changed (or always, with `force`: on connect, or when another tab's will said offline). */
  update(force = false) {
    const state = this.current();
    if (!this.client.connected || (!force && state === this.said)) return;
    this.said = state;
    this.client.publish(topics.presence(this.nick), presencePayload(state), { qos: 1, retain: true }).catch(() => {});
  }

  /** Leaving: offline, before the clean disconnect (which sends no will). */
  leave() {
    this.said = 'offline';
    return this.client.publish(topics.presence(this.nick), presencePayload('offline'), { qos: 1, retain: true });
  }
}
