// Installable app: registers the service worker (/sw.js, served by chatt-server) that keeps
// the page's shell and the history last seen for offline opens, and forgets that history
// (forgetHistory) when a protected chat is logged out of. A browser without service workers
// or Cache Storage (or a page not served over http(s)) simply runs without.

/** The worker's cache of the history last seen (the same name in sw.js). */
export const HISTORY_CACHE = 'chatt-data';

/** Deletes the history last seen from the Cache Storage; resolves when it is gone. */
export async function forgetHistory(store = globalThis.caches) {
  if (!store) return false;
  try {
    return await store.delete(HISTORY_CACHE);
  } catch {
    return false; // storage disabled: nothing was kept either
  }
}

/** Registers `sw.js` at the page's own scope; resolves to the registration or null. */
export async function registerServiceWorker(nav = globalThis.navigator) {
  if (!nav || !('serviceWorker' in nav)) return null;
  try {
    return await nav.serviceWorker.register('sw.js', { scope: './', updateViaCache: 'none' });
  } catch (error) {
    console.warn('chatt: the service worker could not be registered; the app will not open offline', error);
    return null;
  }
}
