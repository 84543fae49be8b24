"""The snapshot file: a typed, versioned contract between the trainer and the scenes.

One ``.npz`` archive, readable with ``numpy.load(path, allow_pickle=False)``:

=======================  ==================  ===================================
array                    shape               meaning
=======================  ==================  ===================================
``meta``                 (B,) uint8          UTF-8 JSON object, see below
``data``                 (N, n) float64      the data x_j
``step``                 (S,) int64          training step of each snapshot
``loss``                 (S,) float32        mean_j ||x_j - x̂_j||^2
``latents``              (S, N, k) float32   z_j = f(x_j)
``recon``                (S, N, n) float64   x̂_j = g(z_j)
``latent_grid``          (S, *G, k) float32  the latent grid
``manifold``             (S, *G, n) float64  M = g(latent_grid)
``density``              (S, *G) float32     KDE of the z_j on the grid
``stretch``              (S, *G) float32     g's length (k=1) or area (k=2) element
``density_on_m``         (S, *G) float32     density / stretch, 1 = typical at the data
``reliability``          (S, *G) float32     smooth function of density_on_m, [0, 1]
``param/<name>``         (S, ...) float32    model weights at each snapshot
``latent_logvar``        (S, N, k) float32   optional (VAE runs only): log-variance
                                             of q(z|x_j); ``latents`` is its mean
``ensemble_manifold``    (E, *G, n) float64  optional: the final M of E decoders
                                             from ``config["ensemble_seeds"]``
``agreement``            (*G) float32        optional: their agreement with the
                                             final M, [0, 1] (:mod:`aecore.ensemble`)
``ensemble_spread``      (*G) float32        optional: their mean distance from it
``labels``               (N,) int64          optional: a class per point (the
                                             digit of an image), for colouring;
                                             training never sees it
=======================  ==================  ===================================

**Images.** A run whose points are images has ``meta["image_shape"]``
``[H, W]`` with ``H W = n`` (rows of pixels, flattened row by row). Its
``recon``, ``manifold`` and ``ensemble_manifold`` are stored as float32
(pixels need no float64, and a run of 1,797 digit images at 32 snapshots
then stays under 25 MB); ``data`` stays float64. A recorded run
(:class:`aecore.recorder.SnapshotRecorder`) stores them as float32 too, the
precision its model computes in.

**Versions.** Version 2 (written since the reliability learned to see
gaps) adds ``stretch`` and ``density_on_m``, and the optional ensemble
arrays (all three or none); its ``density`` is the KDE with the local
bandwidth and its ``reliability`` comes from the density on M
(:mod:`aecore.manifold_density`). Version 1 files still load: they lack
those arrays (their snapshots' ``stretch`` and ``density_on_m`` are ``None``,
and their ``reliability`` is the older one, from the latent density alone).

**Vectors** (version 3): points in R^D, 4 <= D <= 1,024, that are not
images, add the picture's projection P (:mod:`aecore.vectors`), all four or
none, float64: ``projection`` (m, n) orthonormal rows W (m = k + 1),
``projection_mean`` and ``projection_scale`` (n,), ``projection_variance``
(m,), with P(x) = W ((x - mean) / scale); and ``meta["features"]`` (names,
and for a trained run the original per-feature means and deviations and the
near-constant columns). Other runs are still written as version 2.

``*G`` is ``(G,)`` for k=1 and ``(G, G)`` for k=2. The data-space arrays
``data``, ``recon`` and ``manifold`` are float64, so data far from the origin
(say 1e8 + N(0, 1)) keeps its detail; every other floating array is float32.
Files written before this change hold float32 ``recon`` and ``manifold``; the
reader accepts float32 or float64 for every floating array. ``meta`` holds
``format_version``, ``config`` (the :class:`aecore.config.TrainConfig`
fields), ``data_sha256``, ``versions`` (library versions), ``layer_sizes``,
``param_names`` and ``normalization`` (the model's fixed ``mean`` and
``scale``; optional, added in aecore 0.1). :func:`load_run` gives ``meta`` and
its ``config`` as typed models (:class:`aecore.meta.RunMeta`, ``run.meta.normalization``).

**Runs without weights.** A run recorded from the user's own model
(:class:`aecore.recorder.SnapshotRecorder`) holds ``param/<name>`` arrays,
``layer_sizes`` and ``param_names`` only when its encoder and decoder are
``nn.Sequential`` MLPs of one activation (what :mod:`aecore.forward`
evaluates); otherwise it has none of the three, and everything else as
above (its M, reconstructions and reliability come from the user's decoder
itself). What needs the weights (:func:`aecore.forward.forward`, the network diagram,
the explorer) then fails with one line naming the file. Its
``meta["recorder"]`` says what recorded it.

A VAE run (``config["variant"] == "vae"``; files without the field are plain
autoencoders) stores ``latents`` = mu, ``recon`` = g(mu) and ``loss`` of g(mu),
and adds ``latent_logvar``; its last encoder layer ``param/encoder.<i>`` has 2k
outputs (mean rows first, then log-variance rows) while ``layer_sizes`` lists
the k means as the bottleneck (see :mod:`aecore.forward`). Older readers
ignore the extra array; this reader accepts files without it.

The archive is written deterministically (fixed zip timestamps, sorted
entries) to a temporary file that is then renamed, so a file either exists
whole or not at all, and the same run gives the same bytes.

Reading is a security boundary: :func:`load_run` treats the file as untrusted
bytes. It never unpickles, checks every size the zip and ``.npy`` headers
declare *before* it allocates or inflates anything (see :func:`load_run` for
the limits), and checks every array's dtype, shape, finiteness and range
against the metadata afterwards. Whatever the bytes, it returns a consistent
:class:`Run` or raises :class:`~aecore.errors.AecoreError` with a one-line
message naming the file and what is wrong.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from aecore.errors import AecoreError
from aecore.files import atomic_path, checked_path
from aecore.meta import RunConfig, RunMeta, run_meta
from aecore.snapshot_checks import FLOAT64 as _FLOAT64
from aecore.snapshot_checks import FORMAT_VERSION, read_checked
from aecore.snapshot_vectors import PROJECTION, VECTORS_VERSION
from aecore.vectors import Projection

__all__ = ["FORMAT_VERSION", "Ensemble", "Run", "Snapshot", "load_run", "stored_array", "write_run"]


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
    stretch: np.ndarray | None = None
    density_on_m: np.ndarray | None = None


@dataclass(frozen=True)
class Ensemble:
    """Decoders trained from other seeds, compared with the run's final M (:mod:`aecore.ensemble`).

    Attributes
    ----------
    seeds
        The other decoders' seeds.
    manifolds
        ``(E, *G, n)`` each one's final M on its own latent grid.
    agreement
        ``(*G)`` in [0, 1], at the final snapshot's latent grid: 1 where they coincide with M.
    spread
        ``(*G)`` their mean distance from M there, in data units.
    """

    seeds: tuple[int, ...]
    manifolds: np.ndarray
    agreement: np.ndarray
    spread: np.ndarray


@dataclass(frozen=True)
class Run:
    """A whole training run as read from a snapshot file.

    Attributes
    ----------
    data
        ``(N, n)`` data.
    config
        The training config as stored (:class:`aecore.meta.RunConfig`; ``meta.config``).
    meta
        All metadata, typed (:class:`aecore.meta.RunMeta`: ``format_version``, ``data_sha256``, ...).
    snapshots
        Snapshots in step order.
    ensemble
        The other seeds' decoders and their agreement, if the run was trained with them.
    labels
        ``(N,)`` a class per point (the digit of an image) for colouring, if the data has them.
    projection
        The picture's projection P of a vector run (:mod:`aecore.vectors`), else ``None``.
    source
        Where the run was read from (its file), for messages.
    """

    data: np.ndarray
    config: RunConfig
    meta: RunMeta
    snapshots: list[Snapshot]
    ensemble: Ensemble | None = None
    labels: np.ndarray | None = None
    source: str = "run"
    projection: Projection | None = None

    @property
    def feature_names(self) -> tuple[str, ...] | None:
        """The names of a vector run's features (``meta.features``), else ``None``."""
        return None if self.meta.features is None else self.meta.features.names

    @property
    def has_weights(self) -> bool:
        """Whether the run holds an MLP's weights (every trained run does; a recorded one may not)."""
        return bool(self.final.params) and self.meta.layer_sizes is not None

    def require_weights(self, what: str = "the network diagram") -> None:
        """Raise one line naming the file if the run holds no MLP weights, which ``what`` needs.

        Raises
        ------
        AecoreError
            ``<file>: <what> needs an MLP's weights; ...`` (see "Runs without weights" above).
        """
        if not self.has_weights:
            raise AecoreError(
                f"{self.source}: {what} needs an MLP's weights, and this run has none (it was recorded"
                " from a model that is not an nn.Sequential of nn.Linear layers and one activation)"
            )

    @property
    def image_shape(self) -> tuple[int, int] | None:
        """``(H, W)`` when each point is an image of H x W pixels (``meta.image_shape``), else ``None``."""
        return self.meta.image_shape

    @property
    def final(self) -> Snapshot:
        """The last snapshot (the trained model)."""
        return self.snapshots[-1]

    @property
    def variant(self) -> str:
        """``"ae"`` or ``"vae"`` (files written before VAEs existed are ``"ae"``)."""
        return self.config.variant

    @property
    def layer_sizes(self) -> list[int]:
        """Neuron counts from input to output layer (for a VAE the bottleneck is the k means)."""
        self.require_weights()
        assert self.meta.layer_sizes is not None  # require_weights checked it
        return list(self.meta.layer_sizes)

    @property
    def losses(self) -> np.ndarray:
        """Loss of every snapshot, in step order."""
        return np.array([s.loss for s in self.snapshots])

    @property
    def steps(self) -> np.ndarray:
        """Step of every snapshot."""
        return np.array([s.step for s in self.snapshots])


