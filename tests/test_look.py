"""The look, checked at every chapter's key frame: no overlaps, readable text, inside the safe area.

:func:`scenes.look.audit.audit_frame` measures the mobjects on screen without
drawing them. The first tests plant each kind of defect and check the audit
finds it; the last stops every chapter at its key frame in every aspect and
both themes, checks the audit finds nothing there and that the layout is the
same in both themes (:mod:`tests.keyframes`).
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import Circle, Line, tempconfig

from scenes.chapters import SCENES_IN_ORDER
from scenes.look.audit import audit_frame, text_height_px
from scenes.look.frame import frame_spec
from scenes.look.style import text
from scenes.mobjects.clouds import DotCloud
from scenes.settings import ASPECTS, THEMES
from tests.conftest import fast_sample
from tests.keyframes import key_frame, layout

W, H = 14.222, 8.0  # a 16:9 frame in scene units


def _kinds(mobjects: list) -> list[str]:
    return sorted({f.kind for f in audit_frame(mobjects, W, H)})


def test_a_clean_frame_passes() -> None:
    a = text("left", "label").move_to((-3, 0, 0))
    b = text("right", "label").move_to((3, 0, 0))
    line = Line((-2, -1, 0), (2, -1, 0))
    assert audit_frame([a, b, line], W, H) == []


def test_overlapping_texts_are_found() -> None:
    a = text("overlapping", "label")
    b = text("labels", "label").move_to(a.get_right())
    assert _kinds([a, b]) == ["text overlap"]


def test_a_label_on_a_line_is_found_and_a_label_beside_it_is_not() -> None:
    line = Line((-2, 0, 0), (2, 0, 0))  # one cubic: the audit samples along it, not only its ends
    on = text("on the line", "label")
    beside = text("above the line", "label").next_to(line, np.array([0.0, 1.0, 0.0]), buff=0.1)
    assert _kinds([line, on]) == ["text on ink"]
    assert audit_frame([line, beside], W, H) == []


def test_a_label_on_a_background_patch_may_hide_dots_but_not_a_line() -> None:
    dots = DotCloud(np.array([[0.0, 0.0, 0.0], [0.1, 0.05, 0.0]]), 0.03, "#FFFFFF")
    label = text("x", "label").add_background_rectangle(opacity=0.85)
    bare = text("x", "label")
    assert audit_frame([dots, label], W, H) == []
    assert _kinds([dots, bare]) == ["text on ink"]
    assert _kinds([Line((-1, 0, 0), (1, 0, 0)), label]) == ["text on ink"]


def test_invisible_mobjects_do_not_count() -> None:
    a = text("faded", "label")
    b = text("out", "label").move_to(a.get_center()).set_opacity(0)
    ring = Circle(radius=0.1).set_stroke(opacity=0)
    assert audit_frame([a, b, ring], W, H) == []


def test_small_text_is_found_and_text_size_is_measured_in_pixels_at_1080() -> None:
    with tempconfig(frame_spec("16:9", "low").manim_config()):
        small = text("tiny", "small").scale(0.5)
        label = text("fine", "label")
        assert text_height_px(label, H) > 22 > text_height_px(small, H)
        # Scaling a text after it was made changes its measured size in proportion.
        assert text_height_px(label.copy().scale(2), H) == pytest.approx(
            2 * text_height_px(label, H), rel=1e-6
        )
        assert _kinds([small]) == ["small text"]


def test_anything_past_the_title_safe_margin_is_found() -> None:
    corner = text("corner", "label").move_to((W / 2 - 0.2, H / 2 - 0.1, 0), aligned_edge=np.array([1, 1, 0]))
    assert _kinds([corner]) == ["margin"]
    assert _kinds([Line((-W / 2 + 0.1, 0, 0), (0, 0, 0))]) == ["margin"]


_KEY_FRAMES = [(c, a) for c in SCENES_IN_ORDER for a in ASPECTS]
_FAST_KEY_FRAMES = [  # the fast loop's sample, on the main run only (nothing to train): two cheap
    (SCENES_IN_ORDER[1], "16:9"),  # frames in both themes, about what its three single-theme
    (SCENES_IN_ORDER[3], "9:16"),  # frames cost before; CI runs them all
]


@pytest.mark.parametrize(
    ("cls", "aspect"),
    fast_sample(_KEY_FRAMES, _FAST_KEY_FRAMES, ids=lambda p: f"ch{p[0].chapter:02d}-{p[1]}"),
)
def test_key_frame_has_no_overlap_no_small_text_and_nothing_in_the_margins_and_one_layout_in_both_themes(
    cls: type, aspect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audited in each theme; the layout is the same in both (``tests/test_i18n.py`` relies on it)."""
    layouts = []
    for theme in THEMES:
        monkeypatch.setenv("AE_EXPLAINER_THEME", theme)
        scene, offenders, findings = key_frame(cls, aspect)
        assert scene.key_frame_time is not None and scene.key_frame_time > 0, theme
        assert len(scene.mobjects) >= 3, theme
        assert offenders == [], theme
        assert findings == [], theme
        layouts.append(layout(scene.mobjects))
    assert len(THEMES) == 2 and layouts[0] == layouts[1]  # the theme colours the frame; it moves nothing


