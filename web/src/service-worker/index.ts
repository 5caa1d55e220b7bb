// Offline app shell: the built app and static files are precached; navigations try the network first and
// fall back to the cached shell, so any route (e.g. /accompagnements/<id>) opens offline. Documents work
// offline through IndexedDB, not through this cache. /api and /sync are never touched.
import { version } from '$app/env';
import { assets, immutable, prerendered } from '$app/manifest';
import { self } from '$app/service-worker';

const CACHE = `compagnon-${version}`;
/** The SPA shell: the server answers every route with the same index.html. */
const SHELL = '/';

const PRECACHE = [
  SHELL,
  ...immutable.map((f) => `/${f.path}`),
  ...assets.map((f) => `/${f.path}`),
  ...prerendered.map((f) => `/${f.path}`),
];
const PRECACHED = new Set(PRECACHE);

function isNeverCached(url: URL): boolean {
  return url.pathname.startsWith('/api/') || url.pathname === '/api' || url.pathname.startsWith('/sync');
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(PRECACHE);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

async function navigate(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // Keep the shell fresh: every successful navigation returns the same index.html.
    if (response.ok && response.headers.get('content-type')?.includes('text/html'))
      await cache.put(SHELL, response.clone());
    return response;
  } catch (error) {
    const shell = await cache.match(SHELL);
    if (shell) return shell;
    throw error;
  }
}

async function fromCacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  return fetch(request);
}

async function fromNetworkFirst(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(request);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isNeverCached(url)) return;

  if (request.mode === 'navigate') event.respondWith(navigate(request));
  else if (PRECACHED.has(url.pathname)) event.respondWith(fromCacheFirst(request));
  else event.respondWith(fromNetworkFirst(request));
});
