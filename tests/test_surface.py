"""The 3-D picture: projection, depth order, face opacity, x̂ on M, occlusion in frames, the chapter."""

from __future__ import annotations

import numpy as np
import pytest
from manim import Camera, ManimColor

from benchmarks.bench_surface import ManimSurfaceForms, ManimSurfaceView
from scenes.animations.timeline import SnapshotTimeline
from scenes.animations.timeline3d import FadeSurfaceToReliability, SnapOntoSurface
from scenes.chapters.ch07_surface import SurfaceForms
from scenes.look.projection import OrbitCamera, orbit_angles
from scenes.look.style import COLORS
from scenes.mesh_math import face_average, face_centers, latent_cells, mesh_point
from scenes.mobjects.cairo_drawn import install_cairo_drawing
from scenes.mobjects.surface_view import KIND_FACE, SurfaceView
from scenes.pictures.picture2d import PictureState
from scenes.pictures.picture3d import Picture3D
from scenes.runs import main_run_3d
from tests.conftest import dry_renderer, to_pixel

pytestmark = pytest.mark.usefixtures("low_res")

ANGLES = [(np.radians(az), np.radians(el)) for az in range(0, 360, 45) for el in (-50, -20, 15, 40, 75)]
"""Camera directions the geometric checks run at: all around, from below and from above."""


@pytest.fixture(scope="module")
def run():
    return main_run_3d()


@pytest.fixture
def trained(run) -> Picture3D:
    pic = Picture3D(run)
    pic.set_state(PictureState.of(run.final), recon_fraction=1.0)
    pic.view.show_recon = True
    return pic


# Projection.


def test_projection_depth_and_orthographic_lengths() -> None:
    cam = OrbitCamera(0.3, 0.4, np.zeros(3), 2.0, np.array([1.0, -1.0]))
    right, up, toward = cam.basis()
    np.testing.assert_allclose(
        np.array([right, up, toward]) @ np.array([right, up, toward]).T, np.eye(3), atol=1e-12
    )
    xy, depth = cam.project(np.array([toward, -toward, right, up]))
    assert depth[0] < 0 < depth[1]  # towards the camera is in front
    np.testing.assert_allclose(xy[2], [1.0 + 2.0, -1.0], atol=1e-12)  # orthographic: scale * length
    np.testing.assert_allclose(xy[3], [1.0, -1.0 + 2.0], atol=1e-12)
    persp = OrbitCamera(0.3, 0.4, np.zeros(3), 2.0, np.zeros(2), distance=5.0)
    near, far = persp.project(np.array([right + toward, right - toward]))[0]
    assert near[0] > far[0] > 0  # perspective: nearer looks bigger


# Geometry of one frame, no rendering.


@pytest.mark.parametrize("angle", ANGLES[::3])
def test_face_count_and_back_to_front_order(trained, angle) -> None:
    trained.view.set_camera(trained.view.camera3d.turned(*angle))
    geo = trained.view.geometry()
    g = trained.run.final.manifold.shape[0] - 1
    assert g >= 32 and geo.face_xy.shape == (g * g, 4, 2)
    assert sorted(geo.face_order.tolist()) == list(range(g * g))
    d = geo.face_depth[geo.face_order]
    assert np.all(np.diff(d) <= 0), "faces are not sorted back to front"
    # The face depths are the centres' depths for this camera, and the draw order keeps the faces' order.
    _, centre_depth = trained.view.camera3d.project(face_centers(trained.run.final.manifold).reshape(-1, 3))
    np.testing.assert_allclose(geo.face_depth, centre_depth, atol=1e-6)
    drawn_faces = geo.indices[geo.kinds == KIND_FACE]
    np.testing.assert_array_equal(drawn_faces, geo.face_order)


