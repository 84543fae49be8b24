"""Chapter 2: the round trip.

The network is stripped to its idea, x -> f -> z -> g -> x̂, and the line
bends into a loop: the output is compared with the input itself.
"""

from __future__ import annotations

from manim import FadeIn, FadeOut, Transform

from aecore import TrainConfig
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.pictures.implementation import ImplementationPicture
from scenes.pictures.roundtrip import RoundTrip
from scenes.runs import main_config_2d, main_run_2d

__all__ = ["RoundTripView"]


class RoundTripView(ChapterScene):
    """The network collapses to x, z, x̂ joined by f and g, and bends into a loop."""

    chapter = 2
    title = N_("The round trip")
    draws_network = True
    fades_out = False  # the next chapter opens on this one's last frame

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 2-D run."""
        return (main_config_2d(),)

    def construct(self) -> None:
        self.next_section(self.title)
        imp = ImplementationPicture(main_run_2d())
        net = imp.network
        net.set_activations(imp.values)
        extras = imp.annotations()
        self.add(net, extras)
        loop = RoundTrip(imp, bent=True)
        self.wait(0.5)

        # Strip the network to its idea.
        line = RoundTrip(imp, bent=False)
        self.caption(
            _("Strip it to its idea: x goes in, z sits in the middle, x̂ comes out"),
            spoken=_("Strip it to its idea: x goes in, z sits in the middle, x hat comes out"),
        )
        self.play(FadeOut(extras), run_time=0.8)
        collapse, halves = line.collapse(imp)
        self.play(*collapse, run_time=2.0)
        self.play(
            *(FadeIn(m) for m in (line.f_label, line.g_label, line.x_label, line.z_label, line.xhat_label))
        )
        self.remove(*halves)
        self.add(line)
        self.wait(2.0)

        # The line bends into a loop.
        self.caption(_("The output is compared with the input itself: the line closes into a loop"))
        self.play(
            *(Transform(a, b) for a, b in zip(line.submobjects, loop.submobjects, strict=False)), run_time=2.5
        )
        self.play(FadeIn(loop.approx))
        self.remove(line)
        self.add(loop)
        self.wait(1.5)
        self.caption(
            _("x → f → z → g → x̂ ≈ x: that round trip is the whole idea"),
            spoken=_(
                "x goes through f to z, and through g to x hat, close to x again: "
                "that round trip is the whole idea"
            ),
        )
        self.wait(3.0)
        self.key_frame()
