/* The loss view: the training loss on a log scale over the steps, with the current snapshot marked. */
/* global sized, dot, FONT, tr */
/* exported createLossView */

function createLossView(app) {
  const D = app.D, S = app.S;
  const L = D.snapshots.map((s) => Math.log10(Math.max(s.loss, 1e-12))), T = D.snapshots.map((s) => s.step);
  const lo = Math.min.apply(null, L), hi = Math.max.apply(null, L), t1 = T[S - 1] || 1;

  function draw() {
    const { ctx, w, h } = sized(app.ui.loss), C = app.C;
    const x0 = 8, x1 = w - 8, y0 = 8, y1 = h - 18;
    const px = (i) => [x0 + (T[i] / t1) * (x1 - x0), y1 - ((L[i] - lo) / (hi - lo || 1)) * (y1 - y0)];
    ctx.strokeStyle = C.muted;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < S; i++) {
      const p = px(i);
      if (i) ctx.lineTo(p[0], p[1]);
      else ctx.moveTo(p[0], p[1]);
    }
    ctx.stroke();
    const p = px(app.st.snap);
    ctx.strokeStyle = C.manifold;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(p[0], y0 - 4);
    ctx.lineTo(p[0], y1);
    ctx.stroke();
    dot(ctx, p[0], p[1], 4.5, C.manifold);
    ctx.font = "12px " + FONT;
    ctx.fillStyle = C.muted;
    ctx.textAlign = "left";
    ctx.fillText(tr("step", { step: 0 }), x0, h - 4);
    ctx.textAlign = "right";
    ctx.fillText(tr("step", { step: t1 }), x1, h - 4);
    ctx.textAlign = "left";
  }

  return { draw: draw };
}
