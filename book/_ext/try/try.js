/* "Try it on your own recording": the book's networks in the reader's browser.
 *
 * Nothing heavy loads with the page: ONNX Runtime Web (its WebAssembly build) and the three
 * models load when the reader starts the tool. The recording is decoded by the Web Audio API at
 * the networks' sample rate and mixed to mono; each model computes its own features (STFT,
 * filterbank, log) and activations (mirlib.nn.onnx_features). After the networks, this script does
 * what mirlib does: madmom's peak picking for onsets and drum hits, and for beats a Viterbi
 * decoding over the state space of madmom's DBN (Krebs, Böck & Widmer 2015), with the settings of
 * config.json, which the book's build writes from mirlib's own constants (mirlib.web).
 *
 * ONNX Runtime Web: Copyright (c) Microsoft Corporation, MIT License.
 */
(function () {
  "use strict";
  const root = document.getElementById("dl4mir-try");
  if (!root) return;
  const base = root.dataset.assets;
  const $ = (sel) => root.querySelector(sel);
  const status = (text) => { $(".try-status").textContent = text; };
  let loading = null;
  let config = null;
  let current = null;

  // ---------------------------------------------------------------- loading
  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error("cannot load " + src));
      document.head.appendChild(s);
    });
  }

  function start() {
    if (!loading) {
      loading = (async () => {
        status("Loading ONNX Runtime Web and the networks ...");
        config = await (await fetch(base + "config.json")).json();
        if (!config.runtime) throw new Error("this build of the book has no ONNX Runtime Web (npm was missing when it was built)");
        await loadScript(base + config.runtime);
        ort.env.wasm.wasmPaths = new URL(base, document.baseURI).href;
        ort.env.wasm.numThreads = 1;        // a static site is not cross-origin isolated
        const sessions = {};
        for (const [task, c] of Object.entries(config.tasks)) {
          sessions[task] = await ort.InferenceSession.create(base + c.model, { executionProviders: ["wasm"] });
        }
        return sessions;
      })();
    }
    return loading;
  }

  async function decode(file, sr) {
    // decoded at the networks' sample rate (the browser resamples other rates), mixed to mono as librosa does
    const context = new OfflineAudioContext(1, 1, sr);
    let buffer;
    try {
      buffer = await context.decodeAudioData(await file.arrayBuffer());
    } catch (err) {
      throw new Error(`${file.name}: cannot decode audio (${err.message || err.name})`);
    }
    const n = buffer.length, channels = buffer.numberOfChannels, y = new Float32Array(n);
    for (let c = 0; c < channels; c++) {
      const x = buffer.getChannelData(c);
      for (let i = 0; i < n; i++) y[i] += x[i];
    }
    if (channels > 1) for (let i = 0; i < n; i++) y[i] /= channels;
    // what mirlib.audio refuses, refused here too, naming the file
    if (n < sr / 10) throw new Error(`${file.name}: too short (${n} samples; the networks need at least 0.1 s)`);
    if (!y.some((v) => v !== 0)) throw new Error(`${file.name}: audio is silent (all samples are zero)`);
    if (!y.every(Number.isFinite)) throw new Error(`${file.name}: audio contains NaN or infinite samples`);
    return { y, buffer };
  }

  // ---------------------------------------------------------------- post-processing
  function roundHalfEven(x) {           // NumPy's rounding of frame counts
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  /* madmom's OnsetPeakPickingProcessor (offline, no smoothing or moving average): a frame is an
     event if its activation reaches the threshold and is the maximum within [-pre_max, +post_max]
     seconds; a later event within `combine` seconds of the last one is dropped. */
  function pickPeaks(act, fps, p) {
    const pre = roundHalfEven(p.pre_max * fps), post = roundHalfEven(p.post_max * fps);
    if (pre !== post) throw new Error("peak picking needs pre_max == post_max");
    const n = act.length, det = new Float64Array(n);
    for (let i = 0; i < n; i++) det[i] = act[i] >= p.threshold ? act[i] : 0;
    const times = [];
    for (let i = 0; i < n; i++) {
      if (!det[i]) continue;
      let top = 0;
      for (let j = Math.max(0, i - pre); j <= Math.min(n - 1, i + post); j++) top = Math.max(top, det[j]);
      if (det[i] === top) times.push(i / fps);
    }
    const out = [];
    for (const t of times) if (!out.length || t - out[out.length - 1] > p.combine + 1e-12) out.push(t);
    return out;
  }

  /* Beats by Viterbi decoding over madmom's beat state space: one state per frame of a beat
     period, for every whole period (frames) between max_bpm and min_bpm; the position advances one
     state per frame; at the end of a beat the period may change, with probability
     exp(-lambda |ratio - 1|); states in the first 1/observation_lambda of a beat observe the
     activation, the others (1 - activation) / (observation_lambda - 1). As madmom's
     DBNBeatTrackingProcessor (correct=True), each beat is the activation's maximum within a
     stretch of beat states. */
  function trackBeats(actIn, fps, c) {
    const n = actIn.length;
    const act = new Float64Array(n), lo = 1.1754943508222875e-38, hi = Math.fround(1 - 1e-6);
    for (let i = 0; i < n; i++) act[i] = Math.min(Math.max(actIn[i], lo), hi);   // as mirlib clips
    const minI = roundHalfEven(60 * fps / c.max_bpm), maxI = roundHalfEven(60 * fps / c.min_bpm);
    const intervals = [];
    for (let k = minI; k <= maxI; k++) intervals.push(k);
    const K = intervals.length, first = new Int32Array(K), last = new Int32Array(K);
    let S = 0;
    intervals.forEach((k, j) => { first[j] = S; S += k; last[j] = S - 1; });
    const beatState = new Uint8Array(S), isFirst = new Int32Array(S).fill(-1);
    intervals.forEach((k, j) => {
      for (let s = 0; s < k; s++) beatState[first[j] + s] = s * (1 / k) < 1 / c.observation_lambda ? 1 : 0;
      isFirst[first[j]] = j;
    });
    // log transition probabilities from the end of period i to the start of period j
    const logT = [];
    for (let i = 0; i < K; i++) {
      const row = intervals.map((k) => { const p = Math.exp(-c.transition_lambda * Math.abs(k / intervals[i] - 1)); return p <= 2.220446049250313e-16 ? 0 : p; });
      const sum = row.reduce((a, b) => a + b, 0);
      logT.push(row.map((p) => Math.log(p / sum)));
    }
    let v = new Float64Array(S).fill(Math.log(1 / S)), w = new Float64Array(S);
    const back = new Int16Array(n * K);
    const beatLog = (t) => Math.log(act[t]), restLog = (t) => Math.log((1 - act[t]) / (c.observation_lambda - 1));
    for (let t = 0; t < n; t++) {
      const dBeat = beatLog(t), dRest = restLog(t);
      for (let s = 0; s < S; s++) {
        const d = beatState[s] ? dBeat : dRest, j = isFirst[s];
        if (j < 0) { w[s] = v[s - 1] + 0 + d; continue; }
        let best = -Infinity, arg = 0;
        for (let i = 0; i < K; i++) {
          const p = v[last[i]] + logT[i][j] + d;
          if (p > best) { best = p; arg = i; }
        }
        w[s] = best;
        back[t * K + j] = arg;
      }
      [v, w] = [w, v];
    }
    let state = 0;
    for (let s = 1; s < S; s++) if (v[s] > v[state]) state = s;
    const path = new Int32Array(n);
    path[n - 1] = state;
    for (let t = n - 1; t > 0; t--) {
      const j = isFirst[state];
      state = j < 0 ? state - 1 : last[back[t * K + j]];
      path[t - 1] = state;
    }
    const beats = [];
    for (let t = 0; t < n;) {
      if (!beatState[path[t]]) { t++; continue; }
      let peak = t;
      for (; t < n && beatState[path[t]]; t++) if (act[t] > act[peak]) peak = t;
      beats.push(peak / fps);
    }
    return beats;
  }

  // ---------------------------------------------------------------- analysis
  async function analyse(file) {
    window.dl4mirTry = null;
    $(".try-play").disabled = true;
    const sessions = await start();
    status("Decoding " + file.name + " ...");
    const { y, buffer } = await decode(file, config.sr);
    const results = { name: file.name, duration: y.length / config.sr, activations: {}, drums: {} };
    for (const [task, c] of Object.entries(config.tasks)) {
      status("Running the " + task + " network (" + c.network + ") ...");
      const out = await sessions[task].run({ signal: new ort.Tensor("float32", y, [y.length]) });
      const a = out.activation, [frames, k] = a.dims;
      const columns = c.outputs.map((_, o) => Float32Array.from({ length: frames }, (_, t) => a.data[t * k + o]));
      c.outputs.forEach((name, o) => { results.activations[task === "drums" ? name : task] = columns[o]; });
      if (task === "onsets") results.onsets = pickPeaks(columns[0], c.fps, c.peaks);
      if (task === "drums") c.outputs.forEach((d, o) => { results.drums[d] = pickPeaks(columns[o], c.fps, c.peaks[d]); });
      if (task === "beats") results.beats = trackBeats(columns[0], c.fps, c.dbn);
    }
    current = { results, buffer, y };
    window.dl4mirTry = results;
    draw();
    const bpm = results.beats.length > 1 ? 60 * (results.beats.length - 1) / (results.beats[results.beats.length - 1] - results.beats[0]) : 0;
    status(`${file.name}: ${results.duration.toFixed(1)} s, ${results.onsets.length} onsets, ` +
           `${results.beats.length} beats (about ${bpm.toFixed(0)} bpm), ` +
           Object.entries(results.drums).map(([d, t]) => `${t.length} ${d}`).join(", ") + ".");
    root.dataset.state = "done";
    $(".try-play").disabled = false;
  }

  // ---------------------------------------------------------------- drawing and playing
  const ROWS = [["onsets", "#1f77b4"], ["beats", "#d62728"], ["KD", "#2ca02c"], ["SD", "#ff7f0e"], ["HH", "#9467bd"]];

  function draw() {
    const canvas = $("canvas"), g = canvas.getContext("2d"), { results, y } = current;
    const dpr = window.devicePixelRatio || 1, axis = 16 * dpr;
    const W = canvas.width = canvas.clientWidth * dpr, H = canvas.height = 360 * dpr;
    canvas.style.height = "360px";
    const rowH = (H - axis) / (ROWS.length + 1), sec = W / results.duration;
    g.clearRect(0, 0, W, H);
    g.font = `${11 * dpr}px sans-serif`;
    // a time axis: a tick every 1, 2, 5, 10, ... seconds, about ten in all
    const tick = [1, 2, 5, 10, 20, 30, 60, 120, 300].find((t) => results.duration / t <= 12) || 600;
    g.fillStyle = "#444";
    for (let t = 0; t <= results.duration; t += tick) {
      g.fillRect(t * sec, H - axis, 1, 4 * dpr);
      g.fillText(`${t} s`, t * sec + 2 * dpr, H - 3 * dpr);
    }
    g.fillStyle = "#888";
    const step = y.length / W;
    for (let x = 0; x < W; x++) {
      let lo = 0, hi = 0;
      for (let i = Math.floor(x * step); i < Math.floor((x + 1) * step); i++) { lo = Math.min(lo, y[i]); hi = Math.max(hi, y[i]); }
      g.fillRect(x, rowH / 2 * (1 - hi), 1, Math.max(1, rowH / 2 * (hi - lo)));
    }
    ROWS.forEach(([name, colour], r) => {
      const top = (r + 1) * rowH, act = results.activations[name];
      const events = name === "onsets" ? results.onsets : name === "beats" ? results.beats : results.drums[name];
      g.strokeStyle = colour; g.fillStyle = colour; g.beginPath();
      const fps = config.tasks[name === "onsets" || name === "beats" ? name : "drums"].fps;
      act.forEach((a, t) => { const px = t / fps * sec, py = top + rowH * (1 - a); t ? g.lineTo(px, py) : g.moveTo(px, py); });
      g.stroke();
      events.forEach((t) => g.fillRect(t * sec - 1, top, 2, rowH));
      g.fillText(name, 4 * dpr, top + 12 * dpr);
    });
  }

  function hit(context, when, kind) {
    // re-synthesised sounds: a click for onsets and beats, a short sine drop for KD, noise for SD and HH
    const gain = context.createGain();
    gain.connect(context.destination);
    gain.gain.setValueAtTime(0.5, when);
    gain.gain.exponentialRampToValueAtTime(0.001, when + (kind === "KD" ? 0.25 : 0.08));
    if (kind === "SD" || kind === "HH") {
      const noise = context.createBuffer(1, context.sampleRate * 0.1, context.sampleRate), d = noise.getChannelData(0);
      for (let i = 0; i < d.length; i++) d[i] = Math.random() * 2 - 1;
      const src = context.createBufferSource(), filter = context.createBiquadFilter();
      filter.type = kind === "HH" ? "highpass" : "bandpass";
      filter.frequency.value = kind === "HH" ? 7000 : 1800;
      src.buffer = noise; src.connect(filter); filter.connect(gain); src.start(when);
    } else {
      const osc = context.createOscillator();
      osc.frequency.setValueAtTime(kind === "KD" ? 150 : kind === "beats" ? 1500 : 1000, when);
      if (kind === "KD") osc.frequency.exponentialRampToValueAtTime(50, when + 0.2);
      osc.connect(gain); osc.start(when); osc.stop(when + 0.3);
    }
  }

  function play() {
    const context = new AudioContext(), { results, buffer } = current, t0 = context.currentTime + 0.1;
    const src = context.createBufferSource();
    src.buffer = buffer; src.connect(context.destination); src.start(t0);
    const kind = $(".try-clicks").value;
    const events = kind === "drums" ? Object.entries(results.drums).flatMap(([d, ts]) => ts.map((t) => [t, d]))
      : (results[kind] || []).map((t) => [t, kind]);
    events.forEach(([t, k]) => hit(context, t0 + t, k));
  }

  // ---------------------------------------------------------------- controls
  const input = $("input[type=file]");
  const run = () => {
    const file = input.files[0];
    if (!file) { status("Choose or drop an audio file first."); return; }
    root.dataset.state = "running";
    analyse(file).catch((err) => { root.dataset.state = "error"; status("Error: " + err.message); console.error(err); });
  };
  $(".try-start").addEventListener("click", run);
  $(".try-play").addEventListener("click", play);
  root.addEventListener("dragover", (e) => e.preventDefault());
  root.addEventListener("drop", (e) => { e.preventDefault(); input.files = e.dataTransfer.files; run(); });
  window.dl4mirTrackBeats = trackBeats;
  window.dl4mirPickPeaks = pickPeaks;
})();
