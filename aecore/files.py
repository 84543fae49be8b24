"""Files that are whole or absent: atomic writes, content digests, checked paths.

Every file the project writes (a snapshot, a subtitle file, the render index,
a joined video, a GIF, a contact sheet) goes through :func:`atomic_path`: it
is written under a unique temporary name beside its destination and renamed
onto it only when complete, so a reader never sees half of it and two writers
never share a temporary file. (Locks between processes are ``filelock``'s
:class:`~filelock.FileLock`: an advisory ``flock`` the system drops when its
holder dies.)
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from aecore.errors import AecoreError, shown_path

__all__ = ["atomic_path", "atomic_write", "checked_path", "file_sha256", "os_reason"]


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str = ".part", folder: Path | None = None) -> Iterator[Path]:
    """A unique temporary path beside ``path``, renamed onto ``path`` when the block succeeds.

    Write the file to the yielded path (with any library); on an exception the
    temporary file is removed and ``path`` is untouched. ``suffix`` ends the
    temporary name (a library that picks a format by extension may need it,
    e.g. ``".part.png"``). The file is created with mode 0o644. ``folder``
    (on the same file system as ``path``, e.g. a run's work folder) holds the
    temporary file instead: what a killed process leaves there is swept with
    that folder, never left beside the outputs.

    Examples
    --------
    >>> with atomic_path(Path("out/sheet.png"), ".part.png") as tmp:  # doctest: +SKIP
    ...     image.save(tmp)
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=folder or path.parent)
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


_WHY = {
    errno.ENOENT: "does not exist",
    errno.ELOOP: "is a symbolic link loop",
    errno.ENAMETOOLONG: "has a name too long for the file system (255 bytes a part, 4,096 in all)",
    errno.EACCES: "cannot be read (permission denied)",
    errno.EPERM: "cannot be read (operation not permitted)",
    errno.ENOTDIR: "does not exist (a part of its path is a file, not a folder)",
}


def os_reason(e: OSError) -> str:
    """What an :class:`OSError` about a path says of it, in words (``"is a symbolic link loop"``)."""
    return _WHY.get(e.errno or 0, f"cannot be read ({e.strerror or e})")


def checked_path(path: str | Path, where: str, kind: str = "file", expect: str = "") -> Path:
    """A path the user gave, checked once: it exists, is a ``kind`` (``"file"`` or ``"folder"``), reads.

    Every path that comes from a flag, a settings file or an environment
    variable goes through here before anything opens it, so each way a path
    can be wrong is one line: missing, a symbolic link loop, a name too long,
    unreadable (its mode, or a folder on the way), or the wrong kind.

    Parameters
    ----------
    path
        The path as given (relative paths are relative to the working folder).
    where
        What gave it, to start the message: a flag (``"--run-file"``), a key
        (``"talk.toml [run] file"``) or a variable.
    kind
        ``"file"`` (a regular file, opened for reading) or ``"folder"`` (listed).
    expect
        What would be right, ending the message (e.g. ``"give a .npz run file"``).

    Returns
    -------
    Path
        The absolute path with symbolic links resolved.

    Raises
    ------
    AecoreError
        One line: ``"<where>: <path> <what is wrong>; <expect>"``.
    """
    p = Path(path)
    tail = f"; {expect}" if expect else ""
    name = shown_path(p)
    try:
        st = os.stat(p)
    except OSError as e:
        raise AecoreError(f"{where}: {name} {os_reason(e)}{tail}") from None
    except ValueError:  # a NUL byte in the name
        raise AecoreError(f"{where}: {name} is not a usable path (it holds a NUL byte){tail}") from None
    if kind == "folder" and not stat.S_ISDIR(st.st_mode):
        raise AecoreError(f"{where}: {name} is not a folder{tail}")
    if kind == "file" and not stat.S_ISREG(st.st_mode):
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise AecoreError(f"{where}: {name} is {what}{tail}")
    try:
        if kind == "folder":
            with os.scandir(p):
                pass
        else:
            with open(p, "rb"):
                pass
    except OSError as e:
        raise AecoreError(f"{where}: {name} {os_reason(e)}{tail}") from None
    return Path(os.path.realpath(p))
