// The service worker, served at /sw.js so its scope is the whole app. It keeps copies of
// the pages and files an inspector prepared for offline work ("inspect-offline" cache,
// filled by the page from the inspection's offline manifest) and answers from them when
// the network is gone. Pages: network first, the copy when the server cannot be reached.
// Static files: the copy first, refreshed in the background.
const CACHE = "inspect-offline-v1";
const PAGE_TIMEOUT_MS = 6000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin
      || url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(event, request));
  } else {
    event.respondWith(page(request));
  }
});

function keepable(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

async function staticFile(event, request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  const fresh = fetch(request).then((response) => {
    if (kept && keepable(response)) return cache.put(request, response.clone()).then(() => response);
    return response;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => null));
    return kept;
  }
  return fresh;
}

// A weak network must not hold a prepared page for long: after PAGE_TIMEOUT_MS the copy
// is shown (the page's own script then loads the newest answers it can).
async function page(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  const fresh = fetch(request).then(async (response) => {
    if (kept && keepable(response)) await cache.put(request, response.clone());
    return response;
  });
  if (!kept) return fresh;
  const late = new Promise((resolve) => setTimeout(() => resolve(kept), PAGE_TIMEOUT_MS));
  return Promise.race([fresh, late]).catch(() => kept);
}
