"""Snapshots from your own PyTorch autoencoder, in the file format of :mod:`aecore.train`.

>>> rec = aecore.SnapshotRecorder(model.encoder, model.decoder, x, out="my_run.npz")  # doctest: +SKIP
>>> for step in range(2001):                                                         # doctest: +SKIP
...     loss = train_step()
...     if step in (0, 10, 100, 1000, 2000):
...         rec.record(step, loss)
>>> rec.close()                                                                      # doctest: +SKIP

At each recorded step the recorder evaluates the user's encoder f and decoder
g exactly as the trainer evaluates its own: the latents z_j = f(x_j), the
reconstructions x̂_j = g(z_j), the latent grid (:func:`aecore.recording.latent_grid`,
the trainer's rule and default sizes: 25 x 25 for images at k = 2), M =
g(grid), and the density of reconstructions on M with the reliability it
gives (:func:`aecore.manifold_density.density_with_stretch`, the trainer's
measure). g's stretch sqrt(det JᵀJ) comes from the exact Jacobian: with numpy
from the weights when f and g are ``nn.Sequential`` MLPs, else from g itself
by torch's forward-mode autograd (:func:`torch.func.jvp`, one pass per latent
axis for the whole batch).

**What is optional.** The weights (``param/<name>``, ``layer_sizes``,
``param_names``, ``normalization``) are written only when f and g are
``nn.Sequential`` of ``nn.Linear`` layers (with biases) and one activation
of :data:`aecore.model.ACTIVATIONS` between them, with as many layers in g
as in f. Any other model (a class with its own ``forward``, a convolutional
net, a plain function) gives a run without weights: every chapter that draws
data, latents, M and reliability shows it, but the network diagram (chapter
1, and chapters 2 and 11 which draw it too) and the explorer need an MLP's
weights and say so in one line.

**Side effects.** None on the training: modules are switched to ``eval()``
while recording (dropout off, batch-norm statistics untouched) and back
afterwards, no gradient is kept, no random number is drawn, and torch runs on
one thread while recording (so the same model state gives the same file,
byte for byte) and on as many as before afterwards.

**Vectors.** Data in R^D with 4 <= D <= 1,024 and no ``image_shape`` are
vectors (:mod:`aecore.vectors`): ``feature_names`` (default ``f1 ... fD``)
are kept, constant and near-constant columns are flagged (the model exists
already, so they are kept, not refused as ``train`` refuses them), and the
file stores the picture's
projection P, fitted on the data (per-feature standardised) when the
recorder is made. The data itself is kept as the model sees it.

**Memory and size.** Each snapshot is held in float32 until :meth:`close`
writes the file, so memory is bounded by ``max_snapshots`` snapshots, and
the plan (``max_snapshots`` times the arrays of one snapshot) is refused up
front, in one line, if it exceeds :data:`aecore.config_fields.MAX_RUN_BYTES`. The
data-space arrays are stored as float32 (the model computes in float32): for
the 1,797 digit images (N x 64) at 32 snapshots the file is about 20 MB,
within the 25 MB a run file may take (``tests/test_images_core.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from aecore.config import TrainConfig
from aecore.config_fields import MAX_GRID_POINTS, MAX_RUN_BYTES, MAX_SNAPSHOTS, default_grid_size
from aecore.datasets import data_hash
from aecore.errors import AecoreError
from aecore.manifold_density import mlp_stretch
from aecore.recorder_inputs import (
    Recording,
    TorchFn,
    as_data,
    as_labels,
    as_loss,
    check_image_shape,
    jvp,
    mlp_layout,
    model_device,
    model_name,
    model_parameters,
)
from aecore.recording import snapshot_row
from aecore.snapshot import stored_array, write_run
from aecore.stretch import stretch_from_jacobian
from aecore.vectors import (
    Projection,
    check_feature_names,
    default_feature_names,
    fit_projection,
    standardize_features,
)

__all__ = ["BATCH", "SnapshotRecorder"]

_log = logging.getLogger(__name__)

BATCH = 2048
"""Rows sent through the user's encoder or decoder at once (bounds the temporaries' memory)."""


def _check_settings(k: int, g: object, margin: object, bandwidth: object, reliability: object) -> None:
    """The recorder's grid and reliability settings, checked in its own words (``SnapshotRecorder: ...``)."""
    if isinstance(g, bool) or not isinstance(g, int) or g < 3 or g**k > MAX_GRID_POINTS:
        raise AecoreError(
            f"SnapshotRecorder: grid_size={g!r} must be a whole number >= 3 with grid_size**k <="
            f" {MAX_GRID_POINTS:,} (k={k}), or 0 for the default"
        )
    for name, value, lo, hi in (
        ("grid_margin", margin, 0.0, 10.0),
        ("bandwidth_scale", bandwidth, 1e-6, 1e6),
        ("reliability_scale", reliability, 1e-6, 1e6),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise AecoreError(f"SnapshotRecorder: {name}={value!r} must be a number from {lo:g} to {hi:g}")


class SnapshotRecorder:
    """Record snapshots of the user's own autoencoder into a run file (see the module docstring).

    Parameters
    ----------
    encoder, decoder
        Any torch callables (``nn.Module`` or function) mapping float32
        ``(B, n)`` tensors to ``(B, k)`` latents (k = 1 or 2, k < n) and back;
        rows must be independent (as in eval mode).
    data
        ``(N, n)`` array (numpy or torch): the points the encoder sees, images
        flattened row by row.
    out
        The ``.npz`` file :meth:`close` writes (atomically).
    image_shape
        ``(H, W)`` with ``H W = n`` when each point is an image.
    labels
        ``(N,)`` whole numbers >= 0 (e.g. the digit of each image), kept for colouring only.
    feature_names
        The D names of a vector's features (n >= 4 without ``image_shape``); default ``f1 ... fD``.
    grid_size
        Latent grid points per axis; 0: the trainer's default (241 for k = 1,
        33 for k = 2, 25 for k = 2 on images).
    grid_margin, bandwidth_scale, reliability_scale
        As in :class:`aecore.config.TrainConfig`.
    max_snapshots
        The most snapshots :meth:`record` accepts (bounds memory and the file's size).

    Raises
    ------
    AecoreError
        One line, on bad data, shapes, sizes, or a model whose outputs do not fit.
    """

    def __init__(
        self,
        encoder: TorchFn,
        decoder: TorchFn,
        data: Any,
        out: str | Path = "my_run.npz",
        image_shape: tuple[int, int] | None = None,
        labels: Any = None,
        grid_size: int = 0,
        grid_margin: float = 0.35,
        bandwidth_scale: float = 1.0,
        reliability_scale: float = 0.25,
        max_snapshots: int = 48,
        feature_names: Any = None,
    ) -> None:
        self.encoder, self.decoder, self.out = encoder, decoder, Path(out)
        self.x = as_data(data, images=True if image_shape is not None else None)
        n_points, n = self.x.shape
        self.image_shape = check_image_shape(image_shape, n)
        self.features: dict[str, Any] = {}
        if self.image_shape is None and n >= 4:  # vectors
            where = "SnapshotRecorder: feature_names"
            names = default_feature_names(n) if feature_names is None else feature_names
            if isinstance(names, str) or not hasattr(names, "__len__"):
                raise AecoreError(f"{where}={names!r:.40} must be a list of {n} names")
            names = check_feature_names(list(names), n, where)
            self.x = as_data(self.x, images=False)
            near = standardize_features(self.x, names, "SnapshotRecorder: data", refuse_constant=False)[3]
            self.features = {"names": list(names), "near_constant": list(near)}
        self.labels = as_labels(labels, n_points)
        if self.out.suffix != ".npz":
            raise AecoreError(f"SnapshotRecorder: out={str(self.out)!r} must end in .npz")
        if isinstance(max_snapshots, bool) or not isinstance(max_snapshots, int):
            raise AecoreError(f"SnapshotRecorder: max_snapshots={max_snapshots!r} must be a whole number")
        if not 1 <= max_snapshots <= MAX_SNAPSHOTS:
            raise AecoreError(f"SnapshotRecorder: max_snapshots={max_snapshots} must be 1 to {MAX_SNAPSHOTS}")
        self.max_snapshots = max_snapshots
        self.device = model_device(encoder)
        with Recording(encoder, decoder):
            z = self._encode(self.x[:2], "SnapshotRecorder")
            k = z.shape[1]
            if k in (1, 2) and k < n:
                self._decode(z, "SnapshotRecorder")  # g must map the k latents back to n values
        if k not in (1, 2) or k >= n:
            raise AecoreError(
                f"SnapshotRecorder: the encoder gives {k} latents per point; the explainer shows k = 1 or 2"
                f" (and k < n = {n})"
            )
        if not isinstance(grid_size, int) or isinstance(grid_size, bool) or grid_size != 0:
            grid = grid_size
        else:
            grid = default_grid_size({"latent_dim": k, "image_shape": self.image_shape or ()})
        _check_settings(k, grid, grid_margin, bandwidth_scale, reliability_scale)
        # The settings as the file's config: checked above in the recorder's own words (a recorded run
        # may hold one snapshot, or fewer points than training needs), so built without the trainer's checks.
        self.cfg = TrainConfig.model_construct(
            data="recorded",
            n_points=n_points,
            noise=0.0,
            latent_dim=k,
            grid_size=grid,
            grid_margin=grid_margin,
            bandwidth_scale=bandwidth_scale,
            reliability_scale=reliability_scale,
            n_snapshots=max_snapshots,
            image_shape=self.image_shape or (),
        )
        self.mlp = mlp_layout(encoder, decoder, n, k)
        self.projection: Projection | None = fit_projection(self.x, k) if self.features else None
        self._check_size()
        self._rows: list[dict[str, np.ndarray]] = []
        self._closed = False

    # Checks -------------------------------------------------------------------------------------

    def _check_size(self) -> None:
        """Refuse a plan whose arrays would exceed :data:`MAX_RUN_BYTES` (float32, weights included)."""
        n_points, n = self.x.shape
        k, g = self.cfg.latent_dim, self.cfg.grid_size**self.cfg.latent_dim
        weights = model_parameters(self.encoder, self.decoder) if self.mlp is not None else []
        params = sum(int(p.numel()) for p in weights)
        per = 4 * (n_points * (k + n) + g * (k + n + 4) + params + 2)
        total = 8 * n_points * n + self.max_snapshots * per
        if total > MAX_RUN_BYTES:
            raise AecoreError(
                f"SnapshotRecorder: {self.max_snapshots} snapshots of {n_points:,} points in R^{n} would hold"
                f" {total / 1e9:.2f} GB of arrays, over {MAX_RUN_BYTES / 1e9:.2f} GB; use at most"
                f" max_snapshots={max(1, (MAX_RUN_BYTES - 8 * n_points * n) // per)} (or fewer points)"
            )

    # Recording ----------------------------------------------------------------------------------

    def record(self, step: int, loss: Any) -> None:
        """Evaluate the model now and keep it as the snapshot of training step ``step``.

        Parameters
        ----------
        step
            A whole number >= 0, larger than the last recorded step.
        loss
            The training loss at this step: a finite number >= 0 (float or 0-d tensor).

        Raises
        ------
        AecoreError
            One line: after :meth:`close`, more than ``max_snapshots``, a bad
            step or loss, or non-finite model outputs.
        """
        where = f"SnapshotRecorder.record(step={step!r})"
        if self._closed:
            raise AecoreError(f"{where}: the recorder is closed; record before close()")
        if isinstance(step, bool) or not isinstance(step, int | np.integer) or step < 0:
            raise AecoreError(f"{where}: step must be a whole number >= 0")
        if self._rows and step <= int(self._rows[-1]["step"]):
            last = int(self._rows[-1]["step"])
            raise AecoreError(f"{where}: steps must increase; the last recorded step is {last}")
        if len(self._rows) >= self.max_snapshots:
            raise AecoreError(
                f"{where}: already {self.max_snapshots} snapshots (max_snapshots); record fewer steps"
                " or raise max_snapshots"
            )
        loss_value = as_loss(loss, where)
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # deterministic arithmetic; restored below
        try:
            with Recording(self.encoder, self.decoder):
                row = self._snapshot(int(step), loss_value, where)
        finally:
            torch.set_num_threads(threads)
        self._rows.append(row)
        _log.debug("recorded step %d (%d of at most %d)", step, len(self._rows), self.max_snapshots)

    def _snapshot(self, step: int, loss: float, where: str) -> dict[str, np.ndarray]:
        """The snapshot of the model now, as the trainer takes it, in the dtypes the file stores (float32)."""
        z = self._encode(self.x, where)
        params = self._params()
        if params is not None and self.mlp is not None:
            stretch = mlp_stretch(params, self.mlp[0], 1.0)  # the MLP's exact stretch, as the trainer's
        else:
            stretch = self._stretch  # any torch decoder's, by autograd
        row = snapshot_row(
            step, loss, z, self._decode(z, where), self.cfg, lambda v: self._decode(v, where), stretch, params
        )
        return {key: stored_array(key, a, float32_data_space=True) for key, a in row.items()}

    def _run(self, fn: TorchFn, x: np.ndarray, width: int | None, what: str, where: str) -> np.ndarray:
        """``fn`` on the rows of ``x`` in batches of :data:`BATCH`: a float32 ``(B, width)`` array."""
        import torch

        out = []
        with torch.no_grad():
            for i in range(0, len(x), BATCH):
                t = torch.from_numpy(np.ascontiguousarray(x[i : i + BATCH], dtype=np.float32)).to(self.device)
                try:
                    y = fn(t)
                except Exception as e:  # the user's model: its error on one line, its traceback the cause
                    text = (str(e).splitlines() or [type(e).__name__])[0]
                    raise AecoreError(
                        f"{where}: the {what} failed on a float32 batch of shape {tuple(t.shape)} ({text})"
                    ) from e
                if not isinstance(y, torch.Tensor) or y.ndim < 1 or y.shape[0] != len(t):
                    got = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
                    raise AecoreError(
                        f"{where}: the {what} returned {got}; expected a tensor of {len(t)} rows"
                    )
                y = y.detach().to("cpu", torch.float32).reshape(len(t), -1)
                out.append(y.numpy())
        a = np.concatenate(out)
        if width is not None and a.shape[1] != width:
            raise AecoreError(
                f"{where}: the {what} gives {a.shape[1]} values per row; expected {width} (the data's n)"
            )
        if not np.isfinite(a).all():
            raise AecoreError(f"{where}: the {what} gave NaN or infinite values")
        return a

    def _encode(self, x: np.ndarray, where: str) -> np.ndarray:
        return self._run(self.encoder, x, None, "encoder", where)

    def _decode(self, z: np.ndarray, where: str) -> np.ndarray:
        return self._run(self.decoder, z, self.x.shape[1], "decoder", where)

    def _stretch(self, u: np.ndarray) -> np.ndarray:
        """g's length or area element at latent points ``u`` ``(B, k)`` by forward-mode autograd."""
        import torch

        k = u.shape[1]
        out = []
        for i in range(0, len(u), BATCH):
            t = torch.from_numpy(np.ascontiguousarray(u[i : i + BATCH], dtype=np.float32)).to(self.device)
            eye = torch.eye(k, dtype=t.dtype, device=t.device)
            cols = [jvp(self.decoder, t, eye[j].expand_as(t)) for j in range(k)]
            jac = torch.stack([c.reshape(len(t), -1) for c in cols], dim=-1)  # (B, n, k)
            out.append(stretch_from_jacobian(jac.detach().to("cpu", torch.float64).numpy()))
        return np.concatenate(out)

    def _params(self) -> dict[str, np.ndarray] | None:
        """The MLP's weights as float32 arrays named as the trainer names them, or ``None``."""
        if self.mlp is None:
            return None
        out = {}
        for part, module in (("encoder", self.encoder), ("decoder", self.decoder)):
            for name, p in module.named_parameters():  # type: ignore[attr-defined]
                out[f"{part}.{name}"] = p.detach().to("cpu").numpy().astype(np.float32, copy=True)
        return out

    # Writing ------------------------------------------------------------------------------------

    def close(self) -> Path:
        """Write the run file (atomically; the same snapshots give the same bytes) and return its path.

        Raises
        ------
        AecoreError
            If nothing was recorded, the recorder is closed already, or the file cannot be written.
        """
        from aecore.train import _versions

        if self._closed:
            raise AecoreError(f"SnapshotRecorder.close(): {self.out} is written already")
        if not self._rows:
            raise AecoreError("SnapshotRecorder.close(): nothing recorded; call record(step, loss) first")
        arrays = {key: np.stack([r[key] for r in self._rows]) for key in self._rows[0]}
        steps = [int(s) for s in arrays["step"]]
        cfg = self.cfg
        config = {
            **cfg.to_dict(),
            "steps": steps[-1],
            "n_snapshots": len(steps),
            "hidden": [] if self.mlp is None else self.mlp[1][1 : len(self.mlp[1]) // 2],
            "activation": "" if self.mlp is None else self.mlp[0],
        }
        for unknown in ("lr", "seed", "data_seed", "kl_weight"):  # the user's loop, not known here
            config.pop(unknown)
        n = self.x.shape[1]
        meta: dict[str, Any] = {
            "config": config,
            "data_sha256": data_hash(self.x),
            "versions": _versions(),
            "recorder": {
                "encoder": model_name(self.encoder),
                "decoder": model_name(self.decoder),
                "weights": self.mlp is not None,
            },
        }
        if self.mlp is not None:
            meta["layer_sizes"] = self.mlp[1]
            meta["param_names"] = sorted(k[len("param/") :] for k in arrays if k.startswith("param/"))
            meta["normalization"] = {"mean": [0.0] * n, "scale": 1.0}
        if self.image_shape is not None:
            meta["image_shape"] = list(self.image_shape)
        if self.labels is not None:
            arrays["labels"] = self.labels
        if self.projection is not None:
            meta["features"] = self.features
            arrays.update(self.projection.arrays())
        try:
            path = write_run(self.out, self.x, meta, arrays, float32_data_space=True)
        except OSError as e:
            raise AecoreError(
                f"SnapshotRecorder.close(): cannot write {self.out} ({e.strerror or e})"
            ) from None
        self._closed = True
        self._rows = []
        _log.info("wrote %s (%d snapshots, steps %d to %d)", path, len(steps), steps[0], steps[-1])
        return path

    def __enter__(self) -> SnapshotRecorder:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None and not self._closed:
            self.close()
