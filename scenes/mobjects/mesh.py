"""A fast 3-D surface with points, drawn by one mobject in one pycairo pass.

Manim's :class:`~manim.Surface` is a group of one VMobject per face; the
Cairo camera then pays Python and path-building overhead per face and per
frame, and cannot interleave other objects between faces. :class:`SurfaceView`
instead keeps the surface and the points as numpy arrays, and when the camera
draws it, it

1. projects every vertex and point with an :class:`~scenes.projection.OrbitCamera`,
2. shades each face by a smooth normal (the mean of its corners' normals),
3. sorts faces, data dots, reconstruction dots and residual segments together
   by depth (painter's algorithm, back to front), and
4. fills and strokes them straight into the camera's Cairo context.

The Cairo camera is taught to delegate drawing to any :class:`CairoDrawn`
mobject by :func:`install_cairo_drawing`; a camera without the hook draws
nothing for it (its points are only a bounding box, without fill or stroke).

Points near the surface are ordered against the face they belong to (the
latent cell of their z_j) by which side of that face they are on, not by
their centroid depths, which would be too coarse at the scale of a residual:
a point on the camera's side is drawn after that face and its eight
neighbours, a point on the far side before them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import cairo
import numpy as np
from manim import ManimColor, VMobject

from scenes.projection import OrbitCamera

__all__ = [
    "CairoDrawn",
    "FrameGeometry",
    "LatentHeatMap",
    "PointBatch",
    "PointsView",
    "SurfaceView",
    "face_average",
    "face_centers",
    "install_cairo_drawing",
    "latent_cells",
    "mesh_point",
    "vertex_normals",
]

KIND_FACE, KIND_RESIDUAL, KIND_DATA, KIND_RECON = 0, 1, 2, 3
"""Kinds of primitive in a view's draw order (kind 0 is M's own: a face, or a curve segment)."""


def install_cairo_drawing(camera: Any) -> None:
    """Let ``camera`` (a Cairo :class:`~manim.Camera`) draw :class:`CairoDrawn` mobjects.

    Wraps the camera instance's ``display_vectorized`` so that a
    :class:`CairoDrawn` draws itself into the camera's Cairo context; every
    other mobject is drawn as before. Idempotent.
    """
    if getattr(camera, "_cairo_drawn_hook", False):
        return
    original = camera.display_vectorized

    def display_vectorized(vmobject: VMobject, ctx: cairo.Context) -> Any:
        if isinstance(vmobject, CairoDrawn):
            ctx.save()
            try:
                vmobject.draw(ctx, camera)
            finally:
                ctx.restore()
            return camera
        return original(vmobject, ctx)

    setattr(camera, "display_vectorized", display_vectorized)  # noqa: B010 (an instance, not the class)
    setattr(camera, "_cairo_drawn_hook", True)  # noqa: B010


def _pixel_transform(camera: Any) -> tuple[float, float, float, float]:
    """``(sx, sy, ox, oy)`` with pixel = (x * sx + ox, y * sy + oy) for scene (x, y)."""
    pw, ph = camera.pixel_width, camera.pixel_height
    fw, fh = camera.frame_width, camera.frame_height
    fc = camera.frame_center
    sx, sy = pw / fw, -ph / fh
    return sx, sy, pw / 2 - fc[0] * sx, ph / 2 - fc[1] * sy


class CairoDrawn(VMobject):
    """A mobject that draws itself with pycairo (see :func:`install_cairo_drawing`).

    Its Manim points are only the corners of ``bounds`` (left, bottom, right,
    top in scene units), so that the camera keeps it in its draw list and
    Manim can measure it; it has no fill or stroke of its own. Subclasses
    implement :meth:`draw`. ``alpha`` multiplies everything it draws.
    """

    def __init__(self, bounds: tuple[float, float, float, float], **kwargs: Any) -> None:
        super().__init__(fill_opacity=0.0, stroke_width=0.0, stroke_opacity=0.0, **kwargs)
        self.alpha = 1.0
        l, b, r, t = bounds  # noqa: E741
        self.set_points_as_corners(np.array([[l, b, 0], [r, b, 0], [r, t, 0], [l, t, 0], [l, b, 0]], float))

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """Draw into ``ctx``, whose user space is the scene's (the camera's matrix is set)."""
        raise NotImplementedError


def _rgb(color: str) -> np.ndarray:
    return np.asarray(ManimColor(color).to_rgb(), dtype=np.float64)


class PointsView(CairoDrawn):
    """What the 3-D views of M share: data points, their reconstructions and residuals.

    Subclasses draw M (a surface, a curve) and sort its primitives together
    with the points; :meth:`begin_drawing` and :class:`PointBatch` draw the
    points the same way in every view.

    Parameters
    ----------
    camera
        The projection (changed per frame with :meth:`set_camera`).
    bounds
        Scene rectangle ``(left, bottom, right, top)`` the view is clipped to.
    colors
        Colours of ``"manifold"``, ``"data"``, ``"recon"`` and ``"residual"``.
    dot_radius
        Radius of the dots in scene units.
    """

    def __init__(
        self,
        camera: OrbitCamera,
        bounds: tuple[float, float, float, float],
        colors: dict[str, str],
        dot_radius: float = 0.04,
    ) -> None:
        super().__init__(bounds)
        self.clip_bounds = bounds
        self.camera3d = camera
        self.colors = {k: _rgb(v) for k, v in colors.items()}
        self.dot_radius = dot_radius
        self.residual_width = 0.4 * dot_radius
        self.data_opacity = 0.95
        self.data = np.zeros((0, 3))
        self.latents = np.zeros((0, 1))
        self.recon = np.zeros((0, 3))
        self.recon_fraction = 0.0
        self.show_data = True
        self.show_recon = False

    def set_camera(self, camera: OrbitCamera) -> Self:
        """Look through ``camera`` from now on."""
        self.camera3d = camera
        return self

    def set_data_points(
        self, data: np.ndarray, latents: np.ndarray, recon: np.ndarray, recon_fraction: float
    ) -> Self:
        """Data ``(N, 3)``, their latents ``(N, k)``, reconstructions ``(N, 3)`` on M.

        Each reconstruction dot is drawn ``recon_fraction`` of the way from
        its data point to its reconstruction, with its residual segment.
        """
        self.data = np.asarray(data, dtype=np.float64)
        self.latents = np.asarray(latents, dtype=np.float64)
        self.recon = np.asarray(recon, dtype=np.float64)
        self.recon_fraction = float(recon_fraction)
        return self

    @property
    def recon_positions(self) -> np.ndarray:
        """Where the reconstruction dots are now, in data space ``(N, 3)``."""
        return self.data + self.recon_fraction * (self.recon - self.data)

    def begin_drawing(self, ctx: cairo.Context, camera: Any) -> tuple[float, np.ndarray, np.ndarray]:
        """Pixel coordinates in ``ctx``, clipped to the bounds; returns ``(sx, scale, offset)``.

        A scene point (x, y) is at pixel ``(x, y) * scale + offset``.
        """
        sx, sy, ox, oy = _pixel_transform(camera)
        ctx.identity_matrix()
        left, bottom, right, top = self.clip_bounds
        ctx.rectangle(left * sx + ox, top * sy + oy, (right - left) * sx, (bottom - top) * sy)
        ctx.clip()
        return sx, np.array([sx, sy]), np.array([ox, oy])

    def point_batch(
        self,
        ctx: cairo.Context,
        data_xy: np.ndarray,
        recon_xy: np.ndarray,
        sx: float,
        scale: np.ndarray,
        offset: np.ndarray,
    ) -> PointBatch:
        """A :class:`PointBatch` for this frame's projected data and reconstruction dots."""
        return PointBatch(
            self, ctx, (data_xy * scale + offset).tolist(), (recon_xy * scale + offset).tolist(), sx
        )


