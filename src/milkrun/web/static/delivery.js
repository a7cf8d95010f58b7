/* The delivery page: today's stops in order, marked with big buttons, on a bad connection.
 *
 * Every mark goes into a queue kept in this phone's localStorage, with an Idempotency-Key made
 * here, before anything is sent. The queue is sent in order whenever the connection allows
 * (now, when the phone comes back online, on a growing retry timer); a retry of a mark that did
 * reach the dairy replays the first answer, so each mark lands exactly once. A mark the dairy
 * refuses (say, a cancelled order) leaves the queue and its reason is shown on the stop.
 * The page shows the dairy's state overlaid with the marks still waiting ("Pending n").
 *
 * The newest state of the day this phone has had from the dairy (the page, a refresh, or the
 * answers to its marks) is kept in localStorage too, stamped with the dairy's clock (when it
 * read the manifest, or recorded a mark). A service worker (delivery-sw.js) keeps a copy of the page so that it opens
 * without a connection; such a copy may be older than marks sent since, so the page starts from
 * whichever state is newer: the one it was rendered with, or the one kept here.
 */
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("dday-config").textContent);
  // The page's words in the reader's language (web/delivery_words.py, rendered by the template):
  // t("Pending %(n)s · offline", { n: 2 }); a text missing there stays English.
  const wordsEl = document.getElementById("dday-words");
  const WORDS = wordsEl ? JSON.parse(wordsEl.textContent) : {};
  const t = (text, values) =>
    (WORDS[text] || text).replace(/%\((\w+)\)s/g, (m, k) => (values && k in values ? String(values[k]) : m));
  let manifests = JSON.parse(document.getElementById("dday-data").textContent);
  const QUEUE_KEY = `milkrun.queue.${config.scope}`;
  // Also named in login.html, which forgets the days (not the queues) when nobody is logged in.
  const DAY_KEY = `milkrun.day.${config.scope}.${config.date}`;
  const KEPT_DAYS = 3;
  let asOf = readAt(manifests); // by the dairy's clock, in ms
  const REASONS = [
    ["customer_unavailable", t("Not at home")],
    ["address_not_found", t("Address not found")],
    ["refused", t("Refused")],
    ["out_of_stock", t("Out of stock")],
    ["other", t("Other")],
  ];
  const REASON_TEXT = Object.fromEntries(REASONS);
  const STATUS_TEXT = {
    scheduled: t("To deliver"),
    delivered: t("Delivered"),
    partially_delivered: t("Partly delivered"),
    not_delivered: t("Not delivered"),
    cancelled: t("Cancelled"),
  };
  // Answers worth retrying: the dairy was busy, or another mark of the order was in progress.
  const RETRY_CODES = new Set(["concurrent_mark", "conflict", "key_in_use", "database_unavailable"]);

  const routesEl = document.getElementById("routes");
  const syncEl = document.getElementById("sync");
  const loginBanner = document.getElementById("login-banner");

  let queue = loadQueue();
  let inFlight = null;
  let retryTimer = null;
  let retryDelay = 2000;
  let loggedOut = false;
  const errors = {}; // order id -> why the dairy refused its last mark
  const panel = {}; // order id -> "partial" | "reason": the open extra buttons
  const partialQty = {}; // order id -> quantity chosen for a partial delivery
  const reopened = new Set(); // customer ids of finished stops opened again to change a mark
  const sheetsOpen = new Set(); // route ids whose load sheet is unfolded

  function loadQueue() {
    try {
      const stored = JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  function saveQueue() {
    try {
      localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    } catch {
      /* storage full or disabled: the queue still lives in this page */
    }
  }

  /* The day as last known here, if newer than the page's: the page may be a saved copy. */
  function loadDay() {
    try {
      const known = JSON.parse(localStorage.getItem(DAY_KEY) || "null");
      if (known && Array.isArray(known.manifests) && known.asOf > asOf) {
        manifests = known.manifests;
        asOf = known.asOf;
      }
    } catch {
      /* unreadable: the page's own state stands */
    }
  }

  function readAt(days) {
    return Math.max(0, ...days.map((m) => Date.parse(m.as_of) || 0));
  }

  /* Remember the day as the dairy last told it. */
  function saveDay() {
    try {
      forgetOldDays();
      localStorage.setItem(DAY_KEY, JSON.stringify({ asOf, manifests }));
    } catch {
      /* storage full or disabled: a saved copy of the page may show older states */
    }
  }

  /* Only the last few days are kept (a phone walks the same route every day for years). */
  function forgetOldDays() {
    const prefix = `milkrun.day.${config.scope}.`;
    const oldest = new Date(`${config.date}T00:00:00Z`);
    oldest.setUTCDate(oldest.getUTCDate() - KEPT_DAYS);
    const cutoff = oldest.toISOString().slice(0, 10);
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(prefix) && key.slice(prefix.length) < cutoff) localStorage.removeItem(key);
    }
  }

  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // works without HTTPS, unlike crypto.randomUUID
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function allOrders() {
    const found = new Map();
    for (const m of manifests) {
      for (const stop of m.stops) for (const order of stop.orders) found.set(order.id, order);
    }
    return found;
  }

  /* The order as the delivery boy should see it: the dairy's state, then the waiting marks. */
  function effective(order) {
    let state = {
      status: order.status,
      quantity_delivered: order.quantity_delivered,
      reason: order.reason,
      pending: false,
    };
    for (const item of queue) {
      for (const mark of item.marks) {
        if (mark.order_id === order.id) state = { ...mark, pending: true };
      }
    }
    return state;
  }

  const deliverable = (stop) => stop.orders.filter((o) => o.status !== "cancelled");
  const isDone = (order) => effective(order).status !== "scheduled";

  // --- marking ------------------------------------------------------------------------------

  function enqueue(url, body, marks, extra) {
    const ids = new Set(marks.map((m) => m.order_id));
    // A newer mark of the same orders replaces one still waiting (never the one being sent).
    queue = queue.filter(
      (item) =>
        item === inFlight || item.marks.length === 0 || !item.marks.every((m) => ids.has(m.order_id)),
    );
    // Proof of delivery (delivery-proof.js, when the dairy asks): where the phone is now goes
    // with a mark, kept in the queue with it (bottles and cash carry no location).
    if (window.milkrunProof && marks.length) Object.assign(body, window.milkrunProof.where());
    queue.push({ key: newKey(), url, body, marks, ...extra });
    for (const id of ids) {
      delete errors[id];
      delete panel[id];
    }
    saveQueue();
    render();
    flush();
  }

  function markOrder(stop, order, status, quantity, reason) {
    const body = {
      order_id: order.id,
      customer_id: stop.customer.id,
      status,
      delivery_date: config.date,
    };
    if (status === "partially_delivered") body.quantity_delivered = quantity;
    if (reason) body.reason = reason;
    const delivered =
      status === "delivered" ? order.quantity : status === "not_delivered" ? 0 : quantity;
    enqueue(config.markUrl, body, [
      { order_id: order.id, status, quantity_delivered: delivered, reason: reason || null },
    ]);
    reopened.delete(stop.customer.id);
  }

  function markStop(stop, status, reason) {
    const body = { customer_id: stop.customer.id, delivery_date: config.date, status };
    if (reason) body.reason = reason;
    const marks = deliverable(stop).map((order) => ({
      order_id: order.id,
      status,
      quantity_delivered: status === "delivered" ? order.quantity : 0,
      reason: reason || null,
    }));
    enqueue(config.stopUrl, body, marks);
    reopened.delete(stop.customer.id);
  }

  function applyAnswer(answer) {
    const orders = allOrders();
    for (const result of answer.orders || [answer]) {
      const order = orders.get(result.order_id);
      if (!order) continue;
      order.status = result.status;
      order.quantity_delivered = result.quantity_delivered;
      order.reason = result.reason;
      asOf = Math.max(asOf, Date.parse(result.recorded_at) || 0);
    }
  }

  // --- sending ------------------------------------------------------------------------------

  function flush() {
    if (inFlight || loggedOut || queue.length === 0) {
      updateSync();
      return;
    }
    clearTimeout(retryTimer);
    retryTimer = null;
    const item = queue[0];
    inFlight = item;
    updateSync();
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), 20000);
    fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Idempotency-Key": item.key,
        // Only this site's own script can send this header (milkrun.http.csrf); read when the
        // mark is sent, not when it was queued, so a mark kept across a new login still goes.
        "X-CSRF-Token": csrfToken(),
      },
      body: JSON.stringify(item.body),
      signal: abort.signal,
    })
      .then((response) =>
        response
          .json()
          .catch(() => null)
          .then((data) => ({ response, data })),
      )
      .then(({ response, data }) => {
        clearTimeout(timeout);
        inFlight = null;
        if (response.ok) {
          if (item.round && round) round.answered(item, data);
          else applyAnswer(data);
          saveDay();
          queue = queue.filter((q) => q !== item);
          saveQueue();
          retryDelay = 2000;
          render();
          flush();
        } else if (response.status === 401) {
          loggedOut = true; // keep every mark; they go once the delivery boy logs in again
          loginBanner.hidden = false;
          updateSync();
        } else if (
          response.status >= 500 ||
          response.status === 408 ||
          response.status === 429 ||
          (data && RETRY_CODES.has(data.code))
        ) {
          retryLater();
        } else {
          refused(item, (data && data.detail) || t("The dairy refused this mark (%(status)s)", { status: response.status }));
          flush();
        }
      })
      .catch(() => {
        clearTimeout(timeout);
        inFlight = null;
        retryLater();
      });
  }

  function refused(item, why) {
    queue = queue.filter((q) => q !== item);
    saveQueue();
    if (item.round && round) round.refused(item, why);
    for (const mark of item.marks) errors[mark.order_id] = why;
    render();
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
    updateSync();
  }

  function updateSync() {
    const n = queue.length;
    syncEl.dataset.pending = String(n);
    let text;
    let state;
    if (n === 0) {
      text = navigator.onLine ? t("All saved") : t("All saved · offline, stops as of %(time)s", { time: clockTime(asOf) });
      state = "saved";
    } else if (loggedOut) {
      text = t("Pending %(n)s · log in again to send", { n });
      state = "stuck";
    } else if (!navigator.onLine) {
      text = t("Pending %(n)s · offline", { n });
      state = "offline";
    } else {
      text = inFlight ? t("Pending %(n)s · sending…", { n }) : t("Pending %(n)s · will retry", { n });
      state = "pending";
    }
    syncEl.dataset.state = state;
    syncEl.querySelector(".sync-text").textContent = text;
  }

  function clockTime(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function refresh() {
    fetch(config.manifestUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) =>
        response.ok
          ? response.json().then((data) => [data, response.headers.get("Milkrun-Read-At")])
          : Promise.reject(response),
      )
      .then(([data, readAtHeader]) => {
        manifests = data.routes ? data.routes : [data];
        // The browser revalidates its copy (ETag): a 304 hands back the body read earlier,
        // with the headers of the 304, which say when the dairy confirmed it unchanged.
        asOf = Math.max(readAt(manifests), Date.parse(readAtHeader) || 0);
        saveDay();
        render();
      })
      .catch(() => updateSync());
  }

  // --- drawing ------------------------------------------------------------------------------

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return (meta && meta.content) || "1";
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "onclick") node.addEventListener("click", value);
      else if (name === "class") node.className = value;
      // Through the CSSOM: a style attribute would be refused by the page's strict CSP.
      else if (name === "style") node.style.cssText = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function badges(stop) {
    const open = deliverable(stop).length > 0;
    const text = {
      paused: open ? t("Partly on pause") : t("On pause – do not deliver"),
      quantity_changed: t("Quantity changed"),
      one_time: t("Extra one-time order"),
      new_customer: t("New customer"),
    };
    return stop.changes.map((change) => el("span", { class: `badge badge-${change}` }, text[change]));
  }

  function orderLine(order, state) {
    const usual =
      order.usual_quantity !== null && order.usual_quantity !== order.quantity
        ? el("span", { class: "usual" }, ` ${t("(usually %(quantity)s)", { quantity: order.usual_quantity })}`)
        : null;
    let outcome = STATUS_TEXT[state.status];
    if (state.status === "partially_delivered") outcome += ` ${state.quantity_delivered}`;
    if (state.status === "not_delivered" && state.reason) outcome += ` · ${REASON_TEXT[state.reason]}`;
    return el(
      "div",
      { class: "order-line" },
      el("span", { class: "qty" }, `${order.quantity} ×`),
      el("span", { class: "product" }, order.product, el("small", {}, order.unit), usual),
      el(
        "span",
        { class: `chip chip-${state.status}${state.pending ? " chip-pending" : ""}` },
        outcome,
        state.pending ? el("small", {}, " waiting to send") : null,
      ),
    );
  }

  function orderActions(stop, order) {
    const actions = el(
      "div",
      { class: "actions" },
      el(
        "button",
        { type: "button", class: "big ok", onclick: () => markOrder(stop, order, "delivered") },
        t("Delivered"),
      ),
      order.quantity > 1
        ? el(
            "button",
            {
              type: "button",
              class: `big part${panel[order.id] === "partial" ? " on" : ""}`,
              "aria-expanded": String(panel[order.id] === "partial"),
              onclick: () => toggle(order.id, "partial"),
            },
            t("Partial"),
          )
        : null,
      el(
        "button",
        {
          type: "button",
          class: `big bad${panel[order.id] === "reason" ? " on" : ""}`,
          "aria-expanded": String(panel[order.id] === "reason"),
          onclick: () => toggle(order.id, "reason"),
        },
        t("Not delivered"),
      ),
    );
    const extra = [];
    if (panel[order.id] === "partial") {
      const qty = partialQty[order.id] || order.quantity - 1;
      const set = (n) => {
        partialQty[order.id] = Math.max(1, Math.min(order.quantity - 1, n));
        render();
      };
      extra.push(
        el(
          "div",
          { class: "panel stepper" },
          el("span", {}, t("Delivered")),
          el("button", { type: "button", "aria-label": t("One less"), onclick: () => set(qty - 1) }, "−"),
          el("output", { "aria-live": "polite" }, String(qty)),
          el("button", { type: "button", "aria-label": t("One more"), onclick: () => set(qty + 1) }, "+"),
          el("span", {}, t("of %(quantity)s", { quantity: order.quantity })),
          el(
            "button",
            {
              type: "button",
              class: "save",
              onclick: () => markOrder(stop, order, "partially_delivered", qty),
            },
            t("Save"),
          ),
        ),
      );
    }
    if (panel[order.id] === "reason") {
      extra.push(
        el(
          "div",
          { class: "panel reasons" },
          el("p", {}, t("Why not?")),
          REASONS.map(([code, text]) =>
            el(
              "button",
              { type: "button", onclick: () => markOrder(stop, order, "not_delivered", 0, code) },
              text,
            ),
          ),
        ),
      );
    }
    return [actions, ...extra];
  }

  function toggle(orderId, which) {
    panel[orderId] = panel[orderId] === which ? undefined : which;
    render();
  }

  function summary(stop) {
    const orders = deliverable(stop);
    const states = orders.map(effective);
    if (states.every((s) => s.status === "delivered")) return t("Delivered");
    if (states.every((s) => s.status === "not_delivered")) {
      const reasons = [...new Set(states.map((s) => REASON_TEXT[s.reason]))];
      return t("Not delivered · %(reasons)s", { reasons: reasons.join(", ") });
    }
    return states
      .map((s, n) =>
        s.status === "partially_delivered"
          ? t("%(delivered)s of %(quantity)s delivered", { delivered: s.quantity_delivered, quantity: orders[n].quantity })
          : STATUS_TEXT[s.status],
      )
      .join(" · ");
  }

  /* A finished stop folds into one line, so the stops still to walk stay together. */
  function doneRow(stop) {
    const pending = deliverable(stop).some((o) => effective(o).pending);
    const failed = deliverable(stop).some((o) => effective(o).status !== "delivered");
    const row = foldedRow(stop, pending, failed);
    const extras = roundPart(stop);
    if (extras) row.append(extras);
    return row;
  }

  function foldedRow(stop, pending, failed) {
    return el(
      "li",
      { class: `stop done${failed ? " done-short" : ""}`, "data-customer-id": stop.customer.id, id: `stop-${stop.customer.id}` },
      el("span", { class: "seq" }, stop.sequence === null ? "–" : String(stop.sequence)),
      el(
        "div",
        { class: "stop-who" },
        el("strong", {}, stop.customer.name),
        el("span", { class: "done-text" }, summary(stop), pending ? el("small", { class: "waiting" }, " · waiting to send") : null),
      ),
      el(
        "button",
        { type: "button", class: "change", onclick: () => { reopened.add(stop.customer.id); render(); } },
        t("Change"),
      ),
    );
  }

  /* Containers and cash at a stop (delivery-round.js), sent through the same queue as marks. */
  const round = window.MilkrunRound || null;
  function roundPart(stop) {
    if (!round) return null;
    return round.part(stop, {
      config,
      el,
      pending: () => queue.filter((item) => item.round && item.body.customer_id === stop.customer.id),
      send: (url, body, kind) => enqueue(url, body, [], { round: kind }),
      render,
    });
  }

  /* A stop with nothing to deliver today (on pause, a skipped day): one line, in red if paused. */
  function restingRow(stop) {
    const paused = stop.changes.includes("paused");
    return el(
      "li",
      { class: `stop resting${paused ? " paused" : ""}`, "data-customer-id": stop.customer.id, id: `stop-${stop.customer.id}` },
      el("span", { class: "seq" }, stop.sequence === null ? "–" : String(stop.sequence)),
      el(
        "div",
        { class: "stop-who" },
        el("strong", {}, stop.customer.name),
        el("span", { class: "done-text" }, paused ? t("On pause – do not deliver") : t("Nothing to deliver today")),
      ),
    );
  }

  function stopCard(stop, current) {
    const open = deliverable(stop);
    const done = open.length > 0 && open.every(isDone);
    const editing = reopened.has(stop.customer.id);
    if (done && !editing) return doneRow(stop);
    if (open.length === 0) return restingRow(stop);
    const classes = ["stop"];
    if (current) classes.push("current");
    const card = el(
      "li",
      { class: classes.join(" "), "data-customer-id": stop.customer.id, id: `stop-${stop.customer.id}` },
      el(
        "div",
        { class: "stop-head" },
        el("span", { class: "seq" }, stop.sequence === null ? "–" : String(stop.sequence)),
        el(
          "div",
          { class: "stop-who" },
          el("strong", {}, stop.customer.name),
          el("span", { class: "addr" }, stop.customer.address),
        ),
        el("a", { class: "call", href: `tel:${stop.customer.phone}`, "aria-label": t("Call %(name)s", { name: stop.customer.name }) }, t("Call")),
      ),
      stop.changes.length ? el("div", { class: "badges" }, badges(stop)) : null,
      window.milkrunProof ? window.milkrunProof.pinButton(stop) : null,
    );
    for (const order of stop.orders) {
      const state = effective(order);
      const row = el("div", { class: "order", "data-order-id": order.id }, orderLine(order, state));
      if (order.status === "cancelled") {
        row.classList.add("cancelled");
      } else {
        if (errors[order.id]) row.append(el("p", { class: "order-error", role: "alert" }, t("Not saved: %(why)s", { why: errors[order.id] })));
        row.append(...orderActions(stop, order));
      }
      card.append(row);
    }
    if (open.length > 1) {
      card.append(
        el(
          "button",
          { type: "button", class: "big ok whole", onclick: () => markStop(stop, "delivered") },
          t("All %(n)s delivered", { n: open.length }),
        ),
      );
    }
    const extras = roundPart(stop);
    if (extras) card.append(extras);
    if (editing) {
      card.append(
        el("button", { type: "button", class: "change", onclick: () => { reopened.delete(stop.customer.id); render(); } }, t("Keep as it was")),
      );
    }
    return card;
  }

  function loadSheet(manifest) {
    if (!manifest.load_sheet.length) return null;
    const sheet = el(
      "details",
      { class: "load", open: sheetsOpen.has(manifest.route.id) },
      el("summary", {}, t("Load sheet")),
      el(
        "table",
        {},
        el("thead", {}, el("tr", {}, el("th", {}, t("Product")), el("th", { class: "num" }, t("Load")), el("th", { class: "num" }, t("Left")))),
        el(
          "tbody",
          {},
          manifest.load_sheet.map((line) =>
            el(
              "tr",
              {},
              el("td", {}, line.product, " ", el("small", {}, line.unit)),
              el("td", { class: "num" }, String(line.quantity)),
              el("td", { class: "num" }, String(remaining(manifest, line.product_id))),
            ),
          ),
        ),
      ),
    );
    sheet.addEventListener("toggle", () => {
      if (sheet.open) sheetsOpen.add(manifest.route.id);
      else sheetsOpen.delete(manifest.route.id);
    });
    return sheet;
  }

  function remaining(manifest, productId) {
    let left = 0;
    for (const stop of manifest.stops) {
      for (const order of deliverable(stop)) {
        if (order.product_id === productId && !isDone(order)) left += order.quantity;
      }
    }
    return left;
  }

  function render() {
    const scrollY = window.scrollY;
    const sections = manifests.map((manifest) => {
      const stops = manifest.stops;
      const open = stops.filter((s) => deliverable(s).length > 0);
      const finished = open.filter((s) => deliverable(s).every(isDone)).length;
      const current = open.find((s) => !deliverable(s).every(isDone));
      return el(
        "section",
        { class: "route", "data-route-id": manifest.route.id },
        el(
          "div",
          { class: "route-head" },
          el("h2", {}, manifest.route.name),
          el("span", { class: "progress" }, t("%(done)s of %(total)s stops done", { done: finished, total: open.length })),
        ),
        el("div", { class: "bar-track" }, el("div", { class: "bar-fill", style: `width:${open.length ? (100 * finished) / open.length : 100}%` })),
        loadSheet(manifest),
        el("ol", { class: "stops" }, stops.map((s) => stopCard(s, s === current))),
      );
    });
    routesEl.replaceChildren(...sections);
    window.scrollTo(0, scrollY);
    updateSync();
  }

  // --- start --------------------------------------------------------------------------------

  if ("serviceWorker" in navigator) {
    // Scopes: the delivery boy's pages, or the shared links' pages. Not available over plain
    // HTTP other than on this machine; the page then works as before, only not opened offline.
    const scope = location.pathname.startsWith("/l/") ? "/l/" : "/delivery";
    navigator.serviceWorker.register("/delivery-sw.js", { scope }).catch(() => undefined);
  }
  loadDay();
  document.getElementById("refresh").addEventListener("click", refresh);
  window.addEventListener("online", () => {
    retryDelay = 2000;
    flush();
  });
  window.addEventListener("offline", updateSync);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
  render();
  const first = document.querySelector(".stop.current");
  if (first && first.previousElementSibling) first.scrollIntoView({ block: "start" });
  flush();
})();
