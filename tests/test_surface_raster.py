"""The Skia rasterizer of the 3-D surfaces: frames against the Cairo reference, order, fades, bytes, GC."""

from __future__ import annotations

import gc

import cairo
import numpy as np
import pytest
from manim import Camera
from scipy.ndimage import gaussian_filter

from benchmarks.surface_reference import CairoMeshSurfaceView
from scenes.look.projection import OrbitCamera
from scenes.mobjects.cairo_drawn import install_cairo_drawing
from scenes.mobjects.skia_frame import SkiaFrame, argb, points
from scenes.mobjects.surface_view import SurfaceView
from scenes.pictures.picture2d import PictureState
from scenes.pictures.picture3d import Picture3D
from scenes.runs import main_run_3d

pytestmark = pytest.mark.usefixtures("low_res")


def _ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of two RGB frames (Gaussian window, sigma 1.5; the usual constants)."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    out = []
    for c in range(3):
        x, y = a[..., c].astype(float), b[..., c].astype(float)
        mx, my = gaussian_filter(x, 1.5), gaussian_filter(y, 1.5)
        vx = gaussian_filter(x * x, 1.5) - mx * mx
        vy = gaussian_filter(y * y, 1.5) - my * my
        cov = gaussian_filter(x * y, 1.5) - mx * my
        out.append(((2 * mx * my + c1) * (2 * cov + c2) / ((mx**2 + my**2 + c1) * (vx + vy + c2))).mean())
    return float(np.mean(out))


def _frame(view: SurfaceView, cls: type[SurfaceView] | None = None) -> np.ndarray:
    """The RGB frame of ``view`` alone, drawn as ``cls`` (default: as it is)."""
    from manim import config

    own = type(view)
    if cls is not None:
        view.__class__ = cls
    try:
        cam = Camera(
            pixel_width=config.pixel_width, pixel_height=config.pixel_height, background_color="#0b0f19"
        )
        install_cairo_drawing(cam)
        cam.capture_mobjects([view])
        return np.array(cam.pixel_array[..., :3])
    finally:
        view.__class__ = own


@pytest.fixture(scope="module")
def run():
    return main_run_3d()


@pytest.fixture
def trained(run) -> Picture3D:
    pic = Picture3D(run)
    pic.set_state(PictureState.of(run.final), recon_fraction=1.0)
    pic.view.show_recon = True
    pic.set_reliability_blend(1.0)
    return pic


@pytest.mark.parametrize("t", [0.0, 9.0, 21.0])
def test_skia_frames_match_the_cairo_reference(trained, t) -> None:
    trained.set_orbit_time(t)
    new, old = _frame(trained.view), _frame(trained.view, CairoMeshSurfaceView)
    assert new.std() > 5  # something is drawn
    mad = np.abs(new.astype(int) - old.astype(int)).mean()
    # Tolerance (issue #32): SSIM >= 0.97 or a mean absolute difference <= 3/255.
    assert _ssim(new, old) >= 0.97 and mad <= 3.0, (_ssim(new, old), mad)


def _plane(opacity: np.ndarray, elevation: float = np.radians(70.0)) -> SurfaceView:
    """A flat square M over [-1, 1]^2 with face opacities ``opacity`` ``(g, g)``, no points."""
    g = opacity.shape[0] + 1
    u = np.linspace(-1.0, 1.0, g)
    grid = np.stack(np.meshgrid(u, u, indexing="ij"), axis=-1)
    verts = np.concatenate([grid, np.zeros((g, g, 1))], axis=-1)
    cam = OrbitCamera(0.3, elevation, np.zeros(3), 2.0, np.zeros(2), distance=8.0)
    view = SurfaceView(cam, (-7.0, -4.0, 7.0, 4.0), dot_radius=0.05, line_every=1000)
    view.set_surface(verts, opacity, grid)
    return view


def test_faded_rim_is_as_faint_as_its_corners_and_matches_the_reference() -> None:
    g = 16
    opacity = np.full((g, g), 0.8)
    opacity[[0, -1], :] = opacity[:, [0, -1]] = 0.0  # the outer ring of faces is faded out
    view = _plane(opacity)
    new, old = _frame(view), _frame(view, CairoMeshSurfaceView)
    bg = new[0, 0].astype(float)
    geo = view.geometry()
    centres = geo.face_xy.mean(axis=1)
    from manim import config

    col = ((centres[:, 0] / config.frame_width + 0.5) * config.pixel_width).astype(int)
    row = ((0.5 - centres[:, 1] / config.frame_height) * config.pixel_height).astype(int)
    ink = np.abs(new[row, col].astype(float) - bg).sum(axis=1).reshape(g, g)
    ink_old = np.abs(old[row, col].astype(float) - bg).sum(axis=1).reshape(g, g)
    inner, rim, corner = ink[5:-5, 5:-5].mean(), ink[0, 5:-5].mean(), ink[0, 0]
    # At a rim face's centre the corners' opacities average 0.8 / 4 (two border vertices at 0, two at
    # 0.4): about a quarter of the ink inside. A corner face has one corner at 0.2, three at 0: its centre,
    # on the diagonal that splits it into two triangles, gets (0 + 0.2) / 2 (Cairo's bilinear patch: 0.05).
    assert 0.15 * inner < rim < 0.35 * inner
    assert corner < 0.16 * inner and corner < 0.6 * rim
    # Tolerance: the rim's ink (corner faces aside) within 10 % of the inside's of Cairo's: two triangles
    # and a bilinear patch differ where a face's corners differ unevenly (next to a corner: 0.2 and 0.15).
    assert np.abs(ink - ink_old)[[0, -1], 1:-1].max() < 0.1 * inner


