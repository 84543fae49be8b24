/* The data view: the data x, the reconstructions x̂ and M = g(latent grid) in R^2, or in R^3 turned by
 * app.st.yaw and app.st.pitch (an image run draws its mosaic instead: images.js). Vectors in R^D are
 * drawn as the picture shows them: everything through the run's one projection P (model.js), so here
 * n is the picture's dimension and X the data's shadow.
 *
 * createDataView(app) returns {center, bounds, toPx, fromPx, draw}; the hover and the probe marks are
 * drawn by hover.js and probe.js.
 */
/* global sized, dot, f32 */
/* exported createDataView */

function createDataView(app) {
  const D = app.D, X = app.shownX, n = app.m, k = app.k, N = app.N, S = app.S, st = app.st, view = app.view;
  const center = new Float64Array(n);
  for (let r = 0; r < N; r++) for (let d = 0; d < n; d++) center[d] += X[r * n + d] / N;
  const bounds = fixedBounds();
  app.rot = rotation();

  function fixedBounds() {  // fixed while scrubbing: the data, and M up to 40% of the data's size past it
    const fin = app.model.snapshot(S - 1);
    const lo = new Array(n).fill(Infinity), hi = new Array(n).fill(-Infinity);
    let radius = 0;
    for (let r = 0; r < N; r++) {
      let d2 = 0;
      for (let d = 0; d < n; d++) {
        const v = X[r * n + d];
        lo[d] = Math.min(lo[d], v);
        hi[d] = Math.max(hi[d], v);
        d2 += (v - center[d]) ** 2;
      }
      radius = Math.max(radius, Math.sqrt(d2));
    }
    const span = Math.max.apply(null, lo.map((v, d) => hi[d] - v)) || 1;
    const mlo = lo.map((v) => v - 0.4 * span), mhi = hi.map((v) => v + 0.4 * span);
    for (let j = 0; j < fin.G; j++) {
      for (let d = 0; d < n; d++) {
        const v = Math.max(mlo[d], Math.min(mhi[d], fin.showM[j * n + d]));
        lo[d] = Math.min(lo[d], v);
        hi[d] = Math.max(hi[d], v);
      }
    }
    return { lo: lo, hi: hi, radius: 1.15 * radius || 1 };
  }
  function rotation() {
    const cy = Math.cos(st.yaw), sy = Math.sin(st.yaw), cp = Math.cos(st.pitch), sp = Math.sin(st.pitch);
    // yaw about the data's z axis, then pitch about the screen's horizontal axis
    return [[cy, -sy, 0], [sy * cp, cy * cp, -sp], [sy * sp, cy * sp, cp]];
  }
  function fitView(w, h) {
    view.w = w;
    view.h = h;
    view.cx = w / 2;
    view.cy = h / 2;
    if (n === 2) {
      view.mx = (bounds.lo[0] + bounds.hi[0]) / 2;
      view.my = (bounds.lo[1] + bounds.hi[1]) / 2;
      const sx = (w - 24) / (bounds.hi[0] - bounds.lo[0] || 1);
      view.s = Math.min(sx, (h - 24) / (bounds.hi[1] - bounds.lo[1] || 1));
    } else {
      view.s = (Math.min(w, h) - 24) / (2 * bounds.radius);
    }
  }
  function toPx(A, r, out) {  // data point r of A (flat, n per point) -> [px, py, depth]
    if (n === 2) {
      out[0] = view.cx + (A[r * 2] - view.mx) * view.s;
      out[1] = view.cy - (A[r * 2 + 1] - view.my) * view.s;
      out[2] = 0;
      return out;
    }
    const R = app.rot;
    const a = A[r * 3] - center[0], b = A[r * 3 + 1] - center[1], c = A[r * 3 + 2] - center[2];
    out[0] = view.cx + (R[0][0] * a + R[0][1] * b + R[0][2] * c) * view.s;
    out[1] = view.cy - (R[2][0] * a + R[2][1] * b + R[2][2] * c) * view.s;
    out[2] = R[1][0] * a + R[1][1] * b + R[1][2] * c;  // depth: larger is farther
    return out;
  }
  function fromPx(px, py) {  // a pixel -> the data point there (3-D: in the plane through the centre)
    if (n === 2) return [view.mx + (px - view.cx) / view.s, view.my - (py - view.cy) / view.s];
    const R = app.rot, sx = (px - view.cx) / view.s, sz = -(py - view.cy) / view.s;
    return [0, 1, 2].map((d) => center[d] + R[0][d] * sx + R[2][d] * sz);  // R is orthonormal: R^T
  }

  function draw() {
    const { ctx, w, h } = sized(app.ui.data), C = app.C, drawn = app.drawn;
    if (app.IMG) {
      drawn.snap = st.snap;
      app.images.draw(ctx, w, h, app.model.snapshot(st.snap));
      return;
    }
    if (w !== view.w || h !== view.h) fitView(w, h);
    app.rot = rotation();
    const c = app.model.snapshot(st.snap), q = [0, 0, 0], q2 = [0, 0, 0];
    drawn.snap = st.snap;
    drawn.M = [];
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    const atEnd = st.snap === S - 1;
    if (st.seeds && D.ensemble && atEnd) drawSeeds(ctx);
    if (k === 1) {
      const pts = [];
      for (let j = 0; j < c.G; j++) pts.push(toPx(c.showM, j, [0, 0, 0]));
      drawn.M = pts.map((p) => [p[0], p[1]]);
      ctx.strokeStyle = C.manifold;
      ctx.lineWidth = 3;
      ctx.lineCap = "butt";  // no doubled joints
      for (let j = 0; j + 1 < c.G; j++) {
        ctx.globalAlpha = app.fade((c.rel[j] + c.rel[j + 1]) / 2);
        ctx.beginPath();
        ctx.moveTo(pts[j][0], pts[j][1]);
        ctx.lineTo(pts[j + 1][0], pts[j + 1][1]);
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
      ctx.lineCap = "round";
    } else {
      drawSurface(ctx, c);
    }
    const ps = app.probe.state(c);
    app.probe.drawBeyondGrid(ctx, c, ps);
    if (st.resid) {
      ctx.strokeStyle = C.residual;
      ctx.lineWidth = 1;
      ctx.globalAlpha = 0.6;
      ctx.beginPath();
      for (let r = 0; r < N; r++) {
        toPx(X, r, q);
        toPx(c.showXhat, r, q2);
        ctx.moveTo(q[0], q[1]);
        ctx.lineTo(q2[0], q2[1]);
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    const rad = N > 1000 ? 1.6 : 2.6;
    for (let r = 0; r < N; r++) {
      toPx(X, r, q);
      dot(ctx, q[0], q[1], rad, C.data);
    }
    if (st.recon) {
      for (let r = 0; r < N; r++) {
        toPx(c.showXhat, r, q);
        dot(ctx, q[0], q[1], rad * 0.85, C.recon);
      }
    }
    app.hover.drawData(ctx, c);
    app.probe.drawData(ctx, ps);
  }
  function drawSurface(ctx, c) {
    const G = D.gridShape, P = [], C = app.C;
    for (let j = 0; j < c.G; j++) P.push(toPx(c.showM, j, [0, 0, 0]));
    app.drawn.M = P.map((p) => [p[0], p[1]]);
    const quads = [];
    for (let a = 0; a + 1 < G[0]; a++) for (let b = 0; b + 1 < G[1]; b++) {
      const i0 = a * G[1] + b, ids = [i0, i0 + 1, i0 + G[1] + 1, i0 + G[1]];
      const depth = (P[ids[0]][2] + P[ids[1]][2] + P[ids[2]][2] + P[ids[3]][2]) / 4;
      const rel = (c.rel[ids[0]] + c.rel[ids[1]] + c.rel[ids[2]] + c.rel[ids[3]]) / 4;
      quads.push([depth, ids, rel]);
    }
    quads.sort((u, v) => v[0] - u[0]);  // far first
    ctx.lineWidth = 0.6;
    ctx.strokeStyle = C.manifold;
    ctx.fillStyle = C.manifold;
    for (const [, ids, rel] of quads) {
      ctx.beginPath();
      ctx.moveTo(P[ids[0]][0], P[ids[0]][1]);
      for (let t = 1; t < 4; t++) ctx.lineTo(P[ids[t]][0], P[ids[t]][1]);
      ctx.closePath();
      ctx.globalAlpha = 0.42 * app.fade(rel);
      ctx.fill();
      ctx.globalAlpha = 0.7 * app.fade(rel);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }
  function drawSeeds(ctx) {  // the other seeds' M (the run's ensemble), at the end of training
    const E = D.ensemble, G = D.gridShape;
    if (!E.cache) {
      const all = f32(E.manifolds);
      E.cache = app.model.project(all, all.length / app.n);
    }
    const M = E.cache;
    const per = M.length / E.seeds.length / n, q = [0, 0, 0];
    ctx.strokeStyle = app.C.seeds;
    ctx.lineWidth = 1.5;
    ctx.globalAlpha = 0.75;
    for (let e = 0; e < E.seeds.length; e++) {
      const A = M.subarray(e * per * n, (e + 1) * per * n);
      ctx.beginPath();
      if (k === 1) {
        for (let j = 0; j < per; j++) lineTo(ctx, toPx(A, j, q), j);
      } else {
        for (let a = 0; a < G[0]; a += 4) {
          for (let b = 0; b < G[1]; b++) lineTo(ctx, toPx(A, a * G[1] + b, q), b);
        }
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }
  function lineTo(ctx, q, j) {  // the path on to q; its start if j is 0
    if (j) ctx.lineTo(q[0], q[1]);
    else ctx.moveTo(q[0], q[1]);
  }

  return { center: center, bounds: bounds, toPx: toPx, fromPx: fromPx, lineTo: lineTo, draw: draw };
}
