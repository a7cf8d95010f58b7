/* Proof of delivery on the delivery page, when the dairy asks for it.
 *
 * The phone's location is watched while the page is open (the browser asks the delivery boy's
 * permission once). Each mark takes the latest fix (if it is recent) into its body before the
 * mark is queued, so a mark sent later, when the signal comes back, carries where it was made.
 * Without permission, or without a fix, marks go without a location: the page works the same.
 *
 * "This stop is here" sends the current fix as the customer's door, for the owner to approve.
 * delivery.js calls window.milkrunProof.where() and .pinButton(stop); nothing else.
 */
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("dday-config").textContent);
  // The page's words in the reader's language (see delivery.js).
  const wordsEl = document.getElementById("dday-words");
  const WORDS = wordsEl ? JSON.parse(wordsEl.textContent) : {};
  const t = (text, values) =>
    (WORDS[text] || text).replace(/%\((\w+)\)s/g, (m, k) => (values && k in values ? String(values[k]) : m));
  const FRESH_MS = 2 * 60 * 1000; // an older fix is not where the mark was made
  let fix = null; // { latitude, longitude, accuracy_m, at }
  let denied = false;
  const pinned = {}; // customer id -> { sent, text }: what happened to "this stop is here"

  function watch() {
    if (!config.proof || !("geolocation" in navigator)) return;
    navigator.geolocation.watchPosition(
      (position) => {
        fix = {
          latitude: Math.round(position.coords.latitude * 1e6) / 1e6,
          longitude: Math.round(position.coords.longitude * 1e6) / 1e6,
          accuracy_m: Math.min(100000, Math.round(position.coords.accuracy || 0)),
          at: Date.now(),
        };
        denied = false;
      },
      (error) => {
        if (error.code === error.PERMISSION_DENIED) denied = true;
      },
      { enableHighAccuracy: true, maximumAge: 30000, timeout: 30000 },
    );
  }

  function where() {
    if (!fix || Date.now() - fix.at > FRESH_MS) return {};
    return { latitude: fix.latitude, longitude: fix.longitude, accuracy_m: fix.accuracy_m };
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return (meta && meta.content) || "1";
  }

  function send(customerId, button, note) {
    const here = where();
    if (here.latitude === undefined) {
      note.textContent = denied
        ? t("Location is off for this page: allow it in the browser to send the door.")
        : t("Waiting for the phone's location; try again in a moment.");
      return;
    }
    button.disabled = true;
    note.textContent = t("Sending…");
    fetch(config.locationUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRF-Token": csrfToken(),
      },
      body: JSON.stringify({ customer_id: customerId, ...here }),
    })
      .then((response) => response.json().catch(() => null).then((data) => ({ response, data })))
      .then(({ response, data }) => {
        if (response.ok) {
          pinned[customerId] = { sent: true, text: t("Sent: the owner will approve this location.") };
        } else {
          const why = (data && (data.detail || data.title)) || response.status;
          pinned[customerId] = { sent: false, text: t("Not sent: %(why)s", { why }) };
          button.disabled = false;
        }
        note.textContent = pinned[customerId].text;
      })
      .catch(() => {
        note.textContent = t("No connection: try again at the door when there is signal.");
        button.disabled = false;
      });
  }

  // The "This stop is here" control of one stop card (null when the dairy does not ask).
  function pinButton(stop) {
    if (!config.proof || !config.locationUrl) return null;
    const id = stop.customer.id;
    const box = document.createElement("div");
    box.className = "pin";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pin-here";
    button.textContent = t("This stop is here");
    const note = document.createElement("span");
    note.className = "pin-note";
    note.setAttribute("role", "status");
    note.textContent = pinned[id] ? pinned[id].text : "";
    if (pinned[id] && pinned[id].sent) button.disabled = true;
    button.addEventListener("click", () => send(id, button, note));
    box.append(button, note);
    return box;
  }

  window.milkrunProof = { where, pinButton };
  watch();
})();
