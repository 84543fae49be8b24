/* The readout: the numbers under the pointer (the hovered x, z and x̂, or u and g(u)), else the
 * probe's p, z = f(p) and x̂ = g(f(p)); and the snapshot's step and loss.
 */
/* global tr, prose, supDigits */
/* exported createReadout */

const FIXED2 = { minimumFractionDigits: 2, maximumFractionDigits: 2 };  // a reliability, in prose

function createReadout(app) {
  const D = app.D, X = app.X, n = app.n, k = app.k, N = app.N, st = app.st, ui = app.ui;
  const IMG = app.IMG, LABELS = app.LABELS;

  const fmt = (v) => {
    const digits = window.innerWidth < 500 ? 2 : 3;
    const exp = Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0);
    return exp ? v.toExponential(digits - 1) : v.toFixed(digits);
  };
  const vec = (A, r, d) => "(" + Array.from(A.subarray(r * d, r * d + d), fmt).join(", ") + ")";
  function residual(c, r) {  // ‖x_r − x̂_r‖
    let e = 0;
    for (let d = 0; d < n; d++) e += (X[r * n + d] - c.xhat[r * n + d]) ** 2;
    return Math.sqrt(e);
  }

  function text(c) {
    if (IMG && st.hoverData >= 0) {
      const r = st.hoverData;
      const which = LABELS ? tr("imageDigit", { index: r + 1, count: N, digit: String(LABELS[r]) })
        : tr("image", { index: r + 1, count: N });
      return which + "  z = f(x) = " + vec(c.z, r, k) + "\n‖x − x̂‖ = " + fmt(residual(c, r)) +
        " " + tr("pixelRange", { low: D.pixelRange[0], high: D.pixelRange[1] });
    }
    if (IMG && st.hoverU) {
      return "u = " + vec(Float64Array.from(st.hoverU), 0, k) +
        "\n" + tr("reliabilityAt", { value: prose(app.model.relAt(c, st.hoverU), FIXED2) });
    }
    if (IMG) return "";
    if (app.VEC) return vectors(c);
    if (st.hoverData >= 0) {
      const r = st.hoverData;
      return "x" + " = " + vec(X, r, n) + "  z = f(x) = " + vec(c.z, r, k) +
        "\nx̂ = g(z) = " + vec(c.xhat, r, n) + "  ‖x − x̂‖ = " + fmt(residual(c, r));
    }
    if (st.hoverU) {
      const g = app.model.decodeFlat(c.mdl, Float64Array.from(st.hoverU), 1);
      return "u = " + vec(Float64Array.from(st.hoverU), 0, k) + "  g(u) = " + vec(g, 0, n) +
        "\n" + tr("reliabilityAt", { value: prose(app.model.relAt(c, st.hoverU), FIXED2) });
    }
    const ps = app.probe.state(c), narrow = window.innerWidth < 500;
    if (!ps) return "";
    return "p = " + vec(ps.p, 0, n) + (narrow ? "  z = " : "  z = f(p) = ") + vec(ps.z, 0, k) +
      (narrow ? "\nx̂ = g(z) = " : "\nx̂ = g(f(p)) = ") + vec(ps.xhat, 0, n) +
      "  " + tr(narrow ? "rel" : "reliability", { value: prose(ps.rel, FIXED2) });
  }
  function vectors(c) {  // vectors in R^D: the bars show the features; here the latents and the distances
    if (st.hoverData >= 0) {
      const r = st.hoverData;
      return tr("row", { row: r + 1, count: N }) + "  z = f(x) = " + vec(c.z, r, k) + "\n‖x − x̂‖ = " +
        fmt(residual(c, r)) + " " + tr("inSpaceBars", { space: "ℝ" + supDigits(n) });
    }
    if (st.hoverU) {
      return "u = " + vec(Float64Array.from(st.hoverU), 0, k) +
        "\n" + tr("reliabilityAt", { value: prose(app.model.relAt(c, st.hoverU), FIXED2) });
    }
    const ps = app.probe.state(c);
    if (!ps) return "";
    let e = 0;
    for (let d = 0; d < n; d++) e += (ps.p[d] - ps.xhat[d]) ** 2;
    const dims = "ℝ" + supDigits(n);
    return "p = " + vec(ps.showP, 0, app.m) + " " + tr("liftedTo", { space: dims }) + "  z = f(p) = " +
      vec(ps.z, 0, k) + "\n‖p − g(f(p))‖ = " + fmt(Math.sqrt(e)) + " " + tr("inSpace", { space: dims }) +
      "  " + tr("reliability", { value: prose(ps.rel, FIXED2) });
  }
  function draw() {
    const c = app.model.snapshot(st.snap), s = D.snapshots[st.snap];
    ui.label.textContent = tr("step", { step: s.step });
    const loss = prose(s.loss, { maximumSignificantDigits: 3 });
    ui.lossNow.textContent = tr("lossAt", { loss: loss, step: s.step });
    ui.readout.textContent = text(c);
  }

  return { draw: draw };
}
