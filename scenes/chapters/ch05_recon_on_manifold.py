"""Chapter 5: x̂ snaps onto M, x does not.

Each reconstruction x̂_j = g(f(x_j)) leaves its data point and lands on M
along its residual segment, in the whole panel and in a magnified view:
x̂ is on M by construction, x is off it unless the loss is zero.
"""

from __future__ import annotations

from manim import FadeIn, Indicate

from aecore import TrainConfig
from scenes.animations.snap import SnapToManifold
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.look.style import COLORS
from scenes.pictures.shadow import shadow_note
from scenes.runs import main_config_2d
from scenes.story import trained_picture

__all__ = ["ReconstructionsOnManifold"]


class ReconstructionsOnManifold(ChapterScene):
    """Reconstructions land on M along their residuals; the data stays off M."""

    chapter = 5
    title = N_("x̂ lands on M, x does not")
    fades_out = False  # the next chapter opens on this one's last frame
    snap_seconds = 3.5
    magnification = 7.0
    """The most the magnified view enlarges (less where the focus point's residual is long)."""

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 2-D run."""
        return (main_config_2d(),)

    def construct(self) -> None:
        self.next_section(self.title)
        pic = trained_picture()
        pic.set_state(pic.state, recon_fraction=0.0)
        self.add(pic)
        self.wait(0.5)

        # A magnified look at a few points.
        zoom = pic.attach_zoom(self.magnification)
        self.caption(_("Look closely at a few data points x"))
        self.vanish(pic, pic.x_ring, pic.x_label, pic.xhat_dot, pic.xhat_label, run_time=0.5)
        self.play(FadeIn(zoom), run_time=1.5)
        pic.add(zoom)
        self.wait(1.0)

        # The snap.
        self.caption(
            _("Send every x through the network: x̂ = g(f(x))"),
            spoken=_("Send every x through the network: x hat is g of f of x"),
        )
        pic.show_reconstructions()
        self.play(SnapToManifold(pic, run_time=self.snap_seconds))
        self.play(FadeIn(zoom.xhat_label), Indicate(zoom.recon_dots, color=COLORS["recon"], scale_factor=1.0))
        pic.add(zoom.xhat_label)
        self.wait(1.0)

        # Why.
        self.caption(
            _("x̂ is an output of g, so it lies on M by construction"),
            spoken=_("x hat is an output of g, so it lies on M by construction"),
        )
        self.wait(2.5)
        self.caption(_("x itself stays off M: the gaps are what the loss adds up"))
        self.play(Indicate(zoom.residuals, color=COLORS["text"], scale_factor=1.0), run_time=1.5)
        self.wait(2.0)
        p = pic.run.projection
        if p is not None:  # once, on screen: the picture is a projection of R^D
            d = p.components.shape[1]
            self.caption(
                shadow_note(pic.run),
                spoken=_("Distances here are shadows of distances in R {d}: x hat lies on M there", d=d),
            )
            self.wait(2.5)
        self.caption(_("Only a loss of exactly zero would put the data on M"))
        self.wait(2.5)
        self.key_frame()
        self.vanish(pic, zoom, zoom.xhat_label, run_time=0.8)
