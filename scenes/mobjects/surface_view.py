"""A fast 3-D surface with points, drawn by one mobject in one pycairo pass.

Manim's :class:`~manim.Surface` is a group of one VMobject per face; the
Cairo camera then pays Python and path-building overhead per face and per
frame, and cannot interleave other objects between faces. :class:`SurfaceView`
instead keeps the surface and the points as numpy arrays, and when the camera
draws it, it

1. projects every vertex and point with an :class:`~scenes.look.projection.OrbitCamera`,
2. shades each face by a smooth normal (the mean of its corners' normals),
   and outlines M's border and silhouette (where it folds away from the
   viewer) with a darker line,
3. sorts faces, data dots, reconstruction dots and residual segments together
   by depth (painter's algorithm, back to front), and
4. paints them with Skia straight into the pixels of the camera's Cairo frame
   (:mod:`scenes.mobjects.surface_draw`).

Colour and opacity are interpolated across each face from its corners
(Gouraud shading; a run of faces between two points of the draw order is one
Skia triangle mesh): a vertex takes the Lambert shade of its own normal and
the mean opacity of the faces that meet there, so a fade has no steps from
face to face. Faces are filled without anti-aliasing, so neighbouring faces
neither leave seams nor blend twice where they meet; the outline stroked over
them is anti-aliased.

It is drawn through the camera hook of
:mod:`~scenes.mobjects.cairo_drawn`.

Points near the surface are ordered against the face they belong to (the
latent cell of their z_j) by which side of that face they are on, not by
their centroid depths, which would be too coarse at the scale of a residual:
a point on the camera's side is drawn after that face and its eight
neighbours, a point on the far side before them.
"""

from __future__ import annotations

import math
from typing import Any, Self

import cairo
import numpy as np
from manim import ParsableManimColor

from scenes.look.projection import OrbitCamera
from scenes.look.style import COLORS
from scenes.look.theme import Theme, themed
from scenes.mesh_math import (
    face_average,
    face_centers,
    latent_cells,
    neighbourhood,
    vertex_average,
    vertex_normals,
)
from scenes.mobjects.cairo_drawn import color_rgb
from scenes.mobjects.points_view import KIND_DATA, KIND_RECON, KIND_RESIDUAL, PointsView, SkiaPointBatch
from scenes.mobjects.skia_frame import SkiaFrame
from scenes.mobjects.surface_draw import KIND_FACE, FrameGeometry, draw_surface

__all__ = ["KIND_FACE", "FrameGeometry", "SurfaceView"]


