// Parley's service worker: Web Push notifications while no page is open, opening the chat when one
// is clicked, and an offline copy of the app shell (network first, so a new version shows at once).
const SHELL = 'parley-shell-v1';
// Every file of the client, so a reload with the server down still starts the app (offline mode).
// WebClientRoutesTest checks that this list names every file under web/.
const SHELL_FILES = [
  '/', '/app.css', '/icon.svg', '/manifest.webmanifest',
  '/js/api.js', '/js/awareness.js', '/js/cache.js', '/js/client.js', '/js/frames.js', '/js/outbox.js', '/js/dom.js', '/js/format.js', '/js/main.js', '/js/notify.js',
  '/js/session.js', '/js/socket.js', '/js/store.js', '/js/time.js', '/js/history.js', '/js/users.js', '/js/workspace.js',
  '/js/render/attachments.js', '/js/render/auth.js', '/js/render/chat.js', '/js/render/composer.js',
  '/js/render/dialogs.js', '/js/render/messages.js', '/js/render/picker.js', '/js/render/presence.js',
  '/js/render/search.js', '/js/render/sidebar.js', '/js/render/thread.js', '/js/render/toasts.js', '/js/render/typing.js',
];

self.addEventListener('install', e => {
  e.waitUntil(caches.open(SHELL).then(c => c.addAll(SHELL_FILES)).catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener('activate', e => {
  e.waitUntil(caches.keys().then(keys => Promise.all(keys.filter(k => k !== SHELL).map(k => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', e => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  if (/^\/(api|ws|hooks|health|ready|metrics)(\/|$)/.test(url.pathname)) return;
  const isPage = e.request.mode === 'navigate';
  e.respondWith(fetch(e.request).then(res => {
    if (res.ok) {
      const copy = res.clone();
      caches.open(SHELL).then(c => c.put(isPage ? '/' : e.request, copy));
    }
    return res;
  }).catch(async () => (await caches.match(isPage ? '/' : e.request)) || Response.error()));
});

self.addEventListener('push', e => {
  let data = {};
  try { data = e.data ? e.data.json() : {}; } catch { data = {title: 'Parley', body: e.data?.text() || ''}; }
  const title = data.title || 'Parley';
  e.waitUntil(self.registration.showNotification(title, {
    body: data.body || '',
    tag: data.chatId || undefined,
    renotify: !!data.chatId,
    requireInteraction: data.priority === 'urgent',
    icon: '/icon.svg',
    data: {url: data.url || '/', chatId: data.chatId, messageId: data.messageId},
  }));
});

self.addEventListener('notificationclick', e => {
  e.notification.close();
  const {url = '/', chatId, messageId} = e.notification.data || {};
  e.waitUntil((async () => {
    const all = await self.clients.matchAll({type: 'window', includeUncontrolled: true});
    const page = all.find(c => new URL(c.url).origin === location.origin);
    if (page) {
      await page.focus();
      page.postMessage({type: 'open', chatId, messageId});
      return;
    }
    const target = new URL(url, location.origin);
    if (target.origin === location.origin) await self.clients.openWindow(target.href);
  })());
});
