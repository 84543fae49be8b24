"""Every training run the video shows, in one place (loaded from aecore's cache; never torch here).

Each chapter lists the configs it shows in :meth:`scenes.base.ChapterScene.run_configs`;
``ae-explainer`` trains them once before rendering. The loaders train a run on
first use and then read it from the run cache (:func:`aecore.cached_run`).

**The viewer's own run.** ``[run] file`` of the settings file (or
``--run-file``; the scenes read it from ``AE_EXPLAINER_RUN``) names a run
file, e.g. one recorded from the viewer's own model
(:class:`aecore.SnapshotRecorder`). Its shape decides what it stands in for
(:func:`run_file_kind`): points in R^2 with k = 1, or vectors in R^D with
k = 1 (drawn through their stored projection, :mod:`scenes.pictures.shadow`), replace :data:`MAIN_2D`
(:func:`main_run_2d`, chapters 1-6 and 12), images with k = 2 replace
:data:`DIGITS` (:func:`digits_run`, the images chapter); a chapter shows it
where its :meth:`~scenes.base.ChapterScene.run_configs` lists the config it
replaces (:func:`user_run_replaces`).

========================  =====================================================
config                    shown in
========================  =====================================================
:data:`MAIN_2D`           chapters 1-6 and 12 (the viewer may override it)
:data:`SEEDS_2D`          chapter 6: other seeds' decoders, trained with
                          :data:`MAIN_2D` and :data:`GAP_2D` (their ensemble)
:data:`GAP_2D`            chapter 6: two clusters with a gap between them
:data:`MAIN_3D`           chapter 7
:data:`SHEET_K1`,         chapter 9: k disagrees with the data's dimension
:data:`HELIX_K2`
:data:`OVERFIT`,          chapter 10: interpolating against approximating
:data:`WELL_FIT`
:data:`PRIOR_AE`,         chapter 11: a plain autoencoder (:data:`GAP_2D`) and its VAE twin
:data:`PRIOR_VAE`
:data:`DIGITS`            chapter 8: handwritten digits in R^64, k = 2
========================  =====================================================
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from aecore import AecoreError, Run, TrainConfig, cached_run, load_run
from aecore.files import checked_path
from scenes.settings import current_settings

__all__ = [
    "DIGITS",
    "GAP_2D",
    "HELIX_K2",
    "MAIN_2D",
    "MAIN_3D",
    "OVERFIT",
    "PRIOR_AE",
    "PRIOR_VAE",
    "RUN_FILE_KINDS",
    "SEEDS_2D",
    "SHEET_K1",
    "WELL_FIT",
    "digits_run",
    "gap_run_2d",
    "helix_k2_run",
    "main_config_2d",
    "main_run_2d",
    "main_run_3d",
    "run_file_kind",
    "sheet_k1_run",
    "user_run_file",
    "user_run_replaces",
]

# The 2-D story (chapters 1-6 and 12).

SEEDS_2D = (1, 2, 3, 4)
"""Other initialisation seeds of the same config, to show where decoders disagree."""

MAIN_2D = TrainConfig(data="arc", latent_dim=1, hidden=(16, 16), ensemble_seeds=SEEDS_2D)
"""The 2-D story: an arc dense at one end and sparse at the other, k = 1, with its ensemble."""

GAP_2D = TrainConfig(
    data="clusters", latent_dim=1, hidden=(16, 16), grid_margin=0.15, ensemble_seeds=SEEDS_2D
)
"""Two arcs with an empty gap 2 wide between them, k = 1: M must bridge the gap, where no data lies.

The latent grid reaches 15 % past the latents (35 % by default): M's ends then stay inside the picture.
"""


def main_config_2d() -> TrainConfig:
    """:data:`MAIN_2D` with the viewer's overrides (``[run]`` of ``--config``, see :mod:`scenes.settings`)."""
    run = current_settings().run
    return MAIN_2D.replace(**{k: v for k, v in run.items() if k != "file"})  # file: the viewer's own run


@cache
def main_run_2d() -> Run:
    """The main 2-D run (trained on first use, then read from the cache), or the viewer's own 2-D run."""
    own = _user_run("2d")
    return own if own is not None else cached_run(main_config_2d())


@cache
def gap_run_2d() -> Run:
    """:data:`GAP_2D` (trained on first use, then read from the cache)."""
    return cached_run(GAP_2D)


# The 3-D story (chapter 7).

MAIN_3D = TrainConfig(data="sheet", latent_dim=2, hidden=(32, 32), noise=0.1)
"""A curved sheet in R^3 that thins out towards one edge, k = 2.

Trains in a few seconds; the default grid for k = 2 is 33 x 33 latent points,
so M is drawn with 32 x 32 faces. The trained M follows the sheet to within
the data's noise, which is twice the default so that x visibly stays off M
(mean residual about 0.08 against a sheet 3 units wide).
"""


@cache
def main_run_3d() -> Run:
    """The main 3-D run (trained on first use, then read from the cache), or the viewer's own vectors
    in R^D with k = 2 (drawn through their stored projection P to R^3)."""
    own = _user_run("surface")
    return own if own is not None else cached_run(MAIN_3D)


# The latent dimension is a prior (chapter 9): the same trainer and network
# size, two data sets whose true dimension disagrees with the k chosen for them.

SHEET_K1 = TrainConfig(data="sheet", latent_dim=1, hidden=(32, 32), grid_size=2401)
"""A curved sheet in R^3 (a 2-D cloud) squeezed through a 1-D latent space.

M is a polyline that snakes back and forth across the sheet; trains in about
8 s. The mean residual is about 0.24 against a sheet 3 units wide (six times
that of the k = 2 fit of the same sheet).
"""

