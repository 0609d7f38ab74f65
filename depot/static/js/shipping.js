// Shipping screen: print labels in batches; pack one box at a time by scanning the unit's
// serial and its intake tag; a code of another unit is a loud error naming its RMA.
(function () {
  "use strict";
  const { api, status, composing, queue } = window.Depot;
  const T = JSON.parse(document.getElementById("i18n").textContent);
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => { const e = document.createElement(tag); Object.assign(e, attrs || {}); if (text !== undefined) e.textContent = text; return e; };
  const scan = $("scan");
  const say = (state, message) => status($("scan-status"), state, message);
  let rma = null;
  const verified = { serial: false, tag: false };
  const inTurn = queue((err) => say("error", T.error + ": " + err.message));

  // --- the batch list ----------------------------------------------------------------------
  async function loadQueue() {
    const data = await api("GET", "/api/v1/shipping/queue");
    $("ship-list").replaceChildren(...data.rmas.map((r) => {
      const li = el("li", { className: "ship-item" });
      const box = el("input", { type: "checkbox", name: "rma", value: r.number });
      const lab = el("label", { className: "check" });
      lab.append(box, " ", el("span", { className: "mono" }, r.number), " ",
                 el("span", { className: "badge" }, T[r.freight]));
      if (r.outstanding !== "0.00") lab.append(" ", el("span", { className: "badge danger" }, T.unpaid + " " + r.outstanding));
      lab.append(el("br"), el("small", {}, [r.model, r.serial, r.customer].filter(Boolean).join(" · ")));
      li.append(lab);
      return li;
    }));
  }
  const chosen = () => [...document.querySelectorAll('input[name="rma"]:checked')].map((b) => b.value);
  function batchUrl(kind) {
    const rmas = chosen();
    if (!rmas.length) { say("error", T.choose); return null; }
    return "/api/v1/labels." + kind + "?size=" + $("label-size").value + "&rmas=" + rmas.map(encodeURIComponent).join(",");
  }
  $("print-pdf").addEventListener("click", () => { const u = batchUrl("pdf"); if (u) window.open(u, "_blank"); });
  $("print-zpl").addEventListener("click", () => { const u = batchUrl("zpl"); if (u) window.open(u, "_blank"); });
  $("send-printer").addEventListener("click", async () => {
    const rmas = chosen();
    if (!rmas.length) { say("error", T.choose); return; }
    try {
      const r = await api("POST", "/api/v1/labels/print", { rmas, printer: $("printer").value });
      say("ok", T.sent_to_printer + " " + r.printer + " (" + r.labels + ")");
    } catch (err) { say("error", T.error + ": " + err.message); }
  });
  async function loadPrinters() {
    const data = await api("GET", "/api/v1/printers");
    $("printer").replaceChildren(...data.printers.map((p) => el("option", { value: p.name }, p.name + " (" + p.label_size + ")")));
    $("printer-row").hidden = data.printers.length === 0;
  }

  // --- packing one box ---------------------------------------------------------------------
  function open(data) {
    rma = data;
    verified.serial = false; verified.tag = false;
    $("pack-number").textContent = rma.number;
    // The server's word (what the quote charged, else the policy), as on the label.
    $("pack-freight").textContent = T[rma.freight] || "";
    $("pack-freight").dataset.freight = rma.freight;
    $("pack-serial").textContent = going(rma);
    $("pack-tag").textContent = rma.number;
    $("pack-customer").textContent = rma.customer ? [rma.customer.name, rma.customer.phone, rma.customer.address].filter(Boolean).join(" · ") : T.none;
    $("pack-balance").textContent = rma.paid + " / " + rma.amount_due + " " + rma.currency;
    $("label-link").href = "/api/v1/rmas/" + encodeURIComponent(rma.number) + "/label.pdf?size=" + $("label-size").value;
    $("accessory-list").replaceChildren($("accessory-list").firstElementChild, ...rma.accessories.map((code) => {
      const row = el("div", { className: "accessory-row" });
      row.dataset.code = code;
      const packed = el("input", { type: "checkbox", name: "packed", value: code });
      const reason = el("input", { name: "missing-" + code, placeholder: T.missing });
      packed.addEventListener("change", () => { reason.disabled = packed.checked; });
      const lab = el("label", { className: "check" });
      lab.append(packed, " " + (T.accessories[code] || code) + " — " + T.packed);
      row.append(lab, reason);
      return row;
    }));
    $("tracking").value = "";
    mark();
    $("pack-card").hidden = false;
  }

  function mark() {
    for (const key of ["serial", "tag"]) {
      const b = $("check-" + key);
      b.dataset.ok = String(verified[key]);
      b.textContent = verified[key] ? "✓" : "✗";
    }
  }

  // A serial is the same unit in any case (a scanner's mode), as on the server.
  const sameSerial = (a, b) => a.trim().toLowerCase() === b.trim().toLowerCase();

  // What goes in the box: the replacement once the RMA was exchanged (换货), else the unit sent in.
  const going = (r) => r.replacement_serial || r.serial;

  async function handleScan(text) {
    if (rma && sameSerial(text, going(rma))) { verified.serial = true; mark(); say("ok", T.serial_ok); return afterVerify(); }
    if (rma && text.toUpperCase() === rma.number) { verified.tag = true; mark(); say("ok", T.tag_ok); return afterVerify(); }
    say("busy", T.looking);
    const data = await api("POST", "/api/v1/scans", { text });
    const named = data.rma || null;
    if (rma) {
      if (named || data.unit) {
        const owner = named ? named.number : (data.unit.rmas.length ? data.unit.rmas[data.unit.rmas.length - 1].number : data.unit.serial);
        say("error", T.wrong_unit + " " + owner);
        return;
      }
      say("unknown", T.unknown + " " + text);
      return;
    }
    if (!named) { say("unknown", T.unknown + " " + text); return; }
    if (named.status !== "ready_to_ship") { say("error", T.not_ready + " " + named.number + " (" + (T.statuses[named.status] || named.status) + ")"); return; }
    open(named);
    if (sameSerial(text, going(named))) verified.serial = true;
    else if (text.toUpperCase() === named.number) verified.tag = true;
    mark();
    say("ok", T.opened + " " + named.number);
  }

  function afterVerify() {
    if (verified.serial && verified.tag) {
      const first = document.querySelector('#accessory-list input[name="packed"]');
      (first || $("tracking")).focus();
    }
  }

  scan.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || composing(ev)) return;
    ev.preventDefault();
    const text = scan.value.trim();
    scan.value = "";
    if (text) inTurn(() => handleScan(text));
  });
  // The courier's waybill is scanned into the tracking field: its Enter must not ship the box.
  $("ship-form").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.ctrlKey && !composing(ev) && ev.target.tagName === "INPUT") ev.preventDefault();
  });

  $("ship-form").addEventListener("submit", (ev) => { ev.preventDefault(); inTurn(shipIt); });
  async function shipIt() {
    if (!rma) return;
    const scanned = [];
    if (verified.serial) scanned.push(going(rma));
    if (verified.tag) scanned.push(rma.number);
    const packed = [...document.querySelectorAll('input[name="packed"]:checked')].map((b) => b.value);
    const missing = rma.accessories.filter((c) => !packed.includes(c)).map((code) => ({ code, reason: document.querySelector('input[name="missing-' + code + '"]').value.trim() }));
    try {
      const done = await api("POST", "/api/v1/rmas/" + encodeURIComponent(rma.number) + "/shipment",
        { carrier: $("carrier").value, tracking_number: $("tracking").value.trim(), scanned, accessories: packed, missing });
      say("ok", T.shipped + " " + done.number + " · " + (T.carriers[done.shipment.carrier] || done.shipment.carrier) + " " + done.shipment.tracking_number);
      rma = null;
      $("pack-card").hidden = true;
      loadQueue();
      scan.focus();
    } catch (err) {
      say("error", T.error + ": " + err.message);
    }
  }

  document.addEventListener("keydown", (ev) => {
    if (composing(ev) || ev.defaultPrevented && ev.key !== "Enter") return;
    if (ev.key === "Escape") { ev.preventDefault(); rma = null; $("pack-card").hidden = true; say("idle", T.ready); scan.focus(); }
    else if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && rma) { ev.preventDefault(); $("ship-form").requestSubmit(); }
  });

  window.depotShipping = { ready: false };
  Promise.all([loadQueue(), loadPrinters()])
    .then(() => { window.depotShipping.ready = true; })
    .catch((err) => say("error", T.error + ": " + err.message));
})();
