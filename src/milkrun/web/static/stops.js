// A route's stop order by drag and drop (the ▲ ▼ forms work without it): drag a row of
// table.stops[data-route] to its new place; the whole order goes to PUT /api/v1/routes/{id}/stops
// (the same rule as the buttons: every active customer of the route, once) and the page reloads
// to show the order saved, or the refusal.
"use strict";
(function () {
  function rows(table) {
    return Array.from(table.querySelectorAll("tbody tr[data-customer-id]"));
  }
  function save(table) {
    const token = document.querySelector('meta[name="csrf-token"]');
    const ids = rows(table).map((row) => Number(row.dataset.customerId));
    fetch(`/api/v1/routes/${table.dataset.route}/stops`, {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRF-Token": token ? token.content : "",
      },
      body: JSON.stringify({ customer_ids: ids }),
    })
      .then((response) => {
        const done = response.ok ? "moved" : "not-moved";
        window.location.assign(`${window.location.pathname}?done=${done}#stops`);
      })
      .catch(() => window.location.reload());
  }
  function wire(table) {
    let dragged = null;
    rows(table).forEach((row) => {
      row.draggable = true;
      row.classList.add("draggable");
      row.addEventListener("dragstart", (event) => {
        dragged = row;
        row.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.dataset.customerId);
      });
      row.addEventListener("dragend", () => row.classList.remove("dragging"));
      row.addEventListener("dragover", (event) => {
        if (!dragged || dragged === row) return;
        event.preventDefault();
        const box = row.getBoundingClientRect();
        const after = event.clientY > box.top + box.height / 2;
        row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
      });
      row.addEventListener("drop", (event) => {
        event.preventDefault();
      });
    });
    table.addEventListener("drop", () => {
      if (dragged) save(table);
      dragged = null;
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("table.stops[data-route]").forEach(wire);
  });
})();
