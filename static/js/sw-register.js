// Registers the service worker (installable app, offline page). The page works without it.
// The worker lives at the root (route main.service_worker) so that it covers the whole site.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").catch(function () {
      // No worker (private mode, an in-app browser): nothing is lost but the offline page.
    });
  });
})();
