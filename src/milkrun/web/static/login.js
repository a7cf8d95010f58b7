// The login page: nobody is logged in on this phone now, so forget the delivery boy's pages and
// days kept for opening offline (marks still waiting to be sent stay, and go once he logs in
// again). A shared delivery link's pages and days are not a login's and stay.
"use strict";
(function () {
  if (window.caches) {
    caches
      .open("milkrun-delivery-pages")
      .then((cache) =>
        cache.keys().then((keys) =>
          Promise.all(
            keys
              .filter((request) => new URL(request.url).pathname === "/delivery")
              .map((request) => cache.delete(request)),
          ),
        ),
      )
      .catch(() => undefined);
  }
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith("milkrun.day.user:")) localStorage.removeItem(key);
    }
  } catch {}
})();
