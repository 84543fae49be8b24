"""Output folders that are never stale and never half-written.

- :func:`prepare_out` checks that ``--out`` is a folder we can write into,
  before anything is trained or rendered.
- :class:`WorkDir` is a private, locked temporary folder inside the output
  folder (``.ae-explainer-tmp/<unique>/``). Renders and partial files live
  there and are renamed onto their final names only when whole; the folder is
  removed on exit, and a folder left by a killed process (its lock is free) is
  removed by the next one.
- :class:`Index` (``.ae-explainer-index.json``) records, for each output, the
  key of what made it and the size and SHA-256 of every file that belongs to
  it (a clip and its ``.srt`` and ``.vtt``), so a file is reused only when its
  inputs are the same *and* every part of it is there, whole. Writers merge
  their entries under a lock, so concurrent renders into one folder keep
  each other's entries.
- :func:`code_digest` hashes a chapter's own code: its module and every
  ``aecore``/``scenes`` module it imports, directly or not, so editing one
  chapter re-renders that chapter only. Two kinds of module are not followed:
  the chapter registry ``scenes/chapters.py`` is hashed as text without the
  chapters it lists (a chapter reads from it only the order, to know whether
  the next one continues it), and the modules that never run inside a scene
  (:data:`NOT_IN_SCENES`: the trainer, whose effect is in the run's bytes,
  which are keyed separately, and the render pipeline itself).
"""

from __future__ import annotations

import ast
import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from aecore.cache import file_sha256
from aecore.errors import AecoreError

__all__ = [
    "INDEX_NAME",
    "NOT_IN_SCENES",
    "WORK_NAME",
    "Index",
    "WorkDir",
    "atomic_write_text",
    "code_digest",
    "prepare_out",
]

_log = logging.getLogger(__name__)

INDEX_NAME = ".ae-explainer-index.json"
"""The index of an output folder."""

WORK_NAME = ".ae-explainer-tmp"
"""The folder of work folders inside an output folder."""

_ROOT = Path(__file__).resolve().parents[1]
_PACKAGES = ("aecore", "scenes")
_REGISTRY = "scenes/chapters.py"

NOT_IN_SCENES = frozenset(
    {
        "aecore.train",
        "aecore.model",
        "aecore.cli",
        "aecore._scene_cli",
        "aecore.delivery",
        "aecore.media",
        "aecore.lecture",
        "aecore.outputs",
        "aecore.userconfig",
        "aecore.__main__",
    }
)
"""Modules a chapter's digest leaves out: they never run while a scene is rendered."""
_STALE_UNLOCKED_SECONDS = 600.0


def _reason(e: OSError) -> str:
    return e.strerror or type(e).__name__


def prepare_out(out: Path, flag: str = "--out") -> Path:
    """Create ``out`` if needed and check that files can be written into it.

    Raises
    ------
    AecoreError
        One line naming ``flag`` and the folder, and why it cannot be used.
    """
    try:
        if out.exists() and not out.is_dir():
            raise AecoreError(f"{flag} {out}: is a file; give a folder")
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".ae-explainer-probe-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        hint = "give a shorter name" if e.errno == errno.ENAMETOOLONG else "give a folder you can write to"
        raise AecoreError(f"{flag} {out}: cannot write there ({_reason(e)}); {hint}") from None
    return out


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a unique temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _flocked(lock: Path, blocking: bool = True) -> Iterator[bool]:
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


