"""multiprocessing's forkserver as a render worker (the candidate :mod:`bench_startup` measures).

Preloaded (:func:`multiprocessing.set_forkserver_preload`) in the fork
server, this module does what a render worker does before its first job
(:func:`ae_explainer.render.worker.main`): it imports Manim's command line
and the chapters, loads the runs whose configs are in ``AE_BENCH_PRELOAD``
(JSON, read from the environment the server started with), and freezes the
loaded heap out of the collector's passes. Every job is then a
``multiprocessing`` process forked from the server, running :func:`job`.
Never imported by the benchmark itself (that would load the runs there too).
"""

from __future__ import annotations

import gc
import json
import os

from manim.__main__ import main as manim_main

import scenes.chapters  # noqa: F401  (every chapter and what it imports, once)
from ae_explainer.render.worker import _GC_THRESHOLDS, _child
from aecore.cache import keep_loaded
from aecore.config import TrainConfig

__all__ = ["job"]

keep_loaded([TrainConfig.from_dict(c) for c in json.loads(os.environ.get("AE_BENCH_PRELOAD", "[]"))])
gc.collect()
gc.freeze()
gc.set_threshold(*_GC_THRESHOLDS)


def job(args: list[str], log: str) -> None:
    """In the forked process: ``manim ARGS``, output in ``log``, exactly as a render worker's child."""
    _child({"args": args, "log": log}, manim_main)
