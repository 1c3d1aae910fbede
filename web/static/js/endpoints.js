// The broker's WebSocket endpoints, in the order chatt-server lists them (meta tag
// `chatt-ws-endpoints`), and which one to try next: the page stays on an endpoint while it
// works, comes back to it once after losing it, and moves on to the next one when that
// try fails too (issue 20: any broker node may die).

/** The `chatt-ws-endpoints` tag's ws:// and wss:// URLs (a JSON array); [] for anything else. */
export function parseEndpoints(text) {
  let list;
  try {
    list = JSON.parse(text ?? '');
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list.filter((url) => typeof url === 'string' && /^wss?:\/\/[^\s/?#]+/.test(url));
}

export class Endpoints {
  /** @param {string[]} urls at least one */
  constructor(urls) {
    this.urls = urls.length > 0 ? [...urls] : ['ws://127.0.0.1:9001/'];
    this.index = 0;
  }

  /** The endpoint to connect to now. */
  get current() {
    return this.urls[this.index];
  }

  /**
   * The connection is gone. `wasConnected`: it had been accepted (CONNACK) on this
   * endpoint, so the next try is the same one; else that try failed: the next endpoint.
   */
  lost(wasConnected) {
    if (!wasConnected) this.index = (this.index + 1) % this.urls.length;
    return this.current;
  }
}
