"""The short for the feed: safe areas as data, and the scene audited at every beat without drawing.

The scene is dry-run (no frame drawn) in every aspect and both themes (each
translation in one theme, as the theme moves nothing); at
each beat's key frame (:meth:`scenes.short.SocialShort.beat`) the frame is
audited: no text overlap, no small text, no text on drawn content, nothing
in the platforms' UI bands (:func:`scenes.look.audit.audit_ui_bands`). The first
frame shows the picture, the last frame shows the same picture (feeds loop),
the captions are large and at most two lines, and the short lasts 45-60 s
with narration.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from manim import Line, Mobject, tempconfig

from scenes import i18n, runs
from scenes.captions import speakable
from scenes.chapters import SCENES_IN_ORDER
from scenes.look.audit import (
    audit_frame,
    audit_ui_bands,
    ink_points,
    text_box,
    text_height_px,
    visible_texts,
)
from scenes.look.frame import frame_spec
from scenes.look.layout import Box
from scenes.look.safe_areas import (
    PLATFORMS,
    SQUARE,
    VERTICAL,
    VERTICAL_PLATFORMS,
    feed_bands,
    safe_rect,
    union,
)
from scenes.look.style import text
from scenes.mobjects.clouds import DotCloud
from scenes.mobjects.curve import FadingCurve
from scenes.patches.skipping import dry_run
from scenes.settings import ASPECTS, LANGUAGES, THEMES
from scenes.short import CAPTIONS, MAX_CAPTION_LINES, SocialShort, feed_caption
from tests.conftest import fast_sample
from tests.keyframes import layout

BEATS = ("hook", "network", "trip", "panels", "m", "forms", "snap", "thin", "gap", "bridge", "close")
"""The short's beats in play order (the storyboard in :mod:`scenes.short`)."""

MIN_CAPTION_PX = 40.0
"""Height of a caption's "Tg" at a frame 1080 px wide, at least."""


def _box(r: Any) -> Box:
    return Box(r.left, r.bottom, r.right, r.top)


# Safe areas as data.


def test_the_vertical_bands_cover_every_vertical_platforms_bands() -> None:
    exact = union(*(PLATFORMS[p] for p in VERTICAL_PLATFORMS))
    for side in ("top", "bottom", "left", "right"):
        assert getattr(VERTICAL, side) >= getattr(exact, side)
        assert getattr(VERTICAL, side) - getattr(exact, side) <= 0.005  # rounded, not padded
    assert (VERTICAL.top, VERTICAL.bottom) == (0.14, 0.35)  # Reels' top and bottom, the largest
    tiktok = PLATFORMS["tiktok"]  # 150, 440 and 150 px of 1080 x 1920
    assert (tiktok.top * 1920, tiktok.bottom * 1920, tiktok.right * 1080) == pytest.approx((150, 440, 150))
    for p in ("x", "linkedin"):
        assert PLATFORMS[p].size == (1080, 1080)
        assert all(getattr(SQUARE, s) >= getattr(PLATFORMS[p], s) for s in ("top", "bottom", "left", "right"))


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_the_safe_rect_is_inside_the_frame_and_inside_each_platforms_own(aspect: str) -> None:
    with tempconfig(frame_spec(aspect, "low").manim_config()):
        from manim import config

        w, h = config.frame_width, config.frame_height
        safe = safe_rect(aspect)
        assert -w / 2 < safe.left < safe.right < w / 2 and -h / 2 < safe.bottom < safe.top < h / 2
        bands = feed_bands(aspect)
        assert safe.width == pytest.approx((1 - bands.left - bands.right) * w)
        assert safe.height == pytest.approx((1 - bands.top - bands.bottom) * h)
        if aspect == "9:16":
            assert safe.bottom == pytest.approx(-h / 2 + 0.35 * h)  # clear of the bottom 35 %
            for p in VERTICAL_PLATFORMS:
                own = safe_rect(platform=p)
                assert own.left <= safe.left + 1e-9 and safe.right <= own.right + 1e-9
                assert own.bottom <= safe.bottom + 1e-9 and safe.top <= own.top + 1e-9


