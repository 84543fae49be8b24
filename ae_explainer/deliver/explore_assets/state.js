/* The page's shared state: one object, made once and passed to every module.
 *
 * app.st is what the viewer chose (window.AE.state), app.drawn what was last drawn (window.AE.drawn,
 * for the tests), app.view the data view's fit (window.AE.view); app.lat and app.mosaic are where the
 * latent panel and the image mosaic were last laid out (the pointer's coordinates are read back through
 * them). app.C is the current theme's colours, app.drag the data view's drag under way, app.rot the
 * 3-D data view's rotation. The modules add themselves as app.model, app.dataView,
 * app.images, app.latentView, app.lossView, app.readout, app.probe and app.hover; main.js adds
 * app.invalidate, app.drawAll and app.setSnap.
 */
/* global createModel, tr */
/* exported createApp, applyTheme */

const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const supDigits = (v) => String(v).replace(/[0-9]/g, (d) => SUPERSCRIPTS[d]);

function createApp(PAL, D) {
  const $ = (id) => document.getElementById(id);
  const S = D.snapshots.length;
  const theme = document.documentElement.dataset.theme === "light" ? "light" : "dark";
  const app = {
    D: D, PAL: PAL, n: D.n, k: D.k, N: D.count, S: S,
    IMG: D.image,  // an image run's [height, width] (e.g. digits in R^64): M is a mosaic of images
    VEC: D.projection,  // vectors in R^D: shown through the run's projection P (model.js)
    LABELS: D.labels,
    $: $,
    ui: {
      data: $("c-data"), latent: $("c-latent"), loss: $("c-loss"), slider: $("snap"), label: $("snap-label"),
      play: $("play"), readout: $("readout"), theme: $("theme"), lossNow: $("loss-now"),
    },
    st: {
      snap: S - 1, theme: theme,
      rel: true, recon: true, resid: false, seeds: true,
      probe: null, hoverData: -1, hoverU: null, yaw: 0.7, pitch: 0.45, playing: false,
    },
    drawn: { snap: -1, M: [], probe: null, hoverU: null },
    view: { cx: 0, cy: 0, s: 1, mx: 0, my: 0, w: 0, h: 0 },
    lat: { x0: 0, x1: 0, y0: 0, y1: 0 },
    mosaic: { x0: 0, y0: 0, side: 0, G: [0, 0] },
    C: PAL[theme],
    drag: null,  // while the pointer is down on the data: {kind: "probe"}, or {kind: "rotate", x, y}
    rot: null,  // the 3-D data view's rotation (from st.yaw and st.pitch when last drawn)
  };
  app.model = createModel(D);
  app.X = app.model.X;
  app.m = app.model.m;  // the picture's dimension: n, or P's (2 for k = 1, 3 for k = 2)
  app.shownX = app.model.project(app.X, D.count);  // the data as the picture shows it
  app.digits = () => D.digitPalettes[app.st.theme];  // the video's digit colours (scenes/look/style.py)
  app.classColor = (r) => (app.LABELS ? app.digits()[app.LABELS[r] % 10] : app.C.latent);
  app.fade = (rel) => (app.st.rel ? 0.1 + 0.9 * rel : 1);
  describe(app);
  return app;
}

function describe(app) {  // the page's titles, run description and hints
  const D = app.D, $ = app.$, n = app.n, k = app.k, N = app.N, S = app.S, IMG = app.IMG;
  $("k-sup").textContent = String(k);
  const space = "ℝ" + supDigits(n);
  $("data-title").textContent = tr("dataSpace") + " " + space;
  $("latent-title").textContent = tr("latentSpace") + " ℝ" + supDigits(k);
  const what = IMG ? tr("images", { count: N, size: IMG[0] + "×" + IMG[1], space: space })
    : tr(app.VEC ? "vectors" : "points", { count: N, space: space });
  $("info").textContent = D.name + " · " + what + " · k = " + k + " · " +
    (D.variant === "vae" ? "VAE" : tr("autoencoder")) + " " + D.layerSizes.join("-") + ", " + D.activation +
    " · " + (S < D.recorded ? tr("someSnapshots", { count: S, recorded: D.recorded })
      : tr("snapshots", { count: S }));
  if (n === 3) $("data-hint").textContent = tr("hint3d");
  if (app.VEC) describeVectors(app);
  if (IMG) {
    $("data-title").textContent = tr("mosaicTitle", { space: space, size: IMG[0] + "×" + IMG[1] });
    $("data-title").nextElementSibling.textContent = "";
    $("data-hint").textContent = tr("mosaicHint");
    digitLegend(app);
    $("l-seeds").hidden = true;
    for (const id of ["t-recon", "t-resid"]) $(id).parentElement.hidden = true;
  }
  if (!D.ensemble) {
    $("l-seeds").hidden = true;
    $("t-seeds").checked = false;
    app.st.seeds = false;
  }
  app.ui.slider.max = String(S - 1);
}

function describeVectors(app) {  // a vector run: what of R^D the picture shows, and how the probe lifts
  const $ = app.$, P = app.VEC, D = app.D, space = "ℝ" + supDigits(app.n);
  const shown = P.variance.reduce((a, b) => a + b, 0);
  const percent = Math.round(100 * shown);
  $("data-title").textContent = tr("shadowTitle", { space: space, count: P.m, percent: percent });
  $("data-hint").textContent = tr("shadowHint", { space: space }) +
    (P.m === 3 ? " " + tr("dragToRotate") : "");
  $("bars-title").textContent = tr("barsTitle", { count: D.features.length });
  $("p-bars").hidden = false;
  document.body.classList.add("vectors");
}

function digitLegend(app) {  // the latent panel's key: one dot per digit in its colour
  const legend = app.$("latent-title").nextElementSibling;
  legend.textContent = "";
  if (!app.LABELS) return;
  legend.append(tr("byDigit"));
  app.digits().forEach((col, d) => {
    const i = document.createElement("i");
    i.className = "dot";
    i.style.background = col;
    legend.append(i, String(d));
  });
}

function applyTheme(app) {  // app.st.theme's colours, on the page and in app.C
  const C = (app.C = app.PAL[app.st.theme]);
  if (app.IMG) digitLegend(app);
  document.documentElement.dataset.theme = app.st.theme;
  for (const role in C) document.documentElement.style.setProperty("--" + role, C[role]);
  const other = app.st.theme === "dark" ? "light" : "dark";
  app.ui.theme.textContent = tr(other);
  app.ui.theme.setAttribute("aria-label", tr(other === "light" ? "toLight" : "toDark"));
}
