/* The delivery round at a stop: returnable containers given and taken back, and cash taken at
 * the door. Loaded before delivery.js, which draws each stop and calls MilkrunRound.part(stop,
 * api) for the part drawn here; what is recorded goes through delivery.js's queue (kept in the
 * phone's storage, sent with an Idempotency-Key, retried until the dairy answers), exactly like
 * a mark, so it works offline and lands once.
 *
 * The page brings what customers hold and the cash taken today (#dday-round); the answers of
 * the dairy update it, and it is kept in localStorage (the newest copy wins, as for the day).
 */
(() => {
  "use strict";

  const source = document.getElementById("dday-round");
  if (!source) return;
  const config = JSON.parse(document.getElementById("dday-config").textContent);
  // The page's words in the reader's language (see delivery.js).
  const wordsEl = document.getElementById("dday-words");
  const WORDS = wordsEl ? JSON.parse(wordsEl.textContent) : {};
  const t = (text, values) =>
    (WORDS[text] || text).replace(/%\((\w+)\)s/g, (m, k) => (values && k in values ? String(values[k]) : m));
  let data = JSON.parse(source.textContent);
  const KEY = `milkrun.round.${config.scope}.${config.date}`;
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) || "null");
    if (kept && Date.parse(kept.as_of) > Date.parse(data.as_of)) data = kept;
  } catch {
    /* unreadable: the page's own data stands */
  }
  const open = {}; // customer id -> "bottles" | "cash"
  const counts = {}; // customer id -> { type id: { given, returned } } being chosen
  const typed = {}; // customer id -> cash amount being typed
  const errors = {}; // customer id -> why the dairy refused the last record
  const inr = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR" });

  function save() {
    try {
      localStorage.setItem(KEY, JSON.stringify(data));
    } catch {
      /* storage full or disabled */
    }
  }

  const held = (customerId, typeId) => ((data.held[customerId] || {})[typeId] || 0);

  /* The container types of a stop: those its orders come in, and those the customer holds. */
  function typesAt(stop) {
    const found = new Map();
    for (const order of stop.orders) {
      const typeId = data.products[order.product_id];
      if (typeId === undefined || order.status === "cancelled") continue;
      found.set(String(typeId), (found.get(String(typeId)) || 0) + order.quantity);
    }
    for (const [typeId, n] of Object.entries(data.held[stop.customer.id] || {})) {
      if (n > 0 && !found.has(typeId)) found.set(typeId, 0);
    }
    return found; // type id -> bottles the orders bring today
  }

  function part(stop, api) {
    const { el } = api;
    const id = stop.customer.id;
    const types = typesAt(stop);
    const waiting = api.pending();
    const cashTaken = data.cash[id] || 0;
    const cashWaiting = waiting
      .filter((item) => item.round === "cash")
      .reduce((sum, item) => sum + Math.round(Number(item.body.amount) * 100), 0);
    if (!config.cashUrl) return null;

    const holds = [...types.keys()]
      .filter((typeId) => held(id, typeId) > 0)
      .map((typeId) => `${held(id, typeId)} × ${data.types[typeId].name}`);
    const notes = [];
    if (holds.length) notes.push(t("Holds %(bottles)s", { bottles: holds.join(", ") }));
    const bottlesWaiting = waiting.filter((item) => item.round === "containers").length;
    if (bottlesWaiting) notes.push(el("span", { class: "waiting" }, t("bottles waiting to send")));
    if (cashTaken) notes.push(t("%(amount)s cash taken", { amount: inr.format(cashTaken / 100) }));
    if (cashWaiting) notes.push(el("span", { class: "waiting" }, t("%(amount)s cash waiting to send", { amount: inr.format(cashWaiting / 100) })));

    const toggle = (which) => () => {
      open[id] = open[id] === which ? undefined : which;
      api.render();
    };
    const box = el(
      "div",
      { class: "round", "data-round-customer": id },
      el(
        "div",
        { class: "round-bar" },
        el("span", { class: "round-notes" }, notes.flatMap((n, i) => (i ? [" · ", n] : [n]))),
        types.size
          ? el(
              "button",
              { type: "button", class: `round-btn${open[id] === "bottles" ? " on" : ""}`, "aria-expanded": String(open[id] === "bottles"), onclick: toggle("bottles") },
              t("Bottles"),
            )
          : null,
        el(
          "button",
          { type: "button", class: `round-btn${open[id] === "cash" ? " on" : ""}`, "aria-expanded": String(open[id] === "cash"), onclick: toggle("cash") },
          t("Cash"),
        ),
      ),
    );
    if (errors[id]) box.append(el("p", { class: "order-error", role: "alert" }, t("Not saved: %(why)s", { why: errors[id] })));
    if (open[id] === "bottles") box.append(bottlesPanel(stop, types, api));
    if (open[id] === "cash") box.append(cashPanel(stop, api));
    return box;
  }

  function bottlesPanel(stop, types, api) {
    const { el } = api;
    const id = stop.customer.id;
    counts[id] = counts[id] || {};
    const rows = [...types.entries()].map(([typeId, bringing]) => {
      const chosen = (counts[id][typeId] = counts[id][typeId] || {
        given: bringing,
        returned: Math.min(bringing, held(id, typeId)),
      });
      const stepper = (field, label) => {
        const set = (n) => {
          chosen[field] = Math.max(0, Math.min(99, n));
          api.render();
        };
        return el(
          "div",
          { class: "round-step" },
          el("span", {}, label),
          el("button", { type: "button", "aria-label": t("One less: %(what)s", { what: label }), onclick: () => set(chosen[field] - 1) }, "−"),
          el("output", { "aria-live": "polite", "data-field": field }, String(chosen[field])),
          el("button", { type: "button", "aria-label": t("One more: %(what)s", { what: label }), onclick: () => set(chosen[field] + 1) }, "+"),
        );
      };
      return el(
        "div",
        { class: "round-type", "data-type-id": typeId },
        el("strong", {}, data.types[typeId].name),
        stepper("given", t("Given")),
        stepper("returned", t("Back")),
      );
    });
    const save = () => {
      const containers = Object.entries(counts[id])
        .filter(([, c]) => c.given || c.returned)
        .map(([typeId, c]) => ({ container_type_id: Number(typeId), given: c.given, returned: c.returned }));
      if (!containers.length) return;
      delete errors[id];
      open[id] = undefined;
      delete counts[id];
      api.send(config.containersUrl, { customer_id: id, delivery_date: config.date, containers }, "containers");
    };
    return el("div", { class: "panel round-panel" }, rows, el("button", { type: "button", class: "save", onclick: save }, t("Save bottles")));
  }

  function cashPanel(stop, api) {
    const { el } = api;
    const id = stop.customer.id;
    const input = el("input", {
      type: "text",
      inputmode: "decimal",
      name: "cash",
      "aria-label": t("Cash taken (₹)"),
      placeholder: "₹",
      value: typed[id] || "",
      autocomplete: "off",
    });
    input.addEventListener("input", () => {
      typed[id] = input.value;
    });
    const message = el("p", { class: "order-error", role: "alert", hidden: true });
    const save = () => {
      const text = (input.value || "").replace(/[₹,\s]/g, "");
      if (!/^\d{1,7}(\.\d{1,2})?$/.test(text) || Number(text) <= 0) {
        message.hidden = false;
        message.textContent = t("Type the rupees taken, e.g. 500 or 450.50");
        return;
      }
      delete errors[id];
      delete typed[id];
      open[id] = undefined;
      api.send(config.cashUrl, { customer_id: id, delivery_date: config.date, amount: text }, "cash");
    };
    return el(
      "div",
      { class: "panel round-panel round-cash" },
      el("label", {}, t("Cash taken ₹") + " ", input),
      el("button", { type: "button", class: "save", onclick: save }, t("Save cash")),
      message,
    );
  }

  function answered(item, answer) {
    const id = item.body.customer_id;
    if (item.round === "containers" && answer && Array.isArray(answer.holdings)) {
      data.held[id] = Object.fromEntries(answer.holdings.map((h) => [String(h.container_type_id), h.held]));
      for (const m of answer.movements || []) data.as_of = maxIso(data.as_of, m.recorded_at);
    } else if (item.round === "cash" && answer) {
      data.cash[id] = (data.cash[id] || 0) + answer.amount_paise;
      data.as_of = maxIso(data.as_of, answer.collected_at);
    }
    save();
  }

  function refused(item, why) {
    errors[item.body.customer_id] = why;
  }

  function maxIso(a, b) {
    return Date.parse(b) > Date.parse(a) ? b : a;
  }

  window.MilkrunRound = { part, answered, refused };
})();
