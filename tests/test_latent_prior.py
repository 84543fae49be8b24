"""Chapter 9: M has the dimension of k, not of the data; x̂ lies on the drawn curve, x does not."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from ae_explainer.render.timelines import chapter_duration
from scenes.chapters.ch09_latent_prior import LatentDimensionIsAPrior
from scenes.mobjects.curve3d import KIND_DATA, KIND_RECON, KIND_SEGMENT, CurveView, polyline_distance
from scenes.mobjects.surface_view import SurfaceView
from scenes.pictures.prior_panel import PriorPanel

pytestmark = pytest.mark.usefixtures("low_res")


@pytest.fixture(scope="module")
def scene() -> LatentDimensionIsAPrior:
    from manim import tempconfig

    from tests.conftest import LOW_RES, dry_renderer

    with tempconfig(LOW_RES):
        s = LatentDimensionIsAPrior(renderer=dry_renderer())
        s.render()
    return s


@pytest.mark.slow  # trains the chapter's two runs and plays it
def test_chapter_dry_run_sections_and_captions(scene: LatentDimensionIsAPrior) -> None:
    assert scene.section_names == [LatentDimensionIsAPrior.title]
    assert (LatentDimensionIsAPrior.chapter, LatentDimensionIsAPrior.fades_out) == (9, True)
    assert len(scene.captions) >= 3
    for c in scene.captions:
        assert c.end - c.start >= scene.reading_time(c.text) - 0.2, c.text
    # Everything is revealed by the end.
    sheet, helix = scene.panels
    assert sheet.growth == helix.growth == 1.0
    assert sheet.view.alpha == helix.view.alpha == 1.0
    assert sheet.view.show_recon and sheet.view.recon_fraction == 1.0


@pytest.mark.slow  # trains the chapter's two runs and plays it
def test_chapter_is_short() -> None:
    assert chapter_duration(LatentDimensionIsAPrior) <= 20.0


@pytest.mark.slow  # trains the chapter's two runs and plays it
def test_m_has_the_dimension_of_k(scene: LatentDimensionIsAPrior) -> None:
    sheet, helix = scene.panels
    # The sheet (2-D data) with k = 1: a polyline with the run's vertices.
    assert sheet.k == 1 and sheet.run.final.latents.shape[1] == 1
    assert isinstance(sheet.view, CurveView)
    m1 = sheet.run.final.manifold
    assert m1.ndim == 2 and sheet.m_vertices.shape == m1.shape
    np.testing.assert_array_equal(sheet.m_vertices, m1)
    geo = sheet.view.geometry()
    assert geo.segment_xy.shape == (len(m1) - 1, 2, 2)
    assert np.count_nonzero(geo.kinds == KIND_SEGMENT) == len(m1) - 1
    # The helix (1-D data) with k = 2: a mesh of (G-1)^2 faces with the run's vertices.
    assert helix.k == 2 and helix.run.final.latents.shape[1] == 2
    assert isinstance(helix.view, SurfaceView)
    m2 = helix.run.final.manifold
    g = m2.shape[0]
    assert m2.shape == (g, g, 3)
    np.testing.assert_array_equal(helix.m_vertices, m2)
    assert helix.view.geometry().face_xy.shape == ((g - 1) ** 2, 4, 2)


@pytest.mark.slow  # trains the chapter's two runs and plays it
def test_recon_on_the_drawn_curve_data_off_it(scene: LatentDimensionIsAPrior) -> None:
    sheet = scene.panels[0]
    run = sheet.run
    scale = float(np.linalg.norm(np.ptp(run.data, axis=0)))
    np.testing.assert_allclose(sheet.view.recon_positions, run.final.recon)
    d_recon = polyline_distance(run.final.recon, sheet.m_vertices)
    d_data = polyline_distance(run.data, sheet.m_vertices)
    assert d_recon.max() < 2e-3 * scale
    # One curve cannot cover a sheet: most data points are far from it.
    assert np.median(d_data) > 20 * d_recon.max()
    assert np.median(d_data) > 0.03 * scale


def test_polyline_distance() -> None:
    v = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    p = np.array([[0.5, 0.2, 0.0], [2.0, 0.5, 0.0], [-1.0, 0.0, 0.0], [1.0, 0.5, 3.0]])
    np.testing.assert_allclose(polyline_distance(p, v), [0.2, 1.0, 1.0, 3.0])


@pytest.mark.slow  # trains the chapter's two runs and plays it
def test_curve_depth_order_and_landed_recon_on_top(scene: LatentDimensionIsAPrior) -> None:
    view = scene.panels[0].view
    assert isinstance(view, CurveView)
    for az in np.radians([0.0, 90.0, 200.0, 300.0]):
        view.set_camera(view.camera3d.turned(float(az)))
        geo = view.geometry()
        # Segments are drawn back to front.
        seg = geo.indices[geo.kinds == KIND_SEGMENT]
        assert np.all(np.diff(geo.segment_depth[seg]) <= 1e-12)
        # Every data dot comes after every segment further back than it, and before the nearer ones.
        _, d_depth = view.camera3d.project(view.data)
        where = {(int(k), int(i)): n for n, (k, i) in enumerate(zip(geo.kinds, geo.indices, strict=True))}
        j = int(np.argmin(d_depth))  # the nearest data point
        nearer = np.flatnonzero(geo.segment_depth < d_depth[j] - 1e-9)
        further = np.flatnonzero(geo.segment_depth > d_depth[j] + 1e-9)
        assert all(where[(KIND_SEGMENT, int(s))] > where[(KIND_DATA, j)] for s in nearer)
        assert all(where[(KIND_SEGMENT, int(s))] < where[(KIND_DATA, j)] for s in further)
        # A landed x̂ is drawn after the segments around its latent.
        k = view.latent_segments()
        for n in range(0, len(view.data), 37):
            around = range(max(k[n] - 1, 0), min(k[n] + 2, view.segment_count))
            assert all(where[(KIND_RECON, n)] > where[(KIND_SEGMENT, s)] for s in around)


@pytest.mark.slow  # trains the chapter's two runs and plays it
def test_curve_drawn_fraction_and_panel_rejects_other_runs(scene: LatentDimensionIsAPrior) -> None:
    sheet, helix = scene.panels
    view = sheet.view
    assert isinstance(view, CurveView)
    view.drawn_fraction = 0.5
    geo = view.geometry()
    s = view.segment_count
    assert np.all(geo.segment_opacity[s // 2 + 1 :] == 0.0)
    assert np.any(geo.segment_opacity[: s // 2] > 0.0)
    view.drawn_fraction = 1.0
    # The surface grows out of the data: half grown, the faces nearest the latents are the ones shown.
    helix.growth = 0.3
    shown = helix.view.face_opacity > 0.0
    assert 0 < shown.sum() < shown.size
    helix.growth = 1.0
    with pytest.raises(ValueError):
        view.set_curve(np.zeros((5, 3)), np.ones(4), np.arange(5.0))
    bad = type("R", (), {"data": np.zeros((3, 2)), "final": helix.run.final})()
    with pytest.raises(ValueError):
        PriorPanel(bad, sheet.rect, "x")  # type: ignore[arg-type]


@pytest.mark.slow  # trains the chapter's two runs and plays it
def test_helix_surface_lines_follow_reliability_and_outlast_a_faint_fill(
    scene: LatentDimensionIsAPrior,
) -> None:
    helix = scene.panels[1]
    view = helix.view
    assert isinstance(view, SurfaceView) and view.line_opacity is not None and view.line_mask is None
    fill, lines = view.face_opacity, view.line_opacity
    # Every face that is drawn draws its grid lines too: no face is left a bare haze.
    assert np.all(lines[fill > 0.004] > 0.0)
    # Where M is fully shown (inside the data's box, near the latents), the lines are the panel's line
    # opacity at the face's reliability, and stronger than the fill, most of all where M is least trusted.
    s = helix.run.final
    from scenes.mesh_math import face_average

    rel = np.clip(face_average(s.reliability), 0.0, 1.0)
    full = (helix._face_reach < PriorPanel.surface_reach[0]) & (fill > 0.0)
    full &= np.isclose(fill, np.interp(rel, [0.0, 1.0], PriorPanel.surface_opacity))
    assert full.sum() > 50
    np.testing.assert_allclose(
        lines[full], np.interp(rel[full], [0.0, 1.0], PriorPanel.surface_line_opacity), rtol=1e-4
    )
    assert np.all(lines[full] > fill[full])
    low, high = rel[full] < np.median(rel[full]), rel[full] >= np.median(rel[full])
    assert (lines[full] / fill[full])[low].mean() > (lines[full] / fill[full])[high].mean()
    # Growing M brings its lines with its faces.
    helix.growth = 0.3
    assert np.array_equal(view.line_opacity > 0.0, view.face_opacity > 0.0)
    helix.growth = 1.0
    np.testing.assert_array_equal(view.line_opacity, lines)


@pytest.mark.slow  # trains the chapter's two runs and plays it
def test_drawing_a_frame_sets_off_no_garbage_collection(scene: LatentDimensionIsAPrior) -> None:
    """Both views hand their per-frame arrays to pycairo as flat lists, not one Python list per item.

    Tens of thousands of small lists alive at once during a draw set off the collector's passes,
    full ones over the whole heap among them, on every frame; flat lists are only a few objects.
    """
    from manim import Camera, config

    from scenes.mobjects.cairo_drawn import install_cairo_drawing

    cam = Camera(pixel_width=config.pixel_width, pixel_height=config.pixel_height)
    install_cairo_drawing(cam)
    passes: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    for panel in scene.panels:
        view = panel.view
        view.alpha, view.show_recon = 1.0, True
        items = view.vertices.size // 3 + 2 * len(view.data)
        assert items > 2000  # enough faces or segments and dots for nested lists to add up to many
        cam.capture_mobjects([view])  # warm up (first-call caches)
        gc.collect()
        old = gc.get_threshold()
        gc.set_threshold(700, 10, 10)  # CPython's defaults, whatever the test run set
        gc.callbacks.append(count)
        try:
            for _ in range(3):
                cam.capture_mobjects([view])
        finally:
            gc.callbacks.remove(count)
            gc.set_threshold(*old)
        assert len(passes) <= 3, f"{type(view).__name__}: {len(passes)} collections in 3 frames"
        passes.clear()
