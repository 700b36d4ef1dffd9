// mikroporada's service worker: makes the app installable and shows a Polish page when a
// page cannot be opened offline. It caches only the static shell below (styles, scripts,
// icons, the offline page). Every page, letter and PDF is private and comes from the network
// every time; nothing of it is ever put in a cache. Served from /sw.js with "no-cache", so a
// change here reaches browsers on their next visit.
"use strict";

// The shell's names carry each file's hash (app/assets.py), so a new release brings new
// names and a new VERSION, and the old cache is dropped on activation.
var VERSION = {{ version|tojson }};
var CACHE = "mikroporada-shell-" + VERSION;
var OFFLINE = "/offline";
// The only URLs this worker ever answers from a cache (exact paths, no query string).
var SHELL = [OFFLINE].concat({{ cached|tojson }});
// Downloads (a PDF, a calendar file) go straight to the browser, never through this worker.
var FILE = /(?:\/pdf|\.pdf|\.ics)$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(SHELL.map(function (path) {
        var request = new Request(path, { cache: "reload", credentials: "omit" });
        return fetch(request).then(function (response) {
          // Not the file asked for (an error, or another release's stand-in during an
          // upgrade): the install fails and is tried again on the next visit.
          if (!keepable(response)) throw new Error("not cached: " + path);
          return cache.put(request, response);
        });
      }));
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("mikroporada-") === 0 && name !== CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (!FILE.test(url.pathname)) event.respondWith(navigate(request));
    return;
  }
  if (!url.search && SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(fromShell(event, request));
  }
  // Anything else is not answered here: the browser fetches it as if there were no worker.
});

// A page: always the network; only when that fails, the offline page (the page itself is
// never stored).
function navigate(request) {
  return fetch(request).catch(function () {
    return caches.match(OFFLINE).then(function (offline) {
      return offline || Response.error();
    });
  });
}

// A shell file: the cached copy at once, refreshed from the network for the next time.
function fromShell(event, request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      var fresh = fetch(request).then(function (response) {
        if (!keepable(response)) return response;
        return cache.put(request, response.clone()).then(function () {
          return response;
        });
      });
      if (!cached) return fresh;
      event.waitUntil(fresh.catch(function () {}));
      return cached;
    });
  });
}

// What may be stored: a good answer that is the file itself, not the plain-named stand-in a
// pod of the other release sends for a hashed name it lacks (app/assets.py).
function keepable(response) {
  return response.ok && !response.headers.get("X-Static-Fallback");
}
