/* The delivery pages' service worker: a delivery page opened once on this phone opens again
 * without a connection.
 *
 * Registered by delivery.js for the scopes /delivery (a delivery boy's login) and /l/ (shared
 * delivery links). A delivery page is asked of the dairy first; a copy of every page the dairy
 * answers is kept on the phone, and when the dairy cannot be reached (no signal, or no answer
 * within a few seconds) the copy is shown instead. The page then shows the newest state this
 * phone knows (delivery.js keeps it with the marks still to send), so a copy from earlier in
 * the morning does not bring back stops already marked. The page's script and styles are kept
 * the same way. Nothing else is touched: marks and every other request go to the network.
 *
 * A copy is dropped when the dairy no longer serves the page (logged out, link expired or
 * revoked); the login page drops them all, so a shared phone shows no one else's stops.
 */
"use strict";

const PAGES = "milkrun-delivery-pages"; // also named in login.html, which empties it
const ASSETS = "milkrun-delivery-assets";
const ASSET_PATHS = [
  "/static/milkrun.css",
  "/static/delivery.css",
  "/static/delivery.js",
  "/static/delivery-round.css",
  "/static/delivery-round.js",
  "/static/delivery-proof.js",
];
const PATIENCE_MS = 4000; // how long the dairy may take before the saved copy is shown
const KEPT_PAGES = 8; // days and links kept; the oldest copy goes first

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(ASSETS)
      .then((cache) => cache.addAll(ASSET_PATHS))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // Take the open delivery page too, and keep a copy of it: the page that registered this
  // worker was loaded before there was a worker to keep it.
  event.waitUntil(
    self.clients
      .claim()
      .then(() => self.clients.matchAll({ type: "window", includeUncontrolled: true }))
      .then((windows) =>
        Promise.all(
          windows
            .map((client) => new URL(client.url))
            .filter((url) => url.href.startsWith(self.registration.scope) && isDeliveryPage(url))
            .map((url) => fetch(url, { credentials: "same-origin" }).then((r) => keep(url, r))),
        ),
      )
      .catch(() => undefined),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && isDeliveryPage(url)) {
    event.respondWith(page(event, url));
  } else if (ASSET_PATHS.includes(url.pathname)) {
    event.respondWith(asset(event, request));
  }
});

function isDeliveryPage(url) {
  return url.pathname === "/delivery" || /^\/l\/[^/]+$/.test(url.pathname);
}

/* Resolves with the network's answer, or rejects when there is none within PATIENCE_MS (the
 * request goes on, and still updates the copy when it ends). */
function patiently(answer) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the dairy is slow")), PATIENCE_MS);
    answer.then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function keep(url, response) {
  const cache = await caches.open(PAGES);
  const html = (response.headers.get("Content-Type") || "").startsWith("text/html");
  if (response.ok && html && !response.redirected) {
    await cache.delete(url.href); // re-added last: the cache lists its entries oldest first
    await cache.put(url.href, response.clone());
    const keys = await cache.keys();
    await Promise.all(keys.slice(0, -KEPT_PAGES).map((key) => cache.delete(key)));
  } else if (response.type === "opaqueredirect" || (response.status >= 400 && response.status < 500)) {
    await cache.delete(url.href); // logged out, or the link is gone: the copy goes too
  }
  return response;
}

async function page(event, url) {
  const answer = fetch(event.request).then((response) => keep(url, response));
  event.waitUntil(answer.catch(() => undefined));
  try {
    return await patiently(answer);
  } catch {
    const saved = await caches.match(url.href, { cacheName: PAGES });
    if (saved) return saved;
    try {
      return await answer; // nothing saved: wait for the dairy after all
    } catch {
      return offline();
    }
  }
}

async function asset(event, request) {
  const answer = fetch(request).then(async (response) => {
    if (response.ok) await (await caches.open(ASSETS)).put(request, response.clone());
    return response;
  });
  event.waitUntil(answer.catch(() => undefined));
  try {
    return await patiently(answer);
  } catch {
    const saved = await caches.match(request, { cacheName: ASSETS });
    return saved || answer;
  }
}

function offline() {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline · milkrun</title><link rel="stylesheet" href="/static/milkrun.css"></head>
<body><main><section class="card narrow"><h1>No connection</h1>
<p>This page has not been opened on this phone yet, so there is no copy of it here.
Open it once while connected; after that it opens without a connection too.</p>
<p><a href="">Try again</a></p></section></main></body></html>`;
  return new Response(body, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}
