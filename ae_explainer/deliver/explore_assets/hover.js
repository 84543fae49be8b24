/* Hover: the pointer over a data point x lights its z = f(x) and x̂ = g(z); over the latent line or
 * plane (or an image run's mosaic) at u, it lights g(u) on M. What is hovered is app.st.hoverData (a
 * data point's index, or -1) and app.st.hoverU (a latent point, or null).
 *
 * createHover(app) returns {drawData, drawLatent} and listens to both canvases' pointer.
 */
/* global dot, ring, local */
/* exported createHover */

function createHover(app) {
  const X = app.shownX, k = app.k, N = app.N, st = app.st, ui = app.ui, IMG = app.IMG;

  function drawData(ctx, c) {  // the hovered x, its x̂ and the line between; g(u) for a hovered u
    const C = app.C, toPx = app.dataView.toPx, q = [0, 0, 0], q2 = [0, 0, 0];
    if (st.hoverData >= 0) {
      const r = st.hoverData;
      toPx(X, r, q);
      toPx(c.showXhat, r, q2);
      ctx.strokeStyle = C.text;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(q[0], q[1]);
      ctx.lineTo(q2[0], q2[1]);
      ctx.stroke();
      ring(ctx, q[0], q[1], 6, C.data);
      dot(ctx, q2[0], q2[1], 4.5, C.recon);
      ring(ctx, q2[0], q2[1], 7, C.recon);
    }
    app.drawn.hoverU = null;
    if (st.hoverU) {
      const g = app.model.project(app.model.decodeFlat(c.mdl, Float64Array.from(st.hoverU), 1), 1);
      toPx(g, 0, q);
      app.drawn.hoverU = { u: Array.from(st.hoverU), px: [q[0], q[1]] };
      ring(ctx, q[0], q[1], 8, C.manifold, 3);
      dot(ctx, q[0], q[1], 3.5, C.manifold);
    }
  }
  function drawLatent(ctx, c, h) {  // the hovered x's z, or the hovered u
    const C = app.C, latPx = app.latentView.latPx;
    if (st.hoverData >= 0) {
      const p = latPx(c, Array.from(c.z.subarray(st.hoverData * k, st.hoverData * k + k)));
      ring(ctx, p[0], p[1], 6, C.latent, 2.5);
    }
    if (st.hoverU) {
      const p = latPx(c, st.hoverU);
      ctx.strokeStyle = C.manifold;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      if (k === 1) {
        ctx.moveTo(p[0], 4);
        ctx.lineTo(p[0], h - 18);
      } else {
        ring(ctx, p[0], p[1], 7, C.manifold, 2.5);
      }
      ctx.stroke();
    }
  }

  function overMosaic(e) {  // an image run: the latent point u under the pointer on the mosaic, or null
    return app.images.mosaicU(app.model.snapshot(st.snap), ...local(ui.data, e));
  }
  ui.data.addEventListener("pointerdown", (e) => {
    if (!IMG) return;  // probe.js starts a drag
    st.hoverU = overMosaic(e);
    st.hoverData = -1;
    app.invalidate();
  });
  ui.data.addEventListener("pointermove", (e) => {
    if (IMG) {
      const u = overMosaic(e);
      if (u) {
        st.hoverU = u;
        st.hoverData = -1;
        app.invalidate();
      }
      return;
    }
    if (app.drag) return;  // probe.js moves the probe or turns the view
    const [x, y] = local(ui.data, e), toPx = app.dataView.toPx;
    let best = -1, bd = 100;  // the nearest x_j within 10 px
    const q = [0, 0, 0];
    for (let r = 0; r < N; r++) {
      toPx(X, r, q);
      const d2 = (q[0] - x) ** 2 + (q[1] - y) ** 2;
      if (d2 < bd) {
        bd = d2;
        best = r;
      }
    }
    if (best === st.hoverData) return;
    st.hoverData = best;
    app.invalidate();
  });
  ui.data.addEventListener("pointerleave", () => {
    if (!app.drag && st.hoverData >= 0) {
      st.hoverData = -1;
      app.invalidate();
    }
  });

  function hoverLatent(e) {
    const [x, y] = local(ui.latent, e), c = app.model.snapshot(st.snap), lat = app.lat;
    const inside = () => app.latentView.latU(
      c, Math.max(lat.x0, Math.min(lat.x1, x)), Math.max(lat.y0, Math.min(lat.y1, y)),
    );
    if (IMG) {  // the nearest z_j within 6 px shows its x, x̂ and residual; elsewhere, g(u)
      let best = -1, bd = 36;
      for (let r = 0; r < N; r++) {
        const p = app.latentView.latPx(c, [c.z[2 * r], c.z[2 * r + 1]]);
        const d2 = (p[0] - x) ** 2 + (p[1] - y) ** 2;
        if (d2 < bd) {
          bd = d2;
          best = r;
        }
      }
      st.hoverData = best;
      st.hoverU = best >= 0 ? null : inside();
      app.invalidate();
      return;
    }
    st.hoverU = inside();
    app.invalidate();
  }
  ui.latent.addEventListener("pointermove", hoverLatent);
  ui.latent.addEventListener("pointerdown", (e) => {
    ui.latent.setPointerCapture(e.pointerId);
    hoverLatent(e);
  });
  ui.latent.addEventListener("pointerleave", () => {
    st.hoverU = null;
    if (IMG) st.hoverData = -1;
    app.invalidate();
  });

  return { drawData: drawData, drawLatent: drawLatent };
}