def test_a_pycairo_layer_drawn_after_a_text_leaves_the_text_whole() -> None:
    """Manim leaves the last glyph's path in the Cairo context; a CairoDrawn must not paint it over."""
    from manim import Camera

    from scenes.mobjects.cairo_drawn import install_cairo_drawing
    from scenes.mobjects.palette_dots import PaletteDots

    with tempconfig({**frame_spec("16:9", "low").manim_config(), "background_color": "#000000"}):
        label = text("line", "caption").move_to((0, 0, 0))
        dots = PaletteDots(np.array([[5.0, 3.0, 0.0]]), np.array([[1.0, 0.0, 0.0]]), 0.1, outline=np.zeros(3))

        def frame(*mobs: object) -> np.ndarray:
            cam = Camera()
            install_cairo_drawing(cam)
            cam.capture_mobjects(list(mobs))
            return np.asarray(cam.get_image())[..., :3].astype(int)

        alone, with_dots = frame(label), frame(label, dots)
        h, w = alone.shape[:2]
        middle = (slice(h // 3, 2 * h // 3), slice(w // 4, 3 * w // 4))  # the text; the dot is far away
        assert alone[middle].max() > 200  # the text is drawn
        assert np.abs(with_dots[middle] - alone[middle]).max() <= 2


@pytest.mark.parametrize("theme", list(THEMES))
def test_the_latent_ramp_runs_dark_to_light_in_about_equal_steps_of_lightness(
    theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scenes.look.style import COLORS, latent_ramp

    monkeypatch.setenv("AE_EXPLAINER_THEME", theme)

    rgb = latent_ramp(np.linspace(-2.0, 2.0, 8), -2.0, 2.0)  # one value per anchor of the ramp
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    y = linear @ np.array([0.2126, 0.7152, 0.0722])
    lightness = 116.0 * np.cbrt(y) - 16.0  # CIE L*
    steps = np.diff(lightness)
    assert np.all(steps > 0)  # monotone: the order of the latents reads as lightness
    assert steps.max() < 1.6 * steps.min()  # in about equal steps of perceived lightness
    np.testing.assert_allclose(latent_ramp(np.array([-9.0, 9.0]), -2.0, 2.0), rgb[[0, -1]])  # clipped
    # Every colour of the ramp stands out from the theme's background (WCAG contrast at least 1.9:1).
    bg = np.array([int(COLORS["background"][k : k + 2], 16) for k in (1, 3, 5)]) / 255.0
    bg_y = np.where(bg <= 0.04045, bg / 12.92, ((bg + 0.055) / 1.055) ** 2.4) @ np.array(
        [0.2126, 0.7152, 0.0722]
    )
    contrast = (np.maximum(y, bg_y) + 0.05) / (np.minimum(y, bg_y) + 0.05)
    assert contrast.min() >= 1.9


def test_network_edges_collapse_onto_the_arrow_that_replaces_them() -> None:
    from manim import Arrow, Circle, Line, VGroup

    from scenes.animations.collapse import CollapseOnto

    edges = VGroup(*(Line((-2, y, 0), (0, -y, 0)) for y in (-1.0, 0.0, 1.0)))
    neurons = VGroup(*(Circle(radius=0.1).move_to((-1, y, 0)).set_fill(opacity=1.0) for y in (-1.0, 1.0)))
    arrow = Arrow((-2, -2, 0), (2, -2, 0), buff=0)
    anim = CollapseOnto(VGroup(edges, neurons), arrow)
    anim.begin()
    anim.interpolate_mobject(0.0)
    np.testing.assert_allclose(edges[0].get_start(), (-2, -1, 0), atol=1e-9)
    assert arrow.get_stroke_opacity() == pytest.approx(0.0)
    anim.interpolate_mobject(1.0)
    for e in edges:  # every edge lies on the shaft, invisible; the arrow is whole
        np.testing.assert_allclose(e.get_start(), arrow.get_start(), atol=1e-9)
        np.testing.assert_allclose(e.get_end(), arrow.get_end(), atol=1e-9)
        assert e.get_stroke_opacity() == pytest.approx(0.0)
    assert all(n.get_fill_opacity() == pytest.approx(0.0) and n.width < 0.02 for n in neurons)
    assert arrow.get_stroke_opacity() == pytest.approx(1.0)
    assert arrow.get_fill_opacity() == pytest.approx(0.0)  # the shaft stays a line, not a filled shape
    assert arrow.tip.get_fill_opacity() == pytest.approx(1.0)
