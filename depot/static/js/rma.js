// The exchange form: a wedge scanner types the replacement serial and presses Enter; that
// Enter ends the scan and moves on to the next field, it never sends a half-filled form.
(function () {
  "use strict";
  const serial = document.getElementById("exchange-serial");
  if (!serial) return;
  serial.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || (window.Depot && window.Depot.composing(ev))) return;
    ev.preventDefault();
    const next = document.getElementById("exchange-reason");
    if (serial.value.trim() && next) next.focus();
  });
})();

// The RMA page's draft editor: the total shown follows the lines as they are typed, and goes
// with the form as shown_total, so "send" sends the total the clerk sees (the server refuses
// any other). Computed as depot/domain/pricing.py does: each line rounded half up to the cent,
// tax on the subtotal once; in whole cents (BigInt), never in floating point.
(function () {
  "use strict";
  const form = document.getElementById("draft-form");
  if (!form) return;
  const shown = form.querySelector('input[name="shown_total"]');
  const total = document.getElementById("draft-total");

  // "12.5" -> 1250n at scale 2; null when it is not a plain amount of at most `scale` decimals.
  // `signed`: a leading minus is allowed (a discount's price).
  function units(text, scale, signed) {
    const m = /^\s*(-?)(\d+)(?:\.(\d*))?\s*$/.exec(text);
    if (!m || (m[1] && !signed) || (m[3] || "").length > scale) return null;
    return BigInt(m[2] + (m[3] || "").padEnd(scale, "0"));
  }
  // n / d rounded half up (away from zero on a tie, as Python's ROUND_HALF_UP), d > 0.
  function divide(n, d) {
    const negative = n < 0n;
    const a = negative ? -n : n;
    const q = (a + d / 2n) / d;
    return negative ? -q : q;
  }
  function money(cents) {
    const negative = cents < 0n;
    const a = (negative ? -cents : cents).toString().padStart(3, "0");
    return (negative ? "-" : "") + a.slice(0, -2) + "." + a.slice(-2);
  }

  function compute() {
    const rows = [...form.querySelectorAll("tbody tr")];
    let subtotal = 0n;
    for (const row of rows) {
      const description = row.querySelector('input[name="description"]').value.trim();
      const priceText = row.querySelector('input[name="unit_price"]').value;
      if (!description && !priceText.trim()) continue; // an empty row is ignored, as on the server
      const qtyText = row.querySelector('input[name="quantity"]').value;
      const qty = qtyText.trim() ? units(qtyText, 2) : 100n;
      const discount = row.querySelector('select[name="kind"]').value === "discount";
      // a discount's price counts as negative whatever its sign, as the server takes it
      const magnitude = units(priceText, 2, discount);
      const price = magnitude === null ? null : (discount ? -magnitude : magnitude);
      if (qty === null || price === null) return null;
      subtotal += divide(qty * price, 100n);
    }
    const rateText = form.querySelector('input[name="tax_rate"]').value;
    const rate = units(rateText.trim() ? rateText : total.dataset.taxRate, 4);
    if (rate === null || subtotal < 0n) return null; // below 0.00: the server refuses it
    return subtotal + divide(subtotal * rate, 10000n);
  }

  function update() {
    const cents = compute();
    if (cents === null) {
      // Not a total the server would compute: show none. shown_total keeps the last one, so a
      // send is refused rather than sent with a total nobody saw.
      total.textContent = "—";
      return;
    }
    shown.value = money(cents);
    total.textContent = shown.value + " " + total.dataset.currency;
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
