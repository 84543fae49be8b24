"""The implementation chapters, the morph, and the chapters played end to end as the explainer."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import srt
from manim.renderer.cairo_renderer import CairoRenderer

from scenes.animations.flow import FlowThrough, reveal_levels
from scenes.captions import join_srt, srt_text
from scenes.chapters import SCENES_IN_ORDER
from scenes.look.style import COLORS
from scenes.mobjects.clouds import DotCloud
from scenes.mobjects.network import edge_style
from scenes.pictures.implementation import ImplementationPicture
from scenes.pictures.picture2d import Picture2D
from scenes.runs import main_run_2d
from tests.conftest import dry_renderer

pytestmark = pytest.mark.usefixtures("low_res")


@pytest.fixture(scope="module")
def run():
    return main_run_2d()


def test_diagram_has_the_models_layers_and_weights(run) -> None:
    imp = ImplementationPicture(run)
    net = imp.network
    assert [len(col) for col in net.layers] == run.layer_sizes
    for k, w in enumerate(net.weights):
        assert len(net.edges[k]) == w.size
        widths = net.edge_widths(k).ravel()
        order = np.argsort(np.abs(w).ravel(), kind="stable")
        assert np.all(np.diff(widths[order]) >= -1e-12)  # monotone in |weight|
        assert widths.max() > 2 * widths.min()


def test_edge_style_is_monotone_and_saturates() -> None:
    w = np.linspace(-3, 3, 61)
    width, opacity = edge_style(w, reference=1.0)
    a = np.abs(w)
    order = np.argsort(a)
    assert np.all(np.diff(width[order]) >= 0) and np.all(np.diff(opacity[order]) >= 0)
    assert width[a >= 1].min() == width.max()


def test_flow_lights_layers_in_order(run) -> None:
    imp = ImplementationPicture(run)
    levels = reveal_levels(0.5, 7)
    assert levels[0] == 1.0 and levels[-1] == 0.0 and np.all(np.diff(levels) <= 0)
    anim = FlowThrough(imp.network, imp.values)
    anim.interpolate_mobject(0.0)
    assert max(n.get_fill_opacity() for col in imp.network.layers for n in col) == 0.0
    anim.interpolate_mobject(1.0)
    for col, v in zip(imp.network.layers, imp.values, strict=True):
        strongest = int(np.argmax(np.abs(v)))
        assert col[strongest].get_fill_opacity() == pytest.approx(1.0)


def test_values_shown_are_the_models(run) -> None:
    imp = ImplementationPicture(run)
    j = imp.focus
    np.testing.assert_allclose(imp.values[0], run.data[j])
    np.testing.assert_allclose(imp.values[-1], run.final.recon[j], atol=1e-4)
    assert imp.loss == pytest.approx(float(np.sum((run.data[j] - run.final.recon[j]) ** 2)), rel=1e-3)


def test_morph_ends_where_the_representation_chapters_start(run) -> None:
    from scenes.chapters.ch03_morph import MorphToRepresentation
    from scenes.chapters.ch04_manifold_forms import ManifoldForms

    morph = MorphToRepresentation(renderer=dry_renderer())
    morph.render()
    (end,) = [m for m in morph.mobjects if isinstance(m, Picture2D)]
    j = end.focus
    np.testing.assert_allclose(end.data_panel.to_data(end.x_ring.get_center()), run.data[j], atol=1e-6)
    np.testing.assert_allclose(
        end.latent_axis.to_latent(end.z_ring.get_center()), run.final.latents[j], atol=1e-6
    )
    np.testing.assert_allclose(
        end.data_panel.to_data(end.xhat_dot.get_center()), run.final.recon[j], atol=1e-6
    )

    class FirstFrame(ManifoldForms):
        def wait(self, *args, **kwargs):  # stop at the first beat: the chapter's opening state
            raise StopIteration

    start_scene = FirstFrame(renderer=CairoRenderer(skip_animations=True))
    start_scene.setup()
    with pytest.raises(StopIteration):
        start_scene.construct()
    (start,) = [m for m in start_scene.mobjects if isinstance(m, Picture2D)]
    for name in ("x_ring", "z_ring", "xhat_dot", "f_arrow", "g_arrow", "x_label", "z_label", "xhat_label"):
        np.testing.assert_allclose(
            getattr(start, name).get_center(), getattr(end, name).get_center(), atol=1e-9
        )


def test_chapters_are_numbered_in_play_order() -> None:
    import sys
    from pathlib import Path

    from scenes.chapters import chapter_infos

    assert [c.chapter for c in SCENES_IN_ORDER] == list(range(1, len(SCENES_IN_ORDER) + 1))
    for cls in SCENES_IN_ORDER:
        name = Path(str(sys.modules[cls.__module__].__file__)).name
        assert name.startswith(f"ch{cls.chapter:02d}_"), (cls.__name__, name)
    assert [i.number for i in chapter_infos()] == [c.chapter for c in SCENES_IN_ORDER]
    chapter_files = sorted(
        p.name for p in (Path(__file__).parents[1] / "scenes" / "chapters").glob("ch[0-9][0-9]_*.py")
    )
    assert len(chapter_files) == len(SCENES_IN_ORDER)  # no stray chapter module left behind


def _visible(scene) -> list[tuple[float, ...]]:
    """The centre of every visible piece of geometry on screen, sorted (each mobject once)."""
    from manim import VMobject

    seen: set[int] = set()
    out = []
    for top in scene.mobjects:
        for m in top.get_family():
            if id(m) in seen or not isinstance(m, VMobject) or not len(m.points):
                continue
            seen.add(id(m))
            if max(m.get_fill_opacity(), m.get_stroke_opacity()) > 0:
                out.append(tuple(np.round(m.get_center(), 6)))
    return sorted(out)


def _opening(cls) -> object:
    """``cls`` built up to its first pause: the frame it opens on."""

    class Opening(cls):
        def wait(self, *args, **kwargs):
            raise StopIteration

        def caption(self, *args, **kwargs):
            raise StopIteration

    scene = Opening(renderer=CairoRenderer(skip_animations=True))
    scene.setup()
    with pytest.raises(StopIteration):
        scene.construct()
    return scene


@pytest.mark.xdist_group("chapters")
def test_grouped_tests_run_on_one_worker(request: pytest.FixtureRequest) -> None:
    """``--dist loadgroup`` keeps each ``xdist_group`` on one worker (pytest 9 broke that for xdist 3.8)."""
    import os

    if os.environ.get("PYTEST_XDIST_WORKER"):  # make test always runs under xdist with loadgroup
        assert request.node.nodeid.endswith("@chapters"), request.node.nodeid


@pytest.mark.slow  # the chapters fixture trains every chapter's runs, the digits among them
@pytest.mark.xdist_group("chapters")  # one worker renders the fixture once
def test_a_chapter_that_does_not_fade_hands_its_last_frame_to_the_next(chapters) -> None:
    """Where ``fades_out`` is False, the next chapter opens on exactly the same geometry."""
    from manim import tempconfig

    from tests.conftest import LOW_RES

    pairs = [(a, b) for a, b in itertools.pairwise(chapters) if not a.fades_out]
    assert len(pairs) >= 5  # chapters 1 to 6 are one continuous shot
    for ending, nxt in pairs:
        with tempconfig(LOW_RES):
            opening = _opening(type(nxt))
        end, start = _visible(ending), _visible(opening)
        assert len(end) > 10 and end == start, (type(ending).__name__, type(nxt).__name__)


@pytest.mark.slow  # the chapters fixture trains every chapter's runs, the digits among them
@pytest.mark.xdist_group("chapters")  # one worker renders the fixture once
def test_the_chapters_play_every_section_of_the_explainer(chapters) -> None:
    assert [name for c in chapters for name in c.section_names] == [cls.title for cls in SCENES_IN_ORDER]
    # The storyboard: about 4 to 5 minutes narrated; captions alone read a little faster. With the
    # images chapter (36 s) the silent explainer is 301 s (296 s before caption holds were whole frames).
    assert 180.0 <= sum(c.renderer.time for c in chapters) <= 310.0
    for scene in chapters:
        # A chapter ends faded to the background unless the next opens on its last frame.
        assert bool(scene.mobjects) == (not scene.fades_out), type(scene).__name__
    assert not chapters[-1].fades_out  # the video ends on the closing frame


@pytest.mark.slow  # the chapters fixture trains every chapter's runs, the digits among them
@pytest.mark.xdist_group("chapters")  # one worker renders the fixture once
def test_subtitles_parse_in_order_inside_the_video(chapters) -> None:
    joined = join_srt([(srt_text(c.captions), c.renderer.time) for c in chapters])
    cues = list(srt.parse(joined))
    assert len(cues) == sum(len(c.captions) for c in chapters) >= 10
    duration = sum(c.renderer.time for c in chapters)
    for a, b in itertools.pairwise(cues):
        assert a.start < a.end <= b.start
    assert cues[-1].end.total_seconds() <= duration + 5e-3  # SRT times are rounded to milliseconds
    for cue in cues:
        seconds = (cue.end - cue.start).total_seconds()
        assert seconds >= 0.9 * chapters[0].reading_time(cue.content)  # long enough to read


def test_opacity_fade_scales_alpha_only() -> None:
    from manim import Circle, Square, VGroup

    from scenes.animations.opacity import OpacityFade

    g = VGroup(Circle().set_fill(opacity=0.6), Square().set_stroke(opacity=0.8))
    points = [m.points.copy() for m in g]
    anim = OpacityFade(g)
    anim.interpolate_mobject(0.5)  # smooth(0.5) == 0.5
    assert g[0].fill_rgbas[0, 3] == pytest.approx(0.3) and g[1].stroke_rgbas[0, 3] == pytest.approx(0.4)
    anim.interpolate_mobject(1.0)
    assert g[0].fill_rgbas[0, 3] == pytest.approx(0.6)
    assert all(np.array_equal(a, m.points) for a, m in zip(points, g, strict=True))


def test_a_closing_fade_takes_cairo_drawn_layers_down_to_the_background_frame_by_frame() -> None:
    """The outro's fade darkens every frame, pycairo-drawn 3-D layers too, and ends on the background."""
    from manim import RIGHT, WHITE, Scene, Square, VGroup

    from scenes.animations.opacity import OpacityFade
    from scenes.mobjects.cairo_drawn import CairoDrawn, install_cairo_drawing

    class Slab(CairoDrawn):  # a bright filled square drawn straight into the Cairo context
        def draw(self, ctx, camera) -> None:
            ctx.rectangle(-2, -1, 2, 2)
            ctx.set_source_rgba(1.0, 1.0, 1.0, self.alpha)
            ctx.fill()

    scene = Scene(renderer=CairoRenderer(skip_animations=True))
    install_cairo_drawing(scene.camera)
    group = VGroup(Slab((-2, -1, 0, 1)), Square(1.0).shift(2 * RIGHT).set_fill(WHITE, 1.0))
    scene.add(group)
    fade = OpacityFade(group, fade_in=False)
    brightness = []
    for alpha in np.linspace(0.0, 1.0, 13):
        fade.interpolate_mobject(float(alpha))
        scene.renderer.update_frame(scene, ignore_skipping=True)
        brightness.append(np.asarray(scene.renderer.get_frame())[..., :3].astype(float).mean())
    background = brightness[-1]
    assert brightness[0] > background + 5  # the fade took the drawn layers away (they are most of it)
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(brightness[::-1])), brightness  # every frame
    scene.renderer.camera.reset()
    empty = np.asarray(scene.renderer.get_frame())[..., :3].astype(float).mean()
    assert background == pytest.approx(empty, abs=0.5)  # and ends on the background


