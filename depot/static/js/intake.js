// Intake screen: a keyboard-wedge scanner types the code and presses Enter; the page looks it up,
// shows the unit and its warranty, and a clerk records the intake without touching the mouse.
(function () {
  "use strict";
  const { api, status, composing } = window.Depot;
  const T = JSON.parse(document.getElementById("i18n").textContent);
  const $ = (id) => document.getElementById(id);
  const scan = $("scan");
  const statusBox = $("scan-status");
  let current = null;        // the unit shown now
  let idempotencyKey = null; // one per intake form, so a double press creates one RMA
  let busy = false;

  // Each outcome sounds and looks different (depot.js).
  const setStatus = (state, message) => status(statusBox, state, message);

  // --- showing things -------------------------------------------------------------------
  function hide(...ids) { ids.forEach((id) => { $(id).hidden = true; }); }
  function show(...ids) { ids.forEach((id) => { $(id).hidden = false; }); }

  function showUnit(unit, rma) {
    current = unit;
    $("unit-serial").textContent = unit.serial;
    $("unit-model").textContent = unit.model + " · " + unit.model_name;
    const c = unit.customer;
    $("unit-customer").textContent = c ? [c.name, c.phone].filter(Boolean).join(" · ") : T.none;
    $("unit-purchase").textContent = unit.purchase_date || T.none;
    const w = unit.warranty;
    const badge = $("warranty-status");
    badge.dataset.status = w.status;
    badge.textContent = w.status === "in_warranty" ? T.in_warranty
      : w.status === "out_of_warranty" ? T.out_of_warranty : T.unknown_warranty;
    $("warranty-ends").textContent = w.ends_on ? T.until + " " + w.ends_on : "";
    const list = $("warranty-reasons");
    list.replaceChildren(...w.reasons.map((r) => { const li = document.createElement("li"); li.textContent = r; return li; }));
    show("unit-panel");
    hide("register-panel", "rma-result");
    const open = $("open-rma");
    if (rma && rma.status === "requested") {
      // The customer asked first (a request): the same RMA is received, its fault prefilled.
      open.textContent = T.requested + " " + rma.number;
      open.hidden = false;
      open.dataset.request = rma.number;
      idempotencyKey = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
      $("rma-form").reset();
      $("fault").value = rma.fault_description || "";
      show("rma-panel");
      return "request";
    }
    delete open.dataset.request;
    if (rma && !["shipped", "closed", "cancelled"].includes(rma.status)) {
      open.textContent = T.duplicate + " " + rma.number + " (" + (T.statuses[rma.status] || rma.status) + ")";
      open.hidden = false;
      hide("rma-panel");
      showResult(rma, false);
      return "duplicate";
    }
    open.hidden = true;
    idempotencyKey = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
    $("rma-form").reset();
    show("rma-panel");
    return "ok";
  }

  function showResult(rma, fresh) {
    $("rma-number").textContent = rma.number;
    $("rma-due").textContent = rma.due_on;
    $("print-tag").href = "/api/v1/rmas/" + encodeURIComponent(rma.number) + "/tag.pdf";
    $("print-receipt").href = "/api/v1/rmas/" + encodeURIComponent(rma.number) + "/receipt.pdf";
    $("rma-result").dataset.fresh = String(fresh);
    $("repeat-warning").hidden = !rma.repeat_of;
    $("repeat-link").textContent = rma.repeat_of || "";
    $("repeat-link").href = rma.repeat_of ? "/rmas/" + encodeURIComponent(rma.repeat_of) : "#";
    show("rma-result");
    if (fresh) $("print-tag").focus();
  }

  function startOver() {
    if (stream) stopCamera();
    current = null;
    hide("unit-panel", "register-panel", "rma-panel", "rma-result");
    setStatus("idle", T.ready);
    scan.value = "";
    scan.focus();
  }

  function showScanResult(data, scannedText) {
    if (data.unit) {
      const outcome = showUnit(data.unit, data.rma);
      if (outcome === "duplicate") setStatus("duplicate", T.duplicate + " " + data.rma.number);
      else if (outcome === "request") setStatus("ok", T.requested + " " + data.rma.number);
      else setStatus("ok", T.found + " " + data.unit.serial);
      if (outcome === "ok" || outcome === "request") $("fault").focus();
      return;
    }
    const text = data.codes.length ? data.codes[0].text : scannedText;
    hide("unit-panel", "rma-panel", "rma-result");
    $("register-form").reset();
    $("reg-serial").value = text;
    show("register-panel");
    setStatus("unknown", T.unknown + " " + text);
    $("reg-model").focus();
  }

  // --- scanning ---------------------------------------------------------------------------
  // A scan that arrives while another is being looked up is kept and looked up next (the
  // last one wins: it is the unit in the clerk's hand now), never dropped.
  let queuedScan = null;
  async function lookUp(text) {
    if (busy) { queuedScan = text; return; }
    busy = true;
    setStatus("busy", T.looking);
    try {
      showScanResult(await api("POST", "/api/v1/scans", { text }), text);
    } catch (err) {
      setStatus("error", T.error + ": " + err.message);
      scan.select();
    } finally {
      busy = false;
    }
    if (queuedScan !== null) {
      const next = queuedScan;
      queuedScan = null;
      lookUp(next);
    }
  }

  scan.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || composing(ev)) return;
    ev.preventDefault();
    const text = scan.value.trim();
    scan.value = "";
    if (text) lookUp(text);
  });

  // Enter inside a form field moves on instead of sending a half-filled form.
  for (const form of [$("register-form"), $("rma-form")]) {
    form.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" || composing(ev)) return;
      if (ev.target.tagName === "TEXTAREA" && !ev.ctrlKey && !ev.metaKey) return;
      if (ev.target.tagName === "BUTTON") return;
      ev.preventDefault();
      if (ev.ctrlKey || ev.metaKey) { form.requestSubmit(); return; }
      const fields = [...form.querySelectorAll("input, select, textarea, button")].filter((f) => !f.disabled && f.type !== "hidden");
      const next = fields[fields.indexOf(ev.target) + 1];
      if (next) next.focus();
    });
  }

  document.addEventListener("keydown", (ev) => {
    // A form's own handler has dealt with this key already (Ctrl+Enter in a form field).
    if (ev.defaultPrevented || composing(ev)) return;
    if (ev.key === "Escape") { ev.preventDefault(); startOver(); }
    else if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && !$("rma-panel").hidden) {
      ev.preventDefault(); $("rma-form").requestSubmit();
    }
  });
  $("next-unit").addEventListener("click", startOver);

  $("register-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    const body = { serial: f.serial.value.trim(), model: f.model.value,
                   purchase_date: f.purchase_date.value || null,
                   customer: { name: f.customer_name.value, phone: f.customer_phone.value,
                               email: f.customer_email.value, address: f.customer_address.value } };
    try {
      const unit = await api("POST", "/api/v1/units", body);
      showUnit(unit, null);
      setStatus("ok", T.found + " " + unit.serial);
      $("fault").focus();
    } catch (err) {
      setStatus("error", T.error + ": " + err.message);
    }
  });

  $("rma-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!current || busy) return;
    busy = true;
    $("save-button").disabled = true;
    const f = ev.target.elements;
    const body = { serial: current.serial, fault_description: f.fault_description.value,
                   accessories: [...ev.target.querySelectorAll('input[name="accessories"]:checked')].map((c) => c.value) };
    if (f.reported_on.value) body.reported_on = f.reported_on.value;
    // The RMA and its photos go in one request: stored together or not at all, so a photo the
    // server cannot read leaves no RMA behind (the clerk fixes the photos and presses again).
    const files = $("photos").files;
    let payload = body;
    if (files.length) {
      payload = new FormData();
      payload.append("serial", body.serial);
      payload.append("fault_description", body.fault_description);
      payload.append("accessories", body.accessories.join(","));
      if (body.reported_on) payload.append("reported_on", body.reported_on);
      for (const file of files) payload.append("photo", file);
    }
    try {
      const rma = await api("POST", "/api/v1/rmas", payload, { "Idempotency-Key": idempotencyKey });
      hide("rma-panel", "open-rma");
      setStatus("ok", (rma.number === $("open-rma").dataset.request ? T.received_request : T.saved) + " " + rma.number);
      showResult(rma, true);
    } catch (err) {
      setStatus("error", T.error + ": " + err.message);
    } finally {
      busy = false;
      $("save-button").disabled = false;
    }
  });

  // --- camera: frames go to the server, which decodes them (no BarcodeDetector on Linux) ----
  let stream = null, timer = null, sending = false;
  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment", width: { ideal: 1280 } } });
    } catch (err) {
      setStatus("error", T.camera_failed + " " + err.message);
      return;
    }
    const video = $("camera-video");
    video.srcObject = stream;
    show("camera");
    setStatus("busy", T.camera_on);
    timer = setInterval(grabFrame, 400);
  }
  function stopCamera() {
    clearInterval(timer); timer = null;
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    hide("camera");
  }
  async function grabFrame() {
    const video = $("camera-video");
    if (sending || !video.videoWidth) return;
    sending = true;
    const canvas = $("camera-canvas");
    canvas.width = video.videoWidth; canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.92));
    const form = new FormData();
    form.append("image", blob, "frame.jpg");
    try {
      const data = await api("POST", "/api/v1/scans", form);
      if (data.codes.length && timer) {
        stopCamera();
        scan.value = "";
        showScanResult(data, data.codes[0].text);
      }
    } catch (err) {
      if (err.status !== 422) setStatus("error", T.error + ": " + err.message);
    } finally {
      sending = false;
    }
  }
  $("camera-button").addEventListener("click", () => (stream ? stopCamera() : startCamera()));
  $("camera-stop").addEventListener("click", () => { stopCamera(); scan.focus(); });

  window.depotIntake = { startOver };
})();
