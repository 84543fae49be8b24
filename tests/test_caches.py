"""The JSON caches are typed files: the committed fixtures keep loading, a bad file is made again.

``tests/fixtures/caches/unversioned/`` holds the caches as the code before
format versions wrote them (the render index, the render rates, a timeline,
a chapter's cues); ``v1/`` the same content as format version 1 writes it.
Never overwrite them: old caches must keep loading, or be made again, and
never be an error.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from ae_explainer.media.cues import Cue, CuesFile
from ae_explainer.options import RenderOptions
from ae_explainer.outputs import INDEX_NAME, Index, IndexFile, read_cache, write_cache
from ae_explainer.render import timelines
from ae_explainer.render.schedule import TYPICAL_RATES, Piece, RatesFile, measured_rates, record_rates
from ae_explainer.render.timelines import TimelineFile, cached_cues, chapter_timeline
from scenes.chapters import ChapterInfo

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "caches"
MODELS: dict[str, type[BaseModel]] = {
    "index.json": IndexFile,
    "rates.json": RatesFile,
    "timeline.json": TimelineFile,
    "cues.json": CuesFile,
}
CLIP = "ch02-RoundTripView-1x1-low-dark.mp4"
# The outputs the index fixtures record, byte for byte.
OUTPUTS = {
    CLIP: b"movie" * 20,
    "ch02-RoundTripView-1x1-low-dark.srt": b"1\n00:00:00,000 --> 00:00:01,000\nHello\n",
    "ch02-RoundTripView-1x1-low-dark.vtt": b"WEBVTT\n",
    "ch01-still.png": b"png",
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_fixture_loads_and_both_versions_hold_the_same(name: str) -> None:
    old = read_cache(FIXTURES / "unversioned" / name, MODELS[name])
    new = read_cache(FIXTURES / "v1" / name, MODELS[name])
    assert old is not None and new is not None
    assert old == new
    assert new.model_dump() != MODELS[name].model_validate_json(_empty(name)).model_dump()


def _empty(name: str) -> str:
    return {"index.json": "{}", "rates.json": "{}", "timeline.json": "[]", "cues.json": "[]"}[name]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_version_1_is_written_byte_for_byte_as_committed(name: str, tmp_path: Path) -> None:
    loaded = read_cache(FIXTURES / "unversioned" / name, MODELS[name])
    assert loaded is not None
    write_cache(tmp_path / name, loaded)
    assert (tmp_path / name).read_bytes() == (FIXTURES / "v1" / name).read_bytes()


@pytest.mark.parametrize("version", ["unversioned", "v1"])
def test_an_index_of_either_version_keeps_its_outputs_fresh(version: str, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / version / "index.json", tmp_path / INDEX_NAME)
    for name, blob in OUTPUTS.items():
        (tmp_path / name).write_bytes(blob)
    index = Index(tmp_path)
    clip, still = tmp_path / CLIP, tmp_path / "ch01-still.png"
    assert index.fresh(clip, "3f2a9c0d1e4b5a67") and index.fresh(still, "0a1b2c3d4e5f6071")
    assert not index.fresh(clip, "0a1b2c3d4e5f6071")
    assert index.animations("9e8d7c6b5a493827") == 24
    extra = tmp_path / "ch03.mp4"
    extra.write_bytes(b"x")
    index.record(extra, "k3", [extra])  # the old entries are kept, now with a version
    assert index.fresh(clip, "3f2a9c0d1e4b5a67") and index.fresh(extra, "k3")
    assert (tmp_path / INDEX_NAME).read_text().count('"version": 1') == 3


def test_an_index_entry_of_another_version_is_stale_and_the_others_stay(tmp_path: Path) -> None:
    text = (FIXTURES / "v1" / "index.json").read_text()
    (tmp_path / INDEX_NAME).write_text(text.replace('"version": 1', '"version": 2', 1))  # the still's entry
    for name, blob in OUTPUTS.items():
        (tmp_path / name).write_bytes(blob)
    index = Index(tmp_path)
    assert not index.fresh(tmp_path / "ch01-still.png", "0a1b2c3d4e5f6071")
    assert index.fresh(tmp_path / CLIP, "3f2a9c0d1e4b5a67")


@pytest.mark.parametrize("version", ["unversioned", "v1"])
def test_measured_rates_of_either_version_keep_loading_and_merging(version: str, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / version / "rates.json", tmp_path / "rates.json")
    assert measured_rates(tmp_path, "low") == {**TYPICAL_RATES, "RoundTripView": 0.9, "SurfaceForms": 1.75}
    record_rates(tmp_path, "low", [(Piece("A", 0, None, 0.0, 10.0), 1000.0, 15.0)])
    found = read_cache(tmp_path / "rates.json", RatesFile)
    assert found is not None and found.rates["high"] == {"RoundTripView": 1.1}
    assert set(found.rates["low"]) == {"A", "RoundTripView", "SurfaceForms"}


BAD = {
    "not JSON": b"{not json",
    "not UTF-8": b'{"version": 1, "\xff": 2}',
    "a newer version": None,
    "a wrong type": None,
    "an unknown key": None,
}


def _bad(name: str, kind: str) -> bytes:
    fixed = BAD[kind]
    if fixed is not None:
        return fixed
    text = (FIXTURES / "v1" / name).read_text()
    if kind == "a newer version":  # in the index: the first entry's
        return text.replace('"version": 1', '"version": 2', 1).encode()
    if kind == "an unknown key":
        return text.replace('"version": 1', '"version": 1, "colour": "red"', 1).encode()
    wrong = {"index.json": ("100,", "true,"), "rates.json": ("0.9", '"0.9"')}
    wrong |= {"timeline.json": ("4.0", '"4.0"'), "cues.json": ('"chapter": 2', '"chapter": 2.5')}
    old, new = wrong[name]
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_bad_cache_file_is_absent_with_one_warning(
    name: str, kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / name
    path.write_bytes(_bad(name, kind))
    with caplog.at_level(logging.WARNING):
        found = read_cache(path, MODELS[name])
    if name == "index.json" and kind in ("a newer version", "a wrong type", "an unknown key"):
        # The index checks entry by entry: the bad entry is left out, the good one stays.
        assert isinstance(found, IndexFile) and len(found.root) == 1 and not caplog.records
    elif name == "rates.json" and kind == "a wrong type":
        # That one rate is left out.
        assert isinstance(found, RatesFile) and found.rates["low"] == {"SurfaceForms": 1.75}
    else:
        assert found is None
        assert len(caplog.records) == 1 and "making it again" in caplog.records[0].getMessage()
    assert read_cache(tmp_path / "missing.json", MODELS[name]) is None


INFO = ChapterInfo(2, "RoundTripView", "Round trip", Path(__file__))
CUES = [Cue("ch02-01", 2, 0.0, 2.5, "a", "a"), Cue("ch02-02", 2, 2.5, 3.0, "b", "b")]


@pytest.fixture
def cache_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Caches in ``tmp_path`` under the key ``k``; a dry run (of nothing) gives fixed ends and cues."""
    import ae_explainer.media.cues
    import scenes.patches.skipping

    monkeypatch.setenv("AE_EXPLAINER_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("AE_EXPLAINER_VOICE_CACHE", str(tmp_path / "voice"))
    monkeypatch.setattr(timelines, "digest_of", lambda *parts: "k")
    monkeypatch.setattr(timelines, "code_digest", lambda files, language="en": "code")
    monkeypatch.setattr(timelines, "scene_class", lambda info: info.name)
    ran = SimpleNamespace(play_ends=[0.5, 1.5])
    monkeypatch.setattr(scenes.patches.skipping, "dry_run", lambda cls, cfg=None: ran)
    monkeypatch.setattr(ae_explainer.media.cues, "chapter_cues", lambda cls: CUES)
    return tmp_path


@pytest.mark.parametrize("version", ["unversioned", "v1"])
def test_cached_timelines_and_cues_of_either_version_are_used_without_a_dry_run(
    version: str, cache_at: Path
) -> None:
    opts = RenderOptions(quality="low", aspect="1:1")
    timeline, cues = cache_at / "runs" / "timelines" / "RoundTripView-k.json", cache_at / "voice" / "cues"
    timeline.parent.mkdir(parents=True)
    cues.mkdir(parents=True)
    shutil.copy(FIXTURES / version / "timeline.json", timeline)
    shutil.copy(FIXTURES / version / "cues.json", cues / "RoundTripView-k.json")
    assert chapter_timeline(INFO, opts, ["run"]) == [1.0, 2.466666666666667, 4.0, 7.533333333333333]
    assert [c.spoken for c in cached_cues(INFO, opts, ["run"])] == [
        "An autoencoder squeezes x into z.",
        "Then it rebuilds x hat from z.",
    ]


def test_damaged_timelines_and_cues_are_made_again_by_a_dry_run(cache_at: Path) -> None:
    opts = RenderOptions(quality="low", aspect="1:1")
    timeline, cues = cache_at / "runs" / "timelines" / "RoundTripView-k.json", cache_at / "voice" / "cues"
    timeline.parent.mkdir(parents=True)
    cues.mkdir(parents=True)
    timeline.write_text('{"version": 1, "ends": [1.0, -2.0]}')
    (cues / "RoundTripView-k.json").write_text('[{"cue": "ch02-01"}]')
    assert chapter_timeline(INFO, opts, ["run"]) == [0.5, 1.5]
    assert cached_cues(INFO, opts, ["run"]) == CUES
    assert read_cache(timeline, TimelineFile) == TimelineFile(ends=[0.5, 1.5])
    assert read_cache(cues / "RoundTripView-k.json", CuesFile) == CuesFile(cues=CUES)