def write_run(
    path: str | Path,
    data: np.ndarray,
    meta: dict[str, Any],
    arrays: dict[str, np.ndarray],
    float32_data_space: bool | None = None,
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
        snapshots), and ``param/<name>`` arrays. Floating arrays are stored
        as float64 for ``recon`` and ``manifold`` (data space; float32 when
        ``meta`` has ``image_shape``) and float32 otherwise; integer arrays as
        int64.
    float32_data_space
        Store ``recon`` and ``manifold`` as float32 even for points (a
        recorded model computes in float32); default: only for images.
    """
    path = Path(path)
    if float32_data_space is None:
        float32_data_space = bool(meta.get("image_shape"))
    meta = {"format_version": VECTORS_VERSION if "projection" in arrays else FORMAT_VERSION, **meta}
    entries: dict[str, np.ndarray] = {
        "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8),
        "data": np.ascontiguousarray(data, dtype="<f8"),
    }
    for name, a in arrays.items():
        entries[name] = np.ascontiguousarray(stored_array(name, a, float32_data_space))
    with atomic_path(path, ".tmp") as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(entries):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, entries[name], allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())
    return path


def stored_array(name: str, a: np.ndarray, float32_data_space: bool = False) -> np.ndarray:
    """The array ``name`` in the dtype the file stores it in (see :func:`write_run`).

    Floating arrays become float32, except the data-space ``recon``,
    ``manifold`` and ``ensemble_manifold`` (float64, or float32 with
    ``float32_data_space``); integer arrays become int64.
    """
    a = np.asarray(a)
    if a.dtype.kind == "f" and name in PROJECTION:
        return a.astype("<f8", copy=False)
    if a.dtype.kind == "f":
        return a.astype("<f8" if name in _FLOAT64 and not float32_data_space else "<f4", copy=False)
    if a.dtype.kind in "iu":
        return a.astype("<i8", copy=False)
    return a


def load_run(path: str | Path) -> Run:
    """Read a snapshot file written by :func:`write_run`, treating its bytes as untrusted.

    Nothing in the file is executed (no pickles), nothing is allocated or
    inflated before the sizes that justify it have been checked, and every
    array is checked against the metadata before a :class:`Run` is built.

    1. **The zip directory**, before any member is read: at most 4096
       members, each ``<array>.npy`` for a known array or
       ``param/<name>.npy``, stored or deflated, not encrypted, none twice;
       ``meta`` declares at most 1 MiB. The members' declared uncompressed
       sizes must sum to at most ``min(2 GiB, max(64 MiB, 200 x the file's
       size))``. Deflate reaches about 1030:1 on runs of zeros, but trained
       weights, latents and KDE values compress to well under 2:1, so even a
       run whose grids are largely exact zeros stays far below 200:1 overall
       (the committed fixture and default-size runs are about 1:1). The 64 MiB floor lets a small file
       hold highly compressible arrays (64 MiB is harmless to hold), and
       2 GiB is a sanity cap far above the runs the scenes use (a few MB);
       it leaves room for image data (n up to 4096). ``zipfile`` never yields
       more bytes than a member declares, so these sums bound all memory.
    2. **Each member's** ``.npy`` **header**, parsed from the member's first
       bytes (format 1.0 or 2.0, at most 10 000 header characters): a plain
       little-endian or native dtype (float32 or float64; an integer type for
       ``step``; uint8 for ``meta``; never object, string or structured), and
       ``header + prod(shape) * itemsize`` equal to the member's declared
       size, so an array is allocated only if its bytes are in the file.
       Only then :func:`numpy.lib.format.read_array` (``allow_pickle=False``)
       reads it, inflating it once, and the zip CRC is checked.
    3. **The contents**: ``meta`` is a JSON object of ``format_version``
       1 or 2 (:data:`aecore.snapshot_checks.READABLE_VERSIONS`) whose ``config`` is an object with
       ``latent_dim`` k in (1, 2); ``data`` is ``(N, n)`` with N >= 1 and
       2 <= n <= 4096; there are S >= 1 snapshots, and every array has the
       shape the module docstring gives (``step`` non-negative integers;
       ``param/<name>`` led by S); every floating array is finite;
       ``loss``, ``density``, ``stretch``, ``density_on_m`` and
       ``ensemble_spread`` are >= 0, ``reliability`` and ``agreement`` are in
       [0, 1]; version 2 has ``stretch`` and ``density_on_m``, and the
       ensemble arrays come all three or none, one manifold per
       ``config["ensemble_seeds"]``;
       ``layer_sizes`` is ``[n, ..., k, ..., n]``, ``param_names`` lists
       exactly the ``param/<name>`` arrays (both may be absent when there are
       none: a run without weights), and ``normalization`` (if
       present) has n finite ``mean`` values and a positive ``scale``.

    Raises
    ------
    AecoreError
        If the file is missing, truncated, corrupt, not a snapshot file, of
        another ``format_version``, or fails any check above; the message is
        one line naming the file and the problem. No other exception escapes,
        whatever the file's bytes.
    """
    p = Path(path)
    checked_path(p, "snapshot file", expect="give a run file written by 'ae-explainer train'")
    where, meta, arrays = read_checked(p)
    return _assemble(run_meta(where, meta), arrays, where)


def _assemble(meta: RunMeta, arrays: dict[str, np.ndarray], source: str = "run") -> Run:
    """The :class:`Run` of checked ``arrays`` (see :func:`aecore.snapshot_checks.check_arrays`)."""
    step, grid, rel = arrays["step"], arrays["latent_grid"], arrays["reliability"]
    params = {key[len("param/") :]: a for key, a in arrays.items() if key.startswith("param/")}
    logvar = arrays.get("latent_logvar")
    order = np.argsort(step, kind="stable")
    snaps = [
        Snapshot(
            step=int(step[i]),
            loss=float(arrays["loss"][i]),
            latents=arrays["latents"][i],
            recon=arrays["recon"][i],
            latent_grid=grid[i],
            manifold=arrays["manifold"][i],
            density=arrays["density"][i],
            reliability=rel[i],
            params={name: a[i] for name, a in params.items()},
            latent_logvar=None if logvar is None else logvar[i],
            stretch=arrays["stretch"][i] if "stretch" in arrays else None,
            density_on_m=arrays["density_on_m"][i] if "density_on_m" in arrays else None,
        )
        for i in order
    ]
    ensemble = None
    if "agreement" in arrays:
        ensemble = Ensemble(
            seeds=meta.config.ensemble_seeds,
            manifolds=arrays["ensemble_manifold"],
            agreement=arrays["agreement"],
            spread=arrays["ensemble_spread"],
        )
    return Run(
        data=arrays["data"],
        config=meta.config,
        meta=meta,
        snapshots=snaps,
        ensemble=ensemble,
        labels=arrays.get("labels"),
        source=source,
        projection=Projection(*(arrays[key].astype(np.float64) for key in PROJECTION))
        if "projection" in arrays
        else None,
    )
