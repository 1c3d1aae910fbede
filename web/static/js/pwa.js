// Installable app: registers the service worker (/sw.js, served by chatt-server) that keeps
// the page's shell for offline opens. Nothing here touches the chat; a browser without
// service workers (or a page not served over http(s)) simply runs without.

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
