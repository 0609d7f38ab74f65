// Bench screen: scan a tag or serial to open an RMA, scan finding codes from the printed sheet,
// run the allowed actions with Alt+1…9. Everything works from the keyboard and the scanner.
(function () {
  "use strict";
  const { api, status, composing, queue } = window.Depot;
  const T = JSON.parse(document.getElementById("i18n").textContent);
  const CFG = JSON.parse(document.getElementById("bench-config").textContent);
  const $ = (id) => document.getElementById(id);
  const scan = $("scan");
  const box = $("scan-status");
  const BENCH_ACTIONS = ["exchange", "start_repair", "wait_parts", "resume", "finish_repair",
                         "pass_qa", "fail_qa", "return_unrepaired", "cancel"];
  const NEEDS_REASON = new Set(["fail_qa", "cancel", "exchange"]);
  const INSPECTABLE = new Set(["received", "inspected"]);
  let catalogue = [];
  let rma = null;
  let pendingAction = null;
  let busy = false;

  const say = (state, message) => status(box, state, message);
  const label = (f) => (CFG.lang === "en" ? f.label_en : CFG.lang === "zh_TW" ? (f.label_zh_tw || f.label_zh) : f.label_zh);
  const url = (suffix) => "/api/v1/rmas/" + encodeURIComponent(rma.number) + suffix;
  const el = (tag, attrs, text) => { const e = document.createElement(tag); Object.assign(e, attrs || {}); if (text !== undefined) e.textContent = text; return e; };

  // --- the finding catalogue -------------------------------------------------------------
  async function loadCatalogue() {
    catalogue = (await api("GET", "/api/v1/findings")).findings.filter((f) => !f.retired);
    for (const cls of ["man_made", "quality"]) {
      const holder = $("findings-" + cls);
      holder.replaceChildren(...catalogue.filter((f) => f.damage_class === cls).map((f) => {
        const lab = el("label", { className: "check" });
        lab.append(el("input", { type: "checkbox", name: "finding", value: f.code }), " " + label(f));
        return lab;
      }));
    }
  }
  const findingBox = (code) => document.querySelector('input[name="finding"][value="' + CSS.escape(code) + '"]');

  // --- the queue ---------------------------------------------------------------------------
  async function loadQueue() {
    const data = await api("GET", "/api/v1/queue");
    $("queue-list").replaceChildren(...data.rmas.map((r) => {
      const li = el("li");
      const b = el("button", { type: "button", className: "queue-item" });
      b.dataset.number = r.number;
      if (r.overdue) b.dataset.flag = "overdue"; else if (r.due_today) b.dataset.flag = "due_today";
      b.append(el("span", { className: "mono" }, r.number), " ",
               el("span", { className: "badge status-badge" }, T.statuses[r.status] || r.status));
      b.querySelector(".status-badge").dataset.status = r.status;
      if (r.key_account) b.append(" ", el("span", { className: "badge key" }, "★"));
      b.append(el("br"), el("small", {}, [r.model, r.customer, r.due_on].filter(Boolean).join(" · ")));
      const holder = el("small", { className: "holder" }, r.technician ? T.held_by + " " + r.technician : T.unassigned);
      holder.dataset.technician = r.technician || "";
      b.append(el("br"), holder);
      b.addEventListener("click", () => openRma(r.number));
      li.append(b);
      return li;
    }));
  }

  // --- showing an RMA ------------------------------------------------------------------------
  function render(data) {
    rma = data;
    $("rma-number").textContent = rma.number;
    $("rma-link").href = "/rmas/" + encodeURIComponent(rma.number);
    const st = $("rma-status"); st.textContent = T.statuses[rma.status] || rma.status; st.dataset.status = rma.status;
    $("rma-key").hidden = !(rma.customer && rma.customer.key_account);
    $("rma-serial").textContent = rma.serial;
    $("rma-model").textContent = rma.model + " · " + rma.model_name;
    $("rma-customer").textContent = rma.customer ? [rma.customer.name, rma.customer.phone].filter(Boolean).join(" · ") : T.none;
    $("rma-due").textContent = rma.due_on + (rma.clock_paused_since ? " ⏸" : "");
    const flag = $("rma-due-flag");
    flag.textContent = rma.overdue ? T.overdue : rma.due_today ? T.due_today : "";
    flag.dataset.flag = rma.overdue ? "overdue" : rma.due_today ? "due_today" : "";
    const w = $("rma-warranty");
    w.dataset.status = rma.warranty.status;
    w.textContent = T.warranty[rma.warranty.status] || rma.warranty.status;
    $("rma-fault").textContent = rma.fault_description || T.none;
    $("rma-accessories").textContent = rma.accessories.map((a) => T.accessories[a] || a).join(T.list_sep) || T.none;
    $("rma-tech").textContent = rma.technician || T.unassigned;
    $("rma-repeat").hidden = !rma.repeat_of;
    $("rma-repeat-link").textContent = rma.repeat_of || "";
    $("rma-repeat-link").href = rma.repeat_of ? "/rmas/" + encodeURIComponent(rma.repeat_of) : "#";
    const reasons = [...rma.warranty.reasons, ...rma.damage_reasons, ...rma.coverage_reasons];
    $("rma-reasons").replaceChildren(...reasons.map((r) => el("li", {}, r)));
    showPhotos("intake-photos", "rma-photos", rma.photos);
    renderActions();
    renderInspection();
    renderParts();
    $("rma-card").hidden = false;
  }

  function renderActions() {
    const allowed = rma.allowed_actions.filter((a) => BENCH_ACTIONS.includes(a) && (a !== "cancel" || CFG.may_cancel));
    $("actions").replaceChildren(...allowed.map((action, i) => {
      const b = el("button", { type: "button", className: action === "cancel" ? "danger" : "primary" });
      b.dataset.action = action;
      b.dataset.key = String(i + 1);
      b.append(el("kbd", {}, "Alt+" + (i + 1)), " " + (T.actions[action] || action));
      b.addEventListener("click", () => runAction(action));
      return b;
    }));
    $("reason-form").hidden = true;
  }

  function renderInspection() {
    const open = INSPECTABLE.has(rma.status);
    $("inspection-card").hidden = !open && !rma.damage_class;
    $("inspection-form").hidden = !open;
    for (const input of document.querySelectorAll('input[name="finding"]')) input.checked = rma.findings.includes(input.value);
    $("notes").value = rma.inspection_notes || "";
    const result = $("inspection-result");
    result.hidden = !rma.damage_class;
    if (rma.damage_class) {
      const dc = $("damage-class"); dc.textContent = T.classes[rma.damage_class] || rma.damage_class; dc.dataset.status = rma.damage_class;
      const cv = $("covered"); cv.textContent = rma.covered ? T.covered : T.not_covered; cv.dataset.status = rma.covered ? "in_warranty" : "out_of_warranty";
      $("inspection-findings").textContent = rma.findings.map((code) => {
        const f = catalogue.find((x) => x.code === code);
        return f ? label(f) : code;
      }).join(T.list_sep) || T.none;
      $("inspection-notes").textContent = rma.inspection_notes || T.none;
      showPhotos("evidence-photos", "evidence-shown", rma.evidence);
    }
  }

  // Thumbnails of the RMA's photos, each a link to the picture itself.
  function showPhotos(holder, section, photos) {
    $(holder).replaceChildren(...photos.map((p) => {
      const a = el("a", { href: p.url, target: "_blank" });
      a.append(el("img", { src: p.url, alt: p.filename, loading: "lazy" }));
      return a;
    }));
    $(section).hidden = photos.length === 0;
  }

  function renderParts() {
    const show = ["in_repair", "awaiting_parts", "repaired"].includes(rma.status) || rma.parts.length;
    $("parts-card").hidden = !show;
    $("parts-form").hidden = rma.status !== "in_repair";
    $("parts-list").replaceChildren(...rma.parts.map((p) => el("li", {}, p.part_number + " " + p.name + " × " + p.quantity + " · " + p.unit_cost + " " + p.currency)));
  }

  async function openRma(number) {
    try {
      render(await api("GET", "/api/v1/rmas/" + encodeURIComponent(number)));
      say("ok", T.opened + " " + number);
    } catch (err) {
      say("error", T.error + ": " + err.message);
    }
    scan.focus();
  }

  // --- scanning ------------------------------------------------------------------------------
  // A scanned finding is added, never removed: scanning the same code twice must not undo it.
  // Unticking is a deliberate Space on the checkbox.
  function addFinding(code) {
    const input = findingBox(code);
    if (!rma || !INSPECTABLE.has(rma.status)) { say("error", T.finding_not_now); return; }
    if (!input) { say("unknown", T.unknown + " " + code); return; }
    const f = catalogue.find((x) => x.code === code);
    if (input.checked) { say("duplicate", T.finding_already + " " + label(f)); return; }
    input.checked = true;
    say("ok", T.finding_on + " " + label(f));
  }

  async function handleScan(text) {
    if (/^F:/i.test(text)) { addFinding(text.slice(2).trim().toLowerCase()); return; }
    say("busy", T.looking);
    try {
      const data = await api("POST", "/api/v1/scans", { text });
      if (data.rma) { render(data.rma); say("ok", T.opened + " " + data.rma.number); }
      else if (data.unit) say("unknown", T.no_rma + " " + data.unit.serial);
      else say("unknown", T.unknown + " " + text);
    } catch (err) {
      say("error", T.error + ": " + err.message);
    }
  }

  const inTurn = queue((err) => say("error", T.error + ": " + err.message));

  scan.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || composing(ev)) return;
    ev.preventDefault();
    const text = scan.value.trim();
    scan.value = "";
    if (text) inTurn(() => handleScan(text));
  });

  // --- actions ---------------------------------------------------------------------------------
  async function runAction(action, reason, replacement) {
    if (!rma || busy) return;
    if (NEEDS_REASON.has(action) && !reason) {
      pendingAction = action;
      $("reason-form").hidden = false;
      $("reason-input").value = "";
      $("replacement-input").value = "";
      // An exchange (换货) names the replacement unit: scanned first, then the reason.
      $("replacement-label").hidden = action !== "exchange";
      $("replacement-input").required = action === "exchange";
      $("reason-ok").textContent = T.actions[action];
      $(action === "exchange" ? "replacement-input" : "reason-input").focus();
      return;
    }
    busy = true;
    try {
      const body = { action, reason: reason || null };
      if (action === "exchange") body.replacement_serial = replacement;
      render(await api("POST", url("/actions"), body));
      say("ok", T.done + " " + (T.actions[action] || action));
      loadQueue();
    } catch (err) {
      say("error", T.error + ": " + err.message);
    } finally {
      busy = false;
      scan.focus();
    }
  }

  $("reason-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const reason = $("reason-input").value.trim();
    const replacement = $("replacement-input").value.trim();
    if (pendingAction === "exchange" && !replacement) { $("replacement-input").focus(); return; }
    if (reason && pendingAction) runAction(pendingAction, reason, replacement);
    pendingAction = null;
  });
  // The scanner's Enter after the replacement serial moves on to the reason, never sends.
  $("replacement-input").addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || composing(ev)) return;
    ev.preventDefault();
    if ($("replacement-input").value.trim()) $("reason-input").focus();
  });
  $("reason-cancel").addEventListener("click", () => { $("reason-form").hidden = true; pendingAction = null; scan.focus(); });

  $("inspection-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    inTurn(saveInspection);
  });

  async function saveInspection() {
    if (!rma || busy) return;
    busy = true;
    try {
      const findings = [...document.querySelectorAll('input[name="finding"]:checked')].map((i) => i.value);
      const files = $("evidence").files;
      if (files.length) {
        const form = new FormData();
        form.append("kind", "evidence");
        for (const file of files) form.append("photo", file);
        await api("POST", url("/photos"), form);
      }
      const result = await api("POST", url("/inspection"), { findings, notes: $("notes").value });
      $("evidence").value = "";
      render(result.rma);
      say("ok", T.saved + " " + T.classes[result.damage_class] + " · " + (result.covered ? T.covered : T.not_covered));
      loadQueue();
    } catch (err) {
      say("error", T.error + ": " + err.message);
    } finally {
      busy = false;
      scan.focus();
    }
  }

  // Enter in a field of a form moves on; it never sends a half-filled form.
  $("inspection-form").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !composing(ev) && ev.target.tagName === "INPUT") ev.preventDefault();
  });

  $("parts-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!rma || busy) return;
    busy = true;
    try {
      const data = await api("POST", url("/parts"), { part_number: $("part-number").value.trim(), quantity: Number($("part-qty").value) });
      render(data.rma);
      if (data.used) say("ok", T.part_used + " " + $("part-number").value.trim());
      else say("duplicate", T.part_short);
      $("part-number").value = ""; $("part-qty").value = "1";
      loadQueue();
    } catch (err) {
      say("error", T.error + ": " + err.message);
    } finally {
      busy = false;
    }
  });

  $("assign-me").addEventListener("click", async () => {
    if (!rma) return;
    try { render(await api("POST", url("/assign"), { technician: CFG.user })); loadQueue(); }
    catch (err) { say("error", T.error + ": " + err.message); }
    scan.focus();
  });

  document.addEventListener("keydown", (ev) => {
    if (composing(ev)) return;
    if (ev.key === "Escape") { ev.preventDefault(); $("reason-form").hidden = true; pendingAction = null; scan.focus(); return; }
    if (!ev.altKey) return;
    if (/^[1-9]$/.test(ev.key)) {
      ev.preventDefault();
      const key = ev.key;
      inTurn(() => {
        const button = document.querySelector('#actions button[data-key="' + key + '"]');
        return button ? runAction(button.dataset.action) : undefined;
      });
    } else if (ev.key.toLowerCase() === "i") {
      ev.preventDefault();
      inTurn(() => (!$("inspection-form").hidden && rma ? saveInspection() : undefined));
    }
  });

  window.depotBench = { ready: false };
  loadCatalogue().then(loadQueue)
    .then(() => { window.depotBench.ready = true; })
    .catch((err) => say("error", T.error + ": " + err.message));
})();
