"""A colour lookup, side by side: the environment re-read on every lookup (before) and settings in force.

Usage::

    .venv/bin/python benchmarks/bench_settings.py [--lookups 20000] [--repeats 5]

Three sides, the same lookup ``COLORS["manifold"]`` each:

* ``re-read``   -- what every lookup did before settings became objects: read
  and validate ``AE_EXPLAINER_*`` (``SceneSettings.from_env(os.environ)``), then the palette;
* ``outside``   -- :data:`scenes.look.theme.COLORS` outside a chapter's render: the variables
  are read (:mod:`scenes.environment`), their validation is cached;
* ``in force``  -- inside a render (:func:`scenes.settings.settings_in_force`, as
  :meth:`scenes.base.ChapterScene.render` runs every chapter): no environment at all.

Prints microseconds per lookup and the ratios ``re-read / side`` (above 1: faster than
before). A benchmark, not a test: it exits 0.
"""

from __future__ import annotations

import argparse
import os
import timeit

from scenes.look.theme import COLORS, PALETTES
from scenes.settings import SceneSettings, current_settings, settings_in_force


def _re_read() -> str:
    return PALETTES[SceneSettings.from_env(os.environ).theme]["manifold"]


def _lookup() -> str:
    return COLORS["manifold"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lookups", type=int, default=20000)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()

    def per_lookup(fn: object) -> float:
        return min(timeit.repeat(fn, number=a.lookups, repeat=a.repeats)) / a.lookups  # type: ignore[arg-type]

    before = per_lookup(_re_read)
    outside = per_lookup(_lookup)
    with settings_in_force(current_settings()):
        in_force = per_lookup(_lookup)
    for name, t in (("re-read", before), ("outside", outside), ("in force", in_force)):
        print(f"{name:>9}: {t * 1e6:7.2f} us per lookup   re-read / {name}: {before / t:5.1f}x")


if __name__ == "__main__":
    main()
