/* The bars (vectors in R^D only): x and x̂ side by side, feature by feature, with the residual x − x̂.
 *
 * For the hovered data point x_j: x_j and its reconstruction x̂_j = g(f(x_j)); else for the probe: its
 * lift p to R^D (model.lift) and g(f(p)). Each feature is a pair of bars from zero, x in the data's
 * colour and x̂ in the reconstruction's, and a tick at x − x̂ in the residual's colour below the axis;
 * the features' names (the CSV's header) run under the bars when there is room, and the pointer over a
 * feature names it with its values. What was last drawn is app.drawn.bars (for the tests).
 *
 * createBars(app) returns {draw}.
 */
/* global sized, FONT, local, supDigits, tr */
/* exported createBars */

function createBars(app) {
  const n = app.n, st = app.st, names = app.D.features || [], cv = app.$("c-bars");
  let pointer = -1;  // the feature under the pointer, or -1

  function values(c) {  // {kind, index, x, xhat} of what the bars show now, or null
    if (st.hoverData >= 0) {
      const r = st.hoverData;
      return {
        kind: "data", index: r,
        x: Array.from(app.X.subarray(r * n, r * n + n)), xhat: Array.from(c.xhat.subarray(r * n, r * n + n)),
      };
    }
    const ps = app.probe.state(c);
    if (!ps) return null;
    return { kind: "probe", index: -1, x: Array.from(ps.p), xhat: Array.from(ps.xhat) };
  }
  function draw() {
    if (!app.VEC) return;
    const { ctx, w, h } = sized(cv), C = app.C, c = app.model.snapshot(st.snap), v = values(c);
    app.drawn.bars = v;
    if (!v) return;
    const room = w / n >= 16, pad = 6, bottom = h - (room ? 30 : 14), top = 14;
    let big = 1e-12;
    for (let d = 0; d < n; d++) {
      big = Math.max(big, Math.abs(v.x[d]), Math.abs(v.xhat[d]), Math.abs(v.x[d] - v.xhat[d]));
    }
    const mid = top + (bottom - top) * 0.62, scale = (Math.min(mid - top, bottom - mid) * 0.95) / big;
    const each = (w - 2 * pad) / n, bw = Math.max(0.5, each * 0.36);
    ctx.strokeStyle = C.muted;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(pad, mid);
    ctx.lineTo(w - pad, mid);
    ctx.stroke();
    for (let d = 0; d < n; d++) {
      const x0 = pad + d * each + each * 0.1;
      ctx.globalAlpha = pointer < 0 || pointer === d ? 1 : 0.55;
      ctx.fillStyle = C.data;
      ctx.fillRect(x0, Math.min(mid, mid - v.x[d] * scale), bw, Math.abs(v.x[d] * scale));
      ctx.fillStyle = C.recon;
      ctx.fillRect(x0 + bw, Math.min(mid, mid - v.xhat[d] * scale), bw, Math.abs(v.xhat[d] * scale));
      ctx.fillStyle = C.residual;  // the residual x − x̂, as a thin bar below the pair
      const e = (v.x[d] - v.xhat[d]) * scale;
      ctx.fillRect(x0 + bw * 0.5, Math.min(bottom, mid + Math.abs(e)) - 2, bw, 2);
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = C.muted;
    ctx.font = "11px " + FONT;
    ctx.textAlign = "center";
    if (room) {
      for (let d = 0; d < n; d++) {
        const name = names[d] || "f" + (d + 1), x = pad + (d + 0.5) * each;
        ctx.fillText(name.length > 6 && each < 48 ? name.slice(0, 5) + "…" : name, x, h - 16);
      }
    }
    ctx.textAlign = "left";
    ctx.fillStyle = C.text;
    const what = v.kind === "data" ? tr("barsRow", { row: v.index + 1 })
      : tr("barsProbe", { space: "ℝ" + supDigits(n) });
    let line = what + ";  ▁ " + tr("residual");
    if (pointer >= 0) {
      const d = pointer;
      line = (names[d] || "f" + (d + 1)) + ": x = " + v.x[d].toPrecision(3) + ", x̂ = " +
        v.xhat[d].toPrecision(3) + ", x − x̂ = " + (v.x[d] - v.xhat[d]).toPrecision(3);
    }
    ctx.fillText(line, pad, h - 3);
  }

  cv.addEventListener("pointermove", (e) => {
    const [x] = local(cv, e), d = Math.floor(((x - 6) / (cv.clientWidth - 12)) * n);
    const next = d >= 0 && d < n ? d : -1;
    if (next !== pointer) {
      pointer = next;
      draw();
    }
  });
  cv.addEventListener("pointerleave", () => {
    pointer = -1;
    draw();
  });
  return { draw: draw };
}
