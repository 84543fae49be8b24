"""Chapter 8, images: the mosaic is the decoder's, tiles fade with reliability, the beats by hand.

Geometry and pixels first, without rendering (the composed mosaic array
against :func:`aecore.forward.decode` at each tile's latent point), then the
animations interpolated by hand, then ONE low-resolution frame, then the
chapter in dry run in every aspect with the layout audit at every beat.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from manim import Camera, tempconfig

from aecore.forward import decode
from scenes.animations.timeline import SnapshotTimeline
from scenes.animations.timeline3d import FadeSurfaceToReliability
from scenes.animations.walk import LatentWalk
from scenes.look.style import COLORS
from scenes.mobjects.cairo_drawn import color_rgb, install_cairo_drawing, pixel_transform
from scenes.mobjects.mosaic import ImageMosaic, cell_pixels
from scenes.mobjects.pixel_images import ink_rgb
from scenes.pictures.image_run import example_indices, reliability_at, tile_window, walk_ends
from scenes.pictures.images import VALUES, ImagesPicture
from scenes.pictures.picture2d import PictureState
from tests.conftest import dry_renderer

pytestmark = pytest.mark.usefixtures("low_res")


@pytest.fixture(scope="module")
def run(digits):
    return digits


@pytest.fixture
def trained(run) -> ImagesPicture:
    pic = ImagesPicture(run)
    pic.set_state(PictureState.of(run.final))
    pic.mosaic.alpha = 1.0
    return pic


def _expected_rgb(pic: ImagesPicture, grid: np.ndarray, i: int, j: int, snapshot=None) -> np.ndarray:
    """The colours ``(H, W, 3)`` of g at tile ``(i, j)``'s latent, decoded with numpy from the weights."""
    values = decode(pic.run, grid[i, j], snapshot=snapshot).reshape(pic.image_shape)
    return ink_rgb(values, *VALUES, pic.paper, pic.ink)


# The mosaic, without rendering.


def test_cells_keep_tile_pixels_square() -> None:
    assert cell_pixels((8, 8), 1.0) == (9, 9)
    ch, cw = cell_pixels((8, 8), 1.23)
    assert ch == 9 and cw == 11 and abs(cw / ch - 1.23) < 0.5 / ch
    ch, cw = cell_pixels((8, 8), 0.8)
    assert cw == 9 and ch == 11


@pytest.mark.slow  # the digits run
def test_each_tile_is_the_decoders_image_at_its_latent_point(trained, run) -> None:
    """Every pixel of every tile of the composed mosaic is g(u) at the tile's u (1 byte: float32 storage)."""
    grid = np.asarray(run.final.latent_grid, dtype=np.float64)[trained.window]
    img = trained.mosaic.image()
    op = trained.tile_opacity()
    gi, gj = trained.mosaic.grid_shape
    assert (gi, gj) == grid.shape[:2] and gi >= 12 and gj >= 12
    worst = 0
    for i in range(gi):
        for j in range(gj):
            rows, cols = trained.mosaic.tile_slices(i, j)
            want = np.round(255 * _expected_rgb(trained, grid, i, j) * op[i, j])
            worst = max(worst, int(np.abs(img[rows, cols, :3].astype(int) - want).max()))
            assert np.all(img[rows, cols, 3] == round(255 * op[i, j]))
    assert worst <= 1
    # Only tile pixels are drawn (the gutters between tiles stay empty), and the tiles differ.
    h, w = trained.image_shape
    assert int((img[..., 3] > 0).sum()) == gi * gj * h * w
    assert trained.mosaic.tiles.std(axis=(0, 1)).mean() > 2.0


