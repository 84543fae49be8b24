"""Settings as objects: every view's ``from_run`` preamble, themes per picture, no ``os.environ`` writes.

Fast: nothing here renders a frame.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from aecore import AecoreError, Run, load_run
from scenes.pictures.picture2d import Picture2D
from scenes.settings import current_settings
from scenes.views.latent import LatentView
from scenes.views.manifold import ManifoldView
from scenes.views.network import NetworkView
from scenes.views.points import DataView
from scenes.views.source import open_run

FIXTURE = Path(__file__).parent / "fixtures" / "run_v2.npz"
VIEWS = (ManifoldView, DataView, LatentView, NetworkView)


@pytest.fixture(scope="module")
def run() -> Run:
    return load_run(FIXTURE)


def _one_line(err: BaseException, argument: str) -> None:
    text = str(err)
    assert "\n" not in text and text.startswith(f"{argument}: "), text


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_every_views_from_run_refuses_bad_input_in_one_line_naming_it(
    view: type, run: Run, tmp_path: Path
) -> None:
    not_a_run = tmp_path / "notes.npz"
    not_a_run.write_text("hello")
    with pytest.raises(AecoreError) as e:
        view.from_run(not_a_run)
    _one_line(e.value, "run_or_path")
    with pytest.raises(ValueError) as v:
        view.from_run(run, snapshot=len(run.snapshots))
    _one_line(v.value, "snapshot")
    with pytest.raises(ValueError) as v:
        view.from_run(run, theme="sepia")
    _one_line(v.value, "theme")


def test_open_run_resolves_path_snapshot_and_theme_once(run: Run) -> None:
    src = open_run(FIXTURE, -1, "light")
    assert src.snapshot == len(src.run.snapshots) - 1
    assert src.theme.name == "light"
    assert np.array_equal(src.run.data, run.data)
    with src.building():
        assert current_settings().theme == "light"
    for view in VIEWS:  # each view's from_run goes through it: the index and theme are those of open_run
        built = view.from_run(run, 0, theme="light")
        assert built.theme.name == "light"
        if hasattr(built, "time"):
            assert built.time == 0.0


def test_in_process_dry_runs_put_settings_in_force_without_touching_os_environ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ae_explainer.cli.language import use_language
    from ae_explainer.options import RenderOptions
    from ae_explainer.render.runs import scene_env
    from scenes.settings import ENV

    for name in ENV.values():
        monkeypatch.delenv(name, raising=False)
    before = dict(os.environ)
    opts = RenderOptions(
        quality="low", theme="light", pace=1.5, captions=False, language="de", run={"seed": 3}
    )
    with scene_env(opts) as settings:
        seen = current_settings()
        assert dict(os.environ) == before
    assert seen == settings
    assert (seen.theme, seen.pace, seen.captions, seen.language, seen.run) == (
        "light",
        1.5,
        False,
        "de",
        {"seed": 3},
    )
    assert type(seen).__name__ == "SceneSettings"  # the scenes' own model, not the CLI's options
    with use_language("es") as code:
        assert code == "es" and current_settings().language == "es"
        assert dict(os.environ) == before
    assert current_settings().language == "en"  # leaving the block restores what was in force


def _hex(color: object) -> str:
    return str(color.to_hex()).upper()  # type: ignore[attr-defined]


def _colours(pic: Picture2D) -> dict[str, str]:
    """The colour of each role as the picture's parts carry it (the zoom view's too)."""
    assert pic.zoom is not None
    return {
        "manifold": _hex(pic.manifold.submobjects[0].get_stroke_color()),
        "data": _hex(pic.data_dots.get_fill_color()),
        "recon": _hex(pic.recon_dots.get_fill_color()),
        "latent": _hex(pic.latent_dots.get_fill_color()),
        "encoder": _hex(pic.f_arrow.get_color()),
        "decoder": _hex(pic.g_arrow.get_color()),
        "text": _hex(pic.zoom.panel.frame.get_stroke_color()),
        "background": _hex(pic.zoom.panel.frame.get_fill_color()),
        "density": _hex(pic.density.get_fill_color()),
    }


@pytest.mark.usefixtures("low_res")
def test_two_pictures_in_two_themes_live_in_one_process(run: Run) -> None:
    from scenes.look.theme import Theme

    dark, light = Theme.named("dark"), Theme.named("light")
    with light.in_force():  # whatever is in force, each picture takes its own theme's colours
        pic_dark = Picture2D(run, theme="dark")
    with dark.in_force():
        pic_light = Picture2D(run, theme=light)
    with light.in_force():  # parts built later (the zoom view) too
        pic_dark.attach_zoom()
    with dark.in_force():
        pic_light.attach_zoom()
    for pic in (pic_dark, pic_light):  # and they stay as they move
        pic.show_reconstructions().set_state(pic.state, recon_fraction=0.5)
    for pic, theme in ((pic_dark, dark), (pic_light, light)):
        seen = _colours(pic)
        assert pic.theme is theme
        for role in ("manifold", "data", "recon", "latent", "encoder", "decoder", "text", "background"):
            assert seen[role] == theme[role].upper(), (theme.name, role)
        assert seen["density"] == theme["latent"].upper()
        assert pic.latents.theme is theme  # the picture's latent panel is the public LatentView
    assert _colours(pic_dark)["background"] != _colours(pic_light)["background"]


@pytest.mark.usefixtures("low_res")
def test_two_3d_pictures_in_two_themes_live_in_one_process() -> None:
    from aecore import TrainConfig, cached_run
    from scenes.look.theme import Theme
    from scenes.mobjects.cairo_drawn import color_rgb
    from scenes.pictures.picture3d import Picture3D

    run = cached_run(
        TrainConfig(
            data="sheet", latent_dim=2, n_points=80, hidden=(16,), steps=600, n_snapshots=3, grid_size=9
        ),
        quiet=True,
    )
    dark, light = Theme.named("dark"), Theme.named("light")
    with light.in_force():
        pic_dark = Picture3D(run, theme=dark)
    with dark.in_force():
        pic_light = Picture3D(run, theme="light")
    for pic, theme in ((pic_dark, dark), (pic_light, light)):
        with (light if theme is dark else dark).in_force():  # a part made later keeps the picture's theme
            ring = pic.speck_ring()
        assert _hex(ring.get_stroke_color()) == theme["manifold"].upper()
        assert _hex(pic.m_label.submobjects[0].get_fill_color()) == theme["manifold"].upper()
        assert np.allclose(pic.view.ink_rgb, color_rgb(theme["text"]))


@pytest.mark.usefixtures("low_res")
def test_the_older_mobjects_take_a_theme_and_none_means_the_theme_in_force() -> None:
    from scenes.look.layout import Rect
    from scenes.look.theme import Theme
    from scenes.mobjects.density import DensityProfile
    from scenes.mobjects.loss_inset import LossInset
    from scenes.mobjects.panels import DataPanel, LatentAxis

    rect = Rect(0.0, 0.0, 4.0, 3.0)
    grid, density = np.linspace(-1, 1, 9)[:, None], np.linspace(0, 1, 9)

    def build(theme: Theme | str | None) -> dict[str, tuple[Theme, str]]:
        panel = DataPanel(rect, (0.0, 1.0, 0.0, 1.0), "x", theme=theme)
        axis = LatentAxis(rect, (-1.0, 1.0), "z", theme=theme)
        inset = LossInset(rect, np.arange(5), np.linspace(2, 1, 5), theme=theme)
        profile = DensityProfile(axis, grid, density, theme=theme)
        return {
            "panel": (panel.theme, _hex(panel.frame.get_stroke_color())),
            "axis": (axis.theme, _hex(axis.line.get_color())),
            "loss": (inset.theme, _hex(inset.curve.get_stroke_color())),
            "density": (profile.theme, _hex(profile.get_fill_color())),
        }

    roles = {"panel": "panel", "axis": "muted", "loss": "text", "density": "latent"}
    for given, other in (("dark", "light"), ("light", "dark")):
        with Theme.named(other).in_force():
            built, ambient = build(given), build(None)
        for part, role in roles.items():
            assert built[part] == (Theme.named(given), Theme.named(given)[role].upper()), part
            assert ambient[part] == (Theme.named(other), Theme.named(other)[role].upper()), part


@pytest.mark.usefixtures("low_res")
def test_the_round_trip_is_drawn_in_its_networks_theme_or_its_own(run: Run) -> None:
    from scenes.look.theme import Theme
    from scenes.pictures.implementation import ImplementationPicture
    from scenes.pictures.roundtrip import RoundTrip

    dark, light = Theme.named("dark"), Theme.named("light")
    with light.in_force():
        imp = ImplementationPicture(run, theme="dark")
        inherited, own = RoundTrip(imp, bent=True), RoundTrip(imp, bent=False, theme="light")
    assert (inherited.theme, own.theme) == (dark, light)
    for trip, theme in ((inherited, dark), (own, light)):
        assert _hex(trip.f_arrow.get_color()) == theme["encoder"].upper()
        for label, role in ((trip.x_label, "data"), (trip.approx, "text")):  # a Text's glyphs hold its colour
            assert {_hex(m.get_fill_color()) for m in label.family_members_with_points()} == {
                theme[role].upper()
            }


@pytest.mark.usefixtures("low_res")
def test_a_chapter_takes_its_settings_as_one_object(monkeypatch: pytest.MonkeyPatch) -> None:
    from manim.renderer.cairo_renderer import CairoRenderer

    from scenes.base import ChapterScene
    from scenes.look.theme import PALETTES
    from scenes.settings import ENV, SceneSettings

    class Probe(ChapterScene):
        chapter = 99
        title = "probe"

        def construct(self) -> None:
            self.caption("one caption")
            self.wait(1.0)

    monkeypatch.setenv(ENV["pace"], "0.5")  # the environment says otherwise: the object wins
    monkeypatch.setenv(ENV["theme"], "dark")
    slow = SceneSettings(theme="light", pace=2.0, captions=False)
    fast = SceneSettings(pace=0.25)
    scenes = {}
    for name, settings in (("slow", slow), ("fast", fast)):
        scenes[name] = Probe(renderer=CairoRenderer(skip_animations=True), settings=settings)
        scenes[name].render()
    assert (scenes["slow"].pace, scenes["slow"].show_captions) == (2.0, False)
    assert (scenes["fast"].pace, scenes["fast"].show_captions) == (0.25, True)
    assert str(scenes["slow"].camera.background_color).upper() == PALETTES["light"]["background"]
    assert str(scenes["fast"].camera.background_color).upper() == PALETTES["dark"]["background"]
    assert scenes["slow"].settings is slow
    env_default = Probe(renderer=CairoRenderer(skip_animations=True))
    env_default.render()
    assert env_default.pace == 0.5 and env_default.settings == SceneSettings(pace=0.5, theme="dark")


@pytest.mark.usefixtures("low_res")
def test_picture2d_draws_its_latents_through_the_public_latent_view(run: Run) -> None:
    from scenes.pictures.state import interpolate_states, state_at

    pic = Picture2D(run)
    assert {pic.latent_axis, pic.latent_dots, pic.density} <= set(pic.latents.submobjects)
    mix = interpolate_states(state_at(run, 0.0), state_at(run, len(run.snapshots) - 1.0), 0.3)
    pic.set_state(mix)
    assert pic.latents.state is mix  # a chapter's own state, not a snapshot's
    expected = pic.latent_axis.to_scene(np.asarray(mix.latents, dtype=np.float64))
    assert np.allclose(pic.latent_dots.centers, expected)
    assert np.allclose(pic.latents.latent_points(), expected)
    shown = pic.density.points.copy()
    pic.latents.set_time(0)  # a snapshot again
    assert np.allclose(pic.latent_dots.centers, pic.latent_axis.to_scene(run.snapshots[0].latents))
    assert not np.allclose(pic.density.points, shown)  # the density moved with it
