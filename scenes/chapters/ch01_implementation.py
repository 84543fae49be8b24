"""Chapter 1: the implementation picture.

The trained network drawn from its real weights, its parts named, one real
data point flowing through it, and the output compared with the input.
"""

from __future__ import annotations

from manim import Create, FadeIn, GrowFromCenter, LaggedStart, Write

from aecore import TrainConfig
from scenes.animations.flow import FlowThrough
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.pictures.implementation import ImplementationPicture
from scenes.pictures.shadow import is_vector_run, superscript
from scenes.runs import main_config_2d, main_run_2d

__all__ = ["ImplementationView"]


class ImplementationView(ChapterScene):
    """The network diagram, with a data point flowing through and the loss."""

    chapter = 1
    title = N_("The implementation picture")
    draws_network = True
    fades_out = False  # the next chapter opens on this one's last frame
    flow_seconds = 3.0

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The main 2-D run."""
        return (main_config_2d(),)

    def construct(self) -> None:
        self.next_section(self.title)
        imp = ImplementationPicture(main_run_2d())
        net = imp.network

        # The network, from its real weights.
        self.caption(_("The usual picture of an autoencoder: a neural network"))
        self.play(
            LaggedStart(*(Create(e) for e in net.edges), lag_ratio=0.2),
            LaggedStart(*(FadeIn(col) for col in net.layers), lag_ratio=0.2),
            *(FadeIn(dots) for dots in net.ellipses if len(dots)),  # an elided layer's dots
            run_time=3.0,
        )
        self.play(FadeIn(imp.legend), run_time=0.6)
        self.wait(1.5)

        # Its parts.
        if is_vector_run(imp.run):  # vectors in R^D
            d = imp.run.data.shape[1]
            self.caption(
                _("It takes a point x in ℝ{dim} and returns a point x̂ in ℝ{dim}", dim=superscript(d)),
                spoken=_("It takes a point x in R {d} and returns a point x hat in R {d}", d=d),
            )
        else:
            self.caption(
                _("It takes a point x in ℝ² and returns a point x̂ in ℝ²"),
                spoken=_("It takes a point x in R two and returns a point x hat in R two"),
            )
        self.play(FadeIn(imp.x_label), FadeIn(imp.xhat_label), *(FadeIn(n) for n in imp.x_names))
        self.wait(1.5)
        self.caption(_("The encoder f squeezes x into one number z; the decoder g expands it back"))
        self.play(GrowFromCenter(imp.f_brace), FadeIn(imp.f_text), FadeIn(imp.z_label))
        self.play(GrowFromCenter(imp.g_brace), FadeIn(imp.g_text))
        self.wait(2.0)

        # One real data point flows through.
        self.caption(_("One real data point flows through the trained network"))
        self.play(FadeIn(imp.x_values))
        self.play(FlowThrough(net, imp.values, run_time=self.flow_seconds))
        self.play(FadeIn(imp.z_value), FadeIn(imp.xhat_values))
        self.wait(1.5)

        # Output against input.
        self.caption(
            _("Training makes the output match the input: it minimises ‖x − x̂‖²"),
            spoken=_(
                "Training makes the output match the input: "
                "it minimises the squared distance between x and x hat"
            ),
        )
        self.play(Create(imp.compare), Write(imp.compare_label), run_time=1.5)
        imp.add(*imp.annotations())
        self.add(imp)
        self.wait(3.0)
        self.key_frame()
