/* Canvas helpers every view uses: a canvas sized to its box, dots, rings, labels, pointer positions. */
/* exported sized, dot, ring, label, local, FONT */

const FONT = "'DejaVu Sans', Verdana, sans-serif";

function sized(cv) {  // the canvas at the device's pixel ratio, cleared: {ctx, w, h} in CSS pixels
  const dpr = window.devicePixelRatio || 1, w = cv.clientWidth, h = cv.clientHeight;
  if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
    cv.width = Math.round(w * dpr);
    cv.height = Math.round(h * dpr);
  }
  const ctx = cv.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx: ctx, w: w, h: h };
}
function dot(ctx, x, y, r, color) {
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fill();
}
function ring(ctx, x, y, r, color, lw) {
  ctx.strokeStyle = color;
  ctx.lineWidth = lw || 2;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.stroke();
}
function label(ctx, C, text, x, y) {  // bold text in C.text, outlined in the background colour
  ctx.font = "bold 14px " + FONT;
  ctx.lineWidth = 3;
  ctx.strokeStyle = C.background;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = C.text;
  ctx.fillText(text, x, y);
}
function local(cv, e) {  // a pointer event's position in the canvas, in CSS pixels
  const b = cv.getBoundingClientRect();
  return [e.clientX - b.left, e.clientY - b.top];
}
