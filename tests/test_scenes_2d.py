"""The 2-D picture: geometry, animations by hand, dry-run chapters, low-resolution frames."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from manim import Camera, ManimColor

from scenes.animations.fade import FadeToReliability
from scenes.animations.snap import SnapToManifold
from scenes.animations.timeline import SnapshotTimeline
from scenes.chapters import SCENES_IN_ORDER
from scenes.chapters.ch02_round_trip import RoundTripView
from scenes.look.style import COLORS
from scenes.mobjects.clouds import DotCloud, SegmentBundle
from scenes.mobjects.curve import FadingCurve, segment_opacity
from scenes.pictures.picture2d import Picture2D, PictureState
from scenes.runs import main_run_2d
from tests.conftest import dry_renderer, record_runs, to_pixel

pytestmark = pytest.mark.usefixtures("low_res")


@pytest.fixture(scope="module")
def run():
    return main_run_2d()


# Geometry, no rendering.


def test_fading_curve_keeps_vertices_and_opacity_is_monotone() -> None:
    rng = np.random.default_rng(1)
    pts = np.c_[rng.normal(size=(50, 2)), np.zeros(50)]
    rel = rng.uniform(size=50)
    c = FadingCurve(pts, "#FFFFFF", opacity=rel)
    np.testing.assert_allclose(c.vertices, pts, atol=1e-12)
    seg_rel = segment_opacity(rel)
    order = np.argsort(seg_rel)
    assert np.all(np.diff(c.segment_opacities[order]) >= 0)
    np.testing.assert_allclose(c.segment_opacities, seg_rel)


def test_dot_cloud_and_segments_round_trip() -> None:
    rng = np.random.default_rng(2)
    a = np.c_[rng.normal(size=(30, 2)), np.zeros(30)]
    b = a + 0.1
    cloud = DotCloud(a, 0.05, "#FFFFFF")
    np.testing.assert_allclose(cloud.centers, a, atol=1e-12)
    assert len(cloud) == 30
    cloud.set_centers(b)
    np.testing.assert_allclose(cloud.centers, b, atol=1e-12)
    np.testing.assert_allclose(SegmentBundle(a, b, "#FFFFFF").ends, b, atol=1e-12)


def test_manifold_on_screen_is_the_snapshot_manifold(run) -> None:
    pic = Picture2D(run)
    for s in (run.snapshots[0], run.snapshots[len(run.snapshots) // 2], run.final):
        pic.set_state(PictureState.of(s))
        np.testing.assert_allclose(pic.data_panel.to_data(pic.manifold.vertices), s.manifold, atol=1e-6)
        np.testing.assert_allclose(pic.latent_axis.to_latent(pic.latent_dots.centers), s.latents, atol=1e-6)


def test_panels_fit_in_frame_and_do_not_overlap(run) -> None:
    from manim import config

    pic = Picture2D(run)
    rects = [pic.layout.data, pic.layout.latent, pic.layout.loss]
    for r in rects:
        assert -config.frame_width / 2 < r.left and r.right < config.frame_width / 2
        assert pic.layout.caption_y < r.bottom and r.top < config.frame_height / 2
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert a.right <= b.left or b.right <= a.left or a.top <= b.bottom or b.top <= a.bottom


# Animations interpolated by hand.


def test_timeline_hits_every_snapshot_evenly(run) -> None:
    pic = Picture2D(run)
    anim = SnapshotTimeline(pic, seconds_per_snapshot=0.2)
    n = len(run.snapshots)
    assert anim.run_time == pytest.approx(0.2 * (n - 1))
    for i in (0, 1, n // 2, n - 1):
        anim.interpolate_mobject(i / (n - 1))
        np.testing.assert_allclose(
            pic.data_panel.to_data(pic.manifold.vertices), run.snapshots[i].manifold, atol=1e-6
        )
        assert pic.loss_inset.step_readout.value.split()[1] == f"{run.snapshots[i].step}/{run.final.step}"


def test_after_the_snap_recon_dots_are_the_snapshot_recon(run) -> None:
    pic = Picture2D(run)
    pic.set_state(PictureState.of(run.final), recon_fraction=0.0)
    np.testing.assert_allclose(pic.recon_on_screen(), run.data, atol=1e-6)
    anim = SnapToManifold(pic)
    anim.interpolate_mobject(0.5)
    mid = pic.recon_on_screen()
    assert np.all(
        np.linalg.norm(mid - run.data, axis=1) <= np.linalg.norm(run.final.recon - run.data, axis=1)
    )
    anim.interpolate_mobject(1.0)
    np.testing.assert_allclose(pic.recon_on_screen(), run.final.recon, atol=1e-6)
    ends = pic.data_panel.to_data(pic.residuals.ends)
    np.testing.assert_allclose(ends, run.final.recon, atol=1e-6)


def test_manifold_opacity_follows_reliability(run) -> None:
    pic = Picture2D(run)
    pic.set_state(PictureState.of(run.final))
    FadeToReliability(pic).interpolate_mobject(1.0)
    rel = run.final.reliability
    inside = pic.data_panel.contains(pic.manifold.vertices)
    seg_in = (inside[:-1] * inside[1:]).astype(bool)
    seg_rel = segment_opacity(rel)[seg_in]
    shown = pic.manifold.segment_opacities[seg_in]
    np.testing.assert_allclose(shown, seg_rel, atol=1e-9)
    order = np.argsort(seg_rel, kind="stable")
    assert np.all(np.diff(shown[order]) >= -1e-12)
    assert shown.min() < 0.2 and shown.max() > 0.95  # the fade is there to see


# construct in dry-run.


def _check_constructed(scene, scene_cls, runs_loaded: set[str]) -> None:
    import json

    # run_configs() (what ae-explainer trains before rendering) lists exactly the runs the chapter loads.
    assert runs_loaded == {json.dumps(c.to_dict(), sort_keys=True) for c in scene_cls.run_configs()}
    assert scene.renderer.time > 10.0
    assert scene.section_names == [scene_cls.title]
    assert scene.captions and all(c.end > c.start for c in scene.captions)
    if scene_cls.chapter in (3, 4, 5, 6):
        # The picture stays one group in the scene (no part was removed from under it).
        assert any(isinstance(m, Picture2D) for m in scene.closing_mobjects)
    if scene_cls.fades_out:
        # It ends faded to the background (the fade removes what it faded), as inside the explainer.
        assert scene.closing_mobjects and not scene.mobjects
    starts = [c.start for c in scene.captions]
    assert starts == sorted(starts)


def test_a_chapter_constructs_in_dry_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chapter 2, played here (the fast loop); CI checks every chapter in the shared dry runs, below."""
    asked = record_runs(monkeypatch)
    scene = RoundTripView(renderer=dry_renderer())
    scene.render()
    _check_constructed(scene, RoundTripView, asked)