class PointBatch:
    """Draws dots and residuals in the given order, one path per run of one kind.

    Consecutive primitives of one kind (``KIND_DATA``, ``KIND_RECON``,
    ``KIND_RESIDUAL``) share one path and one fill or stroke. Call
    :meth:`flush` before drawing anything else into the context.
    """

    def __init__(
        self, view: PointsView, ctx: cairo.Context, data_px: list[Any], recon_px: list[Any], sx: float
    ) -> None:
        self.ctx, self.data_px, self.recon_px = ctx, data_px, recon_px
        a = view.alpha
        self.r = view.dot_radius * sx
        self.lw_res = max(view.residual_width * sx, 0.75)
        # Manim reads Cairo's ARGB32 buffer as RGBA bytes, so every colour is given to Cairo as (b, g, r).
        dc, rc, sc = view.colors["data"], view.colors["recon"], view.colors["residual"]
        self.rgba = {
            KIND_DATA: (dc[2], dc[1], dc[0], view.data_opacity * a),
            KIND_RECON: (rc[2], rc[1], rc[0], a),
            KIND_RESIDUAL: (sc[2], sc[1], sc[0], 0.7 * a),
        }
        self.pending = -1  # kind of the batched path not yet filled or stroked

    def add(self, kind: int, i: int) -> None:
        """Add point ``i`` of ``kind`` to the current path (starting a new one for a new kind)."""
        ctx = self.ctx
        if kind != self.pending:
            self.flush()
            ctx.set_antialias(cairo.ANTIALIAS_DEFAULT)
            self.pending = kind
        if kind == KIND_DATA:
            p = self.data_px[i]
            ctx.new_sub_path()
            ctx.arc(p[0], p[1], self.r, 0.0, 2.0 * np.pi)
        elif kind == KIND_RECON:
            p = self.recon_px[i]
            ctx.new_sub_path()
            ctx.arc(p[0], p[1], 0.9 * self.r, 0.0, 2.0 * np.pi)
        else:
            p, p2 = self.data_px[i], self.recon_px[i]
            ctx.move_to(p[0], p[1])
            ctx.line_to(p2[0], p2[1])

    def flush(self) -> None:
        """Fill (dots) or stroke (residuals) the current path, if any."""
        if self.pending < 0:
            return
        ctx = self.ctx
        ctx.set_source_rgba(*self.rgba[self.pending])
        if self.pending == KIND_RESIDUAL:
            ctx.set_line_cap(cairo.LINE_CAP_ROUND)
            ctx.set_line_width(self.lw_res)
            ctx.stroke()
        else:
            ctx.fill()
        self.pending = -1


