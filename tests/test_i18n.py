"""The explainer in other languages: complete catalogues, stable cue ids, translated outputs, CJK wrapping.

Every shipped catalogue (``locale/<lang>/LC_MESSAGES/ae-explainer.po``)
translates every string of the template, none fuzzy, with the source's
placeholders; the template holds every string the code marks. A caption's
cue id is its English source's in every language; subtitles and the script
come out in the language; Japanese captions wrap inside the frame; an edited
translation changes only its chapter's content key. The key-frame audit in
every language is at the end (slow: a dry run per chapter, aspect and
language, in one theme: the themes take turns, as the theme moves nothing).
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from scenes import i18n
from scenes.i18n import LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE, catalogue_path
from scenes.settings import ASPECTS, THEMES

TRANSLATED = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]
ROOT = LOCALE_DIR.parent


def _catalogue(language: str) -> list:
    with catalogue_path(language).open("rb") as f:
        return [m for m in read_po(f, locale=language) if m.id]


def _placeholders(s: str) -> list[str]:
    return sorted(re.findall(r"\{\w*\}", s))


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalogue_is_complete_with_no_fuzzy_entry_and_the_source_placeholders(language: str) -> None:
    entries = _catalogue(language)
    assert i18n.missing_translations(language) == []
    assert [m.id for m in entries if m.fuzzy] == []
    assert [m.id for m in entries if not m.string] == []
    for m in entries:
        assert _placeholders(m.string) == _placeholders(m.id), m.id
        assert m.string.count("\n") == m.id.count("\n"), m.id  # a forced line break is kept


def test_the_template_holds_exactly_the_strings_the_code_marks() -> None:
    """Run ``make catalogues`` after marking or changing a string: this fails until then."""
    marked: set[str] = set()
    for folder in ("scenes", "ae_explainer"):
        for _, _, message, _, _ in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python"), ("**/explore_assets/**.html", "jinja2")],
            keywords={"_": None, "N_": None},
        ):
            marked.add(message if isinstance(message, str) else message[0])
    with (LOCALE_DIR / "ae-explainer.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert marked == template


def test_a_string_without_translation_falls_back_to_english_with_one_warning_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    po = catalogue_path("de").read_text(encoding="utf-8")
    dropped = 'msgid "Past the data, g is guessing"\nmsgstr "Jenseits der Daten rät g nur"'
    assert dropped in po
    _copy_locale(
        tmp_path, monkeypatch, {"de": po.replace(dropped, 'msgid "Past the data, g is guessing"\nmsgstr ""')}
    )
    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", "de")
    monkeypatch.setenv("AE_EXPLAINER_LOCALE_CACHE", str(tmp_path / "cache"))
    assert i18n._("Past the data, g is guessing") == "Past the data, g is guessing"
    assert i18n._("Two pictures of one autoencoder") == "Zwei Bilder eines Autoencoders"
    with caplog.at_level(logging.WARNING):
        assert i18n.warn_missing("de") == ["Past the data, g is guessing"]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "1 string(s) not translated" in lines[0] and "Past the data" in lines[0]
    assert "\n" not in lines[0]


def _copy_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, texts: dict[str, str]) -> Path:
    """A copy of ``locale/`` with some catalogues' text replaced, made the one the code reads."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    for language, text in texts.items():
        (copy / language / "LC_MESSAGES" / "ae-explainer.po").write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    return copy


def test_numbers_in_prose_follow_the_language_and_the_source_keeps_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", "de")
    s = i18n._("Share of {n} samples where reliability > {threshold}", n=1500, threshold=0.5)
    assert s == "Anteil der 1.500 Stichproben mit Verlässlichkeit > 0,5"
    assert i18n.source_of(s) == "Share of 1,500 samples where reliability > 0.5"
    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", "es")
    assert "0,5" in i18n._("Share of {n} samples where reliability > {threshold}", n=10, threshold=0.5)
    # A formula passed in whole keeps its decimal point.
    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", "de")
    assert i18n._("compare: {formula}", formula="‖x − x̂‖² = 0.0123") == "Vergleich: ‖x − x̂‖² = 0.0123"


def _captions(language: str, monkeypatch: pytest.MonkeyPatch) -> list:
    from manim import tempconfig

    from scenes.chapters.ch02_round_trip import RoundTripView
    from tests.conftest import LOW_RES, dry_renderer

    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", language)
    with tempconfig(LOW_RES):
        scene = RoundTripView(renderer=dry_renderer())
        scene.render()
    return scene.captions


