"""Manim's typeset-text files, shared by processes: written whole and renamed, never rewritten in place."""

from __future__ import annotations

import os
from pathlib import Path

import manimpango
import numpy as np
import pytest
from manim import tempconfig

from scenes.look.style import FONT, text
from scenes.patches.text_cache import share_text_cache_safely


def test_a_new_text_appears_whole_and_an_old_one_is_not_rewritten(tmp_path: Path) -> None:
    share_text_cache_safely()
    seen: list[tuple[bool, Path]] = []
    from manim.mobject.text import text_mobject

    real = text_mobject.manimpango._module.text2svg

    def spy(settings, size, spacing, liga, file_name, *args):
        seen.append((any(tmp_path.glob("*.svg")), Path(file_name)))  # the final file is not there yet
        return real(settings, size, spacing, liga, file_name, *args)

    with tempconfig({"media_dir": str(tmp_path)}):
        text_mobject.manimpango._module = _Module(manimpango, text2svg=spy)
        try:
            first = text("a text typeset once", "label")
            (svg,) = (tmp_path / "texts").glob("*.svg")
            before = svg.stat()
            second = text("a text typeset once", "label")
        finally:
            text_mobject.manimpango._module = manimpango
    # Typeset into a file of its own in the same folder, then renamed: no reader sees it half-written.
    assert len(seen) == 1
    assert seen[0][1].parent == svg.parent and seen[0][1].name != svg.name
    after = svg.stat()
    # The second time reads the file and writes nothing (Manim rewrote it in place every time).
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in svg.parent.iterdir()) == [svg.name]  # no temporary file left
    assert len(first.submobjects) == len(second.submobjects) == len("atexttypesetonce")


class _Module:
    def __init__(self, module: object, **override: object) -> None:
        self._module, self._override = module, override

    def __getattr__(self, name: str) -> object:
        return self._override.get(name) or getattr(self._module, name)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_two_processes_typesetting_the_same_texts_at_once_both_succeed(tmp_path: Path) -> None:
    assert FONT  # the project's font, as every chapter uses it
    words = [f"shared caption number {i}" for i in range(40)]
    pids = []
    with tempconfig({"media_dir": str(tmp_path)}):
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    for w in words:
                        text(w, "caption")
                    code = 0
                finally:
                    os._exit(code)
            pids.append(pid)
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    assert codes == [0, 0]
    assert len(list((tmp_path / "texts").glob("*.svg"))) == len(words)
    assert not list((tmp_path / "texts").glob(".*"))  # no temporary file left


@pytest.mark.parametrize(
    ("s", "kind", "mono"),
    [
        ("z = f(x), x̂ = g(z)", "label", False),
        ("step 3000/3000", "small", True),
        ("潜在空間 ℝ²", "caption", False),
    ],
)
def test_a_text_built_without_the_svgs_groups_has_manims_glyphs(
    s: str, kind: str, mono: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The glyphs are the ones Manim's ``get_mobjects_from`` lists, point for point, in the same order."""
    import scenes.patches.text_cache as text_cache

    share_text_cache_safely()
    with tempconfig({"media_dir": str(tmp_path)}):
        ours = text(s, kind, mono=mono)
        monkeypatch.setattr(text_cache, "_shapes", lambda mob, svg: mob.get_mobjects_from(svg)[0])
        manims = text(s, kind, mono=mono)
    assert ours.id_to_vgroup_dict == {}  # no group of every SVG element beside the glyphs
    a, b = ours.get_family(), manims.get_family()
    assert [type(m) for m in a] == [type(m) for m in b] and len(a) > len(s.replace(" ", ""))
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.points, y.points)
        assert np.array_equal(x.get_fill_rgbas(), y.get_fill_rgbas())
        assert np.array_equal(x.get_stroke_rgbas(), y.get_stroke_rgbas())


def test_an_svg_other_than_a_text_keeps_its_groups_by_id(tmp_path: Path) -> None:
    from manim import SVGMobject

    share_text_cache_safely()
    svg = tmp_path / "two.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10">'
        '<g id="left"><rect x="0" y="0" width="8" height="8"/></g>'
        '<g id="right"><circle cx="15" cy="4" r="4"/></g></svg>',
        encoding="utf-8",
    )
    mob = SVGMobject(str(svg))
    assert {"left", "right"} <= set(mob.id_to_vgroup_dict)
    groups = mob.id_to_vgroup_dict
    assert len(groups["left"].submobjects) == len(groups["right"].submobjects) == 1