# Mesh helpers (pure numpy).


def face_average(vertex_values: np.ndarray) -> np.ndarray:
    """Per-face mean of the four corner values: ``(G, G, ...)`` -> ``(G-1, G-1, ...)``."""
    v = np.asarray(vertex_values, dtype=np.float64)
    return 0.25 * (v[:-1, :-1] + v[1:, :-1] + v[1:, 1:] + v[:-1, 1:])


def face_centers(vertices: np.ndarray) -> np.ndarray:
    """Centres ``(G-1, G-1, 3)`` of the faces of a ``(G, G, 3)`` mesh (mean of the corners)."""
    return face_average(vertices)


def vertex_normals(vertices: np.ndarray) -> np.ndarray:
    """Unit normals ``(G, G, 3)`` of a ``(G, G, 3)`` mesh, from its grid derivatives.

    The sign follows the grid's orientation (``d/du x d/dv``); degenerate
    vertices get a zero normal.
    """
    v = np.asarray(vertices, dtype=np.float64)
    du = np.gradient(v, axis=0)
    dv = np.gradient(v, axis=1)
    n = np.cross(du, dv)
    norm = np.linalg.norm(n, axis=-1, keepdims=True)
    return np.where(norm > 1e-12, n / np.maximum(norm, 1e-300), 0.0)


def _grid_extent(grid: np.ndarray) -> tuple[float, float, float, float]:
    """``(u0, u1, v0, v1)`` of an axis-aligned latent grid ``(G, G, 2)`` (``grid[i, j] = (u_i, v_j)``)."""
    g = np.asarray(grid, dtype=np.float64)
    return float(g[0, 0, 0]), float(g[-1, 0, 0]), float(g[0, 0, 1]), float(g[0, -1, 1])


