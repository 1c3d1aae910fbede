// ChaTT's service worker, served by chatt-server at /sw.js with its placeholders filled:
// the version (from the web root's files: a changed file gives a new cache) and the shell's
// URLs. The shell (the page and static/) is cached per version, so the app opens offline;
// online, both are asked of the network first, so a newer server never gets stale files.
// A new version (the browser checks /sw.js at every open) is cached in the background, then
// takes over at once and deletes the old caches: the open that found it keeps the modules it
// already loaded, the next open runs the new files. (Waiting for every tab to close, the
// default, left an installed app on the old version for days.)
// The history the page last saw (/data/lastinfo and the room pages it asked for) is kept in
// a cache of its own, asked of the network first and answered from that cache only when the
// network fails, so an offline open shows what the member already had. For a protected chat
// the page deletes that cache on logout and on any open without a login (pwa.js), so it is
// there only while logged in. Nothing else of /data/* or /cmd/* is ever cached.
const VERSION = '__CHATT_VERSION__';
const SHELL = __CHATT_SHELL__;
const PREFIX = 'chatt-shell-';
const CACHE = PREFIX + VERSION;
const DATA = 'chatt-data'; // the same name in pwa.js

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

/**
 * The network's answer, a copy kept when it is a success; the copy kept last when the
 * network cannot be reached (an error of the server is passed on as it is).
 */
async function lastSeen(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone();
      caches.open(DATA).then((cache) => cache.put(request.url, copy)).catch(() => {});
    }
    return response;
  } catch (error) {
    const cached = await caches.open(DATA).then((cache) => cache.match(request.url, { ignoreVary: true }));
    if (cached) return cached;
    throw error;
  }
}

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
  if (path === null) return;
  if (path === 'data/lastinfo' || /^data\/rooms\/[^/]+\/messages$/.test(path.split('?')[0])) {
    event.respondWith(lastSeen(request));
    return;
  }
  if (path.startsWith('data/') || path.startsWith('cmd/')) return; // network only
  if (request.mode === 'navigate' || path === '' || path === 'index.html') {
    // The page: fresh when the server answers (its meta tags may change), the cached shell when not.
    event.respondWith(fetch(request).catch(() =>
      caches.open(CACHE).then((cache) => cache.match('./')).then((cached) => cached || Response.error())));
    return;
  }
  if (path.startsWith('static/')) {
    // Network first too (the HTTP cache revalidates cheaply): a newer server's page gets its
    // own files at once, never this version's; the cached shell only when the network fails.
    event.respondWith(fetch(request).catch(() => caches.open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((cached) => cached || Response.error())));
  }
});

// Web Push (issue 19): chatt-push sends {"title","body","room","url"} encrypted for this
// browser; one notification per room (a newer one replaces it). A click focuses an open page
// (which shows the room) or opens one.
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  const room = typeof data.room === 'string' ? data.room : '';
  event.waitUntil(localTexts().then((texts) => {
    let title = typeof data.title === 'string' && data.title !== '' ? data.title : 'ChaTT';
    let body = typeof data.body === 'string' ? data.body : '';
    // The page's language when it left its texts (push.js); the server's English otherwise.
    const from = typeof data.from === 'string' ? data.from : '';
    const fill = (text) => text.replace('{from}', from).replace('{room}', room);
    if (texts && data.kind === 'direct' && from !== '' && typeof texts.direct === 'string') body = fill(texts.direct);
    else if (texts && (data.kind === 'mention' || data.kind === 'message') && from !== '' && typeof texts.message === 'string') title = fill(texts.message);
    return self.registration.showNotification(title, {
      body,
      tag: room !== '' ? `chatt-${room}` : 'chatt-direct',
      icon: 'static/img/icon-192.png',
      data: { url: typeof data.url === 'string' ? data.url : './', room },
    });
  }));
});

/** The notification texts the page left in its language (push.js `leaveTexts`), or null. */
async function localTexts() {
  try {
    const answer = await caches.open('chatt-push-texts').then((cache) => cache.match('push-texts.json'));
    return answer ? await answer.json() : null;
  } catch {
    return null;
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const { url = './', room = '' } = event.notification.data ?? {};
  const target = new URL(url, self.registration.scope);
  // Only this chat's pages: a url elsewhere is not followed.
  const safe = target.origin === self.location.origin ? target.href : self.registration.scope;
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => scoped(new URL(client.url)) !== null);
    if (open) {
      if (room !== '') open.postMessage({ type: 'chatt-open-room', room });
      return open.focus();
    }
    return self.clients.openWindow(safe);
  }));
});