def test_lines_of_their_own_opacity_are_drawn_over_a_bare_fill() -> None:
    g = 16
    view = _plane(np.zeros((g, g)))
    view.line_every = 4
    bare = _frame(view)
    assert np.all(bare == bare[0, 0])  # no fill and lines as faint as the fill: nothing is drawn
    ink = []
    for a in (0.3, 0.9):
        view.line_opacity = np.full((g, g), a)
        f = _frame(view).astype(float)
        ink.append(np.abs(f - bare.astype(float)).sum(axis=-1))
    # The lines alone are drawn (a few pixels wide; the faces between them stay bare), at their opacity.
    for k in ink:
        assert 0.002 < np.mean(k > 0) < 0.25
    assert ink[1].sum() > 2.0 * ink[0].sum()
    # A face with no line opacity draws no line, whatever its neighbours do.
    opacity = np.full((g, g), 0.9)
    opacity[: g // 2] = 0.0
    view.line_opacity = opacity
    half = np.abs(_frame(view).astype(float) - bare.astype(float)).sum(axis=-1)
    assert 0.2 * ink[1].sum() < half.sum() < 0.8 * ink[1].sum()


def test_overlapping_faces_are_painted_in_order_without_seams() -> None:
    w, h = 64, 48
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, w, h)
    ctx = cairo.Context(surface)
    red, blue = argb(np.array([1.0, 0.0, 0.0]), np.ones(4)), argb(np.array([0.0, 0.0, 1.0]), np.ones(4))
    back = np.array([[4, 4], [40, 4], [40, 40], [4, 40]], float)
    front = back + 16
    half = np.array([[4, 4], [20, 4], [20, 40], [4, 40]], float)
    with SkiaFrame(ctx, (0, 0, w, h)) as frame:  # the red back face, then the blue front face over it
        frame.mesh(points(np.vstack([back, front])), [*red.tolist(), *blue.tolist()], 0, 2)
    px = np.ndarray((h, w, 4), np.uint8, surface.get_data())
    # Manim reads the bytes as RGBA: red in byte 0, blue in byte 2.
    assert tuple(px[30, 30]) == (0, 0, 255, 255)  # the overlap shows the face drawn last
    assert tuple(px[10, 10]) == (255, 0, 0, 255)
    # Two half-opaque faces sharing an edge: every pixel of both is covered exactly once (no seam, no
    # doubly blended line where they meet).
    surface2 = cairo.ImageSurface(cairo.FORMAT_ARGB32, w, h)
    ctx2 = cairo.Context(surface2)
    half_red = argb(np.array([1.0, 0.0, 0.0]), np.full(8, 0.5)).tolist()
    with SkiaFrame(ctx2, (0, 0, w, h)) as frame:
        frame.mesh(points(np.vstack([half, half + np.array([16.0, 0.0])])), half_red, 0, 2)
    px2 = np.ndarray((h, w, 4), np.uint8, surface2.get_data())
    inside = px2[6:38, 6:34]
    assert np.all(inside[..., 3] == inside[0, 0, 3]) and 120 <= inside[0, 0, 3] <= 135


def test_frames_are_deterministic_bytes(trained) -> None:
    trained.set_orbit_time(4.0)
    a = _frame(trained.view)
    b = _frame(trained.view)
    assert a.tobytes() == b.tobytes()


def test_no_garbage_collection_during_a_frame(trained) -> None:
    from manim import config

    trained.set_orbit_time(6.0)
    cam = Camera(pixel_width=config.pixel_width, pixel_height=config.pixel_height)
    install_cairo_drawing(cam)
    cam.capture_mobjects([trained.view])  # warm: first-use caches
    passes: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        for _ in range(3):
            cam.reset()
            cam.capture_mobjects([trained.view])
    finally:
        gc.callbacks.remove(count)
    assert passes == []


def test_a_cairo_drawn_mobject_must_say_how_it_draws() -> None:
    """``CairoDrawn.draw`` is abstract: a subclass without it is refused (it would draw nothing)."""
    from scenes.mobjects.cairo_drawn import CairoDrawn

    class Forgot(CairoDrawn):
        pass

    class Draws(CairoDrawn):
        def draw(self, ctx: object, camera: object) -> None:
            del ctx, camera

    with pytest.raises(TypeError, match="draw"):
        Forgot((0.0, 0.0, 1.0, 1.0))  # type: ignore[abstract]
    box = Draws((-1.0, -2.0, 3.0, 4.0))
    assert box.get_left()[0] == -1.0 and box.get_top()[1] == 4.0