@pytest.mark.slow  # the digits run
def test_the_plane_and_the_mosaic_agree_on_where_each_latent_is(trained, run) -> None:
    grid = np.asarray(run.final.latent_grid, dtype=np.float64)[trained.window]
    gi, gj = grid.shape[:2]
    i, j = np.meshgrid(np.arange(gi), np.arange(gj), indexing="ij")
    # The grid is stored in float32: equal within a millionth of a scene unit (a thousandth of a pixel).
    np.testing.assert_allclose(trained.plane.to_scene(grid), trained.mosaic.tile_center(i, j), atol=1e-6)
    # Every latent z_j lies on the mosaic (the window holds every tile with data).
    z = trained.plane.to_scene(run.final.latents)
    left, bottom, right, top = trained.mosaic.rect
    assert np.all((z[:, 0] > left) & (z[:, 0] < right) & (z[:, 1] > bottom) & (z[:, 1] < top))


@pytest.mark.slow  # the digits run
def test_tile_opacity_follows_reliability(trained, run) -> None:
    rel = np.asarray(run.final.reliability, dtype=np.float64)[tile_window(run)]
    assert rel.min() < 0.05 and rel.max() > 0.95  # crisp tiles and faded ones both in the window
    for blend in (0.25, 1.0):
        trained.set_reliability_blend(blend)
        op = trained.mosaic.opacity
        order = np.argsort(rel, axis=None, kind="stable")
        assert np.all(np.diff(op.ravel()[order]) >= -1e-12)  # monotone in the reliability
    np.testing.assert_allclose(trained.mosaic.opacity, rel, atol=1e-12)  # blend 1: the reliability itself
    alpha = trained.mosaic.image()[..., 3]
    for i, j in [np.unravel_index(np.argmax(rel), rel.shape), np.unravel_index(np.argmin(rel), rel.shape)]:
        rows, cols = trained.mosaic.tile_slices(int(i), int(j))
        assert np.all(alpha[rows, cols] == round(255 * rel[i, j]))


@pytest.mark.slow  # the digits run
def test_the_mosaic_forms_from_grey_mush_into_digits(run) -> None:
    window = tile_window(run)
    first = np.asarray(run.snapshots[0].manifold, dtype=np.float64)[window]
    last = np.asarray(run.final.manifold, dtype=np.float64)[window]
    spread_first, spread_last = first.std(axis=(0, 1)).mean(), last.std(axis=(0, 1)).mean()
    assert spread_first < 0.1 * spread_last  # untrained: every tile nearly the same image
    assert 2.0 < first.mean() < 8.0  # ... and grey, neither paper nor ink


def test_the_picture_rejects_runs_that_are_not_images() -> None:
    from aecore import Run
    from aecore.meta import RunConfig, RunMeta

    config = RunConfig(latent_dim=1)
    fake = Run(np.zeros((3, 2)), config, RunMeta(format_version=2, config=config), [])
    with pytest.raises(ValueError, match="image runs"):
        ImagesPicture(fake)


# The animations, interpolated by hand.


@pytest.mark.slow  # the digits run
def test_training_timeline_and_fade_by_hand(run) -> None:
    pic = ImagesPicture(run)
    tl = SnapshotTimeline(pic)
    tl.interpolate_mobject(0.0)
    np.testing.assert_allclose(pic.mosaic.tiles, np.asarray(run.snapshots[0].manifold)[pic.window], atol=1e-5)
    np.testing.assert_allclose(pic.mosaic.opacity, pic.uniform_opacity)
    tl.interpolate_mobject(1.0)
    np.testing.assert_allclose(pic.mosaic.tiles, np.asarray(run.final.manifold)[pic.window], atol=1e-5)
    fade = FadeSurfaceToReliability(pic)
    fade.interpolate_mobject(0.0)
    np.testing.assert_allclose(pic.mosaic.opacity, pic.uniform_opacity)
    fade.interpolate_mobject(1.0)
    np.testing.assert_allclose(pic.mosaic.opacity, np.asarray(run.final.reliability)[pic.window], atol=1e-6)


