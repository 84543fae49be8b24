"""The explorer page in the lecturer's language: its template's words and its script's texts.

The template's words come through Jinja's ``i18n`` extension, the script's
through the JSON dictionary the page carries (``SCRIPT_TEXTS``, looked up by
``tr()`` in ``texts.js``). A German page shows German where the English page
shows English, and none of the English source strings; in Chromium, the
page's visible text (titles, run line, readout, canvas-free labels) is in
the language and the page still fits a phone.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from ae_explainer.deliver.explore import SCRIPT_TEXTS, SCRIPTS
from scenes.i18n import LOCALE_DIR, catalogue_path
from tests.test_explore_cli import FIXTURES, _explore

ASSETS = Path(__file__).resolve().parents[1] / "ae_explainer" / "deliver" / "explore_assets"
PAGE_FILES = ("ae_explainer/deliver/explore.py", "ae_explainer/deliver/explore_assets/page.html")


def _page_strings(language: str) -> dict[str, str]:
    """The catalogue's strings the page shows (source -> translation): those of explore.py and page.html."""
    with catalogue_path(language).open("rb") as f:
        return {
            str(m.id): str(m.string)
            for m in read_po(f, locale=language)
            if m.id and any(loc[0] in PAGE_FILES for loc in m.locations)
        }


class _Visible(HTMLParser):
    """The document's text outside scripts and styles, with its titles and ARIA labels."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        self.texts += [v for k, v in attrs if k in ("title", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def _visible(page: str) -> list[str]:
    parser = _Visible()
    parser.feed(page)
    return parser.texts


def _texts(page: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="ae-texts">(.*?)</script>', page)
    assert found, "the page carries no ae-texts dictionary"
    return dict(json.loads(found.group(1)))


def _assert_in_language(page: str, language: str) -> None:
    strings = _page_strings(language)
    assert len(strings) >= len(SCRIPT_TEXTS)
    shown = _visible(page)
    assert f'<html lang="{language}"' in page
    for source, translated in strings.items():
        if source == translated:
            continue
        assert source not in shown, source  # no English word left as a text, a title or a label
    untranslated = {s for s, t in strings.items() if s != t}
    assert [text for text in shown if text in untranslated] == []  # the template's words, translated
    texts = _texts(page)
    assert texts.keys() == SCRIPT_TEXTS.keys()
    assert texts == {key: strings[source] for key, source in SCRIPT_TEXTS.items()}


def test_explore_in_german_shows_the_catalogues_words_and_no_english_source_string(tmp_path: Path) -> None:
    p = _explore([str(FIXTURES / "run_v2.npz"), "--out", str(tmp_path / "de"), "--language", "de"], tmp_path)
    assert p.returncode == 0, p.stderr
    page = (tmp_path / "de" / "index.html").read_text(encoding="utf-8")
    _assert_in_language(page, "de")
    assert "<h1>Was ein Autoencoder darstellt</h1>" in page
    assert 'title="zwischen dunklem und hellem Design wechseln">hell</button>' in page


@pytest.mark.parametrize("language", ["es", "ja"])
def test_the_page_in_spanish_and_japanese_is_in_the_language(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ae_explainer.deliver.explore import build_page
    from aecore.snapshot import load_run

    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", language)
    _assert_in_language(build_page(load_run(FIXTURES / "run_v2.npz")), language)


def test_the_english_page_carries_the_source_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    from ae_explainer.deliver.explore import build_page
    from aecore.snapshot import load_run

    monkeypatch.delenv("AE_EXPLAINER_LANGUAGE", raising=False)
    page = build_page(load_run(FIXTURES / "run_v2.npz"))
    assert '<html lang="en"' in page and "<h1>What an autoencoder represents</h1>" in page
    assert _texts(page) == SCRIPT_TEXTS


def test_the_script_asks_for_exactly_the_texts_the_page_carries() -> None:
    """Every ``tr("key"`` of the script is in SCRIPT_TEXTS, and every key there is named in the script."""
    code = "\n".join((ASSETS / name).read_text(encoding="utf-8") for name in SCRIPTS)
    asked = set(re.findall(r'\btr\("(\w+)"', code))
    assert asked and asked <= SCRIPT_TEXTS.keys(), asked - SCRIPT_TEXTS.keys()
    named = set(re.findall(r'"(\w+)"', code))
    assert SCRIPT_TEXTS.keys() <= named, SCRIPT_TEXTS.keys() - named
    assert SCRIPTS[0] == "texts.js"  # tr() is defined before any module runs


def test_the_templates_words_are_in_the_catalogue_template() -> None:
    """``make catalogues`` extracts page.html's ``{{ _("...") }}`` (babel.cfg's jinja2 section)."""
    with (LOCALE_DIR / "ae-explainer.pot").open("rb") as f:
        marked = [m.id for m in read_po(f) if any(loc[0] == PAGE_FILES[1] for loc in m.locations)]
    words = set(re.findall(r'_\("([^"]+)"\)', (ASSETS / "page.html").read_text(encoding="utf-8")))
    assert "Training loss (log scale)" in words and set(marked) == words


@pytest.mark.slow
@pytest.mark.xdist_group("browser")
@pytest.mark.parametrize("language", ["de", "ja"])
def test_in_chromium_the_pages_text_is_in_the_language_and_fits_a_phone(
    language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ae_explainer.deliver.explore import write_page
    from aecore.snapshot import load_run
    from tests.browser import chromium, set_viewport

    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", language)
    page = write_page(load_run(FIXTURES / "run_v2.npz"), tmp_path / "page")
    english = [s for s, t in _page_strings(language).items() if s != t and len(s) > 4]
    english += ["step ", "snapshots", "reliability", "points in", "switch to the"]
    with chromium() as browser:
        for size in ((1280, 720), (390, 844)):
            set_viewport(browser, *size)
            browser.get(page.as_uri())
            for _ in range(2):  # both themes: the theme button's words change
                browser.execute_script("AE.setHover(null, 3); AE.redraw()")
                seen: Any = browser.execute_script(
                    "return [document.body.innerText,"
                    " document.getElementById('theme').getAttribute('aria-label'),"
                    " document.getElementById('theme').getBoundingClientRect().height,"
                    " document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
                )
                text, label, button, width, height = seen
                assert [s for s in english if s in text or s in label] == []
                step = {"de": "Schritt ", "ja": "ステップ "}[language]
                assert step in text and ("Datenraum" in text if language == "de" else "データ空間" in text)
                assert button < 40, button  # the theme's word on one line
                assert width <= size[0] and height <= size[1], (width, height)
                browser.find_element("id", "theme").click()
        problems = [e["message"] for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
        assert not problems, problems
