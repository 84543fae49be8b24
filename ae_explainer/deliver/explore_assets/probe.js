/* The probe: a point p the viewer drags anywhere in the data space; z = f(p) and x̂ = g(z) follow,
 * drawn in the data view and the latent view. In R^3 a drag away from the probe turns the view.
 * Vectors: app.st.probe is a point of the picture, lifted to R^D along P around the data mean
 * (model.lift), and x̂ is drawn projected (state's showP and showXhat).
 *
 * createProbe(app) returns {state, drawBeyondGrid, drawData, drawLatent} and follows the data canvas's
 * pointer while it is down, in app.drag (an image run's mosaic is read by hover.js instead).
 */
/* global dot, ring, label, local */
/* exported createProbe */

function createProbe(app) {
  const k = app.k, st = app.st, ui = app.ui, model = app.model;

  function state(c) {  // the probe under snapshot c: {p, z = f(p), xhat = g(z), rel at z, shown}, or null
    if (!st.probe) return null;
    const P = model.lift(st.probe), z = model.encodeFlat(c.mdl, P, 1), xhat = model.decodeFlat(c.mdl, z, 1);
    return {
      p: P, z: z, xhat: xhat, rel: model.relAt(c, z),
      showP: Float64Array.from(st.probe), showXhat: model.project(xhat, 1),
    };
  }
  function drawBeyondGrid(ctx, c, ps) {  // k = 1: M goes on past the stored grid, out to f(p)
    if (!(ps && k === 1 && (ps.z[0] < c.lo[0] || ps.z[0] > c.hi[0]))) return;
    const a = ps.z[0] < c.lo[0] ? c.lo[0] : c.hi[0], m = 48, Z = new Float64Array(m), q = [0, 0, 0];
    for (let j = 0; j < m; j++) Z[j] = a + ((ps.z[0] - a) * j) / (m - 1);
    const E = model.project(model.decodeFlat(c.mdl, Z, m), m);
    ctx.globalAlpha = st.rel ? 0.18 : 1;
    ctx.strokeStyle = app.C.manifold;
    ctx.lineWidth = 3;
    ctx.beginPath();
    for (let j = 0; j < m; j++) app.dataView.lineTo(ctx, app.dataView.toPx(E, j, q), j);
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
  function drawData(ctx, ps) {  // p, the dashed line to x̂ = g(f(p)), and x̂
    const C = app.C, q = [0, 0, 0], q2 = [0, 0, 0];
    app.drawn.probe = null;
    if (!ps) return;
    app.dataView.toPx(ps.showP, 0, q);
    app.dataView.toPx(ps.showXhat, 0, q2);
    app.drawn.probe = {
      p: [q[0], q[1]], xhat: [q2[0], q2[1]],
      at: Array.from(ps.p), z: Array.from(ps.z), xhatAt: Array.from(ps.xhat),
    };
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = C.text;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(q[0], q[1]);
    ctx.lineTo(q2[0], q2[1]);
    ctx.stroke();
    ctx.setLineDash([]);
    ring(ctx, q[0], q[1], 9, C.text, 2);
    dot(ctx, q[0], q[1], 3, C.text);
    dot(ctx, q2[0], q2[1], 5, C.recon);
    ring(ctx, q2[0], q2[1], 5, C.background, 1.5);
    label(ctx, C, "p", q[0] + 12, q[1] - 10);
    label(ctx, C, "x̂", q2[0] + 10, q2[1] + 16);
  }
  function drawLatent(ctx, c, w) {  // z = f(p) on the latent line or plane (held at its edge when outside)
    const ps = state(c), lat = app.lat, C = app.C;
    if (!ps) return;
    const p = app.latentView.latPx(c, Array.from(ps.z));
    const x = Math.max(lat.x0 - 8, Math.min(lat.x1 + 8, p[0]));
    const y = k === 1 ? lat.y0 : Math.max(lat.y0 - 8, Math.min(lat.y1 + 8, p[1]));
    dot(ctx, x, y, 5, C.text);
    ring(ctx, x, y, 5, C.background, 1.5);
    label(ctx, C, "f(p)", Math.min(x + 8, w - 34), y - 10);
  }

  ui.data.addEventListener("pointerdown", (e) => {
    if (app.IMG) return;  // hover.js reads the mosaic
    const [x, y] = local(ui.data, e), drawn = app.drawn;
    ui.data.setPointerCapture(e.pointerId);
    const onProbe = drawn.probe && Math.hypot(x - drawn.probe.p[0], y - drawn.probe.p[1]) < 22;
    if (app.m === 2 || onProbe) {
      app.drag = { kind: "probe" };
      st.probe = app.dataView.fromPx(x, y);
      st.hoverData = -1;
    } else {
      app.drag = { kind: "rotate", x: x, y: y };
    }
    app.invalidate();
  });
  ui.data.addEventListener("pointermove", (e) => {
    const drag = app.drag;
    if (app.IMG || !drag) return;  // hover.js follows the pointer
    const [x, y] = local(ui.data, e);
    if (drag.kind === "probe") {
      st.probe = app.dataView.fromPx(x, y);
    } else {
      st.yaw += (x - drag.x) * 0.01;
      st.pitch = Math.max(-1.5, Math.min(1.5, st.pitch + (y - drag.y) * 0.01));
      drag.x = x;
      drag.y = y;
    }
    app.invalidate();
  });
  const endDrag = () => {
    app.drag = null;
    app.invalidate();
  };
  ui.data.addEventListener("pointerup", endDrag);
  ui.data.addEventListener("pointercancel", endDrag);

  return {
    state: state, drawBeyondGrid: drawBeyondGrid, drawData: drawData, drawLatent: drawLatent,
  };
}
