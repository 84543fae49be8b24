"""Benchmark vectors in R^256 against points in R^2: per training step, and the density on M.

For N = 10,000 points (``--n``), the same model (hidden 64,64, silu, k = 1,
one thread, full-batch Adam as :func:`aecore.train.train` runs it), measured
side by side in one run:

* ``step ms``     -- one training step (forward, loss, backward, Adam), the best
  of ``--repeats`` means over ``--steps`` steps after a warm-up.
* ``density ms``  -- the density of reconstructions on M and its reliability at
  the 241-point latent grid (:func:`aecore.manifold_density.density_on_manifold`:
  g's exact Jacobian in R^D, its stretch, the KDE of the N latents).
* ``snapshot ms`` -- one whole snapshot as the trainer records it
  (:func:`aecore.train.model_snapshot`: latents, x̂, M, density on M, weights).
* ``P fit ms``    -- fitting the projection P (D = 256 only; once per run).

The ratio column is D = 256 / D = 2; the target is at most 2x per training
step and for the density on M. The density on M meets it (its cost is the KDE
of the N latents, whatever D). A training step does not: its multiply-adds per
point are ``D*64 + 64*64 + 64*1`` each way, 8.6 thousand for D = 2 and 41
thousand for D = 256, so one thread does about 4.8x the arithmetic (measured:
about 5x). More threads would close it but change the bits of a run (the
trainer trains on one thread so that a run is the same bytes everywhere).

Run::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_vectors.py            # N = 10,000
    PYTHONPATH=. .venv/bin/python benchmarks/bench_vectors.py --n 2000   # quicker

This is a benchmark, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import torch

from aecore.config import TrainConfig
from aecore.datasets import standardization
from aecore.manifold_density import density_on_manifold
from aecore.model import Autoencoder
from aecore.recording import latent_grid
from aecore.train import model_snapshot
from aecore.vectors import fit_projection, standardize_features

TARGET = 2.0
"""At most this ratio D = 256 / D = 2 per training step and for the density on M."""


def _data(n: int, d: int) -> np.ndarray:
    """A noisy curve in R^2, or the same curve turned into R^d by a random rotation (standardised)."""
    rng = np.random.default_rng(0)
    t = rng.uniform(-1.0, 1.0, n)
    x = np.zeros((n, d))
    x[:, 0], x[:, 1] = t, t**2
    x += 0.05 * rng.standard_normal((n, d))
    if d > 2:
        q, _ = np.linalg.qr(rng.standard_normal((d, d)))
        x = standardize_features(x @ q.T, [str(i) for i in range(d)], "bench")[0]
    return x


def _best(fn: Callable[[], None], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def measure(n: int, d: int, steps: int, repeats: int) -> dict[str, float]:
    """Per-step, density-on-M and snapshot times (ms) for N = ``n`` points in R^``d``."""
    x = _data(n, d)
    cfg = TrainConfig(data="arc" if d == 2 else "bench.csv", latent_dim=1, hidden=(64, 64), n_points=n)
    mean, scale = standardization(x)
    torch.manual_seed(0)
    model = Autoencoder(d, 1, cfg.hidden, cfg.activation, mean, scale)
    u = model.standardize(torch.from_numpy(x))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    def train(k: int) -> None:
        for _ in range(k):
            uh = model.decode_std(model.encode_std(u)[0])
            loss = (u - uh).pow(2).sum(dim=1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if not np.isfinite(loss.item()):
                raise RuntimeError("diverged")

    train(5)  # warm-up
    out = {"step ms": 1e3 * _best(lambda: train(steps), repeats) / steps}
    with torch.no_grad():
        z = model.f(torch.from_numpy(x)).numpy()
    params = {name: p.detach().numpy() for name, p in model.named_parameters()}
    grid = latent_grid(z.astype(np.float64), cfg)
    out["density ms"] = 1e3 * _best(
        lambda: density_on_manifold(params, cfg.activation, scale, z, grid), repeats
    )
    out["snapshot ms"] = 1e3 * _best(lambda: model_snapshot(model, cfg, x, u, scale, 0) and None, repeats)
    out["P fit ms"] = 1e3 * _best(lambda: fit_projection(x, 1) and None, repeats) if d > 2 else float("nan")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--d", type=int, default=256)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the trainer trains
    try:
        low = measure(a.n, 2, a.steps, a.repeats)
        high = measure(a.n, a.d, a.steps, a.repeats)
    finally:
        torch.set_num_threads(threads)
    print(f"N = {a.n:,}, hidden 64,64, k = 1, one thread; best of {a.repeats}")
    print(f"{'':14}{'D = 2':>12}{f'D = {a.d}':>12}{'ratio':>10}  target")
    for key in low:
        ratio = high[key] / low[key] if np.isfinite(low[key]) else float("nan")
        verdict = ""
        if key in ("step ms", "density ms"):
            verdict = f"<= {TARGET:g}x {'OK' if ratio <= TARGET else 'OVER'}"
        lo = f"{low[key]:12.2f}" if np.isfinite(low[key]) else f"{'-':>12}"
        ratio_text = f"{ratio:9.2f}x" if np.isfinite(ratio) else f"{'-':>10}"
        print(f"{key:14}{lo}{high[key]:12.2f}{ratio_text}  {verdict}")


if __name__ == "__main__":
    from _report import report_only

    report_only(main)