def latent_cells(
    latents: np.ndarray, grid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The grid cell of each latent and its position in it.

    Returns ``(i, j, s, t)``: face indices ``(N,)`` (clipped to the grid) and
    fractional coordinates in ``[0, 1]`` inside the face along u and v.
    """
    z = np.asarray(latents, dtype=np.float64)
    g = np.asarray(grid)
    n = g.shape[0] - 1
    u0, u1, v0, v1 = _grid_extent(g)
    fu = np.clip((z[:, 0] - u0) / (u1 - u0) * n, 0.0, n)
    fv = np.clip((z[:, 1] - v0) / (v1 - v0) * n, 0.0, n)
    i = np.minimum(np.floor(fu).astype(int), n - 1)
    j = np.minimum(np.floor(fv).astype(int), n - 1)
    return i, j, fu - i, fv - j


def mesh_point(vertices: np.ndarray, grid: np.ndarray, latents: np.ndarray) -> np.ndarray:
    """Points ``(N, 3)`` of the drawn mesh over ``latents`` ``(N, 2)`` (bilinear in each face)."""
    v = np.asarray(vertices, dtype=np.float64)
    i, j, s, t = latent_cells(latents, grid)
    s, t = s[:, None], t[:, None]
    return (
        (1 - s) * (1 - t) * v[i, j]
        + s * (1 - t) * v[i + 1, j]
        + s * t * v[i + 1, j + 1]
        + (1 - s) * t * v[i, j + 1]
    )


def _neighbourhood(values: np.ndarray, reduce: Any) -> np.ndarray:
    """``reduce`` (``np.minimum`` or ``np.maximum``) of each cell's 3 x 3 neighbourhood of a 2-D array."""
    p = np.pad(values, 1, mode="edge")
    h, w = values.shape
    out = values.copy()
    for di in range(3):
        for dj in range(3):
            out = reduce(out, p[di : di + h, dj : dj + w])
    return out


@dataclass(frozen=True)
class FrameGeometry:
    """Everything :class:`SurfaceView` draws for one camera, in draw order.

    Attributes
    ----------
    face_xy
        ``(F, 4, 2)`` scene coordinates of each face's corners, faces in
        row-major ``(i, j)`` order of the latent grid.
    face_depth
        ``(F,)`` depth of each face's centre (larger = further back).
    face_opacity
        ``(F,)`` opacity each face is drawn with.
    face_rgb
        ``(F, 3)`` shaded colour of each face.
    face_order
        All face indices, back to front.
    kinds, indices
        The draw order of every primitive (faces and, when shown, residual
        segments, data dots and reconstruction dots): kind codes
        (``KIND_*``) and the index within its kind.
    data_xy, recon_xy
        ``(N, 2)`` scene coordinates of the data dots and reconstruction dots.
    """

    face_xy: np.ndarray
    face_depth: np.ndarray
    face_opacity: np.ndarray
    face_rgb: np.ndarray
    face_order: np.ndarray
    kinds: np.ndarray
    indices: np.ndarray
    data_xy: np.ndarray
    recon_xy: np.ndarray


class SurfaceView(PointsView):
    """A shaded surface M with data points, reconstructions and residuals, in depth order.

    Parameters
    ----------
    camera
        The projection (changed per frame with :meth:`set_camera`).
    bounds
        Scene rectangle ``(left, bottom, right, top)`` the view is clipped to.
    colors
        Colours of ``"manifold"``, ``"data"``, ``"recon"`` and ``"residual"``.
    dot_radius
        Radius of the dots in scene units.
    line_every
        Every ``line_every``-th latent grid line is drawn on the surface.
    """

    def __init__(
        self,
        camera: OrbitCamera,
        bounds: tuple[float, float, float, float],
        colors: dict[str, str],
        dot_radius: float = 0.04,
        line_every: int = 4,
    ) -> None:
        super().__init__(camera, bounds, colors, dot_radius)
        self.line_every = line_every
        self.grid_line_width = 0.12 * dot_radius
        self.vertices = np.zeros((2, 2, 3))
        self.face_opacity = np.zeros((1, 1))
        self.grid = np.zeros((2, 2, 2))

    # State.

    def set_surface(self, vertices: np.ndarray, face_opacity: np.ndarray, grid: np.ndarray) -> SurfaceView:
        """Show the mesh ``(G, G, 3)`` with face opacities ``(G-1, G-1)``, over latent grid ``(G, G, 2)``."""
        v = np.asarray(vertices, dtype=np.float64)
        o = np.asarray(face_opacity, dtype=np.float64)
        if o.shape != (v.shape[0] - 1, v.shape[1] - 1):
            raise ValueError(f"face_opacity has shape {o.shape}; the mesh has {v.shape[0] - 1}^2 faces")
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
        centres = face_centers(v)
        _, face_depth = cam.project(centres)
        normals = face_average(vertex_normals(v))
        normals /= np.maximum(np.linalg.norm(normals, axis=-1, keepdims=True), 1e-12)
        right, up, toward = cam.basis()
        to_cam = cam.position - centres
        facing = np.sum(normals * to_cam, axis=-1)
        n_vis = np.where(facing[..., None] < 0, -normals, normals)
        light = -0.35 * right + 0.55 * up + 0.75 * toward
        light /= np.linalg.norm(light)
        lambert = np.clip(np.sum(n_vis * light, axis=-1), 0.0, 1.0)
        shade = (0.32 + 0.68 * lambert) * np.where(facing < 0, 0.78, 1.0)
        face_rgb = shade[..., None] * self.colors["manifold"]

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
            nearest = _neighbourhood(fd, np.minimum).reshape(-1)[f]
            furthest = _neighbourhood(fd, np.maximum).reshape(-1)[f]
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
        )

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

    # Drawing.

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        """Draw every primitive of :meth:`geometry` back to front.

        Faces are filled without anti-aliasing, so that neighbouring faces
        meet without seams (anti-aliased edges of semi-transparent faces let
        the background show through as a grid); dots, residuals and grid
        lines are anti-aliased. Consecutive dots (or residuals) share one
        path and one fill.
        """
        if self.alpha <= 0.0:
            return
        geo = self.geometry()
        sx, scale, offset = self.begin_drawing(ctx, camera)
        points = self.point_batch(ctx, geo.data_xy, geo.recon_xy, sx, scale, offset)
        quads = (geo.face_xy * scale + offset).reshape(-1, 8).tolist()
        a = self.alpha
        face_a = (geo.face_opacity * a).tolist()
        # Manim reads Cairo's ARGB32 buffer as RGBA bytes, so every colour is given to Cairo as (b, g, r).
        bgr = geo.face_rgb[:, ::-1]
        face_c = bgr.tolist()
        line_c = (bgr * 0.55).tolist()
        edges = self._grid_edges().tolist()
        lw_grid = max(self.grid_line_width * sx, 0.6)
        aa_none, aa_default = cairo.ANTIALIAS_NONE, cairo.ANTIALIAS_DEFAULT
        ctx.set_line_join(cairo.LINE_JOIN_ROUND)
        ctx.set_line_cap(cairo.LINE_CAP_ROUND)
        for kind, i in zip(geo.kinds.tolist(), geo.indices.tolist(), strict=True):
            if kind != KIND_FACE:
                points.add(kind, i)
                continue
            points.flush()
            fa = face_a[i]
            if fa < 0.004:
                continue
            q = quads[i]
            ctx.set_antialias(aa_none)
            ctx.move_to(q[0], q[1])
            ctx.line_to(q[2], q[3])
            ctx.line_to(q[4], q[5])
            ctx.line_to(q[6], q[7])
            ctx.close_path()
            c = face_c[i]
            ctx.set_source_rgba(c[0], c[1], c[2], fa)
            ctx.fill()
            e = edges[i]
            if fa > 0.1 and (e[0] or e[1] or e[2] or e[3]):
                ctx.set_antialias(aa_default)
                if e[0]:
                    ctx.move_to(q[6], q[7])
                    ctx.line_to(q[0], q[1])
                if e[1]:
                    ctx.move_to(q[2], q[3])
                    ctx.line_to(q[4], q[5])
                if e[2]:
                    ctx.move_to(q[0], q[1])
                    ctx.line_to(q[2], q[3])
                if e[3]:
                    ctx.move_to(q[6], q[7])
                    ctx.line_to(q[4], q[5])
                lc = line_c[i]
                ctx.set_source_rgba(lc[0], lc[1], lc[2], fa)
                ctx.set_line_width(lw_grid)
                ctx.stroke()
        points.flush()


