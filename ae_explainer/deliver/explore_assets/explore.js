/* The explorer page: the trained autoencoder running in the browser.
 *
 * f and g are evaluated here from each snapshot's stored weights, with the
 * arithmetic of aecore/forward.py in float64 (JS numbers): standardise
 * (x - mean) / scale, the linear layers W h + b with the run's activation
 * between them (none after the encoder's and the decoder's last layer), and
 * map the output back as mean + scale * u. A VAE's encoder ends in 2k rows
 * (means, then log-variances): f is the mean half, as in aecore.
 *
 * window.AE is the page's interface for tests and benchmarks (see tests/test_explore.py).
 */
(function () {
  "use strict";

  const PAL = JSON.parse(document.getElementById("ae-palettes").textContent);
  const D = JSON.parse(document.getElementById("ae-data").textContent);
  const n = D.n, k = D.k, N = D.count, S = D.snapshots.length;

  // ---------------------------------------------------------------- decoding
  function bytes(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return new DataView(out.buffer);
  }
  function f32(b64) {
    const v = bytes(b64), out = new Float64Array(v.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = v.getFloat32(4 * i, true);
    return out;
  }
  function f64(b64) {
    const v = bytes(b64), out = new Float64Array(v.byteLength / 8);
    for (let i = 0; i < out.length; i++) out[i] = v.getFloat64(8 * i, true);
    return out;
  }

  // ---------------------------------------------------------------- the model
  // erf(x) = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1)): all terms of one sign, so
  // no cancellation; erfc(6) < 3e-17, so |x| > 6 gives +-1 in float64.
  function erf(x) {
    if (x > 6) return 1;
    if (x < -6) return -1;
    const x2 = x * x;
    let term = x, sum = x;
    for (let i = 1; i < 500; i++) {
      term *= (2 * x2) / (2 * i + 1);
      sum += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  }
  const ACT = {
    silu: (a) => a / (1 + Math.exp(-a)),
    tanh: Math.tanh,
    softplus: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    gelu: (a) => 0.5 * a * (1 + erf(a / Math.SQRT2)),
    relu: (a) => (a > 0 ? a : 0),
  };
  const act = ACT[D.activation];
  if (!act) throw new Error("unknown activation " + D.activation);
  const MEAN = Float64Array.from(D.mean), SCALE = D.scale;
  const X = f64(D.data);
  // An image run (e.g. digits in R^64): M is drawn as a mosaic of decoded images over the latent plane.
  const IMG = D.image, LABELS = D.labels;
  const digits = () => D.digitPalettes[st.theme];  // the video's digit colours (scenes/look/style.py)
  const CLS = (r) => (LABELS ? digits()[LABELS[r] % 10] : C.latent);

  function model(i) {
    const p = f32(D.snapshots[i].params);
    const enc = [], dec = [];
    let off = 0;
    for (const L of D.layers) {
      const o = L.shape[0], m = L.shape[1];
      const W = p.subarray(off, off + o * m); off += o * m;
      const b = p.subarray(off, off + o); off += o;
      (L.part === "encoder" ? enc : dec).push({ W: W, b: b, o: o, m: m });
    }
    const last = enc[enc.length - 1];
    if (last.o === 2 * k) {  // a VAE: keep the means (the first k rows)
      enc[enc.length - 1] = { W: last.W.subarray(0, k * last.m), b: last.b.subarray(0, k), o: k, m: last.m };
    }
    return { enc: enc, dec: dec };
  }
  function mlp(layers, H, B) {
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l], out = new Float64Array(B * L.o), lastLayer = l === layers.length - 1;
      for (let r = 0; r < B; r++) {
        const h0 = r * L.m, o0 = r * L.o;
        for (let j = 0; j < L.o; j++) {
          let s = 0;
          const w0 = j * L.m;
          for (let t = 0; t < L.m; t++) s += H[h0 + t] * L.W[w0 + t];
          s += L.b[j];
          out[o0 + j] = lastLayer ? s : act(s);
        }
      }
      H = out;
    }
    return H;
  }
  function encodeFlat(mdl, P, B) {  // (B, n) data -> (B, k) latents z = f(x) (a VAE: the means)
    const H = new Float64Array(B * n);
    for (let r = 0; r < B; r++) for (let d = 0; d < n; d++) H[r * n + d] = (P[r * n + d] - MEAN[d]) / SCALE;
    return mlp(mdl.enc, H, B);
  }
  function decodeFlat(mdl, Z, B) {  // (B, k) latents -> (B, n) data points g(z)
    const U = mlp(mdl.dec, Z, B);
    for (let r = 0; r < B; r++) for (let d = 0; d < n; d++) U[r * n + d] = U[r * n + d] * SCALE + MEAN[d];
    return U;
  }

  // What one snapshot shows, computed with its own f and g (and kept).
  const cache = new Array(S).fill(null);
  function grid(i) {
    const g = D.snapshots[i].grid, G = D.gridShape;
    if (g.full) return f32(g.full);
    const ax = g.axes.map(f32);
    if (k === 1) return ax[0];
    const u = new Float64Array(G[0] * G[1] * 2);
    for (let a = 0; a < G[0]; a++) for (let b = 0; b < G[1]; b++) {
      u[2 * (a * G[1] + b)] = ax[0][a]; u[2 * (a * G[1] + b) + 1] = ax[1][b];
    }
    return u;
  }
  function snapshot(i) {
    if (cache[i]) return cache[i];
    const mdl = model(i), U = grid(i), G = U.length / k;
    const z = encodeFlat(mdl, X, N);
    const c = {
      mdl: mdl, U: U, G: G, z: z, xhat: decodeFlat(mdl, z, N), M: decodeFlat(mdl, U, G),
      rel: f32(D.snapshots[i].reliability), lo: [], hi: [],
    };
    for (let d = 0; d < k; d++) {
      let lo = Infinity, hi = -Infinity;
      for (let j = 0; j < G; j++) { lo = Math.min(lo, U[j * k + d]); hi = Math.max(hi, U[j * k + d]); }
      c.lo.push(lo); c.hi.push(hi);
    }
    cache[i] = c;
    return c;
  }
  function relAt(c, u) {  // the stored reliability at latent u, interpolated on the grid (0 outside it)
    const G = D.gridShape;
    const t = [];
    for (let d = 0; d < k; d++) {
      if (u[d] < c.lo[d] || u[d] > c.hi[d]) return 0;
      t.push(((u[d] - c.lo[d]) / (c.hi[d] - c.lo[d] || 1)) * (G[d] - 1));
    }
    if (k === 1) {
      const a = Math.min(Math.floor(t[0]), G[0] - 2), f = t[0] - a;
      return c.rel[a] * (1 - f) + c.rel[a + 1] * f;
    }
    const a = Math.min(Math.floor(t[0]), G[0] - 2), b = Math.min(Math.floor(t[1]), G[1] - 2);
    const fa = t[0] - a, fb = t[1] - b, R = (p, q) => c.rel[p * G[1] + q];
    return (R(a, b) * (1 - fb) + R(a, b + 1) * fb) * (1 - fa) + (R(a + 1, b) * (1 - fb) + R(a + 1, b + 1) * fb) * fa;
  }

  // ---------------------------------------------------------------- state
  const st = {
    snap: S - 1, theme: document.documentElement.dataset.theme === "light" ? "light" : "dark",
    rel: true, recon: true, resid: false, seeds: true,
    probe: null, hoverData: -1, hoverU: null, yaw: 0.7, pitch: 0.45, playing: false,
  };
  const drawn = { snap: -1, M: [], probe: null, hoverU: null };
  let C = PAL[st.theme];
  const $ = (id) => document.getElementById(id);
  const ui = {
    data: $("c-data"), latent: $("c-latent"), loss: $("c-loss"), slider: $("snap"), label: $("snap-label"),
    play: $("play"), readout: $("readout"), theme: $("theme"), lossNow: $("loss-now"),
  };
  const supDigits = (v) => String(v).replace(/[0-9]/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d]);
  const sup = new Proxy({}, { get: (_, key) => supDigits(key) });
  $("k-sup").textContent = String(k);
  $("data-title").textContent = "Data space ℝ" + sup[n];
  $("latent-title").textContent = "Latent space ℝ" + sup[k];
  $("info").textContent = D.name + " · " + N + (IMG ? " images of " + IMG[0] + "×" + IMG[1] + " pixels in ℝ" : " points in ℝ") + sup[n] + " · k = " + k + " · " +
    (D.variant === "vae" ? "VAE" : "autoencoder") + " " + D.layerSizes.join("-") + ", " + D.activation +
    " · " + (S < D.recorded ? S + " of " + D.recorded + " snapshots" : S + " snapshots");
  if (n === 3) $("data-hint").textContent = "Drag to rotate; drag the probe p to move it: z = f(p) and x̂ = g(z) follow.";
  if (IMG) imageLayout();
  function imageLayout() {
    const dims = IMG[0] + "×" + IMG[1];
    $("data-title").textContent = "M = g(ℝ²) in ℝ" + supDigits(n) + ": the decoder's image at each u, a mosaic of " + dims + " images";
    $("data-title").nextElementSibling.textContent = "";
    $("data-hint").textContent = "Each tile is g(u) at its point u of the latent plane, faded by its reliability. Move over the mosaic or the latent plane to decode u; hover a dot z to see its x, x̂ and x − x̂.";
    digitLegend();
    for (const id of ["l-seeds"]) $(id).hidden = true;
    for (const id of ["t-recon", "t-resid"]) $(id).parentElement.hidden = true;
  }
  if (!D.ensemble) { $("l-seeds").hidden = true; $("t-seeds").checked = false; st.seeds = false; }
  ui.slider.max = String(S - 1);

  function digitLegend() {  // the latent panel's key: one dot per digit in its colour
    const legend = $("latent-title").nextElementSibling;
    legend.textContent = "";
    if (!LABELS) return;
    legend.append("z = f(x) by digit:");
    digits().forEach((col, d) => {
      const i = document.createElement("i"); i.className = "dot"; i.style.background = col;
      legend.append(i, String(d));
    });
  }
  function applyTheme() {
    C = PAL[st.theme];
    if (IMG) digitLegend();
    document.documentElement.dataset.theme = st.theme;
    for (const role in C) document.documentElement.style.setProperty("--" + role, C[role]);
    const other = st.theme === "dark" ? "light" : "dark";
    ui.theme.textContent = other; ui.theme.setAttribute("aria-label", "switch to the " + other + " theme");
  }

  // ---------------------------------------------------------------- views
  const center = new Float64Array(n);
  for (let r = 0; r < N; r++) for (let d = 0; d < n; d++) center[d] += X[r * n + d] / N;
  const view = { cx: 0, cy: 0, s: 1, mx: 0, my: 0, w: 0, h: 0 };
  const fin = snapshot(S - 1);
  const bounds = (function () {  // fixed while scrubbing: the data, and M up to 40% of the data's size past it
    const lo = new Array(n).fill(Infinity), hi = new Array(n).fill(-Infinity);
    let radius = 0;
    for (let r = 0; r < N; r++) {
      let d2 = 0;
      for (let d = 0; d < n; d++) {
        const v = X[r * n + d];
        lo[d] = Math.min(lo[d], v); hi[d] = Math.max(hi[d], v); d2 += (v - center[d]) ** 2;
      }
      radius = Math.max(radius, Math.sqrt(d2));
    }
    const span = Math.max.apply(null, lo.map((v, d) => hi[d] - v)) || 1;
    const mlo = lo.map((v) => v - 0.4 * span), mhi = hi.map((v) => v + 0.4 * span);
    for (let j = 0; j < fin.G; j++) {
      for (let d = 0; d < n; d++) {
        const v = Math.max(mlo[d], Math.min(mhi[d], fin.M[j * n + d]));
        lo[d] = Math.min(lo[d], v); hi[d] = Math.max(hi[d], v);
      }
    }
    return { lo: lo, hi: hi, radius: 1.15 * radius || 1 };
  })();
  function rotation() {
    const cy = Math.cos(st.yaw), sy = Math.sin(st.yaw), cp = Math.cos(st.pitch), sp = Math.sin(st.pitch);
    // yaw about the data's z axis, then pitch about the screen's horizontal axis
    return [[cy, -sy, 0], [sy * cp, cy * cp, -sp], [sy * sp, cy * sp, cp]];
  }
  function fitView(w, h) {
    view.w = w; view.h = h; view.cx = w / 2; view.cy = h / 2;
    if (n === 2) {
      view.mx = (bounds.lo[0] + bounds.hi[0]) / 2; view.my = (bounds.lo[1] + bounds.hi[1]) / 2;
      view.s = Math.min((w - 24) / (bounds.hi[0] - bounds.lo[0] || 1), (h - 24) / (bounds.hi[1] - bounds.lo[1] || 1));
    } else {
      view.s = (Math.min(w, h) - 24) / (2 * bounds.radius);
    }
  }
  let R = rotation();
  function toPx(A, r, out) {  // data point r of A (flat, n per point) -> [px, py, depth]
    if (n === 2) {
      out[0] = view.cx + (A[r * 2] - view.mx) * view.s;
      out[1] = view.cy - (A[r * 2 + 1] - view.my) * view.s;
      out[2] = 0;
      return out;
    }
    const a = A[r * 3] - center[0], b = A[r * 3 + 1] - center[1], c = A[r * 3 + 2] - center[2];
    out[0] = view.cx + (R[0][0] * a + R[0][1] * b + R[0][2] * c) * view.s;
    out[1] = view.cy - (R[2][0] * a + R[2][1] * b + R[2][2] * c) * view.s;
    out[2] = R[1][0] * a + R[1][1] * b + R[1][2] * c;  // depth: larger is farther
    return out;
  }
  function fromPx(px, py) {  // a pixel -> the data point there (3-D: in the plane through the centre)
    if (n === 2) return [view.mx + (px - view.cx) / view.s, view.my - (py - view.cy) / view.s];
    const sx = (px - view.cx) / view.s, sz = -(py - view.cy) / view.s;
    return [0, 1, 2].map((d) => center[d] + R[0][d] * sx + R[2][d] * sz);  // R is orthonormal: R^T
  }

  function sized(cv) {
    const dpr = window.devicePixelRatio || 1, w = cv.clientWidth, h = cv.clientHeight;
    if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
      cv.width = Math.round(w * dpr); cv.height = Math.round(h * dpr);
    }
    const ctx = cv.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return { ctx: ctx, w: w, h: h };
  }
  function dot(ctx, x, y, r, color) { ctx.fillStyle = color; ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill(); }
  function ring(ctx, x, y, r, color, lw) { ctx.strokeStyle = color; ctx.lineWidth = lw || 2; ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.stroke(); }
  const fade = (rel) => (st.rel ? 0.1 + 0.9 * rel : 1);

  function probeState(c) {
    if (!st.probe) return null;
    const P = Float64Array.from(st.probe), z = encodeFlat(c.mdl, P, 1), xh = decodeFlat(c.mdl, z, 1);
    return { p: P, z: z, xhat: xh, rel: relAt(c, z) };
  }

  // ---------------------------------------------------------------- images
  const off = document.createElement("canvas");
  function ink(v, alpha) {  // a pixel value -> [r, g, b, a] in the theme's text colour on a clear ground
    const lo = D.pixelRange[0], hi = D.pixelRange[1], t = Math.max(0, Math.min(1, (v - lo) / (hi - lo || 1)));
    return t * alpha;
  }
  function rgb(hex) { const v = parseInt(hex.slice(1), 16); return [(v >> 16) & 255, (v >> 8) & 255, v & 255]; }
  // Draw images (each n values, row by row) as tiles: tiles[i] = {img: Float64Array, x, y, alpha};
  // every tile is IMG[1] x IMG[0] pixels of the offscreen canvas, scaled by `px` with no smoothing.
  function blit(ctx, A, cols, rows, at, alpha, x0, y0, px, color) {
    const H = IMG[0], W = IMG[1], gap = 1, cw = W + gap, chh = H + gap;
    off.width = cols * cw; off.height = rows * chh;
    const octx = off.getContext("2d"), im = octx.createImageData(off.width, off.height), c = rgb(color || C.text);
    for (let t = 0; t < at.length; t++) {
      const [j, col, row] = at[t], a = alpha[t];
      for (let r = 0; r < H; r++) for (let q = 0; q < W; q++) {
        const o = 4 * ((row * chh + r) * off.width + col * cw + q);
        im.data[o] = c[0]; im.data[o + 1] = c[1]; im.data[o + 2] = c[2];
        im.data[o + 3] = Math.round(255 * ink(A[j * n + r * W + q], a));
      }
    }
    octx.putImageData(im, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, x0, y0, off.width * px, off.height * px);
  }
  const mosaic = { x0: 0, y0: 0, side: 0, G: [0, 0] };
  function drawImages(ctx, w, h, c) {
    const G = D.gridShape, H = IMG[0], W = IMG[1];
    const wide = w >= 1.25 * h;
    const side = wide ? Math.min(h - 8, w * 0.66) : Math.min(w - 8, h * 0.66);
    const px = Math.max(1, side / (G[0] * (W + 1)));
    mosaic.side = px * G[0] * (W + 1); mosaic.x0 = wide ? 4 : (w - mosaic.side) / 2; mosaic.y0 = wide ? (h - mosaic.side) / 2 : 4;
    mosaic.px = px; mosaic.G = G;
    // the tiles: column a (u1, left to right), row b (u2, bottom to top)
    const at = [], alpha = [];
    for (let a = 0; a < G[0]; a++) for (let b = 0; b < G[1]; b++) {
      at.push([a * G[1] + b, a, G[1] - 1 - b]); alpha.push(fade(c.rel[a * G[1] + b]));
    }
    blit(ctx, c.M, G[0], G[1], at, alpha, mosaic.x0, mosaic.y0, px);
    drawn.mosaic = { x0: mosaic.x0, y0: mosaic.y0, side: mosaic.side, tile: px * (W + 1), px: px, cols: G[0], rows: G[1] };
    ctx.strokeStyle = C.panel; ctx.lineWidth = 1; ctx.strokeRect(mosaic.x0 - 2, mosaic.y0 - 2, mosaic.side + 3, mosaic.side + 3);
    // the detail: the hovered u's image, or a data point's x, x̂ and x − x̂
    const dx = wide ? mosaic.x0 + mosaic.side + 16 : 8, dy = wide ? mosaic.y0 : mosaic.y0 + mosaic.side + 14;
    const room = wide ? w - dx - 8 : w - 16, tall = wide ? h - 2 * mosaic.y0 : h - dy - 4;
    drawn.detail = null;
    if (st.hoverData >= 0) {
      const r = st.hoverData, big = Math.max(2, Math.floor(Math.min(room / (3 * (W + 2)), (tall - 40) / (H + 1))));
      const R = new Float64Array(3 * n);
      for (let d = 0; d < n; d++) { R[d] = X[r * n + d]; R[n + d] = c.xhat[r * n + d]; R[2 * n + d] = X[r * n + d] - c.xhat[r * n + d]; }
      const lo = D.pixelRange[0];
      blit(ctx, R, 2, 1, [[0, 0, 0], [1, 1, 0]], [1, 1], dx, dy + 18, big);
      // the residual, signed: positive in the data's colour, negative in x̂'s, on a clear ground
      const P = new Float64Array(n), Q = new Float64Array(n);
      for (let d = 0; d < n; d++) { const e = R[2 * n + d]; P[d] = lo + Math.max(e, 0); Q[d] = lo + Math.max(-e, 0); }
      const rx = dx + 2 * big * (W + 1) + 4 * big;
      blit(ctx, P, 1, 1, [[0, 0, 0]], [1], rx, dy + 18, big, C.data);
      blit(ctx, Q, 1, 1, [[0, 0, 0]], [1], rx, dy + 18, big, C.recon);
      ctx.font = "13px 'DejaVu Sans', Verdana, sans-serif"; ctx.fillStyle = C.text; ctx.textAlign = "center";
      const mid = (i, x) => x + (big * W) / 2 + (i ? 0 : 0);
      ctx.fillText("x", mid(0, dx), dy + 12); ctx.fillText("x̂ = g(f(x))", mid(1, dx + big * (W + 1)), dy + 12);
      ctx.fillText("x − x̂", mid(2, rx), dy + 12); ctx.textAlign = "left";
      drawn.detail = { kind: "data", index: r };
    } else if (st.hoverU) {
      const g = decodeFlat(c.mdl, Float64Array.from(st.hoverU), 1);
      const big = Math.max(2, Math.floor(Math.min(room / (W + 1), (tall - 40) / (H + 1))));
      blit(ctx, g, 1, 1, [[0, 0, 0]], [fade(relAt(c, st.hoverU))], dx, dy + 18, big);
      ctx.font = "13px 'DejaVu Sans', Verdana, sans-serif"; ctx.fillStyle = C.text;
      ctx.fillText("g(u), reliability " + relAt(c, st.hoverU).toFixed(2), dx, dy + 12);
      drawn.detail = { kind: "u", u: Array.from(st.hoverU), image: Array.from(g) };
      if (st.hoverU[0] >= c.lo[0] && st.hoverU[0] <= c.hi[0] && st.hoverU[1] >= c.lo[1] && st.hoverU[1] <= c.hi[1]) {
        const tx = (st.hoverU[0] - c.lo[0]) / (c.hi[0] - c.lo[0]), ty = (st.hoverU[1] - c.lo[1]) / (c.hi[1] - c.lo[1]);
        const t = px * (W + 1), x = mosaic.x0 + t / 2 + tx * (G[0] - 1) * t, y = mosaic.y0 + t / 2 + (1 - ty) * (G[1] - 1) * t;
        ctx.strokeStyle = C.manifold; ctx.lineWidth = 2; ctx.strokeRect(x - t / 2, y - t / 2, t, t);
      }
    } else {
      ctx.font = "13px 'DejaVu Sans', Verdana, sans-serif"; ctx.fillStyle = C.muted;
      ctx.fillText(wide ? "Move over the mosaic" : "Move over the mosaic or the latent plane", dx, dy + 12);
      if (wide) ctx.fillText("or the latent plane.", dx, dy + 30);
    }
  }
  function mosaicU(c, x, y) {  // a pixel over the mosaic -> the latent point u there (tile centres are grid nodes)
    const G = mosaic.G, t = mosaic.side / G[0];
    const tx = (x - mosaic.x0 - t / 2) / (t * (G[0] - 1)), ty = 1 - (y - mosaic.y0 - t / 2) / (t * (G[1] - 1));
    if (x < mosaic.x0 || y < mosaic.y0 || x > mosaic.x0 + mosaic.side || y > mosaic.y0 + mosaic.side) return null;
    const cl = (v) => Math.max(0, Math.min(1, v));
    return [c.lo[0] + cl(tx) * (c.hi[0] - c.lo[0]), c.lo[1] + cl(ty) * (c.hi[1] - c.lo[1])];
  }

  function drawData() {
    const { ctx, w, h } = sized(ui.data);
    if (IMG) { drawn.snap = st.snap; drawImages(ctx, w, h, snapshot(st.snap)); return; }
    if (w !== view.w || h !== view.h) fitView(w, h);
    R = rotation();
    const c = snapshot(st.snap), q = [0, 0, 0], q2 = [0, 0, 0];
    drawn.snap = st.snap; drawn.M = [];
    ctx.lineCap = "round"; ctx.lineJoin = "round";
    const atEnd = st.snap === S - 1;
    if (st.seeds && D.ensemble && atEnd) drawSeeds(ctx);
    if (k === 1) {
      const pts = [];
      for (let j = 0; j < c.G; j++) pts.push(toPx(c.M, j, [0, 0, 0]));
      drawn.M = pts.map((p) => [p[0], p[1]]);
      ctx.strokeStyle = C.manifold; ctx.lineWidth = 3; ctx.lineCap = "butt";  // no doubled joints
      for (let j = 0; j + 1 < c.G; j++) {
        ctx.globalAlpha = fade((c.rel[j] + c.rel[j + 1]) / 2);
        ctx.beginPath(); ctx.moveTo(pts[j][0], pts[j][1]); ctx.lineTo(pts[j + 1][0], pts[j + 1][1]); ctx.stroke();
      }
      ctx.globalAlpha = 1; ctx.lineCap = "round";
    } else {
      drawSurface(ctx, c);
    }
    const ps = probeState(c);
    if (ps && k === 1 && (ps.z[0] < c.lo[0] || ps.z[0] > c.hi[0])) {  // M goes on past the stored grid
      const a = ps.z[0] < c.lo[0] ? c.lo[0] : c.hi[0], m = 48, Z = new Float64Array(m);
      for (let j = 0; j < m; j++) Z[j] = a + ((ps.z[0] - a) * j) / (m - 1);
      const E = decodeFlat(c.mdl, Z, m);
      ctx.globalAlpha = st.rel ? 0.18 : 1; ctx.strokeStyle = C.manifold; ctx.lineWidth = 3; ctx.beginPath();
      for (let j = 0; j < m; j++) { toPx(E, j, q); if (j) ctx.lineTo(q[0], q[1]); else ctx.moveTo(q[0], q[1]); }
      ctx.stroke(); ctx.globalAlpha = 1;
    }
    if (st.resid) {
      ctx.strokeStyle = C.residual; ctx.lineWidth = 1; ctx.globalAlpha = 0.6; ctx.beginPath();
      for (let r = 0; r < N; r++) { toPx(X, r, q); toPx(c.xhat, r, q2); ctx.moveTo(q[0], q[1]); ctx.lineTo(q2[0], q2[1]); }
      ctx.stroke(); ctx.globalAlpha = 1;
    }
    const rad = N > 1000 ? 1.6 : 2.6;
    for (let r = 0; r < N; r++) { toPx(X, r, q); dot(ctx, q[0], q[1], rad, C.data); }
    if (st.recon) for (let r = 0; r < N; r++) { toPx(c.xhat, r, q); dot(ctx, q[0], q[1], rad * 0.85, C.recon); }
    if (st.hoverData >= 0) {
      const r = st.hoverData;
      toPx(X, r, q); toPx(c.xhat, r, q2);
      ctx.strokeStyle = C.text; ctx.lineWidth = 1.5; ctx.beginPath(); ctx.moveTo(q[0], q[1]); ctx.lineTo(q2[0], q2[1]); ctx.stroke();
      ring(ctx, q[0], q[1], 6, C.data); dot(ctx, q2[0], q2[1], 4.5, C.recon); ring(ctx, q2[0], q2[1], 7, C.recon);
    }
    drawn.hoverU = null;
    if (st.hoverU) {
      const g = decodeFlat(c.mdl, Float64Array.from(st.hoverU), 1);
      toPx(g, 0, q); drawn.hoverU = { u: Array.from(st.hoverU), px: [q[0], q[1]] };
      ring(ctx, q[0], q[1], 8, C.manifold, 3); dot(ctx, q[0], q[1], 3.5, C.manifold);
    }
    drawn.probe = null;
    if (ps) {
      toPx(ps.p, 0, q); toPx(ps.xhat, 0, q2);
      drawn.probe = { p: [q[0], q[1]], xhat: [q2[0], q2[1]], at: Array.from(ps.p), z: Array.from(ps.z), xhatAt: Array.from(ps.xhat) };
      ctx.setLineDash([5, 4]); ctx.strokeStyle = C.text; ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(q[0], q[1]); ctx.lineTo(q2[0], q2[1]); ctx.stroke(); ctx.setLineDash([]);
      ring(ctx, q[0], q[1], 9, C.text, 2); dot(ctx, q[0], q[1], 3, C.text);
      dot(ctx, q2[0], q2[1], 5, C.recon); ring(ctx, q2[0], q2[1], 5, C.background, 1.5);
      label(ctx, "p", q[0] + 12, q[1] - 10); label(ctx, "x̂", q2[0] + 10, q2[1] + 16);
    }
  }
  function label(ctx, text, x, y) {
    ctx.font = "bold 14px 'DejaVu Sans', Verdana, sans-serif";
    ctx.lineWidth = 3; ctx.strokeStyle = C.background; ctx.strokeText(text, x, y);
    ctx.fillStyle = C.text; ctx.fillText(text, x, y);
  }
  function drawSurface(ctx, c) {
    const G = D.gridShape, P = [];
    for (let j = 0; j < c.G; j++) P.push(toPx(c.M, j, [0, 0, 0]));
    drawn.M = P.map((p) => [p[0], p[1]]);
    const quads = [];
    for (let a = 0; a + 1 < G[0]; a++) for (let b = 0; b + 1 < G[1]; b++) {
      const i0 = a * G[1] + b, ids = [i0, i0 + 1, i0 + G[1] + 1, i0 + G[1]];
      const depth = (P[ids[0]][2] + P[ids[1]][2] + P[ids[2]][2] + P[ids[3]][2]) / 4;
      const rel = (c.rel[ids[0]] + c.rel[ids[1]] + c.rel[ids[2]] + c.rel[ids[3]]) / 4;
      quads.push([depth, ids, rel]);
    }
    quads.sort((u, v) => v[0] - u[0]);  // far first
    ctx.lineWidth = 0.6; ctx.strokeStyle = C.manifold; ctx.fillStyle = C.manifold;
    for (const [, ids, rel] of quads) {
      ctx.beginPath(); ctx.moveTo(P[ids[0]][0], P[ids[0]][1]);
      for (let t = 1; t < 4; t++) ctx.lineTo(P[ids[t]][0], P[ids[t]][1]);
      ctx.closePath();
      ctx.globalAlpha = 0.42 * fade(rel); ctx.fill();
      ctx.globalAlpha = 0.7 * fade(rel); ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }
  function drawSeeds(ctx) {
    const E = D.ensemble, M = (E.cache = E.cache || f32(E.manifolds)), G = D.gridShape;
    const per = M.length / E.seeds.length / n, q = [0, 0, 0];
    ctx.strokeStyle = C.seeds; ctx.lineWidth = 1.5; ctx.globalAlpha = 0.75;
    for (let e = 0; e < E.seeds.length; e++) {
      const A = M.subarray(e * per * n, (e + 1) * per * n);
      ctx.beginPath();
      if (k === 1) {
        for (let j = 0; j < per; j++) { toPx(A, j, q); if (j) ctx.lineTo(q[0], q[1]); else ctx.moveTo(q[0], q[1]); }
      } else {
        for (let a = 0; a < G[0]; a += 4) for (let b = 0; b < G[1]; b++) {
          toPx(A, a * G[1] + b, q); if (b) ctx.lineTo(q[0], q[1]); else ctx.moveTo(q[0], q[1]);
        }
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  // The latent panel: a line (k = 1) or a plane (k = 2) over the snapshot's latent grid.
  const lat = { x0: 0, x1: 0, y0: 0, y1: 0 };
  function latPx(c, u) {
    const tx = (u[0] - c.lo[0]) / (c.hi[0] - c.lo[0] || 1);
    if (k === 1) return [lat.x0 + tx * (lat.x1 - lat.x0), lat.y0];
    const ty = (u[1] - c.lo[1]) / (c.hi[1] - c.lo[1] || 1);
    return [lat.x0 + tx * (lat.x1 - lat.x0), lat.y1 - ty * (lat.y1 - lat.y0)];
  }
  function latU(c, px, py) {
    const tx = (px - lat.x0) / (lat.x1 - lat.x0), u = [c.lo[0] + tx * (c.hi[0] - c.lo[0])];
    if (k === 2) u.push(c.lo[1] + ((lat.y1 - py) / (lat.y1 - lat.y0)) * (c.hi[1] - c.lo[1]));
    return u;
  }
  function drawLatent() {
    const { ctx, w, h } = sized(ui.latent), c = snapshot(st.snap), G = D.gridShape;
    ctx.font = "12px 'DejaVu Sans', Verdana, sans-serif";
    if (k === 1) {
      lat.x0 = 14; lat.x1 = w - 14; lat.y0 = Math.round(h * 0.36); lat.y1 = lat.y0;
      const cw = (lat.x1 - lat.x0) / (G[0] - 1);
      ctx.fillStyle = C.manifold;
      for (let j = 0; j < G[0]; j++) {
        ctx.globalAlpha = 0.85 * (st.rel ? c.rel[j] : 1);
        ctx.fillRect(lat.x0 + (j - 0.5) * cw, lat.y0 - 12, cw + 0.5, 9);
      }
      ctx.globalAlpha = 1;
      ctx.strokeStyle = C.panel; ctx.lineWidth = 1.5; ctx.beginPath(); ctx.moveTo(lat.x0, lat.y0); ctx.lineTo(lat.x1, lat.y0); ctx.stroke();
      const band = Math.max(12, h - lat.y0 - 26);
      for (let r = 0; r < N; r++) {
        const x = latPx(c, [c.z[r]])[0], jit = ((r * 0.6180339887) % 1) * band;
        dot(ctx, x, lat.y0 + 6 + jit, 2.2, C.latent);
      }
      ctx.fillStyle = C.muted;
      ctx.textAlign = "left"; ctx.fillText(c.lo[0].toFixed(2), lat.x0, h - 4);
      ctx.textAlign = "right"; ctx.fillText(c.hi[0].toFixed(2), lat.x1, h - 4);
      ctx.textAlign = "center"; ctx.fillText("u", (lat.x0 + lat.x1) / 2, h - 4); ctx.textAlign = "left";
    } else {
      const side = Math.min(w - 20, h - 20);
      lat.x0 = (w - side) / 2; lat.x1 = lat.x0 + side; lat.y0 = (h - side) / 2; lat.y1 = lat.y0 + side;
      const cw = side / G[0], ch = side / G[1];
      ctx.fillStyle = C.manifold;
      for (let a = 0; a < G[0]; a++) for (let b = 0; b < G[1]; b++) {
        ctx.globalAlpha = 0.6 * (st.rel ? c.rel[a * G[1] + b] : 1);
        ctx.fillRect(lat.x0 + a * cw, lat.y1 - (b + 1) * ch, cw + 0.5, ch + 0.5);
      }
      ctx.globalAlpha = 1; ctx.strokeStyle = C.panel; ctx.lineWidth = 1; ctx.strokeRect(lat.x0, lat.y0, side, side);
      for (let r = 0; r < N; r++) { const p = latPx(c, [c.z[2 * r], c.z[2 * r + 1]]); dot(ctx, p[0], p[1], 1.8, CLS(r)); }
    }
    if (st.hoverData >= 0) {
      const p = latPx(c, Array.from(c.z.subarray(st.hoverData * k, st.hoverData * k + k)));
      ring(ctx, p[0], k === 1 ? p[1] : p[1], 6, C.latent, 2.5);
    }
    if (st.hoverU) {
      const p = latPx(c, st.hoverU);
      ctx.strokeStyle = C.manifold; ctx.lineWidth = 1.5;
      ctx.beginPath();
      if (k === 1) { ctx.moveTo(p[0], 4); ctx.lineTo(p[0], h - 18); } else { ring(ctx, p[0], p[1], 7, C.manifold, 2.5); }
      ctx.stroke();
    }
    const ps = probeState(c);
    if (ps) {
      const u = Array.from(ps.z), p = latPx(c, u);
      const x = Math.max(lat.x0 - 8, Math.min(lat.x1 + 8, p[0])), y = k === 1 ? lat.y0 : Math.max(lat.y0 - 8, Math.min(lat.y1 + 8, p[1]));
      dot(ctx, x, y, 5, C.text); ring(ctx, x, y, 5, C.background, 1.5);
      label(ctx, "f(p)", Math.min(x + 8, w - 34), y - 10);
    }
  }

  function drawLoss() {
    const { ctx, w, h } = sized(ui.loss);
    const L = D.snapshots.map((s) => Math.log10(Math.max(s.loss, 1e-12))), T = D.snapshots.map((s) => s.step);
    const lo = Math.min.apply(null, L), hi = Math.max.apply(null, L), t1 = T[S - 1] || 1;
    const x0 = 8, x1 = w - 8, y0 = 8, y1 = h - 18;
    const px = (i) => [x0 + (T[i] / t1) * (x1 - x0), y1 - ((L[i] - lo) / (hi - lo || 1)) * (y1 - y0)];
    ctx.strokeStyle = C.muted; ctx.lineWidth = 1.5; ctx.beginPath();
    for (let i = 0; i < S; i++) { const p = px(i); if (i) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]); }
    ctx.stroke();
    const p = px(st.snap);
    ctx.strokeStyle = C.manifold; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(p[0], y0 - 4); ctx.lineTo(p[0], y1); ctx.stroke();
    dot(ctx, p[0], p[1], 4.5, C.manifold);
    ctx.font = "12px 'DejaVu Sans', Verdana, sans-serif"; ctx.fillStyle = C.muted;
    ctx.textAlign = "left"; ctx.fillText("step 0", x0, h - 4);
    ctx.textAlign = "right"; ctx.fillText("step " + t1, x1, h - 4); ctx.textAlign = "left";
  }

  const fmt = (v) => {
    const digits = window.innerWidth < 500 ? 2 : 3;
    return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(digits - 1) : v.toFixed(digits);
  };
  const vec = (A, r, d) => "(" + Array.from(A.subarray(r * d, r * d + d), fmt).join(", ") + ")";
  function readout() {
    const c = snapshot(st.snap), s = D.snapshots[st.snap];
    ui.label.textContent = "step " + s.step;
    ui.lossNow.textContent = "loss " + s.loss.toPrecision(3) + " at step " + s.step;
    let text;
    if (IMG && st.hoverData >= 0) {
      const r = st.hoverData;
      let e = 0;
      for (let d = 0; d < n; d++) e += (X[r * n + d] - c.xhat[r * n + d]) ** 2;
      text = "x: image " + (r + 1) + " of " + N + (LABELS ? ", a " + LABELS[r] : "") + "  z = f(x) = " + vec(c.z, r, k) + "\n‖x − x̂‖ = " + fmt(Math.sqrt(e)) + " (pixel values " + D.pixelRange[0] + " to " + D.pixelRange[1] + ")";
    } else if (IMG && st.hoverU) {
      text = "u = " + vec(Float64Array.from(st.hoverU), 0, k) + "\nreliability of M at u: " + relAt(c, st.hoverU).toFixed(2);
    } else if (IMG) {
      text = "";
    } else if (st.hoverData >= 0) {
      const r = st.hoverData;
      let e = 0;
      for (let d = 0; d < n; d++) e += (X[r * n + d] - c.xhat[r * n + d]) ** 2;
      text = "x" + " = " + vec(X, r, n) + "  z = f(x) = " + vec(c.z, r, k) + "\nx̂ = g(z) = " + vec(c.xhat, r, n) + "  ‖x − x̂‖ = " + fmt(Math.sqrt(e));
    } else if (st.hoverU) {
      const g = decodeFlat(c.mdl, Float64Array.from(st.hoverU), 1);
      text = "u = " + vec(Float64Array.from(st.hoverU), 0, k) + "  g(u) = " + vec(g, 0, n) + "\nreliability of M at u: " + relAt(c, st.hoverU).toFixed(2);
    } else {
      const ps = probeState(c), narrow = window.innerWidth < 500;
      text = ps ? "p = " + vec(ps.p, 0, n) + (narrow ? "  z = " : "  z = f(p) = ") + vec(ps.z, 0, k) +
        (narrow ? "\nx̂ = g(z) = " : "\nx̂ = g(f(p)) = ") + vec(ps.xhat, 0, n) + (narrow ? "  rel. " : "  reliability ") + ps.rel.toFixed(2) : "";
    }
    ui.readout.textContent = text;
  }

  function drawAll() { drawData(); drawLatent(); drawLoss(); readout(); }
  let pending = false;
  function invalidate() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; drawAll(); });
  }
  function setSnap(i) {
    st.snap = Math.max(0, Math.min(S - 1, i | 0));
    ui.slider.value = String(st.snap);
    invalidate();
  }

  // ---------------------------------------------------------------- input
  ui.slider.addEventListener("input", () => setSnap(Number(ui.slider.value)));
  let timer = null;
  function play(on) {
    st.playing = on; ui.play.textContent = on ? "❚❚" : "▶";
    if (timer) { clearInterval(timer); timer = null; }
    if (!on) return;
    if (st.snap === S - 1) setSnap(0);
    timer = setInterval(() => { if (st.snap >= S - 1) play(false); else setSnap(st.snap + 1); }, 110);
  }
  ui.play.addEventListener("click", () => play(!st.playing));
  document.addEventListener("keydown", (e) => {
    if (e.target === ui.slider) return;  // the slider steps on its own
    if (e.key === "ArrowRight" || e.key === "ArrowUp") { setSnap(st.snap + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft" || e.key === "ArrowDown") { setSnap(st.snap - 1); e.preventDefault(); }
    else if (e.key === "Home") setSnap(0);
    else if (e.key === "End") setSnap(S - 1);
    else if (e.key === " " && e.target.tagName !== "BUTTON" && e.target.tagName !== "INPUT") { play(!st.playing); e.preventDefault(); }
  });
  for (const [id, key] of [["t-rel", "rel"], ["t-recon", "recon"], ["t-resid", "resid"], ["t-seeds", "seeds"]]) {
    $(id).addEventListener("change", (e) => { st[key] = e.target.checked; invalidate(); });
  }
  ui.theme.addEventListener("click", () => { st.theme = st.theme === "dark" ? "light" : "dark"; applyTheme(); invalidate(); });

  function local(cv, e) { const b = cv.getBoundingClientRect(); return [e.clientX - b.left, e.clientY - b.top]; }
  let drag = null;
  ui.data.addEventListener("pointerdown", (e) => {
    const [x, y] = local(ui.data, e);
    if (IMG) { st.hoverU = mosaicU(snapshot(st.snap), x, y); st.hoverData = -1; invalidate(); return; }
    ui.data.setPointerCapture(e.pointerId);
    const onProbe = drawn.probe && Math.hypot(x - drawn.probe.p[0], y - drawn.probe.p[1]) < 22;
    if (n === 2 || onProbe) { drag = { kind: "probe" }; st.probe = fromPx(x, y); st.hoverData = -1; }
    else drag = { kind: "rotate", x: x, y: y };
    invalidate();
  });
  ui.data.addEventListener("pointermove", (e) => {
    const [x, y] = local(ui.data, e);
    if (IMG) { const u = mosaicU(snapshot(st.snap), x, y); if (u) { st.hoverU = u; st.hoverData = -1; invalidate(); } return; }
    if (drag && drag.kind === "probe") st.probe = fromPx(x, y);
    else if (drag) {
      st.yaw += (x - drag.x) * 0.01; st.pitch = Math.max(-1.5, Math.min(1.5, st.pitch + (y - drag.y) * 0.01));
      drag.x = x; drag.y = y;
    } else {
      let best = -1, bd = 100;  // the nearest x_j within 10 px
      const q = [0, 0, 0];
      for (let r = 0; r < N; r++) { toPx(X, r, q); const d2 = (q[0] - x) ** 2 + (q[1] - y) ** 2; if (d2 < bd) { bd = d2; best = r; } }
      if (best === st.hoverData) return;
      st.hoverData = best;
    }
    invalidate();
  });
  const endDrag = () => { drag = null; invalidate(); };
  ui.data.addEventListener("pointerup", endDrag);
  ui.data.addEventListener("pointercancel", endDrag);
  ui.data.addEventListener("pointerleave", () => { if (!drag && st.hoverData >= 0) { st.hoverData = -1; invalidate(); } });
  function hoverLatent(e) {
    const [x, y] = local(ui.latent, e), c = snapshot(st.snap);
    if (IMG) {  // the nearest z_j within 6 px shows its x, x̂ and residual; elsewhere, g(u)
      let best = -1, bd = 36;
      for (let r = 0; r < N; r++) { const p = latPx(c, [c.z[2 * r], c.z[2 * r + 1]]); const d2 = (p[0] - x) ** 2 + (p[1] - y) ** 2; if (d2 < bd) { bd = d2; best = r; } }
      st.hoverData = best;
      st.hoverU = best >= 0 ? null : latU(c, Math.max(lat.x0, Math.min(lat.x1, x)), Math.max(lat.y0, Math.min(lat.y1, y)));
      invalidate();
      return;
    }
    st.hoverU = latU(c, Math.max(lat.x0, Math.min(lat.x1, x)), Math.max(lat.y0, Math.min(lat.y1, y)));
    invalidate();
  }
  ui.latent.addEventListener("pointermove", hoverLatent);
  ui.latent.addEventListener("pointerdown", (e) => { ui.latent.setPointerCapture(e.pointerId); hoverLatent(e); });
  ui.latent.addEventListener("pointerleave", () => { st.hoverU = null; if (IMG) st.hoverData = -1; invalidate(); });
  window.addEventListener("resize", invalidate);
  if (window.ResizeObserver) new ResizeObserver(invalidate).observe(document.querySelector("main"));

  // ---------------------------------------------------------------- interface for tests and benchmarks
  function rows(A, d) { const out = []; for (let r = 0; r < A.length / d; r++) out.push(Array.from(A.subarray(r * d, r * d + d))); return out; }
  function flat(points, d) { const A = new Float64Array(points.length * d); points.forEach((p, r) => { for (let t = 0; t < d; t++) A[r * d + t] = p[t]; }); return A; }
  const snapOf = (i) => (i === undefined ? st.snap : i);
  window.AE = {
    n: n, k: k, snapshots: S, drawn: drawn, state: st, view: view,
    encode: (points, i) => rows(encodeFlat(snapshot(snapOf(i)).mdl, flat(points, n), points.length), k),
    decode: (latents, i) => rows(decodeFlat(snapshot(snapOf(i)).mdl, flat(latents, k), latents.length), n),
    activation: (name, values) => values.map(ACT[name]),
    erf: (values) => values.map(erf),
    setSnapshot: (i) => { setSnap(i); drawAll(); return st.snap; },
    setProbe: (p) => { st.probe = p ? Array.from(p) : null; drawAll(); },
    setHover: (u, j) => { st.hoverU = u ? Array.from(u) : null; st.hoverData = j === undefined ? -1 : j; drawAll(); },
    image: IMG,
    redraw: drawAll,
    toPixel: (points) => { const q = [0, 0, 0]; return points.map((p) => toPx(Float64Array.from(p), 0, q).slice(0, 2)); },
    /* Frame times of `frames` animation frames that each scrub to another snapshot (recomputing it with
       the model) or drag the probe one step; calls back {work: [ms], interval: [ms]}. */
    bench: (kind, frames, done) => {
      const work = [], interval = [];
      let f = 0, last = null;
      const c0 = snapshot(st.snap), radius = 0.6 * bounds.radius;
      function tick(now) {
        if (last !== null) interval.push(now - last);
        last = now;
        const t0 = performance.now();
        if (kind === "scrub") { const i = f % S; cache[i] = null; st.snap = i; ui.slider.value = String(i); }
        else { const a = (2 * Math.PI * f) / 120; st.probe = Array.from(center, (v, d) => v + (d === 0 ? radius * Math.cos(a) : d === 1 ? radius * Math.sin(a) : 0)); }
        drawAll();
        work.push(performance.now() - t0);
        if (++f < frames) requestAnimationFrame(tick); else done({ work: work, interval: interval, grid: c0.G, points: N });
      }
      requestAnimationFrame(tick);
    },
  };

  applyTheme();
  st.probe = IMG ? null : n === 2 ? [center[0] + 0.12 * bounds.radius, center[1] + 0.12 * bounds.radius] : Array.from(center);
  setSnap(S - 1);
  drawAll();
})();
