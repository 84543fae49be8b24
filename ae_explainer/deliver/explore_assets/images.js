/* The image view of an image run (e.g. digits in R^64): M as a mosaic of decoded images g(u) over the
 * latent plane, each tile faded by its reliability, and beside it the hovered u's image, or a data
 * point's x, x̂ and x − x̂.
 *
 * createImages(app) returns {draw, mosaicU}; the mosaic's layout is kept in app.mosaic.
 */
/* global tr, prose, wrapText */
/* exported createImages */

function createImages(app) {
  const D = app.D, IMG = app.IMG, n = app.n, st = app.st, mosaic = app.mosaic;
  const off = document.createElement("canvas");  // the images at one canvas pixel per image pixel

  function ink(v, alpha) {  // a pixel value -> its alpha in the theme's text colour on a clear ground
    const lo = D.pixelRange[0], hi = D.pixelRange[1];
    return Math.max(0, Math.min(1, (v - lo) / (hi - lo || 1))) * alpha;
  }
  function rgb(hex) {
    const v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  // Draw images of A (each n values, row by row) as tiles: at[t] = [image j, column, row] with alpha[t];
  // every tile is IMG[1] x IMG[0] pixels of the offscreen canvas, scaled by `px` with no smoothing.
  function blit(ctx, A, cols, rows, at, alpha, x0, y0, px, color) {
    const H = IMG[0], W = IMG[1], gap = 1, cw = W + gap, chh = H + gap;
    off.width = cols * cw;
    off.height = rows * chh;
    const octx = off.getContext("2d"), im = octx.createImageData(off.width, off.height);
    const c = rgb(color || app.C.text);
    for (let t = 0; t < at.length; t++) {
      const [j, col, row] = at[t], a = alpha[t];
      for (let r = 0; r < H; r++) for (let q = 0; q < W; q++) {
        const o = 4 * ((row * chh + r) * off.width + col * cw + q);
        im.data[o] = c[0];
        im.data[o + 1] = c[1];
        im.data[o + 2] = c[2];
        im.data[o + 3] = Math.round(255 * ink(A[j * n + r * W + q], a));
      }
    }
    octx.putImageData(im, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, x0, y0, off.width * px, off.height * px);
  }

  function draw(ctx, w, h, c) {
    const G = D.gridShape, W = IMG[1], C = app.C;
    const wide = w >= 1.25 * h;
    const side = wide ? Math.min(h - 8, w * 0.66) : Math.min(w - 8, h * 0.66);
    const px = Math.max(1, side / (G[0] * (W + 1)));
    mosaic.side = px * G[0] * (W + 1);
    mosaic.x0 = wide ? 4 : (w - mosaic.side) / 2;
    mosaic.y0 = wide ? (h - mosaic.side) / 2 : 4;
    mosaic.px = px;
    mosaic.G = G;
    // the tiles: column a (u1, left to right), row b (u2, bottom to top)
    const at = [], alpha = [];
    for (let a = 0; a < G[0]; a++) for (let b = 0; b < G[1]; b++) {
      at.push([a * G[1] + b, a, G[1] - 1 - b]);
      alpha.push(app.fade(c.rel[a * G[1] + b]));
    }
    blit(ctx, c.M, G[0], G[1], at, alpha, mosaic.x0, mosaic.y0, px);
    app.drawn.mosaic = {
      x0: mosaic.x0, y0: mosaic.y0, side: mosaic.side, tile: px * (W + 1), px: px, cols: G[0], rows: G[1],
    };
    ctx.strokeStyle = C.panel;
    ctx.lineWidth = 1;
    ctx.strokeRect(mosaic.x0 - 2, mosaic.y0 - 2, mosaic.side + 3, mosaic.side + 3);
    // the detail: the hovered u's image, or a data point's x, x̂ and x − x̂
    const dx = wide ? mosaic.x0 + mosaic.side + 16 : 8, dy = wide ? mosaic.y0 : mosaic.y0 + mosaic.side + 14;
    const room = wide ? w - dx - 8 : w - 16, tall = wide ? h - 2 * mosaic.y0 : h - dy - 4;
    app.drawn.detail = null;
    if (st.hoverData >= 0) {
      drawDataDetail(ctx, c, dx, dy, room, tall);
    } else if (st.hoverU) {
      drawUDetail(ctx, c, dx, dy, room, tall);
    } else {
      ctx.font = "13px 'DejaVu Sans', Verdana, sans-serif";
      ctx.fillStyle = C.muted;
      wrapText(ctx, tr("moveOver"), room).forEach((line, i) => ctx.fillText(line, dx, dy + 12 + 18 * i));
    }
  }
  function drawDataDetail(ctx, c, dx, dy, room, tall) {  // the hovered data point's x, x̂ and x − x̂
    const H = IMG[0], W = IMG[1], C = app.C, X = app.X;
    const r = st.hoverData;
    const big = Math.max(2, Math.floor(Math.min(room / (3 * (W + 2)), (tall - 40) / (H + 1))));
    const R = new Float64Array(3 * n);
    for (let d = 0; d < n; d++) {
      R[d] = X[r * n + d];
      R[n + d] = c.xhat[r * n + d];
      R[2 * n + d] = X[r * n + d] - c.xhat[r * n + d];
    }
    const lo = D.pixelRange[0];
    blit(ctx, R, 2, 1, [[0, 0, 0], [1, 1, 0]], [1, 1], dx, dy + 18, big);
    // the residual, signed: positive in the data's colour, negative in x̂'s, on a clear ground
    const P = new Float64Array(n), Q = new Float64Array(n);
    for (let d = 0; d < n; d++) {
      const e = R[2 * n + d];
      P[d] = lo + Math.max(e, 0);
      Q[d] = lo + Math.max(-e, 0);
    }
    const rx = dx + 2 * big * (W + 1) + 4 * big;
    blit(ctx, P, 1, 1, [[0, 0, 0]], [1], rx, dy + 18, big, C.data);
    blit(ctx, Q, 1, 1, [[0, 0, 0]], [1], rx, dy + 18, big, C.recon);
    ctx.font = "13px 'DejaVu Sans', Verdana, sans-serif";
    ctx.fillStyle = C.text;
    ctx.textAlign = "center";
    const mid = (x) => x + (big * W) / 2;
    ctx.fillText("x", mid(dx), dy + 12);
    ctx.fillText("x̂ = g(f(x))", mid(dx + big * (W + 1)), dy + 12);
    ctx.fillText("x − x̂", mid(rx), dy + 12);
    ctx.textAlign = "left";
    app.drawn.detail = { kind: "data", index: r };
  }
  function drawUDetail(ctx, c, dx, dy, room, tall) {  // the hovered latent point u's image g(u)
    const H = IMG[0], W = IMG[1], G = D.gridShape, C = app.C, u = st.hoverU;
    const g = app.model.decodeFlat(c.mdl, Float64Array.from(u), 1);
    const big = Math.max(2, Math.floor(Math.min(room / (W + 1), (tall - 40) / (H + 1))));
    blit(ctx, g, 1, 1, [[0, 0, 0]], [app.fade(app.model.relAt(c, u))], dx, dy + 18, big);
    ctx.font = "13px 'DejaVu Sans', Verdana, sans-serif";
    ctx.fillStyle = C.text;
    const rel = prose(app.model.relAt(c, u), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    ctx.fillText("g(u), " + tr("reliability", { value: rel }), dx, dy + 12);
    app.drawn.detail = { kind: "u", u: Array.from(u), image: Array.from(g) };
    if (u[0] >= c.lo[0] && u[0] <= c.hi[0] && u[1] >= c.lo[1] && u[1] <= c.hi[1]) {  // its tile, framed
      const tx = (u[0] - c.lo[0]) / (c.hi[0] - c.lo[0]), ty = (u[1] - c.lo[1]) / (c.hi[1] - c.lo[1]);
      const t = mosaic.px * (W + 1);
      const x = mosaic.x0 + t / 2 + tx * (G[0] - 1) * t, y = mosaic.y0 + t / 2 + (1 - ty) * (G[1] - 1) * t;
      ctx.strokeStyle = C.manifold;
      ctx.lineWidth = 2;
      ctx.strokeRect(x - t / 2, y - t / 2, t, t);
    }
  }
  // A pixel over the mosaic -> the latent point u there (the tiles' centres are the grid's nodes), else null.
  function mosaicU(c, x, y) {
    const G = mosaic.G, t = mosaic.side / G[0], x0 = mosaic.x0, y0 = mosaic.y0;
    const tx = (x - x0 - t / 2) / (t * (G[0] - 1)), ty = 1 - (y - y0 - t / 2) / (t * (G[1] - 1));
    if (x < x0 || y < y0 || x > x0 + mosaic.side || y > y0 + mosaic.side) return null;
    const cl = (v) => Math.max(0, Math.min(1, v));
    return [c.lo[0] + cl(tx) * (c.hi[0] - c.lo[0]), c.lo[1] + cl(ty) * (c.hi[1] - c.lo[1])];
  }

  return { draw: draw, mosaicU: mosaicU };
}
