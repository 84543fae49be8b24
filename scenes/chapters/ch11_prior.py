"""Chapter 11: new samples need a prior.

Latents drawn from N(0, 1) in a plain autoencoder's latent space (two
clusters with a gap) often fall between or past the clusters' latents, and
decode onto the faded, unreliable part of M: the bridge and the ends. A VAE
trained by the same trainer keeps its latents close to N(0, 1), so samples
from that prior land where M is reliable. The fractions on screen and the red samples use aecore's one
threshold, :data:`aecore.priors.RELIABLE_THRESHOLD` (:mod:`aecore.priors`).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, UR, FadeIn, LaggedStart, ReplacementTransform, VGroup

from aecore import Run, TrainConfig, cached_run
from aecore.priors import RELIABLE_THRESHOLD, PriorDraw, draw_prior
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.look.style import COLORS, text
from scenes.mobjects.density import DensityProfile
from scenes.pictures.columns import RunColumn, column_rects
from scenes.runs import PRIOR_AE, PRIOR_VAE

__all__ = ["NewSamplesNeedAPrior", "prior_draws", "prior_profile"]

SAMPLE_PRIORS = ("normal", "normal")
"""N(0, 1) for both: the plain autoencoder was never asked to fit it, the VAE was."""


def prior_draws(runs: tuple[Run, Run], n: int = 2000) -> list[PriorDraw]:
    """aecore's prior draws, N(0, 1), for the plain autoencoder and the VAE."""
    return [draw_prior(run, kind, n=n, seed=0) for run, kind in zip(runs, SAMPLE_PRIORS, strict=True)]


def prior_profile(col: RunColumn) -> VGroup:
    """The sampling density N(0, 1) on ``col``'s latent line, over the latents' own density, labelled."""
    assert col.latent_axis is not None
    grid = np.asarray(col.run.final.latent_grid, dtype=np.float64)  # (G, 1)
    pdf = np.exp(-0.5 * grid[:, 0] ** 2)
    curve = DensityProfile(col.latent_axis, grid, pdf, COLORS["text"], fill_opacity=0.0, stroke_width=2.5)
    label = text("N(0, 1)", "small", color=COLORS["text"])  # in the title row, opposite the title
    frame, title = col.latent_axis.frame, col.latent_axis.title
    label.move_to(frame.get_corner(UR), aligned_edge=UR).shift(0.1 * (DOWN + LEFT)).align_to(title, UP)
    if label.get_left()[0] < title.get_right()[0] + 0.15:  # no room there: under the title's row, right
        label.next_to(title, DOWN, buff=0.06).align_to(frame.get_right() + 0.1 * LEFT, RIGHT)
    col.latent_axis.make_room(label)  # both densities stay under the label
    col.density.set_density(col.run.final.latent_grid, col.run.final.density)
    curve.set_density(grid, pdf)
    return VGroup(curve, label)


class NewSamplesNeedAPrior(ChapterScene):
    """Prior samples decoded by a plain autoencoder and by a VAE."""

    chapter = 11
    title = N_("New samples need a prior")
    samples_shown = 120

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The plain autoencoder and its VAE twin."""
        return (PRIOR_AE, PRIOR_VAE)

    def construct(self) -> None:
        self.next_section(self.title)
        runs = (cached_run(PRIOR_AE), cached_run(PRIOR_VAE))
        titles = (_("plain autoencoder"), _("VAE, same trainer"))
        cols = [
            RunColumn(run, data_rect, latent_rect, title).fade_by_reliability()
            for run, (data_rect, latent_rect), title in zip(
                runs,
                column_rects(with_latent=True, note=_("{percent}% reliable", percent=100)),
                titles,
                strict=True,
            )
        ]
        draws = prior_draws(runs)

        # The two trained models.
        self.caption(_("To make new data, decode new latents z. But which z?"))
        self.play(*(FadeIn(c) for c in cols), run_time=1.5)
        self.wait(1.5)

        # Samples on the latent lines, coloured by whether g is reliable there.
        self.caption(_("Draw z from N(0, 1) for both: the VAE was trained to fit it, the plain one was not"))
        priors = [prior_profile(col) for col in cols]
        self.play(*(FadeIn(p) for p in priors), run_time=1.0)
        for col, p in zip(cols, priors, strict=True):
            self.adopt(col, p)
        for col in cols:
            col.data_dots.set_fill(opacity=0.35)
        samples, decoded = [], []
        for col, draw in zip(cols, draws, strict=True):
            assert col.latent_axis is not None
            ok = draw.reliable()[: self.samples_shown]
            z = draw.z[: self.samples_shown]
            x = draw.x[: self.samples_shown]
            on_line, on_m = [], []
            for mask, color in ((ok, COLORS["text"]), (~ok, COLORS["unreliable"])):
                dots = col.dots_at(x[mask], color)
                on_m.append(dots.copy())
                on_line.append(dots.set_centers(col.latent_axis.to_scene(z[mask])))
            samples.append(VGroup(*on_line))
            decoded.append(VGroup(*on_m))
        self.play(LaggedStart(*(FadeIn(s) for s in samples), lag_ratio=0.5), run_time=1.5)
        self.wait(1.0)
        self.caption(_("Red: where few reconstructions lie on M, so g is unreliable there"))
        self.wait(1.0)

        # Decoded onto M: every sample flies from its z on the line to g(z) on M.
        self.caption(_("Decoded, every sample lands on M; the red ones on its faded part"))
        flights = [
            ReplacementTransform(on_line.copy(), on_m)
            for line_group, m_group in zip(samples, decoded, strict=True)
            for on_line, on_m in zip(line_group, m_group, strict=True)
        ]
        self.play(*flights, run_time=2.5)
        self.remove(*(dots for group in decoded for dots in group))  # back into their groups
        self.add(*decoded)
        self.wait(1.5)

        # The numbers.
        n = len(draws[0].z)
        self.caption(
            _("Share of {n} samples where reliability > {threshold}", n=n, threshold=RELIABLE_THRESHOLD),
            spoken=_(
                "Share of {n} samples where reliability is above {threshold}",
                n=n,
                threshold=RELIABLE_THRESHOLD,
            ),
        )
        notes = [
            col.note(_("{percent}% reliable", percent=round(100 * d.fraction())))
            for col, d in zip(cols, draws, strict=True)
        ]
        self.play(*(FadeIn(n) for n in notes))
        for col, parts in zip(cols, zip(samples, decoded, notes, strict=True), strict=True):
            col.add(*parts)
        self.wait(2.5)
        self.caption(_("A plain autoencoder says nothing about where latents are dense; a VAE shapes them"))
        self.wait(3.0)
        self.key_frame()
