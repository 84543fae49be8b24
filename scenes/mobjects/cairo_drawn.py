"""Mobjects that draw themselves with pycairo, and the camera hook that lets them.

Manim's Cairo camera draws a :class:`~manim.VMobject` by building its path
and filling and stroking it. A :class:`CairoDrawn` mobject instead gets the
camera's Cairo context and draws whatever it likes into it (thousands of
depth-sorted faces and dots in one pass). Importing this module teaches every
Cairo camera (Manim's :class:`~manim.camera.camera.Camera` and its subclasses,
the cameras of a plain :class:`~manim.Scene` and :class:`~manim.ThreeDScene`)
to hand the context over, so a :class:`CairoDrawn` draws in any scene with no
set-up call; :func:`install_cairo_drawing` remains for code that calls it.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from collections.abc import Callable
from typing import Any

import cairo
import numpy as np
from manim import ManimColor, ParsableManimColor, VMobject
from manim.camera.camera import Camera

__all__ = ["CairoDrawn", "color_rgb", "install_cairo_drawing", "pixel_transform"]


def _display_cairo_drawn(original: Callable[..., Any]) -> Callable[..., Any]:
    """``Camera.display_vectorized`` that lets a :class:`CairoDrawn` draw itself, else ``original``."""

    def display_vectorized(camera: Any, vmobject: VMobject, ctx: cairo.Context) -> Any:
        if isinstance(vmobject, CairoDrawn):
            ctx.save()
            # Manim fills and strokes with *_preserve: the previous mobject's path is still in the
            # context, and would otherwise join the first path drawn here (painting it over).
            ctx.new_path()
            try:
                vmobject.draw(ctx, camera)
            finally:
                ctx.restore()
            return camera
        return original(camera, vmobject, ctx)

    return display_vectorized


def _teach_cairo_cameras() -> None:
    """Make Manim's Cairo :class:`~manim.camera.camera.Camera` (and so its subclasses) draw
    :class:`CairoDrawn` mobjects. Idempotent; done once, when this module is imported."""
    if getattr(Camera, "_cairo_drawn_hook", False):
        return
    setattr(Camera, "display_vectorized", _display_cairo_drawn(Camera.display_vectorized))  # noqa: B010
    setattr(Camera, "_cairo_drawn_hook", True)  # noqa: B010


def install_cairo_drawing(camera: Any) -> None:
    """Let ``camera`` (a Cairo :class:`~manim.Camera`) draw :class:`CairoDrawn` mobjects.

    Every Cairo camera can already (importing this module teaches Manim's
    ``Camera`` class); this is for a camera of some other class that has
    its own ``display_vectorized``, whose instance it wraps. Idempotent.

    Parameters
    ----------
    camera
        The scene's camera (``scene.camera``).
    """
    if getattr(camera, "_cairo_drawn_hook", False):
        return
    original = camera.display_vectorized
    hooked = _display_cairo_drawn(lambda cam, vmobject, ctx: original(vmobject, ctx))
    setattr(camera, "display_vectorized", lambda vmobject, ctx: hooked(camera, vmobject, ctx))  # noqa: B010
    setattr(camera, "_cairo_drawn_hook", True)  # noqa: B010


def pixel_transform(camera: Any) -> tuple[float, float, float, float]:
    """How scene points map to the camera's pixels.

    Parameters
    ----------
    camera
        A Cairo :class:`~manim.Camera`.

    Returns
    -------
    tuple of float
        ``(sx, sy, ox, oy)`` with pixel = ``(x * sx + ox, y * sy + oy)`` for
        the scene point ``(x, y)``.
    """
    pw, ph = camera.pixel_width, camera.pixel_height
    fw, fh = camera.frame_width, camera.frame_height
    fc = camera.frame_center
    sx, sy = pw / fw, -ph / fh
    return sx, sy, pw / 2 - fc[0] * sx, ph / 2 - fc[1] * sy


def color_rgb(color: ParsableManimColor) -> np.ndarray:
    """``(3,)`` float RGB in ``[0, 1]`` of a Manim colour.

    Manim reads Cairo's ARGB32 buffer as RGBA bytes, so a :class:`CairoDrawn`
    gives these to Cairo reversed, as ``(b, g, r)``.
    """
    return np.asarray(ManimColor(color).to_rgb(), dtype=np.float64)


class CairoDrawn(VMobject, metaclass=ABCMeta):
    """A mobject that draws itself with pycairo (see :func:`install_cairo_drawing`).

    Its Manim points are only the corners of ``bounds``, so that the camera
    keeps it in its draw list and Manim can measure it; it has no fill or
    stroke of its own. Subclasses implement :meth:`draw`.

    Parameters
    ----------
    bounds
        ``(left, bottom, right, top)`` in scene units.
    **kwargs
        Passed to :class:`~manim.VMobject`.

    Attributes
    ----------
    alpha
        Multiplies everything it draws (animate it to fade the mobject).
    """

    def __init__(self, bounds: tuple[float, float, float, float], **kwargs: Any) -> None:
        super().__init__(fill_opacity=0.0, stroke_width=0.0, stroke_opacity=0.0, **kwargs)
        self.alpha = 1.0
        self.set_bounds(bounds)

    def set_bounds(self, bounds: tuple[float, float, float, float]) -> None:
        """Make ``(left, bottom, right, top)`` (scene units) the box Manim measures and keeps in view."""
        left, bottom, right, top = bounds
        corners = [[left, bottom], [right, bottom], [right, top], [left, top], [left, bottom]]
        self.set_points_as_corners(np.array([[x, y, 0.0] for x, y in corners]))

    @abstractmethod
    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """Draw into ``ctx``, whose user space is the scene's (the camera's matrix is set)."""

    def ink_points(self) -> np.ndarray:
        """Scene points ``(M, 2)`` of what :meth:`draw` would make visible now (for layout checks).

        A sample, not every pixel: dot centres, visible vertices. None by default.
        """
        return np.zeros((0, 2))

    def _clipped(self, xy: np.ndarray) -> np.ndarray:
        """The points of ``xy`` ``(M, 2)`` inside this mobject's bounding box."""
        lo, hi = self.points.min(axis=0), self.points.max(axis=0)
        inside = (xy[:, 0] >= lo[0]) & (xy[:, 0] <= hi[0]) & (xy[:, 1] >= lo[1]) & (xy[:, 1] <= hi[1])
        return xy[inside]


_teach_cairo_cameras()