def test_face_opacity_is_reliability_at_face_centre(trained, run) -> None:
    FadeSurfaceToReliability(trained).interpolate_mobject(1.0)
    shown = trained.view.geometry().face_opacity
    rel = face_average(run.final.reliability).reshape(-1)  # mean of the four corners
    inside = trained.window(face_centers(run.final.manifold)).reshape(-1) == 1.0
    assert inside.mean() > 0.3  # the faces inside the view box
    np.testing.assert_allclose(shown[inside], rel[inside], atol=1e-9)
    assert np.all(shown <= rel + 1e-9)  # outside the view box M only fades further
    assert rel[inside].min() < 0.05 and rel[inside].max() > 0.95  # the fade is there to see
    # Halfway through the fade, each face is halfway between uniform and its reliability.
    anim = FadeSurfaceToReliability(trained, target=0.0, rate_func=lambda t: t)
    anim.interpolate_mobject(0.5)
    half = trained.view.geometry().face_opacity
    np.testing.assert_allclose(half[inside], 0.5 * (rel[inside] + trained.uniform_opacity), atol=1e-9)


def test_every_recon_lies_on_the_mesh_and_data_does_not(trained, run) -> None:
    view = trained.view
    on_mesh = mesh_point(view.vertices, view.grid, run.final.latents)
    scale = float(np.ptp(run.data, axis=0).max())
    d_recon = np.linalg.norm(view.recon_positions - on_mesh, axis=1)
    d_data = np.linalg.norm(run.data - on_mesh, axis=1)
    # Tolerance: within 0.5 % of the data's extent (the faces are flat between grid points).
    assert d_recon.max() < 5e-3 * scale, f"x̂ up to {d_recon.max():.2g} off the drawn mesh"
    assert np.median(d_data) > 5 * np.median(d_recon)
    # On screen, most x̂ dots lie inside the drawn quad of the face their latent falls in (the others sit
    # within a hair of a cell edge, where a flat quad and the bilinear patch differ slightly).
    i, j, _, _ = latent_cells(run.final.latents, view.grid)
    geo = view.geometry()
    own = geo.face_xy[i * (view.grid.shape[1] - 1) + j]
    inside = _covering(own, geo.recon_xy)[np.arange(len(own)), np.arange(len(own))]
    assert inside.mean() > 0.8


