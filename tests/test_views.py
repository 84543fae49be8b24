"""The public API for scenes of your own (:mod:`scenes`): views of a run and their animations, unrendered.

Each view's geometry is ``aecore.decode`` of its latent grid, its opacity
follows the stored reliability, two themes live in one process, bad input is
one line naming the argument, and the animations change a view in place
(checked by interpolating them, without a scene). The pycairo views draw in a
plain ``Scene`` and ``ThreeDScene`` with no set-up call.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import aecore
from aecore import AecoreError, Run, TrainConfig, cached_run, load_run, write_run
from scenes.look.theme import PALETTES, Theme
from scenes.mesh_math import face_average, face_centers
from scenes.mobjects.curve import segment_opacity
from scenes.pictures.picture3d import box_window
from scenes.settings import SceneSettings, current_settings, settings_in_force
from scenes.views.manifold import CurveView, ManifoldView, MosaicView, SurfaceManifoldView
from tests.snapshot_files import _valid

FIXTURE = Path(__file__).parent / "fixtures" / "run_v2.npz"
SURFACE = TrainConfig(
    data="sheet", latent_dim=2, n_points=80, hidden=(16,), steps=600, n_snapshots=3, grid_size=9
)
"""A tiny k = 2 run in R^3 (trains in about a second)."""


@pytest.fixture(scope="module")
def curve_run() -> Run:
    return load_run(FIXTURE)


@pytest.fixture(scope="module")
def surface_run() -> Run:
    return cached_run(SURFACE, quiet=True)


@pytest.fixture(scope="module")
def image_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A run of 4 x 4 images with k = 2, recorded from a tiny torch MLP (3 snapshots, untrained)."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    x = torch.rand(60, 16)
    encoder = nn.Sequential(nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 2))
    decoder = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 16))
    out = tmp_path_factory.mktemp("images") / "images.npz"
    rec = aecore.SnapshotRecorder(encoder, decoder, x, out=out, image_shape=(4, 4), grid_size=5)
    for step in range(3):
        rec.record(step, ((decoder(encoder(x)) - x) ** 2).sum(dim=1).mean())
    rec.close()
    return load_run(out)


def _decoded(run: Run, i: int) -> np.ndarray:
    s = run.snapshots[i]
    return aecore.decode(run, np.asarray(s.latent_grid, dtype=np.float64), s)


# Geometry.


def test_a_curve_view_draws_decode_of_its_grid_at_every_snapshot(curve_run: Run) -> None:
    view = ManifoldView.from_run(curve_run, snapshot=0)
    assert isinstance(view, CurveView)
    for i in range(len(curve_run.snapshots)):
        view.set_time(i)
        on_screen = view.placement.to_data(view.curve.vertices)
        np.testing.assert_allclose(on_screen, _decoded(curve_run, i), atol=1e-5)
    assert view.curve.vertices[:, :2].min() > -3.5 and view.curve.vertices[:, :2].max() < 3.5  # in its rect


def test_a_surface_view_draws_decode_of_its_grid_through_its_camera(surface_run: Run) -> None:
    view = ManifoldView.from_run(surface_run)
    assert isinstance(view, SurfaceManifoldView)
    decoded = _decoded(surface_run, -1)
    np.testing.assert_allclose(view.surface.vertices, decoded, atol=1e-5)
    np.testing.assert_allclose(view.scene_points(), view.surface.camera3d.scene_points(decoded), atol=1e-5)


def test_a_mosaic_view_tiles_decode_of_its_grid(image_run: Run) -> None:
    view = ManifoldView.from_run(image_run, snapshot=1)
    assert isinstance(view, MosaicView)
    np.testing.assert_allclose(view.mosaic.tiles, _decoded(image_run, 1), atol=1e-5)
    assert view.mosaic.tiles.shape == (5, 5, 16)


# Opacity.


def test_m_is_as_opaque_as_the_decoder_is_reliable(curve_run: Run, surface_run: Run, image_run: Run) -> None:
    curve = ManifoldView.from_run(curve_run)
    assert isinstance(curve, CurveView)
    rel = np.clip(curve_run.final.reliability, 0, 1)
    inside = curve.inside(curve.curve.vertices)
    assert inside.mean() > 0.8  # M is clipped to its rectangle; the trained M lies mostly inside
    np.testing.assert_allclose(curve.curve.segment_opacities, segment_opacity(rel * inside), atol=1e-6)
    assert curve.curve.segment_opacities.min() < 0.9 * curve.curve.segment_opacities.max()  # it does fade
    uniform = ManifoldView.from_run(curve_run, fade=0.0)
    np.testing.assert_allclose(uniform.curve.segment_opacities, segment_opacity(inside))

    surface = ManifoldView.from_run(surface_run)
    assert isinstance(surface, SurfaceManifoldView)
    _faces_follow_reliability(surface, surface_run)

    mosaic = ManifoldView.from_run(image_run)
    assert isinstance(mosaic, MosaicView)
    np.testing.assert_allclose(mosaic.mosaic.opacity, np.clip(image_run.final.reliability, 0, 1), atol=1e-6)


def _faces_follow_reliability(view: SurfaceManifoldView, run: Run) -> None:
    """Faces inside the box of the data take the reliability; past it, M fades out (never brighter)."""
    rel = face_average(np.clip(run.final.reliability, 0, 1))
    window = box_window(face_centers(run.final.manifold), view.box_center, view.box_half, view.box_margin)
    np.testing.assert_allclose(view.surface.face_opacity, rel * window)
    assert (window == 1.0).mean() > 0.3 and np.all(view.surface.face_opacity <= rel + 1e-12)


def test_more_reliable_means_more_opaque(curve_run: Run) -> None:
    view = ManifoldView.from_run(curve_run)
    assert isinstance(view, CurveView)
    rel = segment_opacity(np.clip(curve_run.final.reliability, 0, 1) * view.inside(view.curve.vertices))
    order = np.argsort(rel)
    assert np.all(np.diff(view.curve.segment_opacities[order]) >= -1e-9)


# Themes.


def test_two_views_in_two_themes_live_in_one_process(curve_run: Run) -> None:
    from scenes import DataView, LatentView

    dark = ManifoldView.from_run(curve_run, theme="dark")
    light = ManifoldView.from_run(curve_run, theme=Theme.named("light"))
    dark_x = DataView.from_run(curve_run, theme="dark", like=dark)
    light_z = LatentView.from_run(curve_run, theme="light")
    assert dark.curve.submobjects[0].stroke_color.to_hex() == PALETTES["dark"]["manifold"]
    assert light.curve.submobjects[0].stroke_color.to_hex() == PALETTES["light"]["manifold"]
    assert dark_x.data_dots.fill_color.to_hex() == PALETTES["dark"]["data"]
    assert light_z.dots is not None and light_z.dots.fill_color.to_hex() == PALETTES["light"]["latent"]
    assert light_z.panel.frame.stroke_color.to_hex() == PALETTES["light"]["panel"]
    assert dark.curve.submobjects[0].stroke_color.to_hex() == PALETTES["dark"]["manifold"]  # still, after
    assert current_settings().theme == "dark"  # building a light view left the settings in force alone


def test_a_theme_in_force_outranks_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from scenes.look.style import COLORS

    monkeypatch.setenv("AE_EXPLAINER_THEME", "light")
    assert COLORS["background"] == PALETTES["light"]["background"]
    with settings_in_force(SceneSettings(theme="dark")):
        monkeypatch.setenv("AE_EXPLAINER_THEME", "nonsense")  # read once: a change now is not seen
        assert COLORS["background"] == PALETTES["dark"]["background"]
        with Theme.named("light").in_force():
            assert COLORS["background"] == PALETTES["light"]["background"]
        assert COLORS["background"] == PALETTES["dark"]["background"]


# Bad input: one line naming the argument.


def _one_line(err: BaseException, argument: str) -> str:
    text = str(err)
    assert "\n" not in text and text.startswith(f"{argument}: "), text
    return text


def test_bad_input_is_one_line_naming_the_argument(tmp_path: Path, curve_run: Run) -> None:
    not_a_run = tmp_path / "notes.npz"
    not_a_run.write_text("hello")
    with pytest.raises(AecoreError) as e:
        ManifoldView.from_run(not_a_run)
    _one_line(e.value, "run_or_path")
    with pytest.raises(AecoreError) as e:
        ManifoldView.from_run(tmp_path / "missing.npz")
    _one_line(e.value, "run_or_path")
    with pytest.raises(AecoreError) as e:
        ManifoldView.from_run(42)  # type: ignore[arg-type]
    _one_line(e.value, "run_or_path")

    n = len(curve_run.snapshots)
    for bad in (n, -n - 1):
        with pytest.raises(ValueError) as v:
            ManifoldView.from_run(curve_run, snapshot=bad)
        assert str(bad) in _one_line(v.value, "snapshot")
    for theme in ("sepia", ["dark"]):
        with pytest.raises(ValueError) as v:
            ManifoldView.from_run(curve_run, theme=theme)  # type: ignore[arg-type]
        assert "dark, light" in _one_line(v.value, "theme")
    with pytest.raises(ValueError) as v:
        ManifoldView.from_run(curve_run, fade=2.0)
    _one_line(v.value, "fade")


@pytest.mark.parametrize(("n", "k"), [(3, 1), (4, 2), (4, 3)])
def test_a_run_no_view_can_show_is_refused_in_one_line(tmp_path: Path, n: int, k: int) -> None:
    data, meta, arrays = _valid(n=n, k=k, g=4)
    path = tmp_path / "run.npz"
    write_run(path, data, meta, arrays)
    with pytest.raises((AecoreError, ValueError)) as e:  # k = 3: no run at all (AecoreError), else no view
        ManifoldView.from_run(path)
    _one_line(e.value, "run_or_path")


def test_a_view_of_one_kind_refuses_a_run_of_another(surface_run: Run) -> None:
    from scenes import DataView

    with pytest.raises(ValueError) as e:
        CurveView.from_run(surface_run)
    assert "surface" in _one_line(e.value, "run_or_path")
    with pytest.raises(ValueError) as e:
        DataView.from_run(surface_run)
    _one_line(e.value, "run_or_path")


# Animations, without rendering.


def test_training_plays_the_snapshots_in_order(curve_run: Run) -> None:
    from scenes import DataView, LatentView

    m = ManifoldView.from_run(curve_run, snapshot=0)
    x = DataView.from_run(curve_run, snapshot=0, like=m)
    z = LatentView.from_run(curve_run, snapshot=0)
    last = len(curve_run.snapshots) - 1
    for view in (m, x, z):
        anim = view.train()
        anim.begin()
        for alpha in (0.0, 0.5, 1.0):
            anim.interpolate(alpha)
            assert view.time == pytest.approx(alpha * last)
    np.testing.assert_allclose(m.placement.to_data(m.curve.vertices), _decoded(curve_run, -1), atol=1e-5)
    np.testing.assert_allclose(x.recon_points(), curve_run.final.recon, atol=1e-9)
    np.testing.assert_allclose(z.latent_points(), z.panel.to_scene(curve_run.final.latents), atol=1e-9)


def test_x_hat_lands_on_m_and_x_stays(curve_run: Run) -> None:
    from scenes import DataView

    m = ManifoldView.from_run(curve_run)
    x = DataView.from_run(curve_run, like=m, landed=False)
    data_dots = x.data_dots.centers.copy()
    np.testing.assert_allclose(x.recon_points(), curve_run.data, atol=1e-9)  # x̂ starts on x
    assert x.recon_dots.fill_rgbas[0, 3] == 0.0  # hidden there, not covering x
    anim = x.land()
    anim.begin()
    anim.interpolate(0.5)
    half = x.recon_points()
    assert np.all(np.linalg.norm(half - curve_run.data, axis=1) > 0) or np.allclose(
        curve_run.data, curve_run.final.recon
    )
    anim.interpolate(1.0)
    np.testing.assert_allclose(x.recon_points(), curve_run.final.recon, atol=1e-9)
    assert x.recon_dots.fill_rgbas[0, 3] == 1.0
    np.testing.assert_allclose(x.residuals.ends, x.recon_dots.centers, atol=1e-9)
    np.testing.assert_array_equal(x.data_dots.centers, data_dots)  # x does not move
    assert x.recon_dots in x.submobjects and len(x.submobjects) == 3  # in place: no copies added


def test_the_reliability_fade_goes_from_uniform_to_reliable(curve_run: Run, surface_run: Run) -> None:
    m = ManifoldView.from_run(curve_run, fade=0.0)
    anim = m.fade_to_reliability()
    anim.begin()
    assert isinstance(m, CurveView)
    inside = m.inside(m.curve.vertices)
    anim.interpolate(0.0)
    np.testing.assert_allclose(m.curve.segment_opacities, segment_opacity(inside))
    anim.interpolate(1.0)
    rel = np.clip(curve_run.final.reliability, 0, 1)
    np.testing.assert_allclose(m.curve.segment_opacities, segment_opacity(rel * inside), atol=1e-6)
    s = ManifoldView.from_run(surface_run, fade=0.0)
    assert isinstance(s, SurfaceManifoldView)
    fade = s.fade_to_reliability()
    fade.begin()
    fade.interpolate(1.0)
    _faces_follow_reliability(s, surface_run)


def test_the_orbit_turns_the_camera_round_m(surface_run: Run) -> None:
    view = ManifoldView.from_run(surface_run)
    assert isinstance(view, SurfaceManifoldView)
    az0 = view.surface.camera3d.azimuth
    anim = view.orbit(90.0)
    anim.begin()
    anim.interpolate(0.5)
    assert view.surface.camera3d.azimuth == pytest.approx(az0 + np.radians(45.0))
    anim.interpolate(1.0)
    assert view.surface.camera3d.azimuth == pytest.approx(az0 + np.radians(90.0))
    np.testing.assert_allclose(view.surface.vertices, _decoded(surface_run, -1), atol=1e-5)  # M itself stays


def test_the_network_view_draws_the_runs_weights(curve_run: Run) -> None:
    from aecore.forward import layer_weights
    from scenes import NetworkView

    net = NetworkView.from_run(curve_run, theme="light")
    assert net.layer_sizes == curve_run.layer_sizes
    for drawn, (w, _) in zip(net.weights, layer_weights(curve_run.final.params), strict=True):
        np.testing.assert_array_equal(drawn, w)
    assert net.signs == (PALETTES["light"]["positive"], PALETTES["light"]["negative"])


# Drawn in any scene.


@pytest.mark.parametrize("scene_class", ["Scene", "ThreeDScene"])
def test_pycairo_views_draw_in_a_plain_scene_with_no_set_up(
    scene_class: str, surface_run: Run, image_run: Run, low_res: None
) -> None:
    import manim
    from manim.renderer.cairo_renderer import CairoRenderer

    for run in (surface_run, image_run):
        scene = getattr(manim, scene_class)(renderer=CairoRenderer(skip_animations=True))
        empty = np.asarray(scene.renderer.get_frame())[..., :3].astype(float).copy()
        scene.add(ManifoldView.from_run(run, theme="light", fade=0.0))
        scene.renderer.update_frame(scene, ignore_skipping=True)
        frame = np.asarray(scene.renderer.get_frame())[..., :3].astype(float)
        changed = float((np.abs(frame - empty).max(axis=-1) > 30).mean())
        assert changed > 0.05, (scene_class, run.source, changed)  # M covers a good part of the frame


# The API as a user meets it.


def test_every_public_name_loads_and_says_what_it_is() -> None:
    import subprocess
    import sys

    import scenes

    for name in scenes.__all__:
        obj = getattr(scenes, name)
        assert obj.__name__ == name and (obj.__doc__ or "").strip(), name
    assert len(set(scenes.__all__)) == len(scenes.__all__) >= 12
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        scenes.Nope  # noqa: B018
    light = subprocess.run(  # the CLI and aecore's users import scenes' modules without loading Manim
        [sys.executable, "-c", "import scenes, scenes.settings, sys; print('manim' in sys.modules)"],
        capture_output=True,
        text=True,
    )
    assert light.stdout.strip() == "False", light.stderr


def test_the_readmes_own_scene_example_plays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, low_res: None
) -> None:
    import re

    from manim.renderer.cairo_renderer import CairoRenderer

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own scene", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert code is not None
    assert len(code.group(1).strip().splitlines()) <= 16  # about ten lines, and nothing hidden
    (tmp_path / "my_run.npz").write_bytes(FIXTURE.read_bytes())
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    scene = namespace["MyScene"](renderer=CairoRenderer(skip_animations=True))  # type: ignore[operator]
    scene.render()
    m, x = scene.mobjects
    assert isinstance(m, CurveView) and m.time == len(m.run.snapshots) - 1 and m.reliability_blend == 1.0
    np.testing.assert_allclose(x.recon_points(), m.run.final.recon, atol=1e-9)  # x̂ landed on M


def test_a_swap_in_place_never_shows_both_panels_at_once() -> None:
    from manim import Square

    from scenes.animations.opacity import swap_in_place

    old, new = Square().set_fill(opacity=1.0), Square().set_fill(opacity=1.0)
    anims = swap_in_place([old], [new])
    for a in anims:
        a.begin()
    seen = []
    for alpha in np.linspace(0.0, 1.0, 41):
        for a in anims:
            a.interpolate(float(alpha))
        seen.append((float(old.fill_rgbas[0, 3]), float(new.fill_rgbas[0, 3])))
    assert seen[0] == (1.0, 0.0) and seen[-1] == (0.0, 1.0)
    assert all(min(o, n) == 0.0 for o, n in seen)  # one of the two is always gone
    assert any(0 < o < 1 for o, _ in seen) and any(0 < n < 1 for _, n in seen)  # each fades, no cut


def test_a_chapter_reads_the_environment_once_as_it_starts_to_render(
    monkeypatch: pytest.MonkeyPatch, low_res: None
) -> None:
    from manim.renderer.cairo_renderer import CairoRenderer

    from scenes.base import ChapterScene
    from scenes.look.style import COLORS

    seen: list[str] = []

    class Probe(ChapterScene):
        chapter = 99
        title = "probe"

        def construct(self) -> None:
            seen.append(COLORS["background"])
            monkeypatch.setenv("AE_EXPLAINER_THEME", "dark")  # a change mid-render is not seen
            seen.append(COLORS["background"])

    monkeypatch.setenv("AE_EXPLAINER_THEME", "light")
    scene = Probe(renderer=CairoRenderer(skip_animations=True))
    scene.render()
    assert seen == [PALETTES["light"]["background"]] * 2
    assert str(scene.camera.background_color).upper() == PALETTES["light"]["background"]
    assert COLORS["background"] == PALETTES["dark"]["background"]  # after the render: the environment's again
