// Web Push (issue 19): on the member's click only, asks the Notification permission,
// subscribes with the Push API (the chat's VAPID key from /data/push/key) and gives the
// subscription to chatt-server with the member's nickname and choices per room; a second
// click unsubscribes (DELETE). chatt-push then notifies this browser even with no tab open.
import { base64UrlBytes, roomChoices } from './notify.js';
import { HttpError } from './api.js';
import { pageError, t } from './i18n.js';

const REGISTRATION_PATIENCE = 10000; // ms the service worker may take to be ready

/** Whether this browser can receive Web Push here (it needs a service worker: https or localhost). */
export function pushSupported(win = globalThis) {
  return Boolean(win.navigator?.serviceWorker && 'PushManager' in win && 'Notification' in win);
}

export class PushControl {
  /**
   * @param {object} options
   * @param {import('./api.js').HistoryApi} options.api its headers carry HTTP Basic on a protected chat
   * @param {string} options.nick
   * @param {Navigator} [options.nav]
   * @param {typeof Notification} [options.notification]
   */
  constructor({ api, nick, nav = globalThis.navigator, notification = globalThis.Notification, caches = globalThis.caches }) {
    this.api = api;
    this.nick = nick;
    this.nav = nav;
    this.notification = notification;
    this.caches = caches;
  }

  async registration() {
    // `ready` waits for a worker forever: one that could not be registered means no push here.
    let timer;
    const gaveUp = new Promise((resolve) => { timer = setTimeout(() => resolve(null), REGISTRATION_PATIENCE); });
    const registration = await Promise.race([this.nav.serviceWorker.ready, gaveUp]);
    clearTimeout(timer);
    if (!registration?.pushManager) throw pageError('push.unsupported');
    return registration;
  }

  /** The browser's current subscription, or null. */
  async current() {
    if (!this.nav?.serviceWorker) return null;
    try {
      return await (await this.registration()).pushManager.getSubscription();
    } catch {
      return null;
    }
  }

  async request(method, path, body) {
    const response = await this.api.fetch(`${this.api.base}${path}`, {
      method,
      headers: { ...this.api.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (!response.ok) {
      let reason = null;
      try {
        const answer = await response.json();
        if (typeof answer?.error?.message === 'string') reason = answer.error.message;
      } catch {
        // not JSON: the status alone
      }
      if (response.status === 401) throw new HttpError(401, 'api.what.pushSubscription');
      throw pageError('push.refused', { reason: reason ?? '', status: String(response.status) });
    }
  }

  /** Subscribes (asking the permission first); resolves once the server keeps it. */
  async subscribe() {
    const permission = await this.notification.requestPermission();
    if (permission !== 'granted') throw pageError('push.denied');
    const registration = await this.registration();
    const key = await this.api.get('data/push/key', 'api.what.pushKey');
    let subscription = await registration.pushManager.getSubscription();
    if (!subscription) {
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: base64UrlBytes(key.publicKey),
      });
    }
    await this.send(subscription);
    return subscription;
  }

  /** Gives `subscription` (or the current one) to the server again: the choices changed. */
  async send(subscription = null) {
    const current = subscription ?? await this.current();
    if (!current) return false;
    await this.leaveTexts();
    await this.request('POST', 'data/push/subscriptions', {
      subscription: current.toJSON(), nick: this.nick, rooms: roomChoices(),
    });
    return true;
  }

  /**
   * Leaves `pushTexts()` where sw.js finds them (at every subscription and every open of a
   * subscribed page, so a change of language reaches the next notification); without Cache
   * Storage the server's English texts stay.
   */
  async leaveTexts() {
    try {
      const cache = await this.caches?.open(TEXTS_CACHE);
      await cache?.put(TEXTS_KEY, new Response(JSON.stringify(pushTexts()), { headers: { 'Content-Type': 'application/json' } }));
    } catch {
      // a private window may refuse storage: the server's English texts are shown then
    }
  }

  /** Unsubscribes: the server forgets the endpoint, the browser drops the subscription. */
  async unsubscribe() {
    const current = await this.current();
    if (!current) return;
    await this.request('DELETE', 'data/push/subscriptions', { endpoint: current.endpoint });
    await current.unsubscribe();
  }
}

/** The Cache Storage entry where the page leaves sw.js its notification texts (the same names in sw.js). */
export const TEXTS_CACHE = 'chatt-push-texts';
export const TEXTS_KEY = 'push-texts.json';

/**
 * The notification texts in the page's language, `{from}` and `{room}` left for sw.js to
 * fill: chatt-push's own titles are English, and a worker cannot read the page's catalogs.
 */
export function pushTexts() {
  return {
    message: t('notification.mention', { nick: '{from}', room: '{room}' }),
    direct: t('push.directBody', { nick: '{from}' }),
  };
}
