"""Each SVG path string is parsed once: later parses get equal, unshared segments."""

from __future__ import annotations

import numpy as np
import svgelements

from scenes.look.style import text
from scenes.patches.svg_paths import parse_svg_paths_once


def test_a_path_parsed_again_gets_equal_segments_of_its_own() -> None:
    parse_svg_paths_once()
    parse_svg_paths_once()  # idempotent: installed once
    assert svgelements.Path.parse.__qualname__ == "parse_svg_paths_once.<locals>.memoized"
    d = "M 0 0 L 10 0 C 12 1 13 4 10 10 Q 5 12 0 10 Z"
    a, b = svgelements.Path(d), svgelements.Path(d)
    assert [str(s) for s in a] == [str(s) for s in b] and len(a) == 5
    assert all(sa is not sb for sa, sb in zip(a, b, strict=True))
    assert all(sa.end is not sb.end for sa, sb in zip(a, b, strict=True) if sa.end is not None)
    # Changing one parse changes neither the other nor a later one.
    a *= "translate(100, 0)"
    a.reify()
    c = svgelements.Path(d)
    assert [str(s) for s in c] == [str(s) for s in b] != [str(s) for s in a]
    # A path that already has segments appends, as svgelements does.
    grown = svgelements.Path("M 0 0 L 1 1")
    grown.parse("M 2 2 L 3 3")
    assert len(grown) == 4


def test_a_text_made_twice_has_the_same_outline_and_shares_no_points() -> None:
    first, second = text("Reconstruction x̂ = g(f(x))"), text("Reconstruction x̂ = g(f(x))")
    p1 = [m.points for m in first.family_members_with_points()]
    p2 = [m.points for m in second.family_members_with_points()]
    assert len(p1) == len(p2) > 10
    for a, b in zip(p1, p2, strict=True):
        np.testing.assert_array_equal(a, b)
    # Moving one text moves no other made from the same glyphs.
    second.shift([1.0, 0.0, 0.0])
    third = next(iter(text("Reconstruction x̂ = g(f(x))").family_members_with_points()))
    np.testing.assert_array_equal(p1[0], third.points)
    assert not np.array_equal(p1[0], next(iter(second.family_members_with_points())).points)