def test_the_ui_band_audit_finds_text_and_ink_in_a_band_and_nothing_in_the_middle() -> None:
    with tempconfig(frame_spec("9:16", "low").manim_config()):
        from manim import config

        safe = _box(safe_rect("9:16"))
        short = config.frame_width
        middle = text("middle", "caption").move_to(
            np.array([safe.left + 2.0, (safe.bottom + safe.top) / 2, 0])
        )
        low = text("bottom", "caption").move_to(np.array([0.0, -0.4 * config.frame_height, 0.0]))
        rail = Line(np.array([0.0, 0.0, 0.0]), np.array([0.45 * config.frame_width, 0.0, 0.0]))
        assert audit_ui_bands([middle], safe, short) == []
        found = audit_ui_bands([middle, low, rail], safe, short)
        assert [f.kind for f in found] == ["ui band", "ui band"]
        assert "'bottom'" in found[0].message and "Line" in found[1].message


# The captions.


def test_captions_are_spoken_aloud_without_symbols() -> None:
    for caption, spoken in CAPTIONS.values():
        assert speakable(spoken or caption), caption
    assert set(CAPTIONS) >= {"hook", "close"}


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_every_caption_is_one_or_two_lines_at_full_size_inside_the_safe_area(
    aspect: str, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In every language: a caption too long for two lines would be set smaller; reword it shorter."""
    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", language)
    with tempconfig(frame_spec(aspect, "low").manim_config()):
        from manim import config

        safe = safe_rect(aspect)
        short = min(config.frame_width, config.frame_height)
        full = text_height_px(text("Tg", "caption"), short)
        assert full >= MIN_CAPTION_PX
        for caption, _ in CAPTIONS.values():
            cap = feed_caption(i18n._(caption), safe)
            lines = visible_texts([cap])
            assert 1 <= len(lines) <= MAX_CAPTION_LINES, caption
            assert min(text_height_px(t, short) for t in lines) >= 0.96 * full, caption  # no visible shrink
            assert audit_ui_bands([cap], _box(safe), short) == [], caption


# The scene, dry-run and audited at every beat.


class _Frames:
    """What a dry run saw at each beat: the findings, the caption, and a signature of the picture."""

    def __init__(self) -> None:
        self.findings: dict[str, list[str]] = {}
        self.times: dict[str, float] = {}
        self.caption_px: dict[str, list[float]] = {}
        self.hook: list[tuple[Any, ...]] = []
        self.layouts: dict[str, str] = {}  # a digest of everything the audit reads, colours aside
        self.hook_ink: dict[str, int] = {}


def _signature(mobjects: list[Mobject], caption: Mobject | None) -> list[tuple[Any, ...]]:
    """Every visible text and drawn piece but the caption: its kind and its box (to 0.01 units)."""
    skip = set() if caption is None else {id(m) for m in caption.get_family()}
    shown = [m for m in mobjects if id(m) not in skip]
    out: list[tuple[Any, ...]] = []
    for t in visible_texts(shown):
        b = text_box(t)
        out.append(("text", t.text, *np.round([b.left, b.bottom, b.right, b.top], 2)))
    for m, pts in ink_points(shown):
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        out.append((type(m).__name__, len(pts), *np.round([*lo, *hi], 2)))
    return sorted(out, key=repr)


def _ink_by_kind(mobjects: list[Mobject]) -> dict[str, int]:
    """How many points of visible ink the data dots, M and everything else draw."""
    family = [m for top in mobjects for m in top.get_family()]
    owner = {
        id(p): type(m).__name__
        for m in family
        if isinstance(m, (DotCloud, FadingCurve))
        for p in m.get_family()
    }
    out: dict[str, int] = {}
    for m, pts in ink_points(mobjects):
        kind = owner.get(id(m), "other")
        out[kind] = out.get(kind, 0) + len(pts)
    return out


def _dry_run(aspect: str, theme: str) -> tuple[SocialShort, _Frames]:
    seen = _Frames()

    def probe(scene: SocialShort, beat: str) -> None:
        from manim import config

        w, h = config.frame_width, config.frame_height
        found = audit_frame(scene.mobjects, w, h, margin=0.0)  # overlaps, small text, text on ink
        found += audit_ui_bands(scene.mobjects, _box(scene.safe), min(w, h))
        seen.findings[beat] = [str(f) for f in found]
        seen.times[beat] = scene.now
        seen.layouts[beat] = hashlib.sha256(repr(layout(scene.mobjects)).encode()).hexdigest()
        cap = scene._caption
        seen.caption_px[beat] = [text_height_px(t, min(w, h)) for t in visible_texts([cap])] if cap else []
        if beat == "hook":
            seen.hook = _signature(scene.mobjects, cap)
            seen.hook_ink = _ink_by_kind(scene.mobjects)

    saved = os.environ.get("AE_EXPLAINER_THEME")
    os.environ["AE_EXPLAINER_THEME"] = theme
    try:
        cls: type[SocialShort] = type("ProbedShort", (SocialShort,), {"beat_probe": staticmethod(probe)})
        scene: SocialShort = dry_run(cls, frame_spec(aspect, "low").manim_config())
    finally:
        if saved is None:
            del os.environ["AE_EXPLAINER_THEME"]
        else:
            os.environ["AE_EXPLAINER_THEME"] = saved
    return scene, seen


Played = dict[str, tuple[SocialShort, _Frames]]
"""The English short dry-run in one aspect: each theme's scene and what it saw at each beat. The tests
that read it share one worker (``xdist_group("short")``), so each aspect is played once, not once per
worker."""


@pytest.fixture(scope="module", params=fast_sample(list(ASPECTS), ["9:16"]))  # CI: every aspect
def played(request: pytest.FixtureRequest) -> Iterator[Played]:
    with tempconfig(frame_spec(request.param, "low").manim_config()):
        yield {theme: _dry_run(request.param, theme) for theme in THEMES}


@pytest.mark.xdist_group("short")
def test_the_theme_colours_the_short_and_moves_nothing(played: Played) -> None:
    """At every beat, what the audits read (kinds, points, widths, opacities, texts) is the same in both
    themes: so the translated shorts are audited in one theme each, the themes taking turns."""
    (dark, seen_dark), (light, seen_light) = (played[t] for t in ("dark", "light"))
    assert list(seen_dark.layouts) == list(BEATS)
    assert seen_dark.layouts == seen_light.layouts
    assert seen_dark.times == seen_light.times and dark.captions == light.captions


@pytest.mark.xdist_group("short")
@pytest.mark.parametrize("theme", list(THEMES))
def test_every_beat_is_reached_in_order_with_nothing_wrong_in_its_key_frame(
    played: Played, theme: str
) -> None:
    scene, seen = played[theme]
    assert [b for b, _ in scene.beats] == list(BEATS)
    assert list(seen.times.values()) == sorted(seen.times.values())
    assert {b: f for b, f in seen.findings.items() if f} == {}
    assert scene.key_frame_time is not None and scene.key_frame_time > 0


@pytest.mark.xdist_group("short")
@pytest.mark.parametrize("theme", list(THEMES))
def test_the_caption_is_up_and_large_at_every_beat(played: Played, theme: str) -> None:
    _, seen = played[theme]
    for beat, heights in seen.caption_px.items():
        assert 1 <= len(heights) <= MAX_CAPTION_LINES, beat
        assert min(heights) >= MIN_CAPTION_PX, beat


@pytest.mark.xdist_group("short")
@pytest.mark.parametrize("theme", list(THEMES))
def test_the_first_frame_shows_the_picture_and_its_claim(played: Played, theme: str) -> None:
    scene, seen = played[theme]
    assert seen.times["hook"] == 0.0
    ink = seen.hook_ink  # the data, M, the panels: drawn at frame 0, not faded in
    assert ink.get("DotCloud", 0) > 100 and ink.get("FadingCurve", 0) > 100 and ink.get("other", 0) > 100
    assert scene.captions[0].start == 0.0 and scene.captions[0].text == CAPTIONS["hook"][0]


@pytest.mark.xdist_group("short")
@pytest.mark.parametrize("theme", list(THEMES))
def test_the_last_frame_is_the_first_without_its_caption(played: Played, theme: str) -> None:
    scene, seen = played[theme]
    assert scene.captions[-1].text == CAPTIONS["close"][0]
    last = _signature(scene.mobjects, None)
    assert sum(len(p) for _, p in ink_points(scene.mobjects)) > 1000  # never a blank frame
    assert last == seen.hook


TRANSLATED = [code for code in LANGUAGES if code != "en"]


def _turn(language: str, aspect: str) -> str:
    """The theme a translated short is audited in: each in turn, so each language and aspect meets both."""
    return THEMES[(TRANSLATED.index(language) + list(ASPECTS).index(aspect)) % len(THEMES)]


def test_the_audited_themes_take_turns_over_every_language_and_aspect() -> None:
    for language in TRANSLATED:
        assert {_turn(language, a) for a in ASPECTS} == set(THEMES), language
    for aspect in ASPECTS:
        assert {_turn(lang, aspect) for lang in TRANSLATED} == set(THEMES), aspect


@pytest.mark.slow
@pytest.mark.parametrize("aspect", list(ASPECTS))
@pytest.mark.parametrize("language", TRANSLATED)
def test_in_every_language_every_beat_is_clean_and_clear_of_the_feeds_bands(
    language: str, aspect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The translated short, audited at every beat as the English one (9:16: the union of every vertical
    feed's bands, YouTube Shorts' 8 % top, 25 % bottom, 3 % left and 12 % right among them), in one theme:
    the theme moves nothing (:func:`test_the_theme_colours_the_short_and_moves_nothing`)."""
    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", language)
    with tempconfig(frame_spec(aspect, "low").manim_config()):
        scene, seen = _dry_run(aspect, _turn(language, aspect))
    assert [b for b, _ in scene.beats] == list(BEATS)
    assert {b: f for b, f in seen.findings.items() if f} == {}
    for beat, heights in seen.caption_px.items():
        assert 1 <= len(heights) <= MAX_CAPTION_LINES and min(heights) >= MIN_CAPTION_PX, beat
    hook = CAPTIONS["hook"][0]
    assert scene.captions[0].text == i18n._(hook) != hook  # in the language, not English


def test_the_short_is_not_a_chapter_of_the_lecture() -> None:
    assert SocialShort not in SCENES_IN_ORDER
    assert SocialShort.chapter not in {c.chapter for c in SCENES_IN_ORDER}


@pytest.mark.slow  # speaks every caption with the offline voice
def test_the_short_lasts_45_to_60_seconds_with_the_voice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real voice (Piper, as ``social`` narrates it) the short lasts 45-60 s; silent, less."""
    from ae_explainer.media.cues import chapter_cues
    from ae_explainer.media.narration import stage, voice_cues

    spec = frame_spec("9:16", "low").manim_config()
    silent = dry_run(SocialShort, spec).renderer.time
    stage(voice_cues(chapter_cues(SocialShort)), tmp_path / "voice")
    monkeypatch.setenv("AE_EXPLAINER_NARRATION_DIR", str(tmp_path / "voice"))
    voiced = dry_run(SocialShort, spec).renderer.time
    assert 40.0 <= silent <= voiced
    assert 45.0 <= voiced <= 60.0


# Runs the short shows, and runs it cannot.


@pytest.fixture
def own_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set the viewer's run file (``AE_EXPLAINER_RUN``) for one test, with the run loaders' caches cleared."""

    def use(path: Path) -> None:
        monkeypatch.setenv("AE_EXPLAINER_RUN", f'{{"file": "{path}"}}')
        runs.main_run_2d.cache_clear()

    yield use
    runs.main_run_2d.cache_clear()


@pytest.mark.slow  # trains the viewer's run, then plays the short
def test_a_viewers_own_2d_run_plays_in_the_short(tmp_path: Path, own_run: Any) -> None:
    from tests.test_run_file import _record_points

    own_run(_record_points(tmp_path / "mine.npz", weights=True))
    with tempconfig(frame_spec("9:16", "low").manim_config()):
        scene, seen = _dry_run("9:16", "dark")
    assert [b for b, _ in scene.beats] == list(BEATS)
    assert {b: f for b, f in seen.findings.items() if f} == {}


def test_a_run_the_short_cannot_show_is_refused_in_one_line(
    tmp_path: Path, own_run: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch
    from torch import nn

    from tests.test_images_core import _images, _train_and_record
    from tests.test_run_file import _record_points

    x = _images(60, 4, 4).reshape(60, 16).astype(np.float32)
    torch.manual_seed(0)
    enc = nn.Sequential(nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 2))
    dec = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 16))
    images = _train_and_record(enc, dec, x, tmp_path / "digits.npz", image_shape=(4, 4))
    weightless = _record_points(tmp_path / "bare.npz")
    for path, needle in ((images, "holds images"), (weightless, "MLP's weights")):
        own_run(path)
        capsys.readouterr()
        with pytest.raises(SystemExit) as e:  # as under the manim CLI: one line naming the variable, exit 2
            dry_run(SocialShort, frame_spec("9:16", "low").manim_config())
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert e.value.code == 2 and line.startswith("error: AE_EXPLAINER_RUN file: "), line
        assert path.name in line and needle in line