@pytest.mark.slow  # dry-runs a chapter in every language
def test_cue_ids_are_the_same_in_every_language_and_subtitles_are_in_the_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ae_explainer.cli.script import script_markdown
    from ae_explainer.media.cues import Cue
    from scenes.captions import srt_text, vtt_text

    by_language = {code: _captions(code, monkeypatch) for code in LANGUAGES}
    english = [c.cue for c in by_language["en"]]
    assert len(english) == 3
    for code, caps in by_language.items():
        assert [c.cue for c in caps] == english, code
    de = by_language["de"]
    assert de[0].text.startswith("Auf die Idee reduziert")
    assert "x Dach" in de[0].speech  # the German reading of x̂
    srt = srt_text(de)
    assert "Auf die Idee reduziert" in srt and "Strip it" not in srt
    assert "Die Ausgabe wird mit der Eingabe selbst verglichen" in vtt_text(srt)
    script = script_markdown([Cue(c.cue, 2, c.start, c.end - c.start, c.text, c.speech) for c in de])
    assert english[0] in script and "Auf die Idee reduziert" in script
    ja = by_language["ja"]
    assert "本質だけにすると" in ja[0].text
    # Every caption stays up for its reading time in its own language (a longer one stretches its beat);
    # Japanese reads by characters, not by the words it has no spaces between.
    from types import SimpleNamespace

    from scenes.chapters.ch02_round_trip import RoundTripView

    pace = SimpleNamespace(caption_seconds_per_word=RoundTripView.caption_seconds_per_word)
    for code, caps in by_language.items():
        for c in caps:
            assert c.end - c.start >= RoundTripView.reading_time(pace, c.text) - 1e-6, (code, c.text)  # type: ignore[arg-type]
    assert RoundTripView.reading_time(pace, ja[0].text) > RoundTripView.reading_time(pace, "x")  # type: ignore[arg-type]


