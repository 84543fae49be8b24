"""Words fitted into lines, with widths from one typeset copy that a caller who has one does not pay twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from manim import config, tempconfig

import scenes.base as base
import scenes.look.style as style
from scenes.base import caption_mobject
from scenes.look.frame import frame_spec
from scenes.look.style import fit_lines, text, wrap_units

SENTENCE = "The decoder sends every latent code back to the plane, so its image is one curve"
JAPANESE = "デコーダはどの潜在変数も平面に戻すので、その像は一本の曲線になる"


@pytest.fixture
def portrait() -> Iterator[None]:
    with tempconfig(frame_spec("9:16", "low").manim_config()):
        yield


@pytest.fixture
def typesets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The strings typeset from now on by :mod:`scenes.look.style` and by the captions."""
    seen: list[str] = []

    def counted(s: str, *args: object, **kwargs: object) -> object:
        seen.append(str(s))
        return text(s, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(style, "text", counted)
    monkeypatch.setattr(base, "text", counted)
    return seen


@pytest.mark.parametrize("s", [SENTENCE, JAPANESE])
def test_a_typeset_copy_gives_the_same_lines_and_is_not_typeset_again(
    s: str, portrait: None, typesets: list[str]
) -> None:
    parts, joiner = wrap_units(s)
    width = 0.4 * config.frame_width
    fresh = fit_lines(parts, joiner, "caption", width, balance=True)
    assert typesets == [joiner.join(parts)] and len(fresh) >= 2
    typesets.clear()
    reused = fit_lines(parts, joiner, "caption", width, balance=True, typeset=text(s, "caption"))
    assert reused == fresh and typesets == []
    widest = max(text(line, "caption").width for line in reused)
    assert widest <= width + 1e-9


def test_a_copy_of_another_text_or_size_is_not_taken_for_the_joined_text(
    portrait: None, typesets: list[str]
) -> None:
    parts, joiner = wrap_units(SENTENCE)
    width = 0.4 * config.frame_width
    fresh = fit_lines(parts, joiner, "caption", width)
    for other in (
        text(SENTENCE, "caption").scale(0.5),  # the right words, typeset smaller
        text(SENTENCE, "small"),  # another kind
        text(SENTENCE.replace("curve", "line"), "caption"),  # other words
        text(SENTENCE, "caption", mono=True),  # another font
    ):
        typesets.clear()
        assert fit_lines(parts, joiner, "caption", width, typeset=other) == fresh
        assert typesets == [joiner.join(parts)]


@pytest.mark.parametrize("aspect", ["9:16", "1:1"])
def test_a_wrapped_caption_costs_its_lines_and_one_more_layout(aspect: str, typesets: list[str]) -> None:
    """The whole caption is typeset once (to see that it is too wide, and for the widths), then each line."""
    with tempconfig(frame_spec(aspect, "low").manim_config()):
        cap = caption_mobject(SENTENCE)
    lines = [m.original_text for m in cap.submobjects]
    assert len(lines) >= 2 and " ".join(lines) == SENTENCE
    assert typesets == [SENTENCE, *lines]
