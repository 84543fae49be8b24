/* The page's start: the shared state, the modules, the drawing loop, and window.AE, the page's
 * interface for tests and benchmarks (see tests/test_explore.py and benchmarks/bench_explore.py).
 */
/* global createApp, applyTheme, createDataView, createImages, createLatentView, createLossView */
/* global createReadout, createProbe, createHover, createBars, createControls, ACT, erf */

start();

function start() {
  const app = createApp(
    JSON.parse(document.getElementById("ae-palettes").textContent),
    JSON.parse(document.getElementById("ae-data").textContent),
  );
  let pending = false;  // a redraw is asked for at the next animation frame
  app.drawAll = () => {
    app.dataView.draw();
    app.latentView.draw();
    app.lossView.draw();
    app.readout.draw();
    app.bars.draw();
  };
  app.invalidate = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      app.drawAll();
    });
  };
  app.setSnap = (i) => {
    app.st.snap = Math.max(0, Math.min(app.S - 1, i | 0));
    app.ui.slider.value = String(app.st.snap);
    app.invalidate();
  };
  app.dataView = createDataView(app);
  app.images = createImages(app);
  app.latentView = createLatentView(app);
  app.lossView = createLossView(app);
  app.readout = createReadout(app);
  app.probe = createProbe(app);
  app.hover = createHover(app);
  app.bars = createBars(app);
  app.controls = createControls(app);
  window.AE = createInterface(app);

  applyTheme(app);
  const center = app.dataView.center, radius = app.dataView.bounds.radius;
  app.st.probe = app.IMG ? null
    : app.m === 2 ? [center[0] + 0.12 * radius, center[1] + 0.12 * radius] : Array.from(center);
  app.setSnap(app.S - 1);
  app.drawAll();
}

function createInterface(app) {
  const n = app.n, k = app.k, S = app.S, st = app.st, model = app.model;
  function rows(A, d) {
    const out = [];
    for (let r = 0; r < A.length / d; r++) out.push(Array.from(A.subarray(r * d, r * d + d)));
    return out;
  }
  function flat(points, d) {
    const A = new Float64Array(points.length * d);
    points.forEach((p, r) => {
      for (let t = 0; t < d; t++) A[r * d + t] = p[t];
    });
    return A;
  }
  const snapOf = (i) => (i === undefined ? st.snap : i);
  return {
    n: n, k: k, snapshots: S, drawn: app.drawn, state: st, view: app.view,
    encode: (points, i) => {
      const mdl = model.snapshot(snapOf(i)).mdl;
      return rows(model.encodeFlat(mdl, flat(points, n), points.length), k);
    },
    decode: (latents, i) => {
      const mdl = model.snapshot(snapOf(i)).mdl;
      return rows(model.decodeFlat(mdl, flat(latents, k), latents.length), n);
    },
    activation: (name, values) => values.map(ACT[name]),
    erf: (values) => values.map(erf),
    setSnapshot: (i) => {
      app.setSnap(i);
      app.drawAll();
      return st.snap;
    },
    setProbe: (p) => {
      st.probe = p ? Array.from(p) : null;
      app.drawAll();
    },
    setHover: (u, j) => {
      st.hoverU = u ? Array.from(u) : null;
      st.hoverData = j === undefined ? -1 : j;
      app.drawAll();
    },
    image: app.IMG,
    project: (points) => rows(model.project(flat(points, n), points.length), app.m),
    lift: (p) => Array.from(model.lift(p)),
    redraw: app.drawAll,
    toPixel: (points) => {
      const q = [0, 0, 0];
      return points.map((p) => app.dataView.toPx(Float64Array.from(p), 0, q).slice(0, 2));
    },
    bench: (kind, frames, done) => bench(app, kind, frames, done),
  };
}

/* Frame times of `frames` animation frames that each scrub to another snapshot (recomputing it with
   the model) or drag the probe one step; calls back {work: [ms], interval: [ms], grid, points}. */
function bench(app, kind, frames, done) {
  const st = app.st, S = app.S, center = app.dataView.center;
  const work = [], interval = [];
  let f = 0, last = null;
  const c0 = app.model.snapshot(st.snap), radius = 0.6 * app.dataView.bounds.radius;
  function tick(now) {
    if (last !== null) interval.push(now - last);
    last = now;
    const t0 = performance.now();
    if (kind === "scrub") {
      const i = f % S;
      app.model.forget(i);
      st.snap = i;
      app.ui.slider.value = String(i);
    } else {
      const a = (2 * Math.PI * f) / 120;
      const step = [radius * Math.cos(a), radius * Math.sin(a), 0];
      st.probe = Array.from(center, (v, d) => v + step[d]);
    }
    app.drawAll();
    work.push(performance.now() - t0);
    if (++f < frames) requestAnimationFrame(tick);
    else done({ work: work, interval: interval, grid: c0.G, points: app.N });
  }
  requestAnimationFrame(tick);
}
