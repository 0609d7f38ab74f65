// Carton mode of the intake screen (整箱收货): F2 switches to it; the clerk scans the carrier's
// waybill (which opens the carton, POST /cartons), then unit after unit: serial + Enter, the
// fault typed or picked from the finding catalogue, the accessories, Enter; each unit gets its
// RMA in the carton (POST /rmas with `carton`). F4 finishes the carton and offers its one
// receipt. Keyboard (and a wedge scanner) only: Enter moves on, nothing needs the mouse.
(function () {
  "use strict";
  const { api, status, composing } = window.Depot;
  const T = JSON.parse(document.getElementById("carton-i18n").textContent);
  const $ = (id) => document.getElementById(id);
  const single = document.querySelector(".intake:not(.carton-mode)");
  const mode = $("carton-mode");
  const statusBox = $("carton-status");
  const lang = document.documentElement.lang.replace("-", "_");
  let carton = null;   // the carton being received: {number, tracking_number, customer}
  let unit = null;     // the unit scanned now (null: not known yet, register it)
  let units = [];      // the RMAs received into this carton, in order
  let key = null;      // one Idempotency-Key per unit form, so a double Enter makes one RMA
  let busy = false;

  const setStatus = (state, message) => status(statusBox, state, message);
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
  const active = () => !mode.hidden;
  const warrantyText = (s) => (s === "in_warranty" ? T.in_warranty
    : s === "out_of_warranty" ? T.out_of_warranty : T.unknown_warranty);
  const accessoryBoxes = () => [...$("carton-accessories").querySelectorAll("input[type=checkbox]")];
  const accessoryLabel = (code) => {
    const box = accessoryBoxes().find((b) => b.value === code);
    return box ? box.parentElement.textContent.trim() : code;
  };

  // --- switching modes ---------------------------------------------------------------------
  function enter() {
    single.hidden = true;
    mode.hidden = false;
    if (carton) { showUnits(); return; }
    showOpen();
  }
  function leave() {
    mode.hidden = true;
    single.hidden = false;
    if (window.depotIntake) window.depotIntake.startOver();
  }
  function showOpen() {
    carton = null; units = [];
    $("carton-form").reset();
    $("carton-open").hidden = false;
    $("carton-units").hidden = true;
    $("carton-done").hidden = true;
    $("carton-waybill").focus();
  }
  function showUnits() {
    $("carton-open").hidden = true;
    $("carton-done").hidden = true;
    $("carton-units").hidden = false;
    $("carton-number").textContent = carton.number;
    $("carton-waybill-shown").textContent = carton.tracking_number || "";
    renderList();
    clearUnit();
  }

  // --- the finding catalogue as the fault's pick list --------------------------------------
  let faultsLoaded = false;
  async function loadFaults() {
    if (faultsLoaded) return;
    faultsLoaded = true;
    try {
      const data = await api("GET", "/api/v1/findings");
      const list = $("carton-faults");
      list.replaceChildren(...data.findings.filter((f) => !f.retired).map((f) => {
        const option = document.createElement("option");
        option.value = lang === "en" ? f.label_en : lang === "zh_TW" ? (f.label_zh_tw || f.label_zh) : f.label_zh;
        return option;
      }));
    } catch (err) { faultsLoaded = false; /* typed faults still work */ }
  }

  // --- opening the carton -------------------------------------------------------------------
  $("carton-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    const body = { tracking_number: $("carton-waybill").value.trim(),
                   carrier: $("carton-carrier").value.trim() };
    if ($("carton-name").value.trim()) {
      body.customer = { name: $("carton-name").value, phone: $("carton-phone").value,
                        email: $("carton-email").value, address: $("carton-address").value };
    }
    try {
      carton = await api("POST", "/api/v1/cartons", body);
      units = [];
      showUnits();
      setStatus("ok", T.opened + " " + carton.number);
    } catch (err) {
      if (err.status === 409 && err.data && err.data.error === "carton_exists") {
        // The same waybill again: carry on with the box being received.
        try {
          carton = await api("GET", "/api/v1/cartons/" + encodeURIComponent(err.data.details.carton));
          units = carton.rmas.slice();
          showUnits();
          setStatus("duplicate", T.resumed + " " + carton.number);
        } catch (again) { alertOpen(again); }
      } else {
        alertOpen(err);
      }
    } finally {
      busy = false;
    }
  });
  function alertOpen(err) {
    status($("carton-open-status"), "error", T.error + ": " + err.message);
    $("carton-waybill").select();
  }

  // --- one unit after another ---------------------------------------------------------------
  function clearUnit() {
    unit = null;
    key = newKey();
    $("carton-unit-form").reset();
    $("carton-register").hidden = true;
    $("carton-serial").focus();
    if (!statusBox.textContent) setStatus("idle", T.ready);
  }

  async function lookUp(text) {
    busy = true;
    setStatus("busy", T.looking);
    try {
      const data = await api("POST", "/api/v1/scans", { text });
      if (data.unit) {
        const open = data.rma && !["shipped", "closed", "cancelled", "requested"].includes(data.rma.status);
        if (open) {
          setStatus("duplicate", T.duplicate + " " + data.rma.number);
          $("carton-serial").select();
          return;
        }
        unit = data.unit;
        $("carton-serial").value = unit.serial;
        $("carton-register").hidden = true;
        setStatus("ok", T.found + " " + unit.serial + " · " + unit.model);
        $("carton-fault").focus();
      } else {
        unit = null;
        $("carton-serial").value = data.codes.length ? data.codes[0].text : text;
        $("carton-register").hidden = false;
        setStatus("unknown", T.unknown + " " + $("carton-serial").value);
        $("carton-model").focus();
      }
    } catch (err) {
      setStatus("error", T.error + ": " + err.message);
      $("carton-serial").select();
    } finally {
      busy = false;
    }
  }

  async function addUnit() {
    if (busy) return;
    const serial = $("carton-serial").value.trim();
    if (!serial) { $("carton-serial").focus(); return; }
    busy = true;
    $("carton-add").disabled = true;
    try {
      if (!unit) {
        unit = await api("POST", "/api/v1/units", {
          serial, model: $("carton-model").value, purchase_date: $("carton-purchase").value || null,
          customer: carton.customer ? { name: carton.customer.name, phone: carton.customer.phone,
                                        email: carton.customer.email, address: carton.customer.address } : null });
      }
      const rma = await api("POST", "/api/v1/rmas", {
        serial: unit.serial, fault_description: $("carton-fault").value,
        accessories: accessoryBoxes().filter((b) => b.checked).map((b) => b.value),
        carton: carton.number }, { "Idempotency-Key": key });
      if (!units.some((u) => u.number === rma.number)) {
        units.push({ number: rma.number, serial: rma.serial, model: rma.model,
                     fault_description: rma.fault_description, accessories: rma.accessories,
                     warranty_status: rma.warranty.status });
      }
      renderList();
      setStatus("ok", T.added + " " + rma.number + " · " + rma.serial);
      clearUnit();
    } catch (err) {
      setStatus("error", T.error + ": " + err.message);
    } finally {
      busy = false;
      $("carton-add").disabled = false;
    }
  }

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }
  function renderList() {
    const rows = units.map((u, i) => {
      const tr = document.createElement("tr");
      tr.dataset.rma = u.number;
      const tag = document.createElement("a");
      tag.href = "/api/v1/rmas/" + encodeURIComponent(u.number) + "/tag.pdf";
      tag.target = "_blank";
      tag.tabIndex = -1; // the keyboard stays on the scan; the tag prints from the row
      tag.textContent = T.tag;
      const last = document.createElement("td");
      last.append(tag);
      tr.append(cell(String(i + 1)), cell(u.number, "mono"), cell(u.serial, "mono"), cell(u.model),
                cell(u.fault_description || ""),
                cell((u.accessories || []).map(accessoryLabel).join(", ") || T.none),
                cell(warrantyText(u.warranty_status)), last);
      return tr;
    });
    $("carton-list").tBodies[0].replaceChildren(...rows.reverse()); // the newest on top
    $("carton-count").textContent = String(units.length);
  }

  function finish() {
    if (!carton) return;
    if (!units.length) { setStatus("unknown", T.empty); $("carton-serial").focus(); return; }
    $("carton-units").hidden = true;
    $("carton-done").hidden = false;
    $("carton-done-number").textContent = carton.number;
    $("carton-done-count").textContent = String(units.length);
    const receipt = $("carton-receipt");
    receipt.href = "/api/v1/cartons/" + encodeURIComponent(carton.number) + "/receipt.pdf";
    receipt.focus(); // Enter opens it
  }

  // --- keys ---------------------------------------------------------------------------------
  // Enter moves on: serial -> (model -> purchase date ->) fault -> accessories; Enter on an
  // accessory (or the button) adds the unit. In the carton's sender fields Enter moves on too,
  // back to the waybill, whose Enter (the scanner's) opens the carton.
  $("carton-unit-form").addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || composing(ev)) return;
    ev.preventDefault();
    const target = ev.target;
    if (target.id === "carton-serial") {
      const text = target.value.trim();
      if (text && !busy) lookUp(text);
      return;
    }
    if (target.type === "checkbox" || target.tagName === "BUTTON" || ev.ctrlKey || ev.metaKey) {
      addUnit();
      return;
    }
    if (target.id === "carton-model") { $("carton-purchase").focus(); return; }
    if (target.id === "carton-purchase") { $("carton-fault").focus(); return; }
    if (target.id === "carton-fault") { accessoryBoxes()[0].focus(); }
  });
  $("carton-unit-form").addEventListener("submit", (ev) => { ev.preventDefault(); addUnit(); });

  $("carton-form").addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || composing(ev) || ev.target.id === "carton-waybill"
        || ev.target.tagName === "BUTTON") return;
    ev.preventDefault();
    const fields = [...ev.target.form.querySelectorAll("input")];
    const next = fields[fields.indexOf(ev.target) + 1];
    (next || $("carton-waybill")).focus();
  });

  // Before intake.js's own keys (capture): in carton mode Esc and the F-keys are the carton's.
  window.addEventListener("keydown", (ev) => {
    if (composing(ev)) return;
    if (ev.key === "F2") {
      ev.preventDefault();
      if (active()) leave(); else { enter(); loadFaults(); }
      return;
    }
    if (!active()) return;
    if (ev.key === "F4") { ev.preventDefault(); finish(); return; }
    if (ev.key === "Escape") {
      ev.preventDefault();
      ev.stopPropagation();
      if (!$("carton-done").hidden) showOpen();
      else if (!$("carton-units").hidden) { setStatus("idle", T.ready); clearUnit(); }
      else $("carton-waybill").focus();
    }
  }, true);
  $("carton-next").addEventListener("click", showOpen);
})();
