"""A cache of training runs keyed on what makes them: config, data and trainer code.

Scenes ask for a run by config; the run is trained and written only when its
file is missing from the cache folder (see :func:`runs_dir`). A run's file
name holds a hash of its config, the SHA-256 of its data (so editing a data
file trains a new run) and a digest of the trainer's code (so changing the
trainer never serves a stale run). Training happens in a child process, so
the caller (a Manim scene) never imports torch.

Concurrency and faults:

- a lock file beside each run makes two processes that miss the cache at once
  train it once: the second waits, then loads what the first wrote;
- a run is written to a unique temporary name and renamed, so a file under
  its final name is whole;
- a cached file that does not load (truncated, corrupt) is reported in one
  log line, removed and trained again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path

from filelock import FileLock
from platformdirs import user_cache_path

from aecore.config import TrainConfig
from aecore.datasets import data_hash, load_data
from aecore.errors import AecoreError
from aecore.files import file_sha256
from aecore.snapshot import Run, load_run

__all__ = [
    "ProgressFn",
    "cache_folder",
    "cached_run",
    "ensure_run",
    "file_sha256",
    "keep_loaded",
    "run_path",
    "runs_dir",
]

_log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int, float], None]
"""Called as ``progress(run_name, step, total_steps, loss)`` while a run trains."""

_TRAINER_MODULES = (
    *("config", "config_fields", "data_files", "datasets", "ensemble", "forward", "generators"),
    *("manifold_density", "meta", "model", "recording", "reliability", "snapshot", "snapshot_checks"),
    *("snapshot_vectors", "stretch", "train", "vectors"),
)
"""The modules whose code decides a run's bytes (with the config and the data): the trainer and
everything it imports from aecore (a test holds this list to the trainer's imports)."""

_PACKAGE = Path(__file__).resolve().parent


def _source_checkout() -> Path | None:
    """The project folder when aecore runs from a source checkout (not an installed wheel)."""
    root = _PACKAGE.parent
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return None
    return root if 'name = "ae-explainer"' in text else None


def cache_folder(name: str, env_var: str) -> Path:
    """A cache folder of the project: ``$env_var`` if set; else ``assets/<name>/`` in a source
    checkout; else (an installed package) ``<name>`` in the user's cache folder for ae-explainer
    (``platformdirs``: ``$XDG_CACHE_HOME/ae-explainer`` or ``~/.cache/ae-explainer`` on Linux,
    ``~/Library/Caches/ae-explainer`` on macOS), so an install never writes into ``site-packages``.
    """
    env = os.environ.get(env_var)
    if env:
        return Path(env)
    checkout = _source_checkout()
    if checkout is not None:
        return checkout / "assets" / name
    return user_cache_path("ae-explainer", appauthor=False) / name


def runs_dir() -> Path:
    """The cache folder of trained runs (:func:`cache_folder` ``runs``, ``$AE_EXPLAINER_RUNS``)."""
    return cache_folder("runs", "AE_EXPLAINER_RUNS")


@cache
def _trainer_digest() -> str:
    h = hashlib.sha256()
    for name in _TRAINER_MODULES:
        h.update(name.encode())
        h.update((_PACKAGE / f"{name}.py").read_bytes())
    return h.hexdigest()


def run_path(cfg: TrainConfig, root: Path | None = None) -> Path:
    """Where the run of ``cfg`` lives in the cache (validates ``cfg`` and reads its data).

    One folder (:func:`runs_dir`) for every caller, the CLI's training and
    the scenes alike, keyed on content: the config, the data's bytes as read
    and the trainer's code. A data file's path is no part of the key, so
    the same table met through another path (relative or absolute, copied
    elsewhere) is the same cache file, named ``data-k<k>-<key>.npz``.
    """
    if _KEPT_PATHS and (kept := _KEPT_PATHS.get(_path_key(cfg, root))) is not None:
        return kept
    data = load_data(cfg.data, cfg.n_points, cfg.noise, cfg.data_seed, cfg.image_shape)
    cfg.check_data(data_dim=data.shape[1])
    content = data_hash(data)
    if _from_file(cfg):  # the file's bytes too: a CSV's header names the features the run keeps
        cfg, content = cfg.replace(data=_FILE_DATA), f"{content}:{file_sha256(Path(cfg.data))}"
    key = hashlib.sha256(f"{cfg.key(content)}:{_trainer_digest()}".encode()).hexdigest()[:16]
    return (root or runs_dir()) / f"{cfg.data}-k{cfg.latent_dim}-{key}.npz"


_FILE_DATA = "data"
"""What stands for a data file's path in a run's cache key and name (its content is in the key)."""


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s lock file (waits for another holder)."""
    lock = path.with_name(path.name + ".lock")
    with contextlib.ExitStack() as stack:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(FileLock(lock))
        except OSError as e:
            raise AecoreError(
                f"run cache {path.parent}: cannot write there ({e.strerror}); set AE_EXPLAINER_RUNS"
            ) from None
        yield


_KEPT: dict[tuple[str, int, int, int], Run] = {}
"""Runs this process keeps loaded (:func:`keep_loaded`), by path, inode, size and modification time."""


def _identity(path: Path) -> tuple[str, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path.resolve()), st.st_ino, st.st_size, st.st_mtime_ns


_KEPT_PATHS: dict[tuple[TrainConfig, str, tuple[str, int, int, int] | None], Path] = {}
""":func:`run_path` of the configs kept (:func:`keep_loaded`), by config, cache folder and data file."""


def _from_file(cfg: TrainConfig) -> bool:
    """Whether ``cfg``'s data is a file (a CSV or ``.npy``), not a named data set."""
    return cfg.data.lower().endswith((".csv", ".npy"))


def _path_key(
    cfg: TrainConfig, root: Path | None
) -> tuple[TrainConfig, str, tuple[str, int, int, int] | None]:
    data = _identity(Path(cfg.data)) if _from_file(cfg) else None
    return cfg, str(root or runs_dir()), data


def keep_loaded(configs: Sequence[TrainConfig], root: Path | None = None) -> list[Path]:
    """Find and load the cached runs of ``configs`` once, and keep them for this process's later loads.

    A render worker calls this before it forks its jobs, so that no job
    reads a run's data or file again. A run file replaced since (cache files
    are only ever replaced by renaming, which gives a new inode and time),
    or a data file changed since, is read afresh. Runs that are missing or
    do not load are skipped (nothing is trained here); returns the paths kept.
    """
    kept = []
    for cfg in configs:
        try:
            path = run_path(cfg, root)
            ident = _identity(path)
            if ident is None:
                continue
            _KEPT[ident] = load_run(path)
        except AecoreError:
            continue
        _KEPT_PATHS[_path_key(cfg, root)] = path
        kept.append(path)
    return kept


def _load_or_none(path: Path) -> Run | None:
    if not path.is_file():
        return None
    ident = _identity(path)
    if ident is not None and ident in _KEPT:
        return _KEPT[ident]
    try:
        return load_run(path)
    except AecoreError as e:
        _log.warning("cached run %s does not load (%s); training it again", path.name, e)
        return None


def _stderr_progress(name: str, step: int, total: int, loss: float) -> None:
    if step == 0:
        sys.stderr.write(f"aecore: training {name} ({total} steps)\n")
        sys.stderr.flush()


def _train_in_child(cfg: TrainConfig, path: Path, progress: ProgressFn | None) -> None:
    """Train ``cfg`` into ``path`` in a child process, passing its progress to ``progress``."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "aecore.cache", json.dumps(cfg.to_dict()), str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    last = ""
    try:
        for line in proc.stderr:
            if line.startswith("progress "):
                _, step, total, loss = line.split()
                if progress is not None:
                    progress(path.name, int(step), int(total), float(loss))
            elif line.strip():
                last = line.strip()
        code = proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if code != 0:
        raise AecoreError(f"training {path.name} failed: {last.removeprefix('error: ') or f'exit {code}'}")


def _get(cfg: TrainConfig, root: Path | None, progress: ProgressFn | None) -> tuple[Path, Run]:
    path = run_path(cfg, root)
    run = _load_or_none(path)
    if run is not None:
        return path, run
    with _locked(path):
        run = _load_or_none(path)  # another process may have trained it while we waited
        if run is None:
            path.unlink(missing_ok=True)
            _train_in_child(cfg, path, progress or _stderr_progress)
            run = load_run(path)
    return path, run


def ensure_run(cfg: TrainConfig, root: Path | None = None, progress: ProgressFn | None = None) -> Path:
    """The cache file of ``cfg``, trained first if missing or unreadable; returns its path.

    Parameters
    ----------
    cfg
        The training config.
    root
        Cache folder (default :func:`runs_dir`).
    progress
        Called while training (see :data:`ProgressFn`); default: one line on stderr.
    """
    return _get(cfg, root, progress)[0]


def cached_run(
    cfg: TrainConfig, root: Path | None = None, quiet: bool = False, progress: ProgressFn | None = None
) -> Run:
    """Load the run of ``cfg`` from the cache, training it first if missing or unreadable.

    Parameters
    ----------
    cfg
        The training config.
    root
        Cache folder (default :func:`runs_dir`).
    quiet
        Say nothing when training.
    progress
        Called while training (see :data:`ProgressFn`); default: one line on stderr.
    """
    return _get(cfg, root, _silent if quiet else progress)[1]


def _silent(name: str, step: int, total: int, loss: float) -> None:
    pass


def _main(argv: list[str]) -> int:
    from aecore.train import train_to_file

    last = [-1.0]

    def report(step: int, total: int, loss: float) -> None:
        # At most ~100 lines per run: every 1% of the steps, and the last one.
        if step == total or step == 0 or step * 100 // total > last[0]:
            last[0] = step * 100 // total
            print(f"progress {step} {total} {loss:.6g}", file=sys.stderr, flush=True)

    try:
        cfg = TrainConfig.from_dict(json.loads(argv[0]))
        report(0, cfg.steps * (1 + len(cfg.ensemble_seeds)), float("nan"))  # members train after the run
        train_to_file(cfg, argv[1], progress=report)
    except AecoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