def test_a_japanese_caption_wraps_between_characters_inside_the_frame_in_the_cjk_font(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from manim import config, tempconfig

    from scenes.base import caption_mobject
    from scenes.look.audit import text_height_px
    from scenes.look.frame import frame_spec, platform_margins
    from scenes.look.style import CJK_FONT, wrap_units

    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", "ja")
    s = i18n._("With two latent dimensions, M = g(ℝ²) is a surface; untrained, g squeezes it into a speck")
    units, joiner = wrap_units(s)
    assert joiner == "" and "".join(units) == s
    assert any("M = g(ℝ²)" in u for u in units)  # the formula stays whole
    assert not any(u[0] in "、。" for u in units[1:] if u)  # no line starts with a comma or full stop
    with tempconfig(frame_spec("9:16", "low").manim_config()):
        cap = caption_mobject(s)
        lines = cap.submobjects if len(cap.submobjects) and hasattr(cap[0], "font") else [cap]
        width = (0.92 - 2 * platform_margins()[0]) * config.frame_width
        assert len(lines) >= 2
        assert cap.width <= width + 1e-6
        assert (
            abs(cap.get_left()[0]) <= config.frame_width / 2 and cap.get_right()[0] <= config.frame_width / 2
        )
        assert all(line.font == CJK_FONT for line in lines)
        assert min(text_height_px(line, config.frame_height) for line in lines) >= 22


def test_japanese_breaks_between_phrases_never_inside_a_word() -> None:
    """BudouX's phrases: オートエンコーダ, 圧縮して and the like stay whole on one line."""
    from scenes.look.style import wrap_units

    units, _ = wrap_units("よくある図：x を圧縮して作り直すネットワーク")
    assert units == ["よく", "ある", "図：x を", "圧縮して", "作り直す", "ネットワーク"]
    words = ("オートエンコーダ", "デコーダ", "ネットワーク", "圧縮", "推測", "データ")
    for m in _catalogue("ja"):
        units, joiner = wrap_units(m.string)
        assert joiner == "" and "".join(units) == m.string.strip(), m.id
        for a, b in itertools.pairwise(units):  # no break inside a word, none before a comma
            assert not any(w in a + b and w not in a and w not in b for w in words), (a, b)
            assert b[:1] not in "、。：）」", (a, b)


def test_an_edit_to_one_german_caption_changes_one_chapters_content_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ae_explainer.outputs import code_digest
    from scenes.chapters import chapter_infos

    infos = chapter_infos()
    before = {i.number: code_digest([i.file], "de") for i in infos}
    english = {i.number: code_digest([i.file]) for i in infos}
    po = catalogue_path("de").read_text(encoding="utf-8")
    old = 'msgstr "Die Ausgabe wird mit der Eingabe selbst verglichen: Die Linie schließt sich zur Schleife"'
    assert old in po
    _copy_locale(tmp_path, monkeypatch, {"de": po.replace(old, old.replace("Schleife", "Runde"))})
    after = {i.number: code_digest([i.file], "de") for i in infos}
    assert [n for n in before if before[n] != after[n]] == [2]
    assert {i.number: code_digest([i.file]) for i in infos} == english  # English keys never move
    assert len(set(before.values()) & set(english.values())) == 0  # a language renders apart


def test_output_names_carry_the_language_and_the_index_tells_languages_apart() -> None:
    from ae_explainer.options import RenderOptions

    en, de = RenderOptions(quality="low"), RenderOptions(quality="low", language="de")
    assert en.tag() == "16x9-low-dark" and de.tag() == "16x9-low-dark-de"
    assert "language" not in en.index_text() and "language='de'" in de.index_text()


def test_an_unknown_language_is_one_line_naming_the_flag_and_the_choices(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from ae_explainer.cli.app import main

    for command in ("render", "video", "lecture", "social", "script", "explore", "stills"):
        with pytest.raises(SystemExit) as e:
            main([command, "--language", "fr", "--out", str(tmp_path / "x")])
        assert e.value.code == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "--language" in err and "'fr'" in err, err
        assert all(f"'{code}'" in err for code in LANGUAGES), err
    cfg = tmp_path / "c.toml"
    cfg.write_text('[video]\nlanguage = "fr"\n', encoding="utf-8")
    assert main(["render", "--still", "--config", str(cfg), "--out", str(tmp_path / "y")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "[video] language" in err and "en, de, es, ja" in err, err


def test_the_offline_voice_asked_for_in_german_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from ae_explainer.cli.app import main

    assert main(["render", "2", "--language", "de", "--narration", "voice", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--narration" in err and "Deutsch" in err, err
    assert "recordings" in err and "off" in err


def test_the_compiled_catalogue_is_cached_by_the_po_bytes_and_never_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AE_EXPLAINER_LOCALE_CACHE", str(tmp_path))
    first = i18n.compiled_catalogue("ja")
    assert first.parent == tmp_path and first.read_bytes()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")
    assert i18n.compiled_catalogue("ja") == first
    assert not list(LOCALE_DIR.rglob("*.mo"))
    assert "*.mo" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    po = io.BytesIO(catalogue_path("ja").read_bytes())
    assert len([m for m in read_po(po) if m.id]) == len(_catalogue("ja"))


def _chapters() -> list[type]:
    from scenes.chapters import SCENES_IN_ORDER

    return list(SCENES_IN_ORDER)


def _theme(cls: type, language: str, aspect: str) -> str:
    """The theme a language's key frame is audited in: each in turn, so each language meets both."""
    return THEMES[(cls.chapter + TRANSLATED.index(language) + list(ASPECTS).index(aspect)) % len(THEMES)]


def test_the_audited_themes_take_turns_over_every_language_and_aspect() -> None:
    for language in TRANSLATED:
        for aspect in ASPECTS:
            assert {_theme(cls, language, aspect) for cls in _chapters()} == set(THEMES)
        for cls in _chapters():
            assert {_theme(cls, language, aspect) for aspect in ASPECTS} == set(THEMES)


@pytest.mark.slow
@pytest.mark.parametrize("aspect", list(ASPECTS))
@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("cls", _chapters(), ids=lambda c: f"ch{c.chapter:02d}")
def test_the_key_frame_audit_is_clean_in_every_language(
    cls: type, language: str, aspect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As tests/test_look.py for English: no overlap, no text under 22 px, nothing outside the safe area.

    In one theme: the audit reads only the layout (:func:`tests.keyframes.layout`), which the theme
    does not move (tests/test_look.py proves it at every chapter's key frame in every aspect), so
    the other theme's audit would find the same. The themes take turns over the cases.
    """
    from tests.keyframes import key_frame

    monkeypatch.setenv("AE_EXPLAINER_THEME", _theme(cls, language, aspect))
    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", language)
    scene, offenders, findings = key_frame(cls, aspect)
    assert scene.key_frame_time is not None
    assert offenders == []
    assert findings == []
