/* The model: the run's encoder f and decoder g, evaluated from each snapshot's stored weights.
 *
 * The arithmetic of aecore/forward.py in float64 (JS numbers): standardise (x - mean) / scale, the
 * linear layers W h + b with the run's activation between them (none after the encoder's and the
 * decoder's last layer), and map the output back as mean + scale * u. A VAE's encoder ends in 2k
 * rows (means, then log-variances): f is the mean half, as in aecore.
 */
/* exported f32, f64, erf, ACT, createModel */

// ---------------------------------------------------------------- decoding the page's base64 arrays
function bytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return new DataView(out.buffer);
}
function f32(b64) {
  const v = bytes(b64), out = new Float64Array(v.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = v.getFloat32(4 * i, true);
  return out;
}
function f64(b64) {
  const v = bytes(b64), out = new Float64Array(v.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = v.getFloat64(8 * i, true);
  return out;
}

// ---------------------------------------------------------------- the activations
// erf(x) = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1)): all terms of one sign, so
// no cancellation; erfc(6) < 3e-17, so |x| > 6 gives +-1 in float64.
function erf(x) {
  if (x > 6) return 1;
  if (x < -6) return -1;
  const x2 = x * x;
  let term = x, sum = x;
  for (let i = 1; i < 500; i++) {
    term *= (2 * x2) / (2 * i + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}
const ACT = {
  silu: (a) => a / (1 + Math.exp(-a)),
  tanh: Math.tanh,
  softplus: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
  gelu: (a) => 0.5 * a * (1 + erf(a / Math.SQRT2)),
  relu: (a) => (a > 0 ? a : 0),
};

/* The model of the page's data D: f, g, and what each snapshot shows, computed once and kept.
 *
 * Returns {X, m, encodeFlat, decodeFlat, project, lift, snapshot, forget, relAt}: X is the data (flat, n
 * per point); snapshot(i) is {mdl, U, G, z, xhat, M, rel, lo, hi, showXhat, showM}: the snapshot's
 * network, its latent grid U of G points (and the grid's bounds lo, hi per latent axis), the latents
 * z = f(x) and reconstructions x̂ = g(z) of the data, the decoded grid M = g(U) and the stored
 * reliability on the grid; showXhat and showM are x̂ and M as the picture shows them.
 *
 * Vectors in R^D (D.projection) are shown through the run's stored projection P:
 * project(A, B) = W ((A - mean) / scale), m (2 or 3) values per point, and lift(p) = mean + scale W^T p,
 * the point of R^D around the data mean that shows at p (P(lift(p)) = p). Other runs are shown as they
 * are: project returns its argument, and m is n.
 */
function createModel(D) {
  const n = D.n, k = D.k, N = D.count, S = D.snapshots.length;
  const act = ACT[D.activation];
  if (!act) throw new Error("unknown activation " + D.activation);
  const MEAN = Float64Array.from(D.mean), SCALE = D.scale;
  const X = f64(D.data);
  const cache = new Array(S).fill(null);
  const PROJ = D.projection, PD = PROJ ? PROJ.m : n;  // PD: the picture's dimension
  const PW = PROJ ? f64(PROJ.components) : null;  // P's rows, PD x n
  const PMEAN = PROJ ? f64(PROJ.mean) : null, PSCALE = PROJ ? f64(PROJ.scale) : null;

  function project(A, B) {  // (B, n) points -> (B, m) as the picture shows them
    if (!PROJ) return A;
    const out = new Float64Array(B * PD), u = new Float64Array(n);
    for (let r = 0; r < B; r++) {
      for (let d = 0; d < n; d++) u[d] = (A[r * n + d] - PMEAN[d]) / PSCALE[d];
      for (let a = 0; a < PD; a++) {
        let s = 0;
        for (let d = 0; d < n; d++) s += PW[a * n + d] * u[d];
        out[r * PD + a] = s;
      }
    }
    return out;
  }
  function lift(p) {  // a point p of the picture (PD values) -> the point of R^n around the data mean
    if (!PROJ) return Float64Array.from(p);
    const out = new Float64Array(n);
    for (let d = 0; d < n; d++) {
      let s = 0;
      for (let a = 0; a < PD; a++) s += PW[a * n + d] * p[a];
      out[d] = PMEAN[d] + PSCALE[d] * s;
    }
    return out;
  }

  function network(i) {
    const p = f32(D.snapshots[i].params);
    const enc = [], dec = [];
    let off = 0;
    for (const L of D.layers) {
      const o = L.shape[0], m = L.shape[1];
      const W = p.subarray(off, off + o * m);
      off += o * m;
      const b = p.subarray(off, off + o);
      off += o;
      (L.part === "encoder" ? enc : dec).push({ W: W, b: b, o: o, m: m });
    }
    const last = enc[enc.length - 1];
    if (last.o === 2 * k) {  // a VAE: keep the means (the first k rows)
      const W = last.W.subarray(0, k * last.m);
      enc[enc.length - 1] = { W: W, b: last.b.subarray(0, k), o: k, m: last.m };
    }
    return { enc: enc, dec: dec };
  }
  function mlp(layers, H, B) {
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l], out = new Float64Array(B * L.o), lastLayer = l === layers.length - 1;
      for (let r = 0; r < B; r++) {
        const h0 = r * L.m, o0 = r * L.o;
        for (let j = 0; j < L.o; j++) {
          let s = 0;
          const w0 = j * L.m;
          for (let t = 0; t < L.m; t++) s += H[h0 + t] * L.W[w0 + t];
          s += L.b[j];
          out[o0 + j] = lastLayer ? s : act(s);
        }
      }
      H = out;
    }
    return H;
  }
  function encodeFlat(mdl, P, B) {  // (B, n) data -> (B, k) latents z = f(x) (a VAE: the means)
    const H = new Float64Array(B * n);
    for (let r = 0; r < B; r++) for (let d = 0; d < n; d++) H[r * n + d] = (P[r * n + d] - MEAN[d]) / SCALE;
    return mlp(mdl.enc, H, B);
  }
  function decodeFlat(mdl, Z, B) {  // (B, k) latents -> (B, n) data points g(z)
    const U = mlp(mdl.dec, Z, B);
    for (let r = 0; r < B; r++) for (let d = 0; d < n; d++) U[r * n + d] = U[r * n + d] * SCALE + MEAN[d];
    return U;
  }

  function grid(i) {
    const g = D.snapshots[i].grid, G = D.gridShape;
    if (g.full) return f32(g.full);
    const ax = g.axes.map(f32);
    if (k === 1) return ax[0];
    const u = new Float64Array(G[0] * G[1] * 2);
    for (let a = 0; a < G[0]; a++) for (let b = 0; b < G[1]; b++) {
      u[2 * (a * G[1] + b)] = ax[0][a];
      u[2 * (a * G[1] + b) + 1] = ax[1][b];
    }
    return u;
  }
  function snapshot(i) {  // what snapshot i shows, computed with its own f and g (and kept)
    if (cache[i]) return cache[i];
    const mdl = network(i), U = grid(i), G = U.length / k;
    const z = encodeFlat(mdl, X, N);
    const c = {
      mdl: mdl, U: U, G: G, z: z, xhat: decodeFlat(mdl, z, N), M: decodeFlat(mdl, U, G),
      rel: f32(D.snapshots[i].reliability), lo: [], hi: [],
    };
    c.showXhat = project(c.xhat, N);  // the true x̂, projected (never snapped onto the drawn M)
    c.showM = project(c.M, G);
    for (let d = 0; d < k; d++) {
      let lo = Infinity, hi = -Infinity;
      for (let j = 0; j < G; j++) {
        lo = Math.min(lo, U[j * k + d]);
        hi = Math.max(hi, U[j * k + d]);
      }
      c.lo.push(lo);
      c.hi.push(hi);
    }
    cache[i] = c;
    return c;
  }
  function forget(i) {  // drop snapshot i's kept results: the next snapshot(i) computes them again
    cache[i] = null;
  }
  function relAt(c, u) {  // the stored reliability at latent u, interpolated on the grid (0 outside it)
    const G = D.gridShape;
    const t = [];
    for (let d = 0; d < k; d++) {
      if (u[d] < c.lo[d] || u[d] > c.hi[d]) return 0;
      t.push(((u[d] - c.lo[d]) / (c.hi[d] - c.lo[d] || 1)) * (G[d] - 1));
    }
    if (k === 1) {
      const a = Math.min(Math.floor(t[0]), G[0] - 2), f = t[0] - a;
      return c.rel[a] * (1 - f) + c.rel[a + 1] * f;
    }
    const a = Math.min(Math.floor(t[0]), G[0] - 2), b = Math.min(Math.floor(t[1]), G[1] - 2);
    const fa = t[0] - a, fb = t[1] - b, R = (p, q) => c.rel[p * G[1] + q];
    const left = R(a, b) * (1 - fb) + R(a, b + 1) * fb, right = R(a + 1, b) * (1 - fb) + R(a + 1, b + 1) * fb;
    return left * (1 - fa) + right * fa;
  }

  return { X, m: PD, encodeFlat, decodeFlat, project, lift, snapshot, forget, relAt };
}
