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
- :class:`CacheModel`, :func:`read_cache` and :func:`write_cache`: the JSON
  caches (the index, the render rates, the timelines, the cues) are pydantic
  models with a format ``version``, read and written through these. A cache
  file that is missing, unreadable or does not validate is absent: it is made
  again, never an error.
- :func:`code_digest` hashes a chapter's own code: its module and every
  ``aecore``/``scenes`` module it imports, directly or not, so editing one
  chapter re-renders that chapter only. Two kinds of module are not followed:
  the chapter registry ``scenes/chapters/__init__.py`` is hashed as text without the
  chapters it lists (a chapter reads from it only the order, to know whether
  the next one continues it), and the modules that never run inside a scene
  (:data:`NOT_IN_SCENES`: the trainer, whose effect is in the run's bytes,
  which are keyed separately, and the render pipeline itself).
"""

from __future__ import annotations

import ast
import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict, Field, OnErrorOmit, RootModel, ValidationError

from aecore.errors import AecoreError
from aecore.files import atomic_write, file_sha256

__all__ = [
    "INDEX_NAME",
    "NOT_IN_SCENES",
    "WORK_NAME",
    "CacheModel",
    "FileRecord",
    "Index",
    "IndexEntry",
    "IndexFile",
    "WorkDir",
    "code_digest",
    "install",
    "prepare_out",
    "read_cache",
    "sweep_stale",
    "write_cache",
]

_log = logging.getLogger(__name__)

INDEX_NAME = ".ae-explainer-index.json"
"""The index of an output folder."""

WORK_NAME = ".ae-explainer-tmp"
"""The folder of work folders inside an output folder."""

_ROOT = Path(__file__).resolve().parents[1]
_PACKAGES = ("aecore", "scenes")
_REGISTRY = "scenes/chapters/__init__.py"

NOT_IN_SCENES = frozenset({"aecore.train", "aecore.model"})
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
        with tempfile.TemporaryFile(prefix=".ae-explainer-probe-", dir=out):
            pass  # a file could be made there (and is gone)
    except OSError as e:
        hint = "give a shorter name" if e.errno == errno.ENAMETOOLONG else "give a folder you can write to"
        raise AecoreError(f"{flag} {out}: cannot write there ({_reason(e)}); {hint}") from None
    return out


class WorkDir:
    """A unique, locked work folder inside ``out`` (``out/.ae-explainer-tmp/<unique>/``).

    Use as a context manager; the folder (with everything left in it) is
    removed on exit. On entry, the work folders of processes that died are
    removed.
    """

    def __init__(self, out: Path) -> None:
        self.parent = out / WORK_NAME
        self.path = self.parent / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._lock = contextlib.ExitStack()

    def __enter__(self) -> Path:
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            sweep_stale(self.parent.parent)
            self.path.mkdir()
            self._lock.enter_context(FileLock(self.path / "lock"))  # held until __exit__
        except OSError as e:
            self._lock.close()
            raise AecoreError(f"--out {self.parent.parent}: cannot write there ({_reason(e)})") from None
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._lock.close()
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
            try:
                with FileLock(lock, blocking=False):
                    pass
            except Timeout:
                continue  # a live process holds it
        shutil.rmtree(d, ignore_errors=True)
        _log.info("removed %s, left by an interrupted run", d)
        removed.append(d)
    return removed


class CacheModel(BaseModel):
    """The model of a JSON cache file: strict types, no unknown keys, frozen."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")


_M = TypeVar("_M", bound=BaseModel)


def _first_error(e: ValidationError) -> str:
    first = e.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def read_cache(path: Path, model: type[_M]) -> _M | None:
    """The cache file ``path`` loaded through ``model``; ``None`` when it is absent.

    A file that cannot be read or does not validate (not JSON, a field of the
    wrong type, an unknown format ``version``) counts as absent, with one
    warning: its content is made again.
    """
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        _log.warning("%s is not readable (%s); making it again", path, _reason(e))
        return None
    try:
        return model.model_validate_json(text)
    except ValidationError as e:
        _log.warning("%s is not a valid %s (%s); making it again", path, model.__name__, _first_error(e))
        return None