def test_snap_and_timeline_by_hand(run) -> None:
    pic = Picture3D(run)
    pic.view.show_recon = True
    n = len(run.snapshots)
    anim = SnapshotTimeline(pic, seconds_per_snapshot=0.2)
    assert anim.run_time == pytest.approx(0.2 * (n - 1))
    for i in (0, n // 2, n - 1):
        anim.interpolate_mobject(i / (n - 1))
        np.testing.assert_allclose(pic.view.vertices, run.snapshots[i].manifold, atol=1e-6)
        np.testing.assert_allclose(pic.heatmap.latents, run.snapshots[i].latents, atol=1e-6)
    pic.set_state(pic.state, recon_fraction=0.0)
    np.testing.assert_allclose(pic.view.recon_positions, run.data, atol=1e-12)
    snap = SnapOntoSurface(pic)
    snap.interpolate_mobject(0.5)
    mid = np.linalg.norm(pic.view.recon_positions - run.data, axis=1)
    assert np.all(mid <= np.linalg.norm(run.final.recon - run.data, axis=1) + 1e-12)
    snap.interpolate_mobject(1.0)
    np.testing.assert_allclose(pic.view.recon_positions, run.final.recon, atol=1e-6)


def test_orbit_turns_the_camera(trained) -> None:
    trained.set_orbit_time(10.0)
    az, el = orbit_angles(10.0, azimuth0=trained.orbit_start, degrees_per_second=trained.orbit_rate)
    assert trained.view.camera3d.azimuth == pytest.approx(az)
    assert trained.view.camera3d.elevation == pytest.approx(el)
    # The clock advances with dt.
    trained.start_orbit()
    trained.view.update(0.5)
    assert trained.orbit_time == pytest.approx(10.5)


def test_manim_surface_baseline_has_the_same_faces_in_the_same_order(run) -> None:
    pic = Picture3D(run, view_class=ManimSurfaceForms.view_class)
    pic.set_state(PictureState.of(run.final))
    assert isinstance(pic.view, ManimSurfaceView)
    geo = pic.view.geometry()
    assert len(pic.view.surface.submobjects) == len(geo.face_order) == 32 * 32
    order = [pic.view.faces.index(f) for f in pic.view.surface.submobjects]
    np.testing.assert_array_equal(order, geo.face_order)


# Occlusion in low-resolution frames.


def _rgb(color: str) -> np.ndarray:
    return np.array(ManimColor(color).to_int_rgb(), dtype=float)


def _plane_view(elevation: float, azimuth: float, opacity: float) -> tuple[SurfaceView, np.ndarray]:
    """A flat square M (z = 0) over [-1, 1]^2 and two data points below it: far below and just below."""
    g = 33
    u = np.linspace(-1.0, 1.0, g)
    grid = np.stack(np.meshgrid(u, u, indexing="ij"), axis=-1)
    verts = np.concatenate([grid, np.zeros((g, g, 1))], axis=-1)
    cam = OrbitCamera(azimuth, elevation, np.zeros(3), 2.2, np.zeros(2), distance=8.0)
    view = SurfaceView(cam, (-7.0, -4.0, 7.0, 4.0), dot_radius=0.09)
    view.set_surface(verts, np.full((g - 1, g - 1), opacity), grid)
    data = np.array([[0.11, -0.07, -0.4], [-0.23, 0.16, -0.04]])
    latents = data[:, :2]
    view.set_data_points(data, latents, np.c_[latents, np.zeros(2)], 0.0)
    return view, data


def _frame(view: SurfaceView) -> np.ndarray:
    from manim import config

    cam = Camera(pixel_width=config.pixel_width, pixel_height=config.pixel_height, background_color="#000000")
    install_cairo_drawing(cam)
    cam.capture_mobjects([view])
    return cam.pixel_array[..., :3].astype(float)


@pytest.mark.parametrize("azimuth", [0.0, 100.0, 200.0, 300.0])
def test_frame_point_behind_surface_is_hidden_and_in_front_is_seen(azimuth) -> None:
    blue = _rgb(COLORS["data"])
    for elevation in (25.0, 60.0, -25.0, -60.0):
        view, data = _plane_view(np.radians(elevation), np.radians(azimuth), opacity=1.0)
        frame = _frame(view)
        h, w = frame.shape[:2]
        pix = to_pixel(view.camera3d.scene_points(data), w, h)
        colours = frame[pix[:, 0], pix[:, 1]]
        dist = np.linalg.norm(colours - blue, axis=1)
        # Tolerance: a seen dot's centre pixel is within 40 (of 255, per channel, Euclidean) of the data blue;
        # a hidden one is more than 120 away from it (it shows the yellow surface instead).
        if elevation > 0:  # looking down: both points are under the opaque sheet
            assert np.all(dist > 120), f"az {azimuth} el {elevation}: point under M shows through ({dist})"
            assert np.all(np.abs(colours - _rgb(COLORS["manifold"])).max(axis=1) < 140)  # it is M's colour
        else:  # looking up: both points are in front of the sheet
            assert np.all(dist < 40), f"az {azimuth} el {elevation}: point in front of M is hidden ({dist})"


def test_frame_point_behind_half_transparent_surface_is_dimmed() -> None:
    blue = _rgb(COLORS["data"])
    opaque = _frame(_plane_view(np.radians(40), 0.3, 1.0)[0])
    view, data = _plane_view(np.radians(40), 0.3, 0.5)
    half = _frame(view)
    h, w = half.shape[:2]
    pix = to_pixel(view.camera3d.scene_points(data), w, h)
    for r, c in pix:
        d_half = np.linalg.norm(half[r, c] - blue)
        d_opaque = np.linalg.norm(opaque[r, c] - blue)
        # Tolerance: through a half-transparent face the dot is visibly closer to blue than through an
        # opaque one (by 40 of 255), yet not clear (more than 40 away from pure blue).
        assert d_half < d_opaque - 40 and d_half > 40


def _covering(quads: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``(N, F)``: does face f's screen quad ``(F, 4, 2)`` contain point n ``(N, 2)`` (convex quads)."""
    c = quads[None]  # (1, F, 4, 2)
    e = np.roll(c, -1, axis=2) - c
    d = points[:, None, None, :] - c
    cross = e[..., 0] * d[..., 1] - e[..., 1] * d[..., 0]  # (N, F, 4)
    return np.all(cross > 0, axis=-1) | np.all(cross < 0, axis=-1)


def test_frame_real_run_hides_data_behind_m(trained, run) -> None:
    """In the chapter's picture: data behind opaque parts of M are hidden, data in front of all of M seen."""
    view = trained.view
    view.show_recon = False
    view.dot_radius = 0.08  # about 3 pixels at 480p, so that a dot's centre pixel is all dot
    trained.set_reliability_blend(1.0)
    blue = _rgb(COLORS["data"])
    hidden_checked = seen_checked = 0
    for t in np.linspace(0.0, 52.5, 8):
        trained.set_orbit_time(t)
        cam = view.camera3d
        geo = view.geometry()
        frame = _frame(view)
        h, w = frame.shape[:2]
        pix = to_pixel(cam.scene_points(run.data), w, h)
        dist = np.linalg.norm(frame[pix[:, 0], pix[:, 1]] - blue, axis=1)
        xy, depth = cam.project(run.data)
        _, m_depth = cam.project(mesh_point(view.vertices, view.grid, run.final.latents))
        cover = _covering(geo.face_xy, xy) & (geo.face_opacity[None] > 0.02)
        nearer = geo.face_depth[None] < depth[:, None] - 0.1  # clearly in front of the point
        others = np.linalg.norm(xy[:, None] - xy[None], axis=-1) + np.eye(len(xy)) * 1e9
        alone = others.min(axis=1) > 1.5 * view.dot_radius  # no other dot covers its centre
        opaque = cover & (geo.face_opacity[None] > 0.9)
        # Behind an opaque face clearly in front of it, or just under the opaque face of its own latent cell.
        i, j, _, _ = latent_cells(run.final.latents, view.grid)
        own = opaque[np.arange(len(xy)), i * view.grid.shape[1] - i + j]
        hidden = alone & ((opaque & nearer).any(axis=1) | (own & (depth - m_depth > 0.02)))
        # In front of its own sheet, and no face clearly in front of it: it must be seen clearly.
        seen = alone & (depth - m_depth < -0.02) & ~(cover & nearer).any(axis=1)
        # Tolerance: a seen dot's centre pixel is within 40 (of 255, per channel, Euclidean) of the data
        # blue; a hidden one is more than 120 away from it.
        assert np.all(dist[hidden] > 120), f"t={t}: data behind opaque M show through"
        assert np.all(dist[seen] < 40), f"t={t}: data in front of M are hidden ({np.sort(dist[seen])[-3:]})"
        hidden_checked += int(hidden.sum())
        seen_checked += int(seen.sum())
    assert hidden_checked >= 5 and seen_checked >= 5, f"only {hidden_checked} hidden, {seen_checked} seen"


def test_heat_map_is_brightest_where_latents_are_densest(run) -> None:
    pic = Picture3D(run)
    pic.set_state(PictureState.of(run.final))
    pic.heatmap.density_alpha = 1.0
    img = pic.heatmap.image()
    dens = run.final.density.T[::-1]
    brightest = img[..., 3] == img[..., 3].max()  # (ties: the image has 8-bit alpha)
    assert dens[brightest].min() > 0.97 * dens.max()
    assert img[..., 3].min() < 10  # transparent where the latents are sparse


# The chapter.


def test_chapter_constructs_in_dry_run() -> None:
    scene = SurfaceForms(renderer=dry_renderer())
    scene.render()
    assert scene.renderer.time > 20.0
    assert scene.section_names == [SurfaceForms.title]
    assert scene.captions and all(c.end > c.start for c in scene.captions)
    starts = [c.start for c in scene.captions]
    assert starts == sorted(starts)
    (pic,) = [m for m in scene.closing_mobjects if isinstance(m, Picture3D)]
    assert pic.reliability_blend == pytest.approx(1.0) and pic.recon_fraction == pytest.approx(1.0)
    assert pic.orbit_time > 0.0
