// Shared by the staff screens: JSON calls with the CSRF token, and scan feedback that sounds and
// looks different for each outcome (a depot is noisy; a technician may not be looking).
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  async function api(method, url, body, headers) {
    const opts = { method, credentials: "same-origin",
                   headers: Object.assign({ "X-CSRFToken": csrf, "Accept": "application/json" }, headers || {}) };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    const res = await fetch(url, opts);
    let data = null;
    try { data = await res.json(); } catch (e) { data = { message: res.statusText }; }
    if (!res.ok) {
      const err = new Error(data.message || res.statusText);
      err.status = res.status; err.data = data;
      throw err;
    }
    return data;
  }

  let audio = null;
  function beep(freqs, ms) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      let t = audio.currentTime;
      for (const f of freqs) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = f; osc.type = "square"; gain.gain.value = 0.08;
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(t); osc.stop(t + ms / 1000); t += ms / 1000 + 0.05;
      }
    } catch (e) { /* no sound device: the colours still tell */ }
  }
  const SOUNDS = { ok: [[1320], 90], unknown: [[330, 330], 160], duplicate: [[880, 660, 880], 110],
                   error: [[200], 400] };

  function status(box, state, message) {
    box.dataset.state = state;
    box.textContent = message;
    if (SOUNDS[state]) beep(...SOUNDS[state]);
  }

  // An Enter that confirms an input method's composition (pinyin, zhuyin) is not a scan's end.
  const composing = (ev) => ev.isComposing || ev.keyCode === 229;

  // Scans and shortcuts run one after another in the order they came, so a code scanned right
  // after another waits for the first lookup instead of being refused or lost.
  function queue(onError) {
    let chain = Promise.resolve();
    return (job) => { chain = chain.then(job).catch(onError); };
  }

  window.Depot = { api, beep, status, composing, queue };
})();