class SurfaceView(PointsView):
    """A shaded surface M with data points, reconstructions and residuals, in depth order.

    Parameters
    ----------
    camera
        The projection (changed per frame with :meth:`set_camera`).
    bounds
        Scene rectangle ``(left, bottom, right, top)`` the view is clipped to.
    dot_radius
        Radius of the dots in scene units.
    line_every
        Every ``line_every``-th latent grid line is drawn on the surface.
    color
        Colour of M, shaded per face (default: the palette's ``"manifold"``).
    **kwargs
        ``data_color``, ``recon_color``, ``residual_color`` (see
        :class:`~scenes.mobjects.points_view.PointsView`) and
        :class:`~manim.VMobject` options.

    Attributes
    ----------
    vertices, face_opacity, grid
        The mesh ``(G, G, 3)``, its face opacities ``(G-1, G-1)`` and its
        latent grid ``(G, G, 2)`` (see :meth:`set_surface`).
    depth_cue
        How much fainter the back of M is drawn than its front, in [0, 1]
        (0, the default: not at all): each vertex's opacity is multiplied by
        ``1 - depth_cue * d``, ``d`` its depth from M's nearest vertex (0) to
        its furthest (1), so folds behind read as behind.
    line_gain
        The grid lines and the outline are drawn at ``line_gain`` times their
        face's opacity (at most 1): above 1, they stay legible on a faint M.
    line_tint
        ``None`` (the default): grid lines are drawn in their face's colour
        darkened to 0.55, the outline to 0.4. Else ``(grid, outline)``: each is
        the face's colour mixed that far towards the theme's text colour
        (light on a dark background, dark on a light one), so the lines stand
        out from the background as well as from M.
    line_mask
        ``None`` (the default), or ``(G-1, G-1)`` booleans: only these faces
        draw their grid lines (every face draws its part of the outline).
    line_opacity
        ``None`` (the default): a face's grid lines and outline are drawn at
        ``line_gain`` times its opacity, and not at all on faces at opacity
        0.1 or less. Else ``(G-1, G-1)`` opacities of each face's lines, set
        apart from its fill (times ``alpha`` and the depth cue): a faint fill
        can keep legible lines, so that M reads as a net where it is spread
        thin.
    """

    @themed
    def __init__(
        self,
        camera: OrbitCamera,
        bounds: tuple[float, float, float, float],
        dot_radius: float = 0.04,
        line_every: int = 4,
        *,
        color: ParsableManimColor | None = None,
        theme: Theme | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(camera, bounds, dot_radius, color=color, **kwargs)
        self.line_every = line_every
        self.grid_line_width = 0.12 * dot_radius
        self.depth_cue = 0.0
        self.line_gain = 1.0
        self.line_tint: tuple[float, float] | None = None
        self.line_mask: np.ndarray | None = None
        self.line_opacity: np.ndarray | None = None
        self.ink_rgb = color_rgb(COLORS["text"])
        self.vertices = np.zeros((2, 2, 3))
        self._mesh_cache: tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
        self.face_opacity = np.zeros((1, 1))
        self.grid = np.zeros((2, 2, 2))

    # State.

    def set_surface(self, vertices: np.ndarray, face_opacity: np.ndarray, grid: np.ndarray) -> Self:
        """Show the mesh ``(G, G, 3)`` with face opacities ``(G-1, G-1)``, over latent grid ``(G, G, 2)``."""
        v = np.asarray(vertices, dtype=np.float64)
        o = np.asarray(face_opacity, dtype=np.float64)
        if o.shape != (v.shape[0] - 1, v.shape[1] - 1):
            raise ValueError(f"face_opacity has shape {o.shape}; the mesh has {v.shape[0] - 1}^2 faces")
        self._mesh_cache = None  # the normals and centres of the mesh drawn so far
        self.vertices, self.face_opacity, self.grid = (
            v,
            np.clip(o, 0.0, 1.0),
            np.asarray(grid, dtype=np.float64),
        )
        return self

    # Geometry for one frame.

    def geometry(self) -> FrameGeometry:
        """Project, shade and sort everything for the current camera."""
        cam = self.camera3d
        v = self.vertices
        g = v.shape[0] - 1
        xy, _ = cam.project(v)
        corners = np.stack([xy[:-1, :-1], xy[1:, :-1], xy[1:, 1:], xy[:-1, 1:]], axis=2)  # (g, g, 4, 2)
        _, normals, centres = self._mesh_frame()
        _, face_depth = cam.project(centres)
        face_rgb = self._shade(normals, centres)[..., None] * self.colors["manifold"]

        f_depth = face_depth.reshape(-1)
        face_order = np.lexsort((np.arange(g * g), -f_depth))

        depths = [f_depth]
        ranks = [np.ones(g * g)]
        kinds = [np.full(g * g, KIND_FACE)]
        idx = [np.arange(g * g)]
        n = len(self.data)
        data_xy = np.zeros((n, 2))
        recon_xy = np.zeros((n, 2))
        if n and (self.show_data or self.show_recon):
            data_xy, d_depth = cam.project(self.data)
            cur = self.recon_positions
            recon_xy, r_depth = cam.project(cur)
            fi, fj, _, _ = latent_cells(self.latents, self.grid)
            f = fi * g + fj
            fn = normals.reshape(-1, 3)[f]
            xhat = self.recon
            # Which side of its own face each data point is on, seen from the camera.
            view = cam.position - xhat
            side = np.sum((self.data - xhat) * fn, axis=1) * np.sum(view * fn, axis=1)
            front = side >= 0
            edge = np.linalg.norm(v[fi + 1, fj] - v[fi, fj], axis=1) + np.linalg.norm(
                v[fi, fj + 1] - v[fi, fj], axis=1
            )
            near = np.linalg.norm(self.data - xhat, axis=1) < np.maximum(edge, 1e-9)
            landed = np.linalg.norm(cur - xhat, axis=1) <= 1e-9 * (1.0 + np.linalg.norm(xhat, axis=1))
            # A point in front of its face is drawn after the face and its 8 neighbours (which may cover
            # it on screen when M is seen at a grazing angle); a point behind it, before all of them.
            fd = face_depth
            nearest = neighbourhood(fd, np.minimum).reshape(-1)[f]
            furthest = neighbourhood(fd, np.maximum).reshape(-1)[f]
            mid_depth = 0.5 * (d_depth + r_depth)
            # rank: 0 behind the local sheet, 1 the faces, 2.. in front of it.
            for kind, own_depth, show, rank_front in (
                (KIND_RESIDUAL, mid_depth, self.show_recon, 2.0),
                (KIND_DATA, d_depth, self.show_data, 3.0),
                (KIND_RECON, r_depth, self.show_recon, 4.0),
            ):
                if not show:
                    continue
                in_front = front | landed if kind == KIND_RECON else front
                rank = np.where(in_front, rank_front, 0.0)
                depths.append(np.where(near, np.where(in_front, nearest, furthest), own_depth))
                ranks.append(np.where(near, rank, rank_front))
                kinds.append(np.full(n, kind))
                idx.append(np.arange(n))
        all_depth, all_rank = np.concatenate(depths), np.concatenate(ranks)
        order = np.lexsort((all_rank, -all_depth))
        return FrameGeometry(
            face_xy=corners.reshape(-1, 4, 2),
            face_depth=f_depth,
            face_opacity=self.face_opacity.reshape(-1).copy(),
            face_rgb=face_rgb.reshape(-1, 3),
            face_order=face_order,
            kinds=np.concatenate(kinds)[order],
            indices=np.concatenate(idx)[order],
            data_xy=data_xy,
            recon_xy=recon_xy,
            face_front=(np.sum(normals * (cam.position - centres), axis=-1) >= 0).reshape(-1),
        )

    def _mesh_frame(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The mesh's vertex normals, unit face normals and face centres (kept while the mesh is the same)."""
        v = self.vertices
        cached = self._mesh_cache
        if cached is not None and cached[0] is v:
            return cached[1]
        vn = vertex_normals(v)
        fn = face_average(vn)
        fn /= np.maximum(np.linalg.norm(fn, axis=-1, keepdims=True), 1e-12)
        out = (vn, fn, face_centers(v))
        self._mesh_cache = (v, out)
        return out

    def _shade(self, normals: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Lambert shade in [0.22, 1] of unit ``normals`` at points ``at``: a key light, back faces darker."""
        cam = self.camera3d
        right, up, toward = cam.basis()
        facing = np.sum(normals * (cam.position - at), axis=-1)
        n_vis = np.where(facing[..., None] < 0, -normals, normals)
        light = -0.35 * right + 0.55 * up + 0.75 * toward
        light /= np.linalg.norm(light)
        lambert = np.clip(np.sum(n_vis * light, axis=-1), 0.0, 1.0)
        return np.asarray((0.28 + 0.72 * lambert) * np.where(facing < 0, 0.78, 1.0))

    def corner_shading(self) -> tuple[np.ndarray, np.ndarray]:
        """Each face's corner colours ``(F, 4, 3)`` and opacities ``(F, 4)``, corners in drawing order.

        A vertex's colour is the shade of its own normal; its opacity is the
        mean of the opacities of the faces that meet there (times ``alpha``).
        """
        v = self.vertices
        g = v.shape[0] - 1
        rgb = self._shade(self._mesh_frame()[0], v)[..., None] * self.colors["manifold"]
        opacity = vertex_average(self.face_opacity) * self.alpha * self.depth_factor()
        fi, fj = np.divmod(np.arange(g * g), g)
        ci = np.stack([fi, fi + 1, fi + 1, fi], axis=1)  # the corners of FrameGeometry.face_xy
        cj = np.stack([fj, fj, fj + 1, fj + 1], axis=1)
        return rgb[ci, cj], opacity[ci, cj]

    def line_colors(self, face_rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The grid lines' and the outline's colours ``(F, 3)`` for faces of colour ``face_rgb``."""
        if self.line_tint is None:
            return face_rgb * 0.55, face_rgb * 0.4
        g, o = self.line_tint
        return face_rgb + g * (self.ink_rgb - face_rgb), face_rgb + o * (self.ink_rgb - face_rgb)

    def depth_factor(self) -> np.ndarray | float:
        """``(G, G)`` factors of the vertices' opacities for :attr:`depth_cue` (1.0 without a cue)."""
        if self.depth_cue <= 0.0:
            return 1.0
        _, depth = self.camera3d.project(self.vertices)
        near, far = float(depth.min()), float(depth.max())
        d = (depth - near) / max(far - near, 1e-12)
        return np.asarray(1.0 - self.depth_cue * d)

    @staticmethod
    def outline_edges(face_front: np.ndarray) -> np.ndarray:
        """``(F, 4)`` booleans in :meth:`_grid_edges`' order: the edges of M's outline.

        Those are the mesh's border and its silhouette, the edges between a
        face seen from the front and one seen from the back. ``face_front``
        is ``(g, g)`` or ``(g * g,)`` for a ``g x g``-face mesh.
        """
        g = math.isqrt(int(np.size(face_front)))
        f = np.asarray(face_front, dtype=bool).reshape(g, g)
        out = np.zeros((g, g, 4), dtype=bool)
        out[0, :, 0] = True
        out[-1, :, 1] = True
        out[:, 0, 2] = True
        out[:, -1, 3] = True
        out[1:, :, 0] |= f[1:] != f[:-1]
        out[:, 1:, 2] |= f[:, 1:] != f[:, :-1]
        return out.reshape(-1, 4)

    def _grid_edges(self) -> np.ndarray:
        """``(F, 4)`` booleans: does face (i, j) draw its edge c0-c3, c1-c2, c0-c1, c3-c2 as a grid line."""
        g = self.vertices.shape[0] - 1
        k = np.arange(g)
        e = self.line_every
        low = (k % e) == 0
        high = (k == g - 1) & (g % e == 0)
        i_low, i_high = np.broadcast_to(low[:, None], (g, g)), np.broadcast_to(high[:, None], (g, g))
        j_low, j_high = np.broadcast_to(low[None, :], (g, g)), np.broadcast_to(high[None, :], (g, g))
        return np.stack([i_low, i_high, j_low, j_high], axis=-1).reshape(-1, 4)

    def ink_points(self) -> np.ndarray:
        """The dots, and the centres and corners of the faces drawn at opacity 0.1 or more."""
        if self.alpha <= 0.05:
            return np.zeros((0, 2))
        o = self.face_opacity * self.alpha >= 0.1
        xy, _ = self.camera3d.project(self.vertices)
        corners = np.stack([xy[:-1, :-1], xy[1:, :-1], xy[1:, 1:], xy[:-1, 1:]], axis=2)[o]  # (F, 4, 2)
        faces = np.vstack([corners.reshape(-1, 2), corners.mean(axis=1)])
        return np.vstack([self._clipped(faces), super().ink_points()])

    # Drawing.

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """Draw every primitive of :meth:`geometry` back to front, with Skia.

        Each run of consecutive faces is one Gouraud triangle mesh, filled
        without anti-aliasing so that faces meet without seams, with its grid
        lines and M's outline stroked over it anti-aliased; dots and residuals
        are anti-aliased, and consecutive dots (or residuals) are drawn by one
        call (see :mod:`scenes.mobjects.surface_draw`).
        """
        if self.alpha <= 0.0:
            return
        geo = self.geometry()
        sx, scale, offset = self.begin_drawing(ctx, camera)
        with SkiaFrame(ctx, self.pixel_clip(scale, offset)) as frame:
            points = SkiaPointBatch(
                self, frame, geo.data_xy * scale + offset, geo.recon_xy * scale + offset, sx
            )
            draw_surface(self, frame, geo, sx, scale, offset, points)