@pytest.mark.slow  # the digits run
def test_the_walk_decodes_every_frame_and_dips_between_the_clusters(trained, run) -> None:
    trained.build_walk()
    a, b = trained.walk_digits
    assert (a, b) == walk_ends(run) and a != b
    walk = LatentWalk(trained, redraw=trained.walker)
    for alpha in (0.0, 0.3, 0.5, 1.0):
        walk.interpolate_mobject(alpha)
        t = walk.position(alpha)
        z = trained.walk_point(t)
        np.testing.assert_allclose(
            trained.walk_image.images[0], trained.digit_image(decode(run, z)), atol=1e-12
        )
        np.testing.assert_allclose(trained.walker.get_center(), trained.plane.to_scene(z), atol=1e-9)
        assert trained.walk_readout.value == f"{float(np.ravel(reliability_at(run, z))[0]):.2f}"
    # It starts and ends in reliable clusters and dips well below both in between.
    rel = trained.walk_reliability
    assert min(rel[0], rel[-1]) > 0.8
    assert rel[20:-20].min() < min(rel[0], rel[-1]) - 0.5
    # The morph: the images at the ends are the two classes' (nearest data images of those digits).
    start, end = decode(run, trained.walk_point(0.0)), decode(run, trained.walk_point(1.0))
    nearest = [int(run.labels[np.argmin(np.linalg.norm(run.data - x, axis=1))]) for x in (start, end)]
    assert nearest == [a, b]


@pytest.mark.slow  # the digits run
def test_x_hat_is_the_tile_at_z(trained, run) -> None:
    """The reconstructions shown beside x are g at z = f(x), the point of M a ring marks on the plane."""
    pairs, rings = trained.pairs()
    images = pairs[1].images
    for k, idx in enumerate(example_indices(run)):
        z = run.final.latents[idx]
        np.testing.assert_allclose(images[3 * k + 1], trained.digit_image(decode(run, z)), atol=0.02)
        np.testing.assert_allclose(rings[k].get_center(), trained.plane.to_scene(z), atol=1e-6)


# ONE rendered low-resolution frame.


@pytest.mark.slow  # the digits run
def test_a_rendered_frame_shows_the_decoders_pixels_in_every_tile(trained, run) -> None:
    """Sample the 480x270 frame at every device pixel whose centre falls well inside a tile pixel.

    Tolerance: 4 of 255 per channel (Cairo's nearest-neighbour sampling is
    exact; rounding of premultiplied bytes and compositing over the
    background account for the rest).
    """
    from manim import config

    cam = Camera(background_color=COLORS["background"])
    install_cairo_drawing(cam)
    cam.capture_mobjects([trained.mosaic])
    frame = cam.pixel_array[..., :3].astype(float)
    sx, sy, ox, oy = pixel_transform(cam)
    left, bottom, right, top = trained.mosaic.rect
    x0, y0, x1, y1 = left * sx + ox, top * sy + oy, right * sx + ox, bottom * sy + oy
    img_h, img_w = trained.mosaic.image().shape[:2]
    kx, ky = img_w / (x1 - x0), img_h / (y1 - y0)
    ch, cw = trained.mosaic.cell_pixels()
    h, w = trained.image_shape
    gi, gj = trained.mosaic.grid_shape
    grid = np.asarray(run.final.latent_grid, dtype=np.float64)[trained.window]
    op = trained.tile_opacity()
    bg = color_rgb(COLORS["background"])
    expected = {}
    checked, worst = 0, 0.0
    for py in range(int(np.ceil(y0)), int(y1)):
        fy = (py + 0.5 - y0) * ky
        if abs(fy - round(fy)) < 0.15:
            continue  # too near the edge between two image pixels
        row = int(fy)
        cell_r, yy = divmod(row, ch)
        yy -= (ch - h) // 2
        if not 0 <= yy < h:
            continue
        j = gj - 1 - cell_r
        for px in range(int(np.ceil(x0)), int(x1)):
            fx = (px + 0.5 - x0) * kx
            if abs(fx - round(fx)) < 0.15:
                continue
            i, xx = divmod(int(fx), cw)
            xx -= (cw - w) // 2
            if not 0 <= xx < w or not 0 <= i < gi:
                continue
            if (i, j) not in expected:
                expected[i, j] = _expected_rgb(trained, grid, i, j)
            want = 255 * (op[i, j] * expected[i, j][yy, xx] + (1 - op[i, j]) * bg)
            worst = max(worst, float(np.abs(frame[py, px] - want).max()))
            checked += 1
    assert config.pixel_width == 480 and checked > 2000 and len(expected) > 0.8 * gi * gj
    assert worst <= 4.0, worst