HELIX_K2 = TrainConfig(data="helix", latent_dim=2, hidden=(32, 32), grid_size=49)
"""A helix in R^3 (a 1-D cloud) given a 2-D latent space.

M is a mesh, a surface that the helix lies on; trains in about 8 s. The mean
residual is about 0.04, the data's own noise.
"""


@cache
def sheet_k1_run() -> Run:
    """The sheet trained with k = 1 (trained on first use, then read from the cache)."""
    return cached_run(SHEET_K1)


@cache
def helix_k2_run() -> Run:
    """The helix trained with k = 2 (trained on first use, then read from the cache)."""
    return cached_run(HELIX_K2)


# Approximate, don't interpolate (chapter 10): the same distribution (same noise).

OVERFIT = TrainConfig(
    data="arc", latent_dim=1, n_points=12, noise=0.1, hidden=(256, 256), steps=6000, lr=2e-3, n_snapshots=32
)
"""12 noisy points, a 256-256 network, 6000 steps: M passes through every x_j and swings between them."""

WELL_FIT = TrainConfig(data="arc", latent_dim=1, n_points=300, noise=0.1, hidden=(16, 16))
"""The same distribution as :data:`OVERFIT`, 300 points, a 16-16 network: M passes near the x_j."""


# New samples need a prior (chapter 11).

PRIOR_AE = GAP_2D
"""The two clusters with a gap (k = 1), a plain autoencoder: its latents keep the gap and lie
wherever training put them, so N(0, 1) samples often fall where g only guesses."""

PRIOR_VAE = PRIOR_AE.replace(variant="vae", kl_weight=0.03, ensemble_seeds=())
""":data:`PRIOR_AE` as a VAE; kl_weight 0.03 keeps M on the data and the latents' means near N(0, 1)."""


# Images: M lives in R^64 (chapter 8).

DIGITS = TrainConfig(
    data="digits", n_points=1797, noise=0.0, latent_dim=2, hidden=(64, 32), activation="tanh", n_snapshots=32
)
"""All 1,797 of scikit-learn's 8 x 8 digit images, k = 2, a 64-64-32-2 encoder with tanh.

M is stored as 25 x 25 decoded images (the default grid for images); 32
snapshots keep the file near 21 MB (float32 images). tanh spreads the digit
classes over the latent plane more evenly than silu, which crowds them at
the origin; a few seconds to train.
"""


@cache
def digits_run() -> Run:
    """:data:`DIGITS` (trained on first use, then read from the cache), or the viewer's own image run."""
    own = _user_run("images")
    return own if own is not None else cached_run(DIGITS)


# The viewer's own run file (see the module docstring).

RUN_FILE_KINDS = {
    "2d": "points in R^2 or vectors in R^D (through their projection) with k = 1 (chapters 1-6 and 12)",
    "images": "images with k = 2 (meta image_shape; the images chapter)",
    "surface": "vectors in R^D with k = 2 (through their projection to R^3; the surface chapter 7)",
}
"""What a run file may hold, by kind, and where it is shown."""


def user_run_file() -> Path | None:
    """The viewer's own run file (``[run] file`` or ``--run-file``), or ``None``."""
    file = current_settings().run.get("file")
    return Path(file) if file else None


def run_file_kind(path: str | Path) -> str:
    """Load and check the run file ``path``; return what it stands in for: ``"2d"``, ``"images"`` or
    ``"surface"``.

    Raises
    ------
    AecoreError
        One line naming the file, if it does not load or holds neither kind
        of :data:`RUN_FILE_KINDS` (what it holds and what is needed).
    """
    return _kind(*_stat(path))[0]


def user_run_replaces() -> TrainConfig | None:
    """The config whose run the viewer's own run file stands in for (:func:`run_file_kind`), or ``None``."""
    path = user_run_file()
    if path is None:
        return None
    return {"2d": main_config_2d(), "images": DIGITS, "surface": MAIN_3D}[run_file_kind(path)]


def _user_run(kind: str) -> Run | None:
    """The viewer's own run file if it is of ``kind``."""
    path = user_run_file()
    if path is None:
        return None
    found, run = _kind(*_stat(path))
    return run if found == kind else None


def _stat(path: str | Path) -> tuple[str, int, int]:
    p = checked_path(path, "run file", expect="give a .npz run file")
    st = p.stat()
    return str(path), st.st_size, st.st_mtime_ns


@cache
def _kind(path: str, size: int, mtime_ns: int) -> tuple[str, Run]:
    """The kind and run of the file ``path`` (remembered per path, size and modification time)."""
    if not path.endswith(".npz"):
        raise AecoreError(f"{path}: a run file ends in .npz (write one with aecore.SnapshotRecorder)")
    run = load_run(path)
    n, k, image = run.data.shape[1], run.config.latent_dim, run.image_shape
    if image is None and k == 1 and (n == 2 or run.projection is not None):
        return "2d", run  # vectors in R^D are drawn through their stored projection P
    if image is None and k == 2 and run.projection is not None:
        return "surface", run  # through P to R^3, in the surface chapter
    if image is not None and k == 2:
        classes = 0 if run.labels is None else len(set(run.labels.tolist()))
        if classes < 2:
            has = "no labels" if run.labels is None else f"one label ({int(run.labels[0])})"
            raise AecoreError(
                f"{path}: its images have {has}; the images chapter colours and walks between classes,"
                " so record labels of at least two classes (SnapshotRecorder(labels=...))"
            )
        return "images", run
    holds = f"images of {image[0]} x {image[1]} pixels" if image else f"points in R^{n}"
    raise AecoreError(
        f"{path}: holds {holds} with k = {k}; the chapters show {RUN_FILE_KINDS['2d']},"
        f" {RUN_FILE_KINDS['images']}, or {RUN_FILE_KINDS['surface']}"
    )
