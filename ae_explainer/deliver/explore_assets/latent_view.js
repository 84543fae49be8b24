/* The latent view: a line (k = 1) or a plane (k = 2) over the snapshot's latent grid, shaded by the
 * reliability of M, with the latents z = f(x) of the data.
 *
 * createLatentView(app) returns {latPx, latU, draw}; the layout is kept in app.lat, and the hover and
 * the probe marks are drawn by hover.js and probe.js.
 */
/* global sized, dot, FONT */
/* exported createLatentView */

function createLatentView(app) {
  const D = app.D, k = app.k, N = app.N, st = app.st, lat = app.lat;

  function latPx(c, u) {  // latent u -> [px, py]
    const tx = (u[0] - c.lo[0]) / (c.hi[0] - c.lo[0] || 1);
    if (k === 1) return [lat.x0 + tx * (lat.x1 - lat.x0), lat.y0];
    const ty = (u[1] - c.lo[1]) / (c.hi[1] - c.lo[1] || 1);
    return [lat.x0 + tx * (lat.x1 - lat.x0), lat.y1 - ty * (lat.y1 - lat.y0)];
  }
  function latU(c, px, py) {  // a pixel -> latent u
    const tx = (px - lat.x0) / (lat.x1 - lat.x0), u = [c.lo[0] + tx * (c.hi[0] - c.lo[0])];
    if (k === 2) u.push(c.lo[1] + ((lat.y1 - py) / (lat.y1 - lat.y0)) * (c.hi[1] - c.lo[1]));
    return u;
  }

  function draw() {
    const { ctx, w, h } = sized(app.ui.latent), c = app.model.snapshot(st.snap);
    ctx.font = "12px " + FONT;
    if (k === 1) drawLine(ctx, c, w, h);
    else drawPlane(ctx, c, w, h);
    app.hover.drawLatent(ctx, c, h);
    app.probe.drawLatent(ctx, c, w);
  }
  function drawLine(ctx, c, w, h) {
    const G = D.gridShape, C = app.C;
    lat.x0 = 14;
    lat.x1 = w - 14;
    lat.y0 = Math.round(h * 0.36);
    lat.y1 = lat.y0;
    const cw = (lat.x1 - lat.x0) / (G[0] - 1);
    ctx.fillStyle = C.manifold;
    for (let j = 0; j < G[0]; j++) {
      ctx.globalAlpha = 0.85 * (st.rel ? c.rel[j] : 1);
      ctx.fillRect(lat.x0 + (j - 0.5) * cw, lat.y0 - 12, cw + 0.5, 9);
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = C.panel;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(lat.x0, lat.y0);
    ctx.lineTo(lat.x1, lat.y0);
    ctx.stroke();
    const band = Math.max(12, h - lat.y0 - 26);
    for (let r = 0; r < N; r++) {
      const x = latPx(c, [c.z[r]])[0], jit = ((r * 0.6180339887) % 1) * band;
      dot(ctx, x, lat.y0 + 6 + jit, 2.2, C.latent);
    }
    ctx.fillStyle = C.muted;
    ctx.textAlign = "left";
    ctx.fillText(c.lo[0].toFixed(2), lat.x0, h - 4);
    ctx.textAlign = "right";
    ctx.fillText(c.hi[0].toFixed(2), lat.x1, h - 4);
    ctx.textAlign = "center";
    ctx.fillText("u", (lat.x0 + lat.x1) / 2, h - 4);
    ctx.textAlign = "left";
  }
  function drawPlane(ctx, c, w, h) {
    const G = D.gridShape, C = app.C;
    const side = Math.min(w - 20, h - 20);
    lat.x0 = (w - side) / 2;
    lat.x1 = lat.x0 + side;
    lat.y0 = (h - side) / 2;
    lat.y1 = lat.y0 + side;
    const cw = side / G[0], ch = side / G[1];
    ctx.fillStyle = C.manifold;
    for (let a = 0; a < G[0]; a++) for (let b = 0; b < G[1]; b++) {
      ctx.globalAlpha = 0.6 * (st.rel ? c.rel[a * G[1] + b] : 1);
      ctx.fillRect(lat.x0 + a * cw, lat.y1 - (b + 1) * ch, cw + 0.5, ch + 0.5);
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = C.panel;
    ctx.lineWidth = 1;
    ctx.strokeRect(lat.x0, lat.y0, side, side);
    for (let r = 0; r < N; r++) {
      const p = latPx(c, [c.z[2 * r], c.z[2 * r + 1]]);
      dot(ctx, p[0], p[1], 1.8, app.classColor(r));
    }
  }

  return { latPx: latPx, latU: latU, draw: draw };
}