# The chapter.


@pytest.mark.slow  # the digits run
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_chapter_dry_runs_with_every_beat_inside_the_safe_area_and_passing_the_audit(
    aspect: str, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scenes.chapters.ch08_images import ImagesOnM
    from scenes.look.audit import audit_frame
    from scenes.look.frame import frame_spec, outside_safe_area, platform_margins

    problems: list[str] = []

    class Audited(ImagesOnM):
        def say(self, s, spoken=None):  # look at the frame as each beat ends, before its caption changes
            from manim import config

            fw, fh = config.frame_width, config.frame_height
            found = audit_frame(self.mobjects, fw, fh, margin=platform_margins())
            problems.extend(f"before {s!r}: {f}" for f in found)
            problems.extend(f"before {s!r}: {o}" for o in outside_safe_area(self.mobjects))
            super().say(s, spoken)

    with tempconfig({**frame_spec(aspect, "low").manim_config(), "dry_run": True}):
        scene = Audited(renderer=dry_renderer())
        scene.render()
    assert problems == []
    assert 30.0 <= scene.renderer.time <= 45.0
    assert scene.key_frame_time is not None and len(scene.captions) >= 6
    assert all(c.spoken or c.text.isascii() for c in scene.captions)


@pytest.mark.slow  # the digits run
def test_the_images_chapter_never_imports_torch(run) -> None:
    code = (
        "import sys; import scenes.chapters.ch08_images; from scenes.runs import digits_run; "
        "digits_run(); assert 'torch' not in sys.modules, 'torch was imported'"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_a_mosaic_of_one_tile_draws_its_image_exactly() -> None:
    m = ImageMosaic((0.0, 0.0, 1.0, 1.0), (2, 2), np.zeros(3), np.ones(3), (0.0, 4.0))
    m.set_tiles(np.array([[[0.0, 4.0, 2.0, 8.0]]]), 0.5)
    img = m.image()
    assert img.shape == (3, 3, 4)
    rows, cols = m.tile_slices(0, 0)
    np.testing.assert_array_equal(img[rows, cols, 0], [[0, 128], [64, 128]])  # premultiplied by 0.5
    assert img[rows, cols, 3].min() == 128 and img[..., 3].sum() == 4 * 128  # the gutter is empty


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_digit_colours_stand_out_from_the_background_and_from_each_other(theme: str) -> None:
    from scenes.look.style import DIGIT_PALETTES, PALETTES

    def luminance(h: str) -> float:
        c = np.array([int(h[k : k + 2], 16) / 255.0 for k in (1, 3, 5)])
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ np.array([0.2126, 0.7152, 0.0722]))

    palette = DIGIT_PALETTES[theme]
    bg = luminance(PALETTES[theme]["background"])
    assert len(set(palette)) == 10
    for (
        h
    ) in palette:  # the digits of the key are text: at least 3:1 against the background (WCAG, large text)
        assert (max(luminance(h), bg) + 0.05) / (min(luminance(h), bg) + 0.05) >= 3.0, h
    rgb = np.array([[int(h[k : k + 2], 16) for k in (1, 3, 5)] for h in palette], dtype=float)
    gaps = np.linalg.norm(rgb[:, None] - rgb[None], axis=-1) + np.eye(10) * 1e9
    assert gaps.min() > 40.0  # no two classes share a colour