class LatentHeatMap(CairoDrawn):
    """The latents z_j and their density over the latent grid, as dots over a smooth coloured image.

    The image is the grid's density values, bilinearly interpolated by Cairo
    over the grid's rectangle (which extends past the latents); every
    ``line_every``-th grid line is drawn over it, the same lines
    :class:`SurfaceView` draws on M.

    Parameters
    ----------
    to_scene
        Maps latents ``(..., 2)`` to scene points ``(..., 3)``.
    bounds
        Scene rectangle ``(left, bottom, right, top)`` the map stays in.
    color, line_color
        Colour of the density and the dots, and of the grid lines.
    dot_radius
        Radius of the dots in scene units.
    """

    def __init__(
        self,
        to_scene: Any,
        bounds: tuple[float, float, float, float],
        color: str,
        line_color: str,
        line_every: int = 4,
        dot_radius: float = 0.03,
    ) -> None:
        super().__init__(bounds)
        self.dot_radius = dot_radius
        self.dot_opacity = 0.9
        self.latents = np.zeros((0, 2))
        self.to_scene = to_scene
        self.density_rgb = _rgb(color)
        self.line_rgb = _rgb(line_color)
        self.line_every = line_every
        self.density_alpha = 1.0
        self.grid = np.zeros((2, 2, 2))
        self.density = np.zeros((2, 2))

    def set_density(self, grid: np.ndarray, density: np.ndarray) -> LatentHeatMap:
        """Show ``density`` ``(G, G)`` on ``grid`` ``(G, G, 2)``."""
        self.grid = np.asarray(grid, dtype=np.float64)
        self.density = np.asarray(density, dtype=np.float64)
        return self

    def set_latents(self, latents: np.ndarray) -> LatentHeatMap:
        """Show the latents ``(N, 2)`` as dots."""
        self.latents = np.asarray(latents, dtype=np.float64)
        return self

    @property
    def dot_centers(self) -> np.ndarray:
        """Scene points ``(N, 3)`` of the dots."""
        return np.asarray(self.to_scene(self.latents))

    def image(self) -> np.ndarray:
        """Premultiplied bytes ``(G, G, 4)`` for Manim's Cairo buffer (read as RGBA).

        Row 0 is the top (largest v), column 0 the smallest u.
        """
        d = self.density / max(float(self.density.max()), 1e-300)
        alpha = 0.85 * np.clip(d, 0.0, 1.0) ** 0.6 * self.density_alpha * self.alpha
        a = alpha.T[::-1]  # (v descending, u ascending)
        out = np.empty((*a.shape, 4), dtype=np.uint8)
        for k in range(3):
            out[..., k] = np.round(255 * self.density_rgb[k] * a)
        out[..., 3] = np.round(255 * a)
        return out

    def draw(self, ctx: cairo.Context, camera: Any) -> None:
        if self.alpha <= 0.0:
            return
        sx, sy, ox, oy = _pixel_transform(camera)
        ctx.identity_matrix()
        u0, u1, v0, v1 = _grid_extent(self.grid)
        (x0, y0, _), (x1, y1, _) = self.to_scene(np.array([[u0, v1], [u1, v0]]))
        px0, py0, px1, py1 = x0 * sx + ox, y0 * sy + oy, x1 * sx + ox, y1 * sy + oy  # top-left, bottom-right
        g = self.grid.shape[0]
        if self.density_alpha > 0:
            img = np.ascontiguousarray(self.image())
            buf = memoryview(img.data)
            surface = cairo.ImageSurface.create_for_data(buf, cairo.FORMAT_ARGB32, g, g, 4 * g)
            pattern = cairo.SurfacePattern(surface)
            pattern.set_filter(cairo.FILTER_BILINEAR)
            pattern.set_extend(cairo.EXTEND_PAD)
            kx = (g - 1) / max(px1 - px0, 1e-9)
            ky = (g - 1) / max(py1 - py0, 1e-9)
            pattern.set_matrix(cairo.Matrix(kx, 0.0, 0.0, ky, 0.5 - px0 * kx, 0.5 - py0 * ky))
            ctx.rectangle(px0, py0, px1 - px0, py1 - py0)
            ctx.set_source(pattern)
            ctx.fill()
        # Grid lines, the outline of the latent range M is drawn over.
        e = self.line_every
        lines = sorted({*range(0, g, e), g - 1})
        us = self.grid[:, 0, 0][lines]
        vs = self.grid[0, :, 1][lines]
        c = self.line_rgb
        ctx.set_line_width(max(0.012 * sx, 0.6))
        for k, u in enumerate(us):
            (ax, ay, _), (bx, by, _) = self.to_scene(np.array([[u, v0], [u, v1]]))
            ctx.move_to(ax * sx + ox, ay * sy + oy)
            ctx.line_to(bx * sx + ox, by * sy + oy)
            edge = k in (0, len(us) - 1)
            ctx.set_source_rgba(c[2], c[1], c[0], (0.75 if edge else 0.3) * self.alpha)
            ctx.stroke()
        for k, v in enumerate(vs):
            (ax, ay, _), (bx, by, _) = self.to_scene(np.array([[u0, v], [u1, v]]))
            ctx.move_to(ax * sx + ox, ay * sy + oy)
            ctx.line_to(bx * sx + ox, by * sy + oy)
            edge = k in (0, len(vs) - 1)
            ctx.set_source_rgba(c[2], c[1], c[0], (0.75 if edge else 0.3) * self.alpha)
            ctx.stroke()
        # The latents, one path and one fill.
        if len(self.latents):
            c = self.density_rgb
            r = self.dot_radius * sx
            tau = 2.0 * np.pi
            for x, y, _ in self.dot_centers.tolist():
                ctx.new_sub_path()
                ctx.arc(x * sx + ox, y * sy + oy, r, 0.0, tau)
            # A lighter tint keeps the dots apart from the density drawn in the same hue.
            c = 0.6 * c + 0.4
            ctx.set_source_rgba(c[2], c[1], c[0], self.dot_opacity * self.alpha)
            ctx.fill()
