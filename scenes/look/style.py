"""One font and one colour palette for every scene.

The palette is Okabe and Ito's, chosen to stay distinguishable for the common
forms of colour blindness; each object of the story has one colour throughout.
Text sizes are fractions of the frame height, so they stay readable when a
layout reflows to portrait or square frames.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from manim import Text, config

from scenes.i18n import is_cjk
from scenes.look.theme import COLORS, DIGIT_PALETTES, PALETTES, Theme, current_theme, digit_rgb, latent_ramp
from scenes.patches.svg_paths import parse_svg_paths_once
from scenes.patches.text_cache import share_text_cache_safely
from scenes.settings import current_settings

__all__ = [
    "CJK_FONT",
    "COLORS",
    "DIGIT_PALETTES",
    "FONT",
    "MONO_FONT",
    "PALETTES",
    "Theme",
    "current_theme",
    "digit_rgb",
    "ensure_fonts",
    "fit_lines",
    "font_for",
    "latent_ramp",
    "text",
    "text_size",
    "wrap_units",
]

FONT = "DejaVu Sans"
"""The one font of the video (shipped by Debian's fonts-dejavu-core)."""

MONO_FONT = "DejaVu Sans Mono"
"""Digits of counters, so that changing numbers do not jitter."""

CJK_FONT = "Noto Sans CJK JP"
"""Japanese (and Chinese, Korean) text, which DejaVu lacks (Debian's fonts-noto-cjk); its Regular
weight sits next to DejaVu Sans Book without looking bolder or lighter."""

_SIZES = {"caption": 3.8, "label": 4.2, "small": 3.0, "title": 5.4}


def text_size(kind: str) -> float:
    """Font size for ``kind`` (caption, label, small, title) in the current frame.

    Proportional to the frame's shorter side: 30 for a caption in a 16:9 frame.
    """
    return _SIZES[kind] * min(config.frame_width, config.frame_height)


_CJK_LANGUAGES = frozenset({"ja"})


def ensure_fonts() -> None:
    """Fail with a clear message if the video's fonts are missing (Pango would silently substitute)."""
    import manimpango

    needed = {FONT: "fonts-dejavu-core", MONO_FONT: "fonts-dejavu-core"}
    if current_settings().language in _CJK_LANGUAGES:
        needed[CJK_FONT] = "fonts-noto-cjk"
    missing = sorted(set(needed) - set(manimpango.list_fonts()))
    if missing:
        packages = " ".join(sorted({needed[f] for f in missing}))
        raise RuntimeError(f"font(s) {', '.join(missing)} not installed; run: apt-get install -y {packages}")


def font_for(s: str, mono: bool = False) -> str:
    """The font that sets ``s``: the CJK font for Japanese, else DejaVu (mono for counters)."""
    if is_cjk(s):
        return CJK_FONT
    return MONO_FONT if mono else FONT


_CLOSING = set("、。，．・：；！？」』）】〕ー…ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ々,.:;!?)")
"""Characters a line may not start with (Japanese kinsoku): they stay with the one before."""
_OPENING = set("「『（【〔(")
"""Characters a line may not end with: they stay with the one after."""

_CJK_TOKENS = re.compile(r"[^\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+|.")
"""A run of anything but CJK characters (Latin words, formulas, their spaces), or one CJK character."""


@cache
def _japanese_phrases() -> Any:
    import budoux

    return budoux.load_default_japanese_parser()


def _phrase_starts(s: str) -> set[int]:
    """Where in ``s`` a Japanese phrase starts (BudouX's model): a line breaks between phrases."""
    starts, at = set(), 0
    for phrase in _japanese_phrases().parse(s):
        starts.add(at)
        at += len(phrase)
    return starts


def wrap_units(s: str) -> tuple[list[str], str]:
    """``s`` cut where a line may break, and the joiner that puts the pieces back together.

    Text with spaces between words breaks at the spaces (joiner ``" "``).
    Japanese has no spaces: it breaks between phrases (BudouX's, so a word
    such as オートエンコーダ or 圧縮して stays whole), never before closing
    punctuation and small kana, nor after an opening bracket; a run of Latin
    letters, symbols and the spaces between them (``x̂``, ``z = f(x)``) never
    breaks. The pieces keep their own spaces (joiner ``""``).
    """
    if not is_cjk(s):
        return s.split(), " "
    s = s.strip()
    starts = _phrase_starts(s)
    units: list[str] = []
    glue_next, at = False, 0
    for token in _CJK_TOKENS.findall(s):
        if units and (token[0] in _CLOSING or glue_next or (at not in starts and not token.isspace())):
            units[-1] += token
        else:
            units.append(token)
        glue_next = token[-1] in _OPENING
        at += len(token)
    return units, ""


def text(s: str, kind: str = "label", color: str | None = None, mono: bool = False, **kwargs: object) -> Text:
    """A :class:`~manim.Text` in the project's font (:func:`font_for`), sized by ``kind``."""
    share_text_cache_safely()  # processes that share Manim's text folder read only whole files
    parse_svg_paths_once()  # a glyph's outline, repeated in every text, is parsed once
    return Text(
        str(s),  # a plain str: ManimPango refuses a translated string's subclass (scenes.i18n.Msg)
        font=font_for(s, mono),
        font_size=text_size(kind),
        color=color or COLORS["text"],
        **kwargs,  # type: ignore[arg-type]
    )


def _part_edges(
    parts: Sequence[str], joiner: str, kind: str, mono: bool, typeset: Text | None = None
) -> list[tuple[float, float]] | None:
    """Left and right edge of each part in one typeset copy of ``joiner.join(parts)``.

    The copy is ``typeset`` when that is the joined text in ``kind``, unscaled
    (the caller measured it already); otherwise it is typeset here. ``None``
    when the glyphs do not map one-to-one onto the parts' characters
    (combining marks), so the caller measures each trial line instead.
    """
    joined = joiner.join(parts)
    if (
        typeset is None
        or typeset.original_text != joined
        or not math.isclose(typeset.font_size, text_size(kind))
        or typeset.font != font_for(joined, mono)
    ):
        typeset = text(joined, kind, mono=mono)
    glyphs = typeset.submobjects
    counts = [len("".join(p.split())) for p in parts]
    if len(glyphs) != sum(counts) + len("".join(joiner.split())) * (len(parts) - 1) or 0 in counts:
        return None
    edges = []
    i = 0
    for n in counts:
        edges.append((float(glyphs[i].get_left()[0]), float(glyphs[i + n - 1].get_right()[0])))
        i += n + len("".join(joiner.split()))
    return edges


def _edges_part_by_part(
    parts: Sequence[str], joiner: str, kind: str, mono: bool
) -> list[tuple[float, float]]:
    """Like :func:`_part_edges`, from each part typeset on its own and the joiner's advance.

    For texts whose glyphs do not map onto their characters (a ligature such
    as "fi", a combining mark such as x̂): one layout per part, not per trial line.
    """
    joint = float(text(f"n{joiner}n", kind, mono=mono).width - text("nn", kind, mono=mono).width)
    edges = []
    x = 0.0
    for p in parts:
        w = float(text(p, kind, mono=mono).width)
        edges.append((x, x + w))
        x += w + joint
    return edges


def _greedy(widths: Callable[[int, int], float], n: int, max_width: float) -> list[tuple[int, int]]:
    """Index ranges ``[a, b)`` of parts packed greedily into lines whose width fits ``max_width``."""
    spans: list[tuple[int, int]] = []
    for k in range(n):
        if spans and widths(spans[-1][0], k + 1) <= max_width:
            spans[-1] = (spans[-1][0], k + 1)
        else:
            spans.append((k, k + 1))
    return spans


def fit_lines(
    parts: Sequence[str],
    joiner: str,
    kind: str,
    max_width: float,
    mono: bool = False,
    balance: bool = False,
    typeset: Text | None = None,
) -> list[str]:
    """``parts`` packed into as few lines of ``kind`` text no wider than ``max_width`` as fit.

    A part never breaks; consecutive parts on one line are joined by ``joiner``.
    Greedy by default (each line takes as many parts as fit); with ``balance``
    the same number of lines shares the parts out so the widest line is as
    narrow as it can be (for headings, where a lone last word looks wrong).
    Widths come from one typeset copy of the whole text where possible, so
    fitting a caption costs one layout, not one per trial line; a caller
    that has already typeset ``joiner.join(parts)`` in ``kind`` (to see
    whether it fits on one line) passes it as ``typeset``, and it is not
    typeset again.
    """
    parts = list(parts)
    if not parts:
        return []
    edges = _part_edges(parts, joiner, kind, mono, typeset)

    if edges is None:
        edges = _edges_part_by_part(parts, joiner, kind, mono)

    def width(a: int, b: int) -> float:
        return edges[b - 1][1] - edges[a][0]

    spans = _greedy(width, len(parts), max_width)
    if balance and len(spans) > 1:
        cuts = itertools.combinations(range(1, len(parts)), len(spans) - 1)
        bounds = [list(itertools.pairwise((0, *c, len(parts)))) for c in cuts]
        spans = min(bounds, key=lambda sp: max(width(a, b) for a, b in sp))
    return [joiner.join(parts[a:b]).strip() for a, b in spans]