def write_cache(path: Path, model: BaseModel) -> Path:
    """Write ``model`` to ``path`` as indented JSON with sorted keys (atomically); returns ``path``."""
    doc = model.model_dump(mode="json", exclude_none=True)
    return atomic_write(path, json.dumps(doc, indent=1, sort_keys=True))


FileRecord = tuple[Annotated[int, Field(ge=0)], str]
"""A file's size in bytes and the SHA-256 of its bytes."""


def _file_record(path: Path) -> FileRecord:
    return path.stat().st_size, file_sha256(path)


class IndexEntry(CacheModel):
    """What made one output, and its files (an entry of :class:`IndexFile`).

    Format version 1. Entries written before versions existed (without a
    ``version`` key) have the same fields and load as version 1.
    """

    version: Literal[1] = 1
    key: str
    """The key of what made the output (its code, runs and options)."""
    files: dict[str, FileRecord]
    """Every file of the output, the main one included, by name."""
    animations: tuple[str, Annotated[int, Field(gt=0)]] | None = None
    """``(COUNT_KEY, N)``: the render wrote ``N`` animations (a clip's entry)."""


class IndexFile(RootModel[dict[str, OnErrorOmit[IndexEntry]]]):
    """``.ae-explainer-index.json``: an :class:`IndexEntry` under each output's main file name.

    The version is in each entry, so the file stays the table of outputs by
    name that earlier versions wrote. An entry that does not validate
    (damaged, or of another version) is left out when the file is read: its
    output counts as stale, is rendered again, and its entry is rewritten.
    """

    model_config = ConfigDict(strict=True, frozen=True)


class Index:
    """``.ae-explainer-index.json`` in ``folder``: what made each output, and its files (:class:`IndexFile`).

    A clip's entry also keeps its number of animations, which its next render
    with other pixels expects (:meth:`animations`).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / INDEX_NAME
        self.lock = folder / (INDEX_NAME + ".lock")

    def _read(self) -> dict[str, IndexEntry]:
        found = read_cache(self.path, IndexFile)
        return dict(found.root) if found is not None else {}

    def fresh(self, target: Path, key: str) -> bool:
        """Whether ``target`` was made by ``key`` and every file of it is there, whole."""
        entry = self._read().get(target.name)
        if entry is None or entry.key != key or target.name not in entry.files:
            return False
        for name, record in entry.files.items():
            path = self.folder / name
            try:
                if not path.is_file() or _file_record(path) != record:
                    return False
            except OSError:
                return False
        return True

    def record(
        self,
        target: Path,
        key: str,
        files: Sequence[Path],
        count_key: str | None = None,
        animations: int | None = None,
    ) -> None:
        """Record that ``key`` made ``target`` together with ``files`` (merged under a lock).

        ``animations`` (with the ``count_key`` of what it depends on) is how
        many animations the render wrote.
        """
        counted = (count_key, animations) if count_key is not None and animations else None
        entry = IndexEntry(key=key, files={p.name: _file_record(p) for p in files}, animations=counted)
        with FileLock(self.lock):
            write_cache(self.path, IndexFile({**self._read(), target.name: entry}))

    def animations(self, count_key: str) -> int | None:
        """The number of animations a render recorded under ``count_key`` (``None``: none did)."""
        for entry in self._read().values():
            if entry.animations is not None and entry.animations[0] == count_key:
                return entry.animations[1]
        return None


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


def code_digest(files: Sequence[Path], language: str = "en") -> str:
    """A hash of the Manim version and the code of ``files`` and every project module they import.

    In a ``language`` other than English, also of its translations of the
    strings those modules hold (:func:`scenes.i18n.strings_digest`): an edited
    translation changes the digest of the chapters that show it, and only theirs.
    """
    import manim

    from scenes.i18n import strings_digest

    h = hashlib.sha256(manim.__version__.encode())
    closure = _closure(files)
    for f in closure:
        rel = f.relative_to(_ROOT) if f.is_relative_to(_ROOT) else f
        h.update(rel.as_posix().encode() + b"\0")
        h.update(f.read_bytes())
    if language != "en":
        h.update(strings_digest(language, closure).encode())
    return h.hexdigest()[:16]
