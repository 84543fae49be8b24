"""The target of a forkserver job (light to import: the server has the real work preloaded)."""

from __future__ import annotations

__all__ = ["job"]


def job(args: list[str], log: str) -> None:
    """Run ``manim ARGS`` as a render worker's child does (:mod:`_forkserver_worker`, preloaded)."""
    from _forkserver_worker import job as preloaded

    preloaded(args, log)
