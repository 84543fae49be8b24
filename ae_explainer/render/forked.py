"""Filling a disk cache in forked processes: the dry runs before a render, on both cores.

A render dry-runs every chapter twice before its first job (for the
narration's cues, then for the timelines the plan weighs), and each dry run
leaves its result in a cache file. On a cold cache these runs took about 40 s
of one core while the other waited. :func:`fill_in_forks` calls such a
function in processes forked from this one (Manim, the chapters and the runs
already imported and loaded), which take the items one by one as they
finish; the caller then asks for each result again, in order, and reads it
from the cache. An item whose fill failed in a fork is simply done again by
the caller, and fails there with its own error.

A fork of the caller, not :mod:`multiprocessing`'s ``forkserver``: the work
needs what the caller has loaded (Manim, the chapters, the runs) and ``fill``
is a closure over its state, which a fork server's process would have to
import and load again, and receive pickled. ``benchmarks/bench_startup.py``
measures it side by side: a fork of this process ran its first job
(``manim --version``) 0.14 s after the call; a cold fork server, preloaded
with the same modules and runs, 5.9 s (one run, 2 cores, load average 17).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["fill_in_forks"]

_log = logging.getLogger(__name__)

T = TypeVar("T")


def fill_in_forks(fill: Callable[[T], object], items: Sequence[T], jobs: int) -> None:
    """Call ``fill(item)`` for every item of ``items``, in this process and ``jobs - 1`` forks of it.

    Each process takes the next item not yet taken (from a pipe of indices),
    so a long item does not hold the others back. What ``fill`` returns in a
    fork is lost: it is for work whose result ``fill`` keeps on disk. Errors
    are not raised here (the caller's own call raises them). With one job, one
    item, or no ``os.fork``, nothing happens: the caller does the work.

    Parameters
    ----------
    fill
        The function to call per item; it must write its result to a cache.
    items
        What to call it on, in the order to start them (longest first is best).
    jobs
        How many processes at once, this one included.
    """
    n = min(jobs, len(items))
    if n < 2 or not hasattr(os, "fork") or len(items) > 255:
        return
    read, write = os.pipe()
    os.write(write, bytes(range(len(items))))
    os.close(write)  # every process reads until the pipe is empty
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[int] = []
    try:
        for _ in range(n - 1):
            pid = os.fork()
            if pid == 0:
                _child(fill, items, read)
            children.append(pid)
        _take(fill, items, read)
    except BaseException:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        raise
    finally:
        os.close(read)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _take(fill: Callable[[T], object], items: Sequence[T], read: int) -> None:
    """Fill the items whose indices this process reads from the pipe, until it is empty."""
    while index := os.read(read, 1):
        try:
            fill(items[index[0]])
        except Exception as e:  # the caller's own call does it again and raises
            _log.debug("filling %r failed in process %d: %s", items[index[0]], os.getpid(), e)


def _child(fill: Callable[[T], object], items: Sequence[T], read: int) -> None:
    """In a fork: take items until none is left, printing nothing; never returns."""
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
        # The parent's streams may be a live progress display's proxies, and their locks held by its
        # refresh thread, which is not in this process: write to plain files instead.
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        logging.disable(logging.CRITICAL)
        _take(fill, items, read)
    except BaseException:
        code = 1
    finally:
        os._exit(code)
