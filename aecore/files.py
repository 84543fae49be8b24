"""Files that are whole or absent: atomic writes, advisory locks, content digests.

Every file the project writes (a snapshot, a subtitle file, the render index,
a joined video, a GIF, a contact sheet) goes through :func:`atomic_path`: it
is written under a unique temporary name beside its destination and renamed
onto it only when complete, so a reader never sees half of it and two writers
never share a temporary file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

__all__ = ["atomic_path", "atomic_write", "file_sha256", "flocked"]


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str = ".part") -> Iterator[Path]:
    """A unique temporary path beside ``path``, renamed onto ``path`` when the block succeeds.

    Write the file to the yielded path (with any library); on an exception the
    temporary file is removed and ``path`` is untouched. ``suffix`` ends the
    temporary name (a library that picks a format by extension may need it,
    e.g. ``".part.png"``). The file is created with mode 0o644.

    Examples
    --------
    >>> with atomic_path(Path("out/sheet.png"), ".part.png") as tmp:  # doctest: +SKIP
    ...     image.save(tmp)
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write ``data`` (``str`` as UTF-8) to ``path`` through :func:`atomic_path`; returns ``path``."""
    blob = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        tmp.write_bytes(blob)
    return path


@contextlib.contextmanager
def flocked(lock: Path, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive advisory lock on the file ``lock`` (created if missing).

    Yields ``True`` once the lock is held; with ``blocking=False`` it yields
    ``False`` at once when another process holds it. The lock is released when
    the block ends or the process dies.
    """
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


@cache
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (remembered per path, size and modification time)."""
    st = path.stat()
    return _sha256_of(str(path), st.st_size, st.st_mtime_ns)
