// Small behaviours shared by the pages, wired by data attributes (the strict CSP allows no inline
// script or handler):
//   data-print              a button that prints the page
//   data-confirm="text"     a form (or button) that asks before it is sent
//   data-refresh="url"      a part of the page replaced every N seconds (data-every, default 30)
//                           by the same part of the page at url, without a full reload
"use strict";
(function () {
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) window.print();
  });
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      const submitter = event.submitter;
      const text =
        (submitter && submitter.dataset && submitter.dataset.confirm) ||
        (form && form.dataset && form.dataset.confirm);
      if (text && !window.confirm(text)) event.preventDefault();
    },
    true,
  );

  function refresh(part) {
    const url = part.dataset.refresh;
    const every = Math.max(5, Number(part.dataset.every || 30)) * 1000;
    const tick = () => {
      if (document.hidden) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then((response) => (response.ok ? response.text() : null))
        .then((html) => {
          if (!html) return;
          const doc = new DOMParser().parseFromString(html, "text/html");
          const fresh = part.id ? doc.getElementById(part.id) : null;
          if (fresh) {
            part.replaceChildren(...fresh.childNodes);
            part.dataset.updated = new Date().toISOString();
          }
        })
        .catch(() => undefined);
    };
    setInterval(tick, every);
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-refresh]").forEach(refresh);
  });
})();
