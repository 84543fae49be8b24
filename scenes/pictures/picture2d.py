"""The representation picture for n = 2, k = 1, built from a training run.

A data panel (R^2) with the data x_j, the decoder's image M and the
reconstructions x̂_j; a latent panel (a number line) with the latents z_j and
their density; the arrows f and g between the panels; a loss inset. Every
array comes from the run; :meth:`Picture2D.set_state` moves it all in place.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, UR, Arrow, Circle, Dot, Mobject, VGroup

from aecore import Run
from scenes.look.layout import Box, Layout, Rect, current_layout
from scenes.look.style import COLORS, fit_lines, text, wrap_units
from scenes.look.theme import Theme, themed
from scenes.mobjects.clouds import DotCloud, SegmentBundle
from scenes.mobjects.curve import FadingCurve
from scenes.mobjects.loss_inset import LossInset
from scenes.mobjects.panels import DataPanel, LatentAxis
from scenes.mobjects.zoom import ZoomView
from scenes.pictures.shadow import crossing_dim, shadow_run, space_label_lines
from scenes.pictures.state import PictureState, interpolate_states, state_at
from scenes.views.latent import LatentView

__all__ = ["Picture2D", "PictureState", "focus_index", "interpolate_states", "state_at", "zoom_half_width"]


def _data_bounds(run: Run) -> tuple[float, float, float, float]:
    """The data and the trained M; anything else (early M, other seeds) is clipped to the panel."""
    allp = np.vstack([run.data, np.asarray(run.final.manifold, dtype=np.float64)])
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def _box(m: Mobject) -> Box:
    """The bounding box of ``m``."""
    (left, bottom, _), (right, top, _) = m.get_corner(DOWN + LEFT), m.get_corner(UP + RIGHT)
    return Box(float(left), float(bottom), float(right), float(top))


def zoom_half_width(view_half: float, magnification: float, residual: np.ndarray) -> float:
    """Half the side, in data units, of the square a magnified view shows.

    Parameters
    ----------
    view_half
        Half the side of the view's square in data units at magnification 1.
    magnification
        The most the view may enlarge.
    residual
        ``x_j - x̂_j`` of the point the view is centred on (at the midpoint of
        x_j and x̂_j).

    Returns
    -------
    float
        ``view_half / magnification``, or more where the residual needs it:
        x_j and x̂_j then lie within the middle half of the square on each
        axis, clear of its edges and with room for their labels.
    """
    fit = float(np.max(np.abs(np.asarray(residual, dtype=np.float64))))  # |x - x̂| on the longer axis
    return max(view_half / magnification, fit)


def focus_index(run: Run) -> int:
    """The data point that carries the labels x, z, x̂ throughout the video.

    A typical point with a clearly visible residual: among the denser half of
    the latents, the one whose residual is at the 85th percentile.
    """
    s = run.final
    dens = np.interp(s.latents[:, 0], s.latent_grid[:, 0], s.density)
    resid = np.linalg.norm(run.data - s.recon, axis=1)
    dense = dens >= np.median(dens)
    target = np.quantile(resid[dense], 0.85)
    return int(np.argmin(np.where(dense, np.abs(resid - target), np.inf)))


class Picture2D(VGroup):
    """The whole representation picture for a k = 1 run in R^2, or of vectors in R^D seen through P.

    A vector run is drawn as its shadow (:func:`scenes.pictures.shadow.shadow_run`: the data, the true
    x̂ and M all through the same stored P), titled with what it shows of R^D, and where M's shadow
    crosses itself the branch farther from the picture's plane is dimmed.

    Parameters
    ----------
    run
        The run to show (data in R^2, or vectors with a projection; k = 1).
    layout
        Panel placement (default: the current frame's layout).
    focus
        Index of the data point that carries the x, z, x̂ labels.
    bounds
        ``(xmin, xmax, ymin, ymax)`` of data space the data panel shows
        (default: the data and the trained M).
    m_label_kind
        Text size of M's label (see :func:`scenes.look.style.text_size`).
    theme
        The theme of its colours, a :class:`~scenes.look.theme.Theme` or its name (default: the theme
        in force); every part, and the zoom view attached later, takes this theme's colours.

    Attributes
    ----------
    latents
        The latent panel: a :class:`~scenes.views.latent.LatentView`, whose panel, rug of z_j and
        density profile are :attr:`latent_axis`, :attr:`latent_dots` and :attr:`density`.
    """

    theme: Theme
    """The theme the picture is built in (the ``theme`` argument, or the one in force then)."""

    @themed
    def __init__(
        self,
        run: Run,
        layout: Layout | None = None,
        focus: int | None = None,
        bounds: tuple[float, float, float, float] | None = None,
        m_label_kind: str = "label",
        theme: Theme | str | None = None,
    ) -> None:
        super().__init__()
        self._build(run, layout, focus, bounds, m_label_kind)  # built in ``theme`` (@themed)

    def _build(
        self,
        run: Run,
        layout: Layout | None,
        focus: int | None,
        bounds: tuple[float, float, float, float] | None,
        m_label_kind: str,
    ) -> None:
        run = shadow_run(run)
        if run.data.shape[1] != 2 or run.final.latents.shape[1] != 1:
            raise ValueError("Picture2D shows runs with data in R^2 (or vectors through P) and k = 1")
        self.run = run
        self.layout = layout or current_layout()
        lay = self.layout
        scale = min(lay.data.width, lay.data.height)
        dot_r = 0.0095 * scale

        # Panels. M's label goes in the data panel's top-right corner, or under
        # the title (with the view moved down to make room) if the panel is narrow.
        title, variance = space_label_lines(run)  # a vector run: what of R^D the picture shows, wrapped
        self.m_label = text("M = g(ℝ¹)", m_label_kind, color=COLORS["manifold"])
        beside = variance is None and text(title, "small").width + self.m_label.width + 0.6 <= lay.data.width
        more: list[str] = []
        if variance is not None:
            parts, joiner = wrap_units(f"{title} {variance}")
            title, *more = fit_lines(parts, joiner, "small", lay.data.width - 0.4)
        self.variance_label = VGroup(*(text(line, "small", color=COLORS["muted"]) for line in more))
        self.variance_label.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        header = 0.0 if beside else self.m_label.height + 0.12
        header += 0.0 if not more else self.variance_label.height + 0.08
        self.data_panel = DataPanel(lay.data, bounds or _data_bounds(run), title, header=header)
        if more:
            self.variance_label.next_to(self.data_panel.title, DOWN, aligned_edge=LEFT, buff=0.08)
            self.data_panel.add(self.variance_label)
        self.latents = LatentView(run, 0, self.theme, lay.latent, dot_radius=dot_r)  # the public view's parts
        assert isinstance(self.latents.panel, LatentAxis) and self.latents.dots and self.latents.density
        self.latent_axis = self.latents.panel
        self.loss_inset = LossInset(lay.loss, run.steps, run.losses)

        # Arrays as mobjects.
        first = PictureState.of(run.snapshots[0])
        self.manifold = FadingCurve(
            self.data_panel.to_scene(first.manifold), COLORS["manifold"], stroke_width=6
        )
        self.data_points = self.data_panel.to_scene(run.data)  # x_j on screen: fixed during a run
        self.data_dots = DotCloud(self.data_points, dot_r, COLORS["data"], opacity=0.85)
        self.recon_dots = DotCloud(
            self.data_panel.to_scene(first.recon), dot_r * 0.9, COLORS["recon"], outline=COLORS["background"]
        )  # outlined: x̂ stays visible on M
        self.residuals = SegmentBundle(self.data_points, self.data_points, COLORS["residual"], 1.5)
        self.latent_dots = self.latents.dots  # a rug of small translucent dots: the density shows through
        self.density = self.latents.density

        # Arrows f and g.
        fa, fb = lay.f_arrow()
        ga, gb = lay.g_arrow()
        self.f_arrow = Arrow(fa, fb, buff=0, color=COLORS["encoder"], stroke_width=5)
        self.g_arrow = Arrow(ga, gb, buff=0, color=COLORS["decoder"], stroke_width=5)
        side = LEFT if lay.stacked else UP
        self.f_label = text("f", "label", color=COLORS["encoder"], slant="ITALIC").next_to(
            self.f_arrow, side, 0.1
        )
        gside = RIGHT if lay.stacked else DOWN
        self.g_label = text("g", "label", color=COLORS["decoder"], slant="ITALIC").next_to(
            self.g_arrow, gside, 0.1
        )

        # One point carries the labels x, z and x̂.
        self.focus = int(focus if focus is not None else focus_index(run))
        self.x_ring = Circle(radius=dot_r * 3.2, color=COLORS["data"], stroke_width=3)
        self.x_label = text("x", "label", color=COLORS["data"], slant="ITALIC")
        self.z_ring = Circle(radius=dot_r * 3.2, color=COLORS["latent"], stroke_width=3)
        self.z_ring.set_stroke(COLORS["background"], width=7, background=True)  # a halo on the green line
        self.z_label = text("z", "label", color=COLORS["latent"], slant="ITALIC")
        self.xhat_label = text("x̂", "label", color=COLORS["recon"], slant="ITALIC")
        # x's label goes outward from the panel's centre if it fits there clear of the trained M
        # and the other data; else to the first side clear of M, on a patch of background that
        # hides the dots under it.
        xj = self.data_points[self.focus]
        outward = self._outward(xj, self.data_panel)
        found = self._label_side(self.x_label, xj, [outward], [outward, UP, DOWN, LEFT, RIGHT])
        self.x_label_side: np.ndarray = UP if found is None else found[0]
        if found is None or not found[1]:
            self.x_label.add_background_rectangle(color=COLORS["background"], opacity=0.85, buff=0.04)
        # x̂ is next to x: its label goes the other way, across, or diagonally, clear of x's label.
        xh = self.data_panel.to_scene(np.asarray(run.final.recon[self.focus], dtype=np.float64))
        s = self.x_label_side
        across = np.array([-s[1], s[0], 0.0])
        sides = [-s, across, -across] + [(a * s + b * across) / np.sqrt(2) for a in (-1, 1) for b in (1, -1)]
        x_box = self.x_label.copy().next_to(xj, s, buff=0.22)
        found = self._label_side(self.xhat_label, xh, sides, sides, avoid=x_box, buff=0.2, anywhere=True)
        self.xhat_label_side = -s if found is None else found[0]
        if found is None or not found[1]:
            self.xhat_label.add_background_rectangle(color=COLORS["background"], opacity=0.85, buff=0.04)
        self.xhat_dot = Dot(
            radius=dot_r * 1.7, color=COLORS["recon"], stroke_color=COLORS["background"], stroke_width=1.5
        )
        if beside:
            self.m_label.move_to(self.data_panel.frame.get_corner(UR), aligned_edge=UR).shift(
                0.15 * (DOWN + LEFT)
            )
        else:
            below = self.data_panel.title if not more else self.variance_label
            self.m_label.next_to(below, DOWN, aligned_edge=LEFT, buff=0.1)

        self.add(
            self.data_panel,
            self.latent_axis,
            self.loss_inset,
            self.f_arrow,
            self.g_arrow,
            self.f_label,
            self.g_label,
            self.data_dots,
            self.manifold,
            self.latent_dots,
            self.x_ring,
            self.x_label,
            self.z_ring,
            self.z_label,
        )
        self.state = first
        self.zoom: ZoomView | None = None
        self.m_opacity: np.ndarray | float = 1.0
        self.m_crossing: np.ndarray = np.ones(len(first.manifold))
        self.set_state(first)

    def attach_zoom(self, magnification: float = 6.0) -> ZoomView:
        """Build a magnified view around the focus point, kept in step by :meth:`set_state`.

        The view sits in the middle of the data panel, which the data leaves
        empty for curve-like data sets, and is about two thirds as wide as the
        data on screen; it shows the current state's x̂ and M.

        ``magnification`` is the most the view enlarges: where the focus
        point's residual is long (a blob, a short training), the view
        enlarges less, so that x and x̂ stay in the middle half of its
        square (see :func:`zoom_half_width`).
        """
        dp, s = self.data_panel, self.state
        lo, hi = self.run.data.min(axis=0), self.run.data.max(axis=0)
        size = min(0.687 * float(hi[0] - lo[0]) * dp.scale_factor, 0.9 * min(dp.rect.width, dp.rect.height))
        centre = dp.to_scene((lo + hi) / 2)
        rect = Rect(float(centre[0]), float(centre[1]) - 0.2 * size, size, size)
        j = self.focus
        residual = self.run.data[j] - np.asarray(s.recon[j], dtype=np.float64)
        half = zoom_half_width(size * 0.47 / dp.scale_factor, magnification, residual)
        with self.theme.in_force():  # the picture's theme, whatever is in force now
            self.zoom = ZoomView(
                rect,
                dp,
                0.5 * (self.run.data[j] + np.asarray(s.recon[j], dtype=np.float64)),
                half,
                self.run.data,
                np.asarray(s.recon, dtype=np.float64),
                np.asarray(s.manifold, dtype=np.float64),
                self.focus,
                self.recon_dots.radius * 1.8,
            )
        self.zoom.set_fraction(getattr(self, "recon_fraction", 1.0))
        return self.zoom

    def show_reconstructions(self) -> Picture2D:
        """Add the x̂ dots and residuals just above M (below labels and the zoom view)."""
        i = self.submobjects.index(self.manifold) + 1
        self.submobjects[i:i] = [m for m in (self.residuals, self.recon_dots) if m not in self.submobjects]
        if self.zoom is not None:
            self.zoom.show_reconstructions()
        return self

    def set_manifold_opacity(self, values: np.ndarray | float) -> Picture2D:
        """Per-vertex opacity of M (inside the panel; outside it M is clipped)."""
        self.m_opacity = values
        pts = self.manifold.vertices
        self.manifold.set_vertex_opacity(np.asarray(values) * self.data_panel.contains(pts) * self.m_crossing)
        return self

    def set_state(self, state: PictureState, recon_fraction: float | None = None) -> Picture2D:
        """Show ``state``: move M, the latents, the density, x̂ and the labels in place.

        ``recon_fraction`` in [0, 1] puts each x̂ dot that far along its way
        from x_j to x̂_j (the snap); ``None`` keeps the current fraction.
        """
        if np.shape(state.recon)[-1] != 2:
            raise ValueError(
                "Picture2D.set_state: give a state of pic.run (a vector run's shadow), not of R^D"
            )
        self.state = state
        if recon_fraction is not None:
            self.recon_fraction = recon_fraction
        dp = self.data_panel
        m_pts = dp.to_scene(state.manifold)
        self.manifold.set_vertices(m_pts)
        self.m_crossing = crossing_dim(state.manifold, state.depth)  # ones unless M's shadow crosses itself
        self.manifold.set_vertex_opacity(self.m_opacity * dp.contains(m_pts) * self.m_crossing)
        z_pts = self.latents.set_state(state).latent_points()
        x = self.data_points
        xh = dp.to_scene(state.recon)
        t = getattr(self, "recon_fraction", 1.0)
        cur = x + t * (xh - x)
        if self.zoom is not None:
            self.zoom.set_fraction(t)
        self.recon_dots.set_centers(cur)
        self.residuals.set_segments(x, cur)
        j = self.focus
        self.x_ring.move_to(x[j])
        self.x_label.next_to(x[j], self.x_label_side, buff=0.22)
        self.z_ring.move_to(z_pts[j])
        self._clear_of_tick_labels(self.z_ring)
        self.z_label.next_to(z_pts[j], UP, buff=0.25)
        self.xhat_dot.move_to(xh[j])
        self.xhat_label.next_to(xh[j], self.xhat_label_side, buff=0.2)
        return self

    def _label_side(
        self,
        label: Mobject,
        at: np.ndarray,
        preferred: list[np.ndarray],
        fallback: list[np.ndarray],
        avoid: Mobject | None = None,
        buff: float = 0.22,
        anywhere: bool = False,
    ) -> tuple[np.ndarray, bool] | None:
        """A side of ``at`` for ``label`` that keeps it in the panel and off ``avoid``.

        ``(side, True)`` for the first of ``preferred`` clear of the trained
        M and the data, else ``(side, False)`` for the first of ``fallback``
        clear of M (the label then goes on a patch that hides the dots under
        it), else, with ``anywhere``, the first of ``fallback`` inside the
        panel at all; else ``None``.
        """
        dp = self.data_panel
        m_pts = dp.to_scene(np.asarray(self.run.final.manifold, dtype=np.float64))
        m_pts = m_pts[dp.contains(m_pts) > 0]
        # The point's own neighbours may lie under its label in R^2; a vector run's shadow is dense
        # around every point, so there the label keeps off all but the point itself.
        reach = 4.0 if self.run.projection is None else 1.2
        near = np.linalg.norm(self.data_points - at, axis=1) < reach * self.x_ring.radius
        everything = np.vstack([m_pts, self.data_points[~near]])
        keep_off = None if avoid is None else _box(avoid)

        def clear(side: np.ndarray, pts: np.ndarray) -> bool:
            trial = label.copy().next_to(at, side, buff=buff)
            if not self._fits(trial, dp):
                return False
            box = _box(trial).shrunk(-0.04)
            return not (keep_off is not None and box.overlaps(keep_off)) and not bool(box.contains(pts).any())

        for side in preferred:
            if clear(side, everything):
                return side, True
        for side in fallback:
            if clear(side, m_pts):
                return side, False
        if anywhere:
            for side in fallback:
                if self._fits(label.copy().next_to(at, side, buff=buff), dp):
                    return side, False
        return None

    def _clear_of_tick_labels(self, ring: Mobject) -> None:
        """Shrink ``ring`` (z's) to fit above a tick label it would run into; else give it its own size."""
        own = 2 * 3.2 * 0.0095 * min(self.layout.data.width, self.layout.data.height)
        axis = self.latent_axis
        labels = [
            m for m in axis.ticks if isinstance(m, type(self.z_label)) and m.get_top()[1] < axis.y - 0.05
        ]
        box = _box(ring.copy().scale_to_fit_width(own))
        hit = [m for m in labels if box.overlaps(_box(m))]
        size = own
        if hit:
            room = axis.y - max(float(m.get_top()[1]) for m in hit) - 0.02
            size = max(min(own, 2 * room), 0.05)
        if abs(ring.width - size) > 1e-6:
            ring.scale_to_fit_width(size)

    @staticmethod
    def _fits(label: Mobject, dp: DataPanel) -> bool:
        """Whether ``label`` lies inside the panel's frame, clear of its border."""
        r, m = dp.rect, 0.05
        lo, hi = label.get_corner(DOWN + LEFT), label.get_corner(UP + RIGHT)
        return bool(lo[0] > r.left + m and hi[0] < r.right - m and lo[1] > r.bottom + m and hi[1] < r.top - m)

    @staticmethod
    def _outward(p: np.ndarray, dp: DataPanel) -> np.ndarray:
        """Unit screen direction from the panel centre towards ``p`` (horizontal or vertical)."""
        d = p - dp.screen_center
        return (RIGHT if d[0] > 0 else LEFT) if abs(d[0]) > abs(d[1]) else (UP if d[1] > 0 else DOWN)

    def recon_on_screen(self) -> np.ndarray:
        """Centres of the x̂ dots in data coordinates ``(N, 2)``."""
        return self.data_panel.to_data(self.recon_dots.centers)
