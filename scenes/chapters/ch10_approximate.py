"""Chapter 10: approximate, don't interpolate.

A well-fit M passes near the data, not through it. An overfit run (few
points, a large network, long training) passes through every x_j and swings
between them, while fresh points from the same distribution stay far from M.
The residuals on screen are aecore's (:func:`aecore.residuals`).
"""

from __future__ import annotations

from manim import Create, FadeIn

from aecore import Run, TrainConfig, cached_run
from aecore.forward import forward
from aecore.residuals import residuals
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.look.style import COLORS
from scenes.mobjects.clouds import SegmentBundle
from scenes.pictures.columns import RunColumn, column_rects
from scenes.runs import OVERFIT, WELL_FIT

__all__ = ["OVERFIT_RATIO", "ApproximateNotInterpolate", "residual_note", "verdict_color"]

OVERFIT_RATIO = 0.5
"""Below this ``train / held-out`` residual ratio the fit memorised its points (its numbers turn red)."""


def residual_note(run: Run) -> str:
    """The line under a run and its key: mean residual on training points (dots) and held-out ones (rings)."""
    r = residuals(run)
    return _("● train {train}   ○ held-out {held_out}", train=f"{r.train:.3f}", held_out=f"{r.held_out:.3f}")


def verdict_color(run: Run) -> str:
    """Green when held-out points fit about as well as training points, vermillion when far worse."""
    return COLORS["latent"] if residuals(run).ratio >= OVERFIT_RATIO else COLORS["unreliable"]


class ApproximateNotInterpolate(ChapterScene):
    """A well-fit M beside an overfit one, with held-out points and their residuals."""

    chapter = 10
    title = N_("Approximate, don't interpolate")
    held_out_shown = 40

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The well-fit and the overfit run."""
        return (WELL_FIT, OVERFIT)

    def construct(self) -> None:
        self.next_section(self.title)
        runs = (cached_run(WELL_FIT), cached_run(OVERFIT))
        titles = (_("300 points, small network"), _("12 points, big network, long training"))
        rects = column_rects(with_latent=False, note=residual_note(runs[0]))
        cols = [
            RunColumn(run, data_rect, None, title)
            for run, (data_rect, _latent), title in zip(runs, rects, titles, strict=True)
        ]

        # A good fit.
        good, bad = cols
        self.caption(_("A good M passes near the data, not through it"))
        self.play(FadeIn(good.panel), FadeIn(good.data_dots), run_time=1.0)
        self.play(Create(good.manifold), FadeIn(good.residuals), run_time=2.0)
        good.add(good.residuals)
        self.wait(1.5)

        # An interpolating one.
        self.caption(_("Few points, a big network, long training: M goes through every x"))
        self.play(FadeIn(bad.panel), FadeIn(bad.data_dots), run_time=1.0)
        self.play(Create(bad.manifold), FadeIn(bad.residuals), run_time=2.0)
        bad.add(bad.residuals)
        self.wait(2.0)

        # Fresh points from the same distribution.
        self.caption(_("Fresh points from the same distribution, and their reconstructions"))
        for col in cols:
            r = residuals(col.run)
            x = r.held_out_data[: self.held_out_shown]
            rings = col.dots_at(x, COLORS["text"], hollow=True)
            recon = forward(col.run, x)[-1]
            gaps = SegmentBundle(col.panel.to_scene(x), col.panel.to_scene(recon), COLORS["unreliable"], 3.5)
            self.play(FadeIn(rings), Create(gaps), run_time=1.5)
            col.add(rings, gaps)
        self.wait(1.5)

        # The numbers.
        self.caption(
            _("Mean residual ‖x − x̂‖ on training and on held-out points"),
            spoken=_("Mean distance between x and x hat, on training and on held-out points"),
        )
        notes = [col.note(residual_note(col.run), verdict_color(col.run)) for col in cols]
        self.play(*(FadeIn(n) for n in notes))
        for col, n in zip(cols, notes, strict=True):
            col.add(n)
        self.wait(2.5)
        self.caption(_("Near-zero training error, large held-out error: memorised, not learned"))
        self.wait(3.0)
        self.key_frame()