class WorkDir:
    """A unique, locked work folder inside ``out`` (``out/.ae-explainer-tmp/<unique>/``).

    Use as a context manager; the folder (with everything left in it) is
    removed on exit. On entry, the work folders of processes that died are
    removed.
    """

    def __init__(self, out: Path) -> None:
        self.parent = out / WORK_NAME
        self.path = self.parent / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._fd: int | None = None

    def __enter__(self) -> Path:
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            sweep_stale(self.parent.parent)
            self.path.mkdir()
            self._fd = os.open(self.path / "lock", os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError as e:
            raise AecoreError(f"--out {self.parent.parent}: cannot write there ({_reason(e)})") from None
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._fd is not None:
            os.close(self._fd)
        with contextlib.suppress(OSError):
            self.parent.rmdir()  # only when no other process works here


def sweep_stale(out: Path) -> list[Path]:
    """Remove the work folders in ``out`` whose process is gone; returns what was removed."""
    removed = []
    parent = out / WORK_NAME
    for d in sorted(parent.iterdir()) if parent.is_dir() else []:
        lock = d / "lock"
        if not lock.is_file():
            if d.is_dir() and time.time() - d.stat().st_mtime < _STALE_UNLOCKED_SECONDS:
                continue  # just created; its lock is on the way
        else:
            with _flocked(lock, blocking=False) as got:
                if not got:
                    continue  # a live process holds it
        shutil.rmtree(d, ignore_errors=True)
        _log.info("removed %s, left by an interrupted run", d)
        removed.append(d)
    return removed


def _file_record(path: Path) -> list[Any]:
    return [path.stat().st_size, file_sha256(path)]


class Index:
    """``.ae-explainer-index.json`` in ``folder``: what made each output, and its files.

    Each entry is ``{"key": KEY, "files": {NAME: [SIZE, SHA256], ...}}``,
    stored under the output's main file name.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / INDEX_NAME
        self.lock = folder / (INDEX_NAME + ".lock")

    def _read(self) -> dict[str, Any]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, UnicodeDecodeError):
            _log.warning("%s is not readable; rebuilding it", self.path)
            return {}
        if not isinstance(doc, dict):
            _log.warning("%s does not hold a JSON object; rebuilding it", self.path)
            return {}
        return doc

    def fresh(self, target: Path, key: str) -> bool:
        """Whether ``target`` was made by ``key`` and every file of it is there, whole."""
        entry = self._read().get(target.name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False
        files = entry.get("files")
        if not isinstance(files, dict) or target.name not in files:
            return False
        for name, record in files.items():
            path = self.folder / str(name)
            try:
                if not path.is_file() or _file_record(path) != record:
                    return False
            except OSError:
                return False
        return True

    def record(self, target: Path, key: str, files: Sequence[Path]) -> None:
        """Record that ``key`` made ``target`` together with ``files`` (merged under a lock)."""
        entry = {"key": key, "files": {p.name: _file_record(p) for p in files}}
        with _flocked(self.lock):
            doc = self._read()
            doc[target.name] = entry
            atomic_write_text(self.path, json.dumps(doc, indent=1, sort_keys=True))


def install(staged: dict[Path, Path]) -> None:
    """Rename each staged file (value) onto its final name (key); the main file comes first.

    Every staged file is complete before the first rename, and renames do not
    need free space, so a full disk never leaves part of an output behind.
    """
    for dest, src in staged.items():
        os.replace(src, dest)


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] not in _PACKAGES or name in NOT_IN_SCENES:
        return None
    base = _ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _imports(path: Path) -> tuple[Path, ...]:
    """The project modules ``path`` imports (anywhere in it, so lazy imports count)."""
    if path.as_posix().endswith(_REGISTRY):
        return ()
    tree = ast.parse(path.read_bytes(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    found = []
    for name in sorted(names):
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # a package's __init__ runs for every module in it
            f = _module_file(".".join(parts[:i]))
            if f is not None:
                found.append(f)
    return tuple(sorted(set(found)))


def _closure(files: Sequence[Path]) -> list[Path]:
    seen: set[Path] = set()
    todo = [Path(f).resolve() for f in files]
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        todo.extend(_imports(f))
    return sorted(seen)


def code_digest(files: Sequence[Path]) -> str:
    """A hash of the Manim version and the code of ``files`` and every project module they import."""
    import manim

    h = hashlib.sha256(manim.__version__.encode())
    for f in _closure(files):
        rel = f.relative_to(_ROOT) if f.is_relative_to(_ROOT) else f
        h.update(rel.as_posix().encode() + b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()[:16]
