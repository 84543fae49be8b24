"""Playing a chapter's animations without drawing them: the part skipped to, and dry runs.

Manim plays the animations before ``FIRST`` in skip mode, so that the state
is right when ``FIRST`` begins, but it still draws: each skipped ``play``
paints the scene's static mobjects into a static image and then a frame of
the moving ones, and each skipped ``wait`` paints a frame. Nothing uses those
pixels: when the first animation of the range begins, Manim paints the
static image afresh (from a cleared frame) and every frame after it. For a
chapter whose frames are costly (a 3-D surface), skipping to the last part
cost several times the part itself. :func:`draw_nothing_while_skipping`
makes a renderer skip those paintings; frames are unchanged (the split
render's frames equal the whole render's, ``tests/test_schedule.py``).

A dry run (:func:`dry_run`) plays a whole chapter skipped, to learn its
timing and captions: it draws nothing at all.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from manim import Scene, tempconfig

__all__ = ["draw_nothing_while_skipping", "dry_renderer", "dry_run", "scratch_media_dir"]

S = TypeVar("S", bound=Scene)


@cache
def scratch_media_dir() -> str:
    """A media folder of this process for what dry runs typeset, removed when the process exits.

    Forks of the process share it (Manim's text files are safe to share:
    :mod:`scenes.patches.text_cache`); they end without running exit handlers, so
    only the process that made it removes it. A fork must therefore never make
    its own: the folder is made before any ``os.fork`` of a process that
    imported this module (a fork that dry-runs first, as
    :func:`ae_explainer.render.forked.fill_in_forks`' do, left one behind in
    the temporary folder each time).
    """
    folder = tempfile.mkdtemp(prefix="ae-explainer-dry-run-")
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    return folder


os.register_at_fork(before=scratch_media_dir)  # forks share the parent's folder, which it removes


def draw_nothing_while_skipping(renderer: Any) -> None:
    """Make ``renderer`` (Manim's Cairo renderer) draw nothing for the animations it skips.

    Its static image, frames and frozen frames are not painted while
    ``renderer.skip_animations`` is set; a frame asked for explicitly
    (``update_frame`` without a list of mobjects, as a still's last frame
    is) is still painted.
    """
    save_static = renderer.save_static_frame_data
    render = renderer.render
    update = renderer.update_frame

    def save_static_frame_data(scene: Any, static_mobjects: Any) -> Any:
        if renderer.skip_animations:
            renderer.static_image = None
            return None
        return save_static(scene, static_mobjects)

    def render_frame(scene: Any, time: float, moving_mobjects: Any = None) -> None:
        if not renderer.skip_animations:
            render(scene, time, moving_mobjects)

    def update_frame(scene: Any, mobjects: Any = None, *args: Any, **kwargs: Any) -> None:
        if renderer.skip_animations and mobjects is not None:
            return  # a skipped wait's frozen frame of its moving mobjects
        update(scene, mobjects, *args, **kwargs)

    renderer.save_static_frame_data = save_static_frame_data
    renderer.render = render_frame
    renderer.update_frame = update_frame


def dry_renderer() -> Any:
    """Manim's Cairo renderer that skips every animation and draws nothing while it skips.

    A scene played with it reaches the same state, times and captions as with
    a renderer that paints each skipped frame (``tests/test_schedule.py``
    proves it), without the painting. A frame asked for explicitly
    (``update_frame`` without a list of mobjects) is still painted.
    """
    from manim.renderer.cairo_renderer import CairoRenderer

    renderer = CairoRenderer(skip_animations=True)
    draw_nothing_while_skipping(renderer)
    return renderer


def dry_run(scene_cls: type[S], settings: Mapping[str, Any] | None = None) -> S:
    """Play every animation of ``scene_cls`` skipped, drawing nothing; return the played scene.

    ``settings`` are Manim config values for the run (the frame size and
    rate, when the timing must be the render's); no file is written where
    the caller can see it: the texts Manim typesets go to a scratch folder
    of this process (:func:`scratch_media_dir`), not to ``./media`` in the
    working folder.
    """
    quiet = {"dry_run": True, "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none"}
    with tempconfig({"media_dir": scratch_media_dir(), **(settings or {}), **quiet}):
        scene = scene_cls(renderer=dry_renderer())
        scene.render()
    return scene