@pytest.mark.slow  # the chapters fixture trains every chapter's runs, the digits among them
@pytest.mark.xdist_group("chapters")  # one worker dry-runs the chapters once, for test_explainer too
@pytest.mark.parametrize("index", range(len(SCENES_IN_ORDER)), ids=lambda i: SCENES_IN_ORDER[i].__name__)
def test_every_chapter_constructs_in_dry_run(chapters, index: int) -> None:
    scene = chapters[index]
    assert type(scene) is SCENES_IN_ORDER[index]
    _check_constructed(scene, SCENES_IN_ORDER[index], scene.runs_loaded)


def test_scenes_never_import_torch() -> None:
    code = (
        "import sys; import scenes.chapters; from scenes.runs import main_run_2d, main_run_3d, gap_run_2d; "
        "main_run_2d(); main_run_3d(); gap_run_2d(); assert 'torch' not in sys.modules, 'torch was imported'"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


# Low-resolution frames, compared by pixel with stated tolerances.


def _rgb(color: str) -> np.ndarray:
    return np.array(ManimColor(color).to_int_rgb(), dtype=float)


def test_frame_shows_recon_markers_where_the_snapshot_puts_them(run) -> None:
    from scenes.chapters.ch05_recon_on_manifold import ReconstructionsOnManifold

    scene = ReconstructionsOnManifold(renderer=dry_renderer())
    scene.render()
    scene.renderer.update_frame(scene, ignore_skipping=True)
    frame = np.asarray(scene.renderer.get_frame())[..., :3].astype(float)
    h, w = frame.shape[:2]
    (pic,) = [m for m in scene.mobjects if isinstance(m, Picture2D)]
    pix = to_pixel(pic.data_panel.to_scene(run.final.recon), w, h)
    colours = frame[pix[:, 0], pix[:, 1]]
    # Tolerance: an x̂ marker pixel is within 60 (of 255, per channel, Euclidean) of the x̂ orange.
    close = np.linalg.norm(colours - _rgb(COLORS["recon"]), axis=1) < 60
    assert close.mean() > 0.9, f"only {close.mean():.0%} of x̂ markers drawn where the snapshot puts them"
    # And the x̂ orange is not everywhere: the panel centre (inside the arc) is background.
    centre = to_pixel(pic.data_panel.screen_center[None], w, h)[0]
    assert np.linalg.norm(frame[centre[0], centre[1]] - _rgb(COLORS["recon"])) > 150


def test_frame_faded_end_of_m_is_fainter_than_dense_middle(run) -> None:
    from manim import config

    pic = Picture2D(run)
    pic.set_state(PictureState.of(run.final))
    FadeToReliability(pic).interpolate_mobject(1.0)
    cam = Camera(pixel_width=config.pixel_width, pixel_height=config.pixel_height, background_color="#000000")
    cam.capture_mobjects([pic.manifold])
    frame = cam.pixel_array[..., :3].astype(float)
    h, w = frame.shape[:2]
    verts = pic.manifold.vertices
    inside = pic.data_panel.contains(verts).astype(bool)
    rel = run.final.reliability
    pix = to_pixel(verts, w, h)
    brightness = frame[pix[:, 0], pix[:, 1]].max(axis=1)
    dense = inside & (rel > 0.95)
    faded = inside & (rel < 0.1)
    assert dense.sum() >= 5 and faded.sum() >= 5
    # Tolerance: the faded end is at most half as bright as the dense middle (yellow M on black).
    assert np.median(brightness[faded]) < 0.5 * np.median(brightness[dense])
    assert np.median(brightness[dense]) > 150


def test_zoom_clips_m_exactly_to_its_square() -> None:
    from scenes.mobjects.zoom import clip_polyline

    t = np.linspace(-2, 2, 41)
    poly = np.c_[t, t**2]
    piece = clip_polyline(poly, np.array([-0.5, -1.0]), np.array([0.5, 1.0]))
    assert np.all(np.abs(piece[:, 0]) <= 0.5 + 1e-12) and np.all(piece[:, 1] <= 1.0 + 1e-12)
    assert piece[0, 0] == pytest.approx(-0.5) and piece[-1, 0] == pytest.approx(0.5)
    # Inner vertices are the polyline's own vertices.
    inner = piece[1:-1]
    assert np.all(np.min(np.linalg.norm(inner[:, None] - poly[None], axis=-1), axis=1) < 1e-12)


def test_the_videos_fonts_are_installed() -> None:
    from scenes.look.style import ensure_fonts

    ensure_fonts()  # raises with the apt command when missing: never a silent fallback
