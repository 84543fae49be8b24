"""The snapshot file: a typed, versioned contract between the trainer and the scenes.

One ``.npz`` archive, readable with ``numpy.load(path, allow_pickle=False)``:

=======================  ==================  ===================================
array                    shape               meaning
=======================  ==================  ===================================
``meta``                 (B,) uint8          UTF-8 JSON, see below
``data``                 (N, n)              the data x_j
``step``                 (S,) int64          training step of each snapshot
``loss``                 (S,)                mean_j ||x_j - x̂_j||^2
``latents``              (S, N, k)           z_j = f(x_j)
``recon``                (S, N, n)           x̂_j = g(z_j)
``latent_grid``          (S, *G, k)          the latent grid
``manifold``             (S, *G, n)          M = g(latent_grid)
``density``              (S, *G)             KDE of the z_j on the grid
``reliability``          (S, *G)             smooth function of density, [0, 1]
``param/<name>``         (S, ...)            model weights at each snapshot
``latent_logvar``        (S, N, k)           optional (VAE runs only): log-variance
                                             of q(z|x_j); ``latents`` is its mean
=======================  ==================  ===================================

``*G`` is ``(G,)`` for k=1 and ``(G, G)`` for k=2. Floating arrays are float32
except ``data`` (float64). ``meta`` holds ``format_version``, ``config`` (the
:class:`aecore.config.TrainConfig` fields), ``data_sha256``, ``versions``
(library versions), ``layer_sizes``, ``param_names`` and ``normalization``
(the model's fixed ``mean`` and ``scale``; optional, added in aecore 0.1).

A VAE run (``config["variant"] == "vae"``; files without the field are plain
autoencoders) stores ``latents`` = mu, ``recon`` = g(mu) and ``loss`` of g(mu),
and adds ``latent_logvar``; its last encoder layer ``param/encoder.<i>`` has 2k
outputs (mean rows first, then log-variance rows) while ``layer_sizes`` lists
the k means as the bottleneck (see :mod:`aecore.forward`). Older readers
ignore the extra array; this reader accepts files without it.

The archive is written deterministically (fixed zip timestamps, sorted
entries) to a temporary file that is then renamed, so a file either exists
whole or not at all, and the same run gives the same bytes.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from aecore.errors import AecoreError

__all__ = ["FORMAT_VERSION", "Run", "Snapshot", "load_run", "write_run"]

FORMAT_VERSION = 1
"""Version of the on-disk format; :func:`load_run` refuses any other."""

_PER_SNAPSHOT = ("step", "loss", "latents", "recon", "latent_grid", "manifold", "density", "reliability")
_OPTIONAL_PER_SNAPSHOT = ("latent_logvar",)


@dataclass(frozen=True)
class Snapshot:
    """The model at one training step, evaluated on the data and a latent grid.

    ``latent_logvar`` ``(N, k)`` is the log-variance of q(z|x_j) for a VAE run
    (``latents`` then holds the means) and ``None`` for a plain autoencoder.
    """

    step: int
    loss: float
    latents: np.ndarray
    recon: np.ndarray
    latent_grid: np.ndarray
    manifold: np.ndarray
    density: np.ndarray
    reliability: np.ndarray
    params: dict[str, np.ndarray]
    latent_logvar: np.ndarray | None = None


@dataclass(frozen=True)
class Run:
    """A whole training run as read from a snapshot file.

    Attributes
    ----------
    data
        ``(N, n)`` data.
    config
        The training config as a dict (see :class:`aecore.config.TrainConfig`).
    meta
        All metadata (``format_version``, ``data_sha256``, ``versions``, ...).
    snapshots
        Snapshots in step order.
    """

    data: np.ndarray
    config: dict[str, Any]
    meta: dict[str, Any]
    snapshots: list[Snapshot]

    @property
    def final(self) -> Snapshot:
        """The last snapshot (the trained model)."""
        return self.snapshots[-1]

    @property
    def variant(self) -> str:
        """``"ae"`` or ``"vae"`` (files written before VAEs existed are ``"ae"``)."""
        return str(self.config.get("variant", "ae"))

    @property
    def layer_sizes(self) -> list[int]:
        """Neuron counts from input to output layer (for a VAE the bottleneck is the k means)."""
        return list(self.meta["layer_sizes"])

    def forward(self, x: np.ndarray, snapshot: Snapshot | None = None) -> list[np.ndarray]:
        """Every layer's values for inputs ``x`` ``(B, n)`` with numpy (no torch).

        Uses the weights of ``snapshot`` (default: the last one); see
        :func:`aecore.forward.forward_layers`. For a VAE the bottleneck values
        are the means mu (and the output is g(mu)).
        """
        from aecore.forward import forward_layers

        norm = self.meta.get("normalization")
        if norm is None:
            raise AecoreError(
                "this run has no 'normalization' metadata; re-train it to evaluate it with numpy"
            )
        s = snapshot or self.final
        return forward_layers(s.params, self.config["activation"], x, np.array(norm["mean"]), norm["scale"])

    @property
    def losses(self) -> np.ndarray:
        """Loss of every snapshot, in step order."""
        return np.array([s.loss for s in self.snapshots])

    @property
    def steps(self) -> np.ndarray:
        """Step of every snapshot."""
        return np.array([s.step for s in self.snapshots])


def write_run(
    path: str | Path, data: np.ndarray, meta: dict[str, Any], arrays: dict[str, np.ndarray]
) -> Path:
    """Write a run atomically and deterministically.

    Parameters
    ----------
    path
        Destination ``.npz``.
    data
        ``(N, n)`` data.
    meta
        JSON-serialisable metadata; ``format_version`` is added.
    arrays
        The per-snapshot arrays named in the module docstring (stacked over
        snapshots), and ``param/<name>`` arrays.
    """
    path = Path(path)
    meta = {"format_version": FORMAT_VERSION, **meta}
    entries: dict[str, np.ndarray] = {
        "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8),
        "data": np.ascontiguousarray(data, dtype="<f8"),
    }
    for name, a in arrays.items():
        a = np.asarray(a)
        if a.dtype.kind == "f":
            a = a.astype("<f4")
        elif a.dtype.kind in "iu":
            a = a.astype("<i8")
        entries[name] = np.ascontiguousarray(a)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(entries):
                buf = io.BytesIO()
                np.lib.format.write_array(buf, entries[name], allow_pickle=False)
                info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, buf.getvalue())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_run(path: str | Path) -> Run:
    """Read a snapshot file written by :func:`write_run` (never executes code).

    Raises
    ------
    AecoreError
        If the file is missing, truncated, not a snapshot file, or of another
        ``format_version``.
    """
    p = Path(path)
    if not p.is_file():
        raise AecoreError(f"snapshot file {str(p)!r} does not exist; train one with 'ae-explainer train'")
    try:
        with np.load(p, allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as e:
        raise AecoreError(
            f"{p}: not a readable snapshot file (truncated or corrupt: {str(e)[:80]})"
        ) from None
    if "meta" not in arrays:
        raise AecoreError(f"{p}: not a snapshot file (no 'meta' entry)")
    try:
        meta = json.loads(arrays.pop("meta").tobytes().decode())
    except (ValueError, UnicodeDecodeError):
        raise AecoreError(f"{p}: its metadata is not valid JSON") from None
    version = meta.get("format_version") if isinstance(meta, dict) else None
    if version != FORMAT_VERSION:
        raise AecoreError(
            f"{p}: format_version {version!r} is not supported; this aecore reads version {FORMAT_VERSION}"
            " (re-train the run)"
        )
    missing = [k for k in ("data", *_PER_SNAPSHOT) if k not in arrays]
    if missing:
        raise AecoreError(f"{p}: snapshot file lacks arrays {missing}")
    s = len(arrays["step"])
    params = {k[len("param/") :]: v for k, v in arrays.items() if k.startswith("param/")}
    optional = {k: arrays[k] for k in _OPTIONAL_PER_SNAPSHOT if k in arrays}
    if any(len(arrays[k]) != s for k in (*_PER_SNAPSHOT, *optional)) or any(
        len(v) != s for v in params.values()
    ):
        raise AecoreError(f"{p}: arrays disagree on the number of snapshots")
    logvar = optional.get("latent_logvar")
    order = np.argsort(arrays["step"], kind="stable")
    snaps = [
        Snapshot(
            step=int(arrays["step"][i]),
            loss=float(arrays["loss"][i]),
            latents=arrays["latents"][i],
            recon=arrays["recon"][i],
            latent_grid=arrays["latent_grid"][i],
            manifold=arrays["manifold"][i],
            density=arrays["density"][i],
            reliability=arrays["reliability"][i],
            params={k: v[i] for k, v in params.items()},
            latent_logvar=None if logvar is None else logvar[i],
        )
        for i in order
    ]
    return Run(data=arrays["data"], config=dict(meta.get("config", {})), meta=meta, snapshots=snaps)
