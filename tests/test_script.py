"""The narration script: cue ids, spoken variants, and the tables ``ae-explainer script`` writes."""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

import pytest

from ae_explainer.cli.app import main
from ae_explainer.cli.script import COLUMNS, Cue, chapter_cues, script_csv, script_markdown
from scenes.captions import cue_id, speakable

CUES = [
    Cue("ch01-a-b-000000", 1, 0.35, 4.0, "x̂ = g(f(x))", "x hat is g of f of x"),
    Cue("ch02-c-111111", 2, 1.0, 2.5, 'a "quoted", | piped caption', 'a "quoted", | piped caption'),
]


def test_cue_ids_name_the_chapter_and_words_and_change_only_with_the_text() -> None:
    a = cue_id(5, "Send every x through the network: x̂ = g(f(x))")
    assert a.startswith("ch05-send-every-x-through-")
    assert a == cue_id(5, "Send every x through the network: x̂ = g(f(x))")
    assert a != cue_id(5, "Send every x through the network: x̂ = g(f(x)).")
    assert a != cue_id(6, "Send every x through the network: x̂ = g(f(x))")


def test_symbols_are_not_speakable_and_plain_words_are() -> None:
    assert speakable("x hat lands on the curve, far from most of the sheet")
    for s in ("x̂ lands", "M = g(ℝ¹)", "‖x − x̂‖²", "x → z", "reliability > 0.5"):
        assert not speakable(s), s


def test_the_csv_script_round_trips_through_a_csv_reader() -> None:
    rows = list(csv.reader(io.StringIO(script_csv(CUES))))
    assert tuple(rows[0]) == COLUMNS
    assert [tuple(r) for r in rows[1:]] == [c.row() for c in CUES]


def test_the_markdown_script_is_one_table_row_per_cue_with_pipes_escaped() -> None:
    lines = script_markdown(CUES).splitlines()
    assert len(lines) == 2 + len(CUES)
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines)
    assert lines[3].count(r"\|") == 2  # the caption's pipe and the spoken text's, escaped
    cells = re.split(r"(?<!\\)\|", lines[3])[1:-1]
    assert len(cells) == len(COLUMNS) and cells[4].strip() == r'a "quoted", \| piped caption'


def test_a_chapter_gives_its_cues_in_order_with_their_times(low_res) -> None:
    from scenes.chapters.ch02_round_trip import RoundTripView

    cues = chapter_cues(RoundTripView)
    assert [c.chapter for c in cues] == [2] * len(cues) and len(cues) >= 2
    assert all(a.start + a.seconds <= b.start for a, b in itertools.pairwise(cues))
    assert all(speakable(c.spoken) for c in cues)
    assert any(c.spoken != c.caption for c in cues)  # "x̂" is said "x hat"


@pytest.mark.parametrize("name", ["script.txt", "script"])
def test_script_with_a_bad_out_suffix_says_so_in_one_line_and_writes_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / name
    assert main(["script", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--out" in err[0] and ".csv or .md" in err[0]
    assert list(tmp_path.iterdir()) == []


def test_script_writes_the_chapters_cues_to_a_csv_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import scenes.chapters as chapters
    from scenes.chapters.ch02_round_trip import RoundTripView

    only = [info for info in chapters.chapter_infos() if info.number == RoundTripView.chapter]
    monkeypatch.setattr(chapters, "SCENES_IN_ORDER", [RoundTripView])
    monkeypatch.setattr(chapters, "chapter_infos", lambda: only)
    out = tmp_path / "script.csv"
    assert main(["script", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["cue"] for r in rows] == [c.cue for c in chapter_cues(RoundTripView)]
    assert f"{len(rows)} cues in {out}" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["script.csv"]  # no temporary file left behind
