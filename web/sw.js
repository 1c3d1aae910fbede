// ChaTT's service worker, served by chatt-server at /sw.js with its placeholders filled:
// the version (from the web root's files: a changed file gives a new cache) and the shell's
// URLs. The shell (the page and static/) is cached per version, so the app opens offline.
// A new version (the browser checks /sw.js at every open) is cached in the background, then
// takes over at once and deletes the old caches: the open that found it keeps the modules it
// already loaded, the next open runs the new files. (Waiting for every tab to close, the
// default, left an installed app on the old version for days.) /data/* (history, possibly of a protected chat) never
// goes into any cache: it is always asked of the network.
const VERSION = '__CHATT_VERSION__';
const SHELL = __CHATT_SHELL__;
const PREFIX = 'chatt-shell-';
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) =>
    cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload', credentials: 'omit' }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

/** The path of `url` relative to this worker's scope (`` for the page), or null elsewhere. */
function scoped(url) {
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return null;
  return url.pathname.slice(scope.pathname.length);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const path = scoped(new URL(request.url));
  if (path === null || path.startsWith('data/') || path.startsWith('cmd/')) return; // network only
  if (request.mode === 'navigate' || path === '' || path === 'index.html') {
    // The page: fresh when the server answers (its meta tags may change), the cached shell when not.
    event.respondWith(fetch(request).catch(() =>
      caches.open(CACHE).then((cache) => cache.match('./')).then((cached) => cached || Response.error())));
    return;
  }
  if (path.startsWith('static/')) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true })
      .then((cached) => cached || fetch(request))));
  }
});
