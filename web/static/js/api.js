// The history API of chatt-server: /data/lastinfo, older pages, search. With a
// protected server every call sends HTTP Basic with the derived pair.
import { entryToMessage } from './wire.js';
import { pageError } from './i18n.js';

export class HttpError extends Error {
  /**
   * `what`: a catalog key naming what was asked (`api.what.…`); `reason`: the server's own
   * words (its JSON error message, not translated), shown when there is one.
   */
  constructor(status, what, reason = null) {
    const code = String(status);
    const { message, key, params } = status === 401
      ? pageError('api.refused')
      : reason ? pageError('api.httpReason', { what: pageError(what), reason: reason.slice(0, 200), status: code })
        : pageError('api.http', { what: pageError(what), status: code });
    super(message);
    this.key = key;
    this.params = params;
    this.name = 'HttpError';
    this.status = status;
  }
}

function basic(login, password) {
  const bytes = new TextEncoder().encode(`${login}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

export class HistoryApi {
  /**
   * @param {object} options
   * @param {string[]|null} [options.credentials] [login, password] when protected
   * @param {string} [options.base] prefix of the routes (default "", i.e. relative to the page)
   * @param {typeof fetch} [options.fetch]
   */
  constructor({ credentials = null, base = '', fetch: fetchFunction = globalThis.fetch.bind(globalThis) } = {}) {
    this.headers = { Accept: 'application/json' };
    if (credentials) this.headers.Authorization = basic(credentials[0], credentials[1]);
    this.base = base;
    this.fetch = fetchFunction;
  }

  /** The bytes of `path` (an uploaded file, `data/files/…`), as a Blob. */
  async blob(path) {
    const headers = { ...this.headers, Accept: '*/*' };
    const response = await this.fetch(`${this.base}${path}`, { headers, credentials: 'omit' });
    if (!response.ok) throw new HttpError(response.status, path);
    return response.blob();
  }

  /** GET `path` as JSON; `what` is the catalog key naming it in errors (`api.what.…`). */
  async get(path, what) {
    let response;
    try {
      response = await this.fetch(`${this.base}${path}`, { headers: this.headers, cache: 'no-store', credentials: 'omit' });
    } catch (error) {
      throw pageError('api.cannotLoad', { what: pageError(what), reason: error });
    }
    if (!response.ok) {
      // chatt-server says why ({"error": {"message": …}}): a search word too short, too many
      // searches at once, too many wrong passphrases…
      let reason = null;
      try {
        const body = await response.json();
        if (typeof body?.error?.message === 'string') reason = body.error.message;
      } catch {
        // not JSON: the status alone
      }
      throw new HttpError(response.status, what, reason);
    }
    try {
      return await response.json();
    } catch {
      throw pageError('api.notJson', { what: pageError(what) });
    }
  }

  /** { users, rooms, messages: { room: [entry…] } } as the server sent it. */
  lastinfo() {
    return this.get('data/lastinfo', 'api.what.recent');
  }

  /**
   * Older messages of a room, oldest first: { messages, hasMore }. Without `limit` the
   * server sends its page size.
   */
  async older(room, before, limit = null) {
    const query = new URLSearchParams({ before: String(before) });
    if (limit !== null) query.set('limit', String(limit));
    const data = await this.get(`data/rooms/${encodeURIComponent(room)}/messages?${query}`, 'api.what.older');
    const list = Array.isArray(data?.messages) ? data.messages : [];
    return { messages: list.map(entryToMessage).filter(Boolean), hasMore: data?.hasMore === true };
  }

  /**
   * A page of search results, newest first: { results: [{ room, message }], hasMore }. In
   * `room`, or every room when it is null; `before`: the key the previous page ended at.
   */
  async searchPage({ room = null, q, before = null }) {
    const query = new URLSearchParams({ q });
    if (before !== null) query.set('before', String(before));
    const path = room === null ? `data/search?${query}` : `data/rooms/${encodeURIComponent(room)}/search?${query}`;
    const data = await this.get(path, 'api.what.search');
    const list = room === null
      ? (Array.isArray(data?.results) ? data.results : []).map((r) => ({ room: r?.room, message: entryToMessage(r?.message) }))
      : (Array.isArray(data?.messages) ? data.messages : []).map((entry) => ({ room, message: entryToMessage(entry) }));
    return { results: list.filter((r) => typeof r.room === 'string' && r.message), hasMore: data?.hasMore === true };
  }

  /**
   * The page of a room's history holding message `id` (protocol v2, `?around=`), oldest
   * first: { messages, hasMore }.
   */
  async around(room, id, limit = null) {
    const query = new URLSearchParams({ around: id });
    if (limit !== null) query.set('limit', String(limit));
    const data = await this.get(`data/rooms/${encodeURIComponent(room)}/messages?${query}`, 'api.what.replied');
    const list = Array.isArray(data?.messages) ? data.messages : [];
    return { messages: list.map(entryToMessage).filter(Boolean), hasMore: data?.hasMore === true };
  }

  /** Search results of a room, newest first. */
  async search(room, q) {
    const query = new URLSearchParams({ q });
    const data = await this.get(`data/rooms/${encodeURIComponent(room)}/search?${query}`, 'api.what.search');
    const list = Array.isArray(data?.messages) ? data.messages : [];
    return list.map(entryToMessage).filter(Boolean);
  }
}
