"""Chapter 7: the same story for surfaces (n = 3, k = 2).

A latent panel (the plane R^2, fixed in the frame) shows the z_j, the latent
grid and, later, the density of the z_j as a heat map; a 3-D data panel shows
the x_j and the surface M = g(latent grid) under a slowly orbiting camera.
M unfolds over the training snapshots, each x̂_j lands on M along its
residual, and every face of M takes the opacity of the decoder's reliability
at the face's centre, so M fades where the latents are sparse.

The picture is a :class:`~scenes.pictures.picture3d.Picture3D`; its 3-D panel
is drawn by :attr:`SurfaceForms.view_class`, one
:class:`~scenes.mobjects.surface_view.SurfaceView` (numpy projection and depth
sort, one pycairo pass). ``benchmarks/bench_surface.py`` renders a subclass
of this scene that draws M with Manim's own :class:`~manim.Surface` instead.
"""

from __future__ import annotations

from typing import ClassVar

from manim import Create, FadeIn, FadeOut

from aecore import TrainConfig
from scenes.animations.timeline import SnapshotTimeline
from scenes.animations.timeline3d import FadeDrawn, FadeSurfaceToReliability, Redraw, SnapOntoSurface
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.mobjects.surface_view import SurfaceView
from scenes.pictures.picture3d import Picture3D, highlight_subset
from scenes.pictures.shadow import shadow_note
from scenes.runs import MAIN_3D, main_run_3d

__all__ = ["SurfaceForms"]


class SurfaceForms(ChapterScene):
    """The decoder's surface forming over a sheet of data, with x̂ snapping and M fading.

    Only the picture (the 3-D view, whose camera orbits) is redrawn every
    frame; panels, labels, captions and the loss inset are kept before it in
    the scene's list, so Manim draws them once into its static background
    (the loss inset and the latent heat map move only while training plays).
    """

    chapter = 7
    title = N_("The same story for surfaces")
    seconds_per_snapshot = 0.2
    snap_seconds = 3.0
    fade_seconds = 3.0
    view_class: ClassVar[type[SurfaceView]] = SurfaceView
    """What draws the 3-D panel (a subclass may draw the same picture another way)."""

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 3-D run."""
        return (MAIN_3D,)

    def construct(self) -> None:
        self.next_section(self.title)
        pic = Picture3D(main_run_3d(), view_class=self.view_class)
        pic.start_orbit()
        pic.view.alpha = 0.0
        pic.view.show_recon = False
        self.add(pic.backdrop, pic.heatmap, pic)
        self.play(FadeDrawn(pic.view, target=1.0), FadeIn(pic.legend[0]), run_time=1.0)
        self.bring_to_back(pic.legend[0])

        p = pic.run.projection
        if p is not None:  # the viewer's vectors in R^D, k = 2: once, on screen, what the picture is
            d = p.components.shape[1]
            self.say(
                shadow_note(pic.run),
                spoken=_("Distances here are shadows of distances in R {d}: x hat lies on M there", d=d),
            )
        else:
            self.say(
                _("One dimension up: data on a curved sheet in ℝ³, seen from a slowly turning camera"),
                spoken=_(
                    "One dimension up: data on a curved sheet in R three, seen from a slowly turning camera"
                ),
            )
        self.wait(1.0)

        # M before training, then training.
        self.say(
            _("With two latent dimensions, M = g(ℝ²) is a surface; untrained, g squeezes it into a speck"),
            spoken=_(
                "With two latent dimensions, M, the image of R two under g, is a surface; "
                "untrained, g squeezes it into a speck"
            ),
        )
        ring = pic.speck_ring()
        self.play(FadeIn(pic.m_label), FadeIn(pic.loss_inset), Create(ring), run_time=0.8)
        self.bring_to_back(pic.m_label, pic.loss_inset)
        self.wait(1.5)
        self.play(FadeOut(ring), run_time=0.4)
        self.say(_("Training: M unfolds over the sheet as the z spread over the plane"))
        self.play(
            SnapshotTimeline(pic, seconds_per_snapshot=self.seconds_per_snapshot),
            Redraw(pic.loss_inset),
            Redraw(pic.heatmap),
        )
        self.wait(1.0)

        # The snap.
        self.say(
            _("Each x̂ = g(f(x)) lands on the surface; x stays just off it"),
            spoken=_("Each x hat lands on the surface; x stays just off it"),
        )
        pic.view.show_recon = True
        pic.view.set_highlight(highlight_subset(pic.run))  # a few thick residuals: x stays off M
        self.play(FadeIn(pic.legend[1]), run_time=0.5)
        self.bring_to_back(pic.legend[1])
        self.play(SnapOntoSurface(pic, run_time=self.snap_seconds))
        self.wait(1.5)

        # Density and reliability.
        self.say(_("The heat map shows where the latents z are dense"))
        self.play(FadeDrawn(pic.heatmap, "density_alpha", 1.0, run_time=1.5))
        self.wait(1.0)
        self.say(_("Each face of M fades where few reconstructions lie per unit of its area"))
        self.play(FadeSurfaceToReliability(pic, run_time=self.fade_seconds))
        self.wait(1.5)
        self.say(_("The latent grid reaches past the data; out there g only guesses"))
        self.wait(2.5)
        self.say(_("From every side: trust M only over the data"))
        self.wait(3.5)
        self.key_frame()
