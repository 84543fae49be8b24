"""Chapter 8: images, where M lives in R^64.

Handwritten digits of 8 x 8 pixels are points in R^64; a k = 2 autoencoder
(:data:`scenes.runs.DIGITS`) sends each to a point z of the latent plane.
M is drawn as a mosaic over that plane: the image g(u) at every grid point u,
forming over the training snapshots from grey mush into digits, each tile as
opaque as g is reliable there. x̂ is the tile at z = f(x), blurrier than x,
and x − x̂ is an image of its own. Last, a walk across the plane morphs one
digit class into another while its reliability dips between the clusters.

The picture is an :class:`~scenes.pictures.images.ImagesPicture`; the mosaic
is one :class:`~scenes.mobjects.mosaic.ImageMosaic`, one image per frame.
"""

from __future__ import annotations

from aecore import Run, TrainConfig
from scenes.animations.opacity import OpacityFade, swap_in_place
from scenes.animations.timeline import SnapshotTimeline
from scenes.animations.timeline3d import FadeDrawn, FadeSurfaceToReliability, Redraw
from scenes.animations.walk import LatentWalk
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.pictures.images import ImagesPicture
from scenes.runs import DIGITS, digits_run

__all__ = ["ImagesOnM"]


class ImagesOnM(ChapterScene):
    """Digits in R^64: their latents, M as a mosaic of decoded images, x beside x̂, a walk.

    What stays still (the plane, the side panel's beats, the captions) is
    added before what moves, so Manim draws it once into its static
    background; training redraws the mosaic and the loss inset, the walk
    only its walker, its decoded image and its place on the strip.
    """

    chapter = 8
    title = N_("Images: M lives in ℝ⁶⁴")
    seconds_per_snapshot = 0.15
    fade_seconds = 2.5
    walk_seconds = 4.5

    @classmethod
    def cannot_show(cls, run: Run) -> str | None:
        """The walk decodes latents the file does not hold (with g's weights); dots are coloured by label."""
        if not run.has_weights:
            return "decodes new latents along its walk, which needs an MLP's weights"
        if run.labels is None:
            return "colours each latent by its label, and this run has no labels"
        return None

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The digits run."""
        return (DIGITS,)

    def construct(self) -> None:
        self.next_section(self.title)
        pic = ImagesPicture(digits_run())
        samples = pic.samples()

        # Data: a few images, then every image's latent z on the plane.
        self.play(OpacityFade(pic.plane), OpacityFade(samples), run_time=1.0)
        self.say(
            _("Images: each digit of 8 × 8 pixels is one point x in ℝ⁶⁴"),
            spoken=_("Images: each digit of eight by eight pixels is one point x in R sixty four"),
        )
        self.wait(1.0)
        self.say(_("The encoder sends each image to a point z, coloured by its digit"))
        self.play(OpacityFade(pic.dots), run_time=1.0)
        self.bring_to_back(pic.dots)
        self.wait(1.5)

        # M as a mosaic, forming over training.
        self.say(
            _("M as a mosaic: each tile is the image g(u) decoded at its point u"),
            spoken=_("M as a mosaic: each tile is the image g decodes at its point"),
        )
        self.add(pic)
        beside = pic.samples(pic.bottom_of_side(0.55))  # the data, beside M as it forms
        self.play(
            *swap_in_place([samples], [beside, pic.loss_inset]),  # the side panel: one beat at a time
            OpacityFade(pic.dots, fade_in=False),
            *(OpacityFade(line, fade_in=False, remover=False) for line in pic.plane.axes[:2]),
            OpacityFade(pic.m_label),
            *([OpacityFade(pic.plane.title, fade_in=False, remover=False)] if pic.m_replaces_title else []),
            FadeDrawn(pic.mosaic, target=1.0),
            run_time=1.0,
        )
        self.bring_to_back(pic.loss_inset, pic.m_label, beside)
        self.say(_("Training: grey mush turns into digits"))
        self.play(
            SnapshotTimeline(pic, seconds_per_snapshot=self.seconds_per_snapshot), Redraw(pic.loss_inset)
        )
        self.wait(0.5)
        self.say(_("Tile opacity is reliability: crisp over the data, faded guesses past it"))
        self.play(FadeSurfaceToReliability(pic, run_time=self.fade_seconds))
        self.wait(1.5)

        # x̂ on M, x off it.
        pairs, rings = pic.pairs()
        self.say(
            _("x̂ is the tile at z = f(x), blurrier than x; x − x̂ is an image of its own"),
            spoken=_("x hat is the tile at z, blurrier than x; x minus x hat is an image of its own"),
        )
        self.play(*swap_in_place([pic.loss_inset, beside], [pairs, rings]), run_time=1.0)  # never stacked
        self.wait(2.0)

        # A walk across the plane.
        pic.build_walk()
        self.say(_("Walking across the plane morphs one digit into another; reliability dips in between"))
        self.play(*swap_in_place([pairs, rings], [pic.path, pic.walker, pic.walk_panel]), run_time=1.0)
        # What the walk moves goes last, after the walker; the rest of the panel into the background.
        moving = (pic.walk_image, pic.strip_head, pic.walk_readout)
        pic.walk_panel.remove(*moving)
        self.add(*moving)
        self.bring_to_back(pic.walk_panel)
        self.play(
            LatentWalk(pic, redraw=pic.walker, run_time=self.walk_seconds), *(Redraw(m) for m in moving)
        )
        self.key_frame()
        self.wait(1.5)