def _texts(scene) -> list[str]:
    from manim import Text

    shown = scene.closing_mobjects  # on screen just before the chapter's closing fade
    return [m.original_text for top in shown for m in top.get_family() if isinstance(m, Text)]


@pytest.mark.slow  # trains chapter 10's two runs to a fit
def test_overfit_figures_on_screen_are_aecores() -> None:
    from aecore import cached_run
    from aecore.residuals import residuals
    from scenes.chapters.ch10_approximate import ApproximateNotInterpolate
    from scenes.runs import OVERFIT, WELL_FIT

    scene = ApproximateNotInterpolate(renderer=dry_renderer())
    scene.render()
    shown = set(_texts(scene))
    for cfg in (WELL_FIT, OVERFIT):
        r = residuals(cached_run(cfg))
        # One line, or its two parts stacked where the column is narrower than the line.
        line = f"● train {r.train:.3f}   ○ held-out {r.held_out:.3f}"
        assert line in shown or {f"● train {r.train:.3f}", f"○ held-out {r.held_out:.3f}"} <= shown
    over, well = residuals(cached_run(OVERFIT)), residuals(cached_run(WELL_FIT))
    assert over.ratio < 0.2 < 0.6 < well.ratio  # the lesson the numbers carry


@pytest.mark.slow  # trains chapter 11's two runs to a fit
def test_prior_fractions_on_screen_are_aecores() -> None:
    from aecore import cached_run
    from aecore.priors import RELIABLE_THRESHOLD, reliable_fraction
    from scenes.chapters.ch11_prior import SAMPLE_PRIORS, NewSamplesNeedAPrior, prior_draws
    from scenes.runs import PRIOR_AE, PRIOR_VAE

    scene = NewSamplesNeedAPrior(renderer=dry_renderer())
    scene.render()
    shown = set(_texts(scene))
    runs = (cached_run(PRIOR_AE), cached_run(PRIOR_VAE))
    ae, vae = prior_draws(runs)
    for d in (ae, vae):
        assert f"{100 * d.fraction(RELIABLE_THRESHOLD):.0f}% reliable" in shown
    assert f"Share of {len(ae.z):,} samples where reliability > {RELIABLE_THRESHOLD}" in {  # prose: 2,000
        c.text for c in scene.captions
    }
    assert vae.fraction() > ae.fraction() + 0.1
    # The red samples are exactly those aecore counts as unreliable with the same threshold:
    # each is drawn twice, on the latent line and decoded on M.
    n = NewSamplesNeedAPrior.samples_shown
    red = [
        sum(len(m) for m in col.get_family() if isinstance(m, DotCloud) and _is(m, COLORS["unreliable"]))
        for col in _columns(scene)
    ]
    expected = [
        round(n * (1 - reliable_fraction(run, kind, n=n, threshold=RELIABLE_THRESHOLD)))
        for run, kind in zip(runs, SAMPLE_PRIORS, strict=True)
    ]
    assert red == [2 * e for e in expected]
    assert expected[0] > 0.2 * n > expected[1]  # the naive prior's samples are often red, the VAE's rarely


def _is(m, color: str) -> bool:
    from manim import ManimColor

    return m.get_fill_color().to_hex().lower() == ManimColor(color).to_hex().lower()


def _columns(scene) -> list:
    from scenes.pictures.columns import RunColumn

    return [m for m in scene.closing_mobjects if isinstance(m, RunColumn)]


@pytest.mark.slow  # the chapters fixture trains every chapter's runs, the digits among them
@pytest.mark.xdist_group("chapters")  # one worker renders the fixture once
def test_every_caption_has_words_a_narrator_can_say_and_a_stable_unique_cue(chapters) -> None:
    from scenes.captions import cue_id, speakable

    cues = []
    for scene in chapters:
        for c in scene.captions:
            assert speakable(c.speech), f"ch{scene.chapter:02d}: give {c.text!r} a spoken variant"
            if not speakable(c.text):
                assert c.spoken and c.spoken != c.text
            assert c.cue == cue_id(scene.chapter, c.text)  # from the text alone, not its position
            cues.append(c.cue)
    assert len(cues) >= 40 and len(set(cues)) == len(cues)
