"""The explainer in the lecturer's language: gettext catalogues of every user-facing string.

Source strings stay in the code, in English, marked for translation: ``_("...")``
translates at once into the language in force (``AE_EXPLAINER_LANGUAGE``,
:attr:`scenes.settings.SceneSettings.language`); ``N_("...")`` only marks a
string translated later (a class attribute such as a chapter's title, read
before any language is chosen). ``make catalogues`` extracts the marked strings
with Babel into ``locale/ae-explainer.pot`` and merges them into one
``locale/<lang>/LC_MESSAGES/ae-explainer.po`` per language.

The ``.po`` files are the only catalogue in git: each is compiled into a
``.mo`` the first time a process uses it, into a cache keyed by the ``.po``'s
bytes (:func:`compiled_catalogue`), and read with Python's :mod:`gettext`, so an
edited translation is never shadowed by a stale compiled one.

A translated string keeps its English source (:func:`source_of`): a caption's
cue id is that of the source, the same in every language, so one folder of
recordings per language holds the same file names. Numbers filled into prose
(``_("{n} samples", n=500)``) take the language's decimal sign (Babel's
``format_decimal``); formulas are never passed through here.
"""

from __future__ import annotations

import gettext
import hashlib
import io
import json
import logging
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from aecore.files import atomic_write
from scenes.settings import LANGUAGES, current_settings

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "SOURCE_LANGUAGE",
    "Msg",
    "_",
    "active_language",
    "catalogue_path",
    "compiled_catalogue",
    "is_cjk",
    "missing_translations",
    "prose_number",
    "source_of",
    "strings_digest",
    "translations",
    "warn_missing",
]

_log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
"""The language the strings are written in, in the code."""

DOMAIN = "ae-explainer"
"""The gettext domain: the catalogues' file name."""

_ROOT = Path(__file__).resolve().parent.parent
"""The project's root: the catalogues name their strings' files relative to it."""

LOCALE_DIR = _ROOT / "locale"
"""``locale/``: the template (``ae-explainer.pot``) and one folder per language."""


class Msg(str):
    """A translated string that remembers its English source (:func:`source_of`)."""

    source: str

    def __new__(cls, text: str, source: str) -> Msg:
        obj = super().__new__(cls, text)
        obj.source = source
        return obj

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        """What copies and pickles are made from (a scene deep-copies its mobjects)."""
        return str(self), self.source


def source_of(s: str) -> str:
    """The English source of ``s`` if it came from :func:`_`, else ``s`` itself."""
    return getattr(s, "source", s)


def active_language() -> str:
    """The language in force: ``AE_EXPLAINER_LANGUAGE`` as the scenes read it (default English)."""
    return current_settings().language


def catalogue_path(language: str) -> Path:
    """``locale/<language>/LC_MESSAGES/ae-explainer.po``."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _cache_dir() -> Path:
    from aecore.cache import cache_folder

    return cache_folder("locale", "AE_EXPLAINER_LOCALE_CACHE")


def compiled_catalogue(language: str) -> Path:
    """The ``.mo`` of ``language``'s ``.po``, compiled once per content (fuzzy entries left out).

    Cached as ``<lang>-<sha256 of the .po>.mo`` (written to a unique temporary
    name, then renamed), so processes sharing the cache never read half a file.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = catalogue_path(language)
    blob = po.read_bytes()
    mo = _cache_dir() / f"{language}-{hashlib.sha256(blob).hexdigest()[:16]}.mo"
    if not mo.is_file():
        out = io.BytesIO()
        write_mo(out, read_po(io.BytesIO(blob), locale=language), use_fuzzy=False)
        mo.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(mo, out.getvalue())
    return mo


@cache
def _translations(language: str, stamp: str) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE or not catalogue_path(language).is_file():
        return gettext.NullTranslations()
    with compiled_catalogue(language).open("rb") as f:
        return gettext.GNUTranslations(f)


def translations(language: str | None = None) -> gettext.NullTranslations:
    """``language``'s catalogue (default: the language in force) as a :mod:`gettext` object.

    For code that wants gettext's own interface, such as Jinja's ``i18n``
    extension (the explorer page's template); English is the identity.
    """
    language = language or active_language()
    return _translations(language, _stamp(language))


def _stamp(language: str) -> str:
    """The ``.po``'s size and time: a catalogue edited while a process runs is read again."""
    try:
        st = catalogue_path(language).stat()
    except OSError:
        return ""
    return f"{st.st_size}-{st.st_mtime_ns}"


def prose_number(value: float, language: str) -> str:
    """``value`` as prose writes it in ``language`` (``0,5`` in German, ``1.797`` for 1797)."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=language))


def _filled(text: str, language: str, values: dict[str, object]) -> str:
    shown = {
        k: prose_number(v, language) if isinstance(v, int | float) and not isinstance(v, bool) else v
        for k, v in values.items()
    }
    return text.format(**shown)


def _(message: str, /, **values: object) -> str:
    """``message`` in the active language (English where it has no translation), as a :class:`Msg`.

    ``values`` fill its ``{placeholders}``; numbers among them follow the
    language's decimal sign. The result's :func:`source_of` is the English
    text with the same values, in English notation.
    """
    language = active_language()
    text = _translations(language, _stamp(language)).gettext(message)
    if values:
        return Msg(_filled(text, language, values), _filled(message, SOURCE_LANGUAGE, values))
    return Msg(text, message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; it is translated where it is shown, with :func:`_`."""
    return message


_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def is_cjk(s: str) -> bool:
    """Whether ``s`` holds Chinese, Japanese or Korean characters (CJK font, wrapped by character)."""
    return _CJK.search(s) is not None


def _entries(language: str) -> list[tuple[str, str, bool, list[str]]]:
    """``(msgid, msgstr, fuzzy, files)`` of every entry of ``language``'s catalogue but the header."""
    from babel.messages.pofile import read_po

    with catalogue_path(language).open("rb") as f:
        cat = read_po(f, locale=language)
    return [
        (str(m.id), str(m.string or ""), m.fuzzy, sorted({loc[0] for loc in m.locations}))
        for m in cat
        if m.id
    ]


def _template_ids() -> list[str]:
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as f:
        return [str(m.id) for m in read_po(f) if m.id]


def missing_translations(language: str) -> list[str]:
    """The template's strings that ``language`` does not translate (no entry, empty, or fuzzy)."""
    if language == SOURCE_LANGUAGE:
        return []
    done = {mid for mid, s, fuzzy, _ in _entries(language) if s and not fuzzy}
    return [mid for mid in _template_ids() if mid not in done]


def warn_missing(language: str) -> list[str]:
    """Log one warning line listing the strings shown in English for want of a translation."""
    missing = missing_translations(language)
    if missing:
        shown = "; ".join(repr(m[:40]) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
        _log.warning(
            "%s: %d string(s) not translated, shown in English: %s", LANGUAGES[language], len(missing), shown
        )
    return missing


def strings_digest(language: str, files: Iterable[Path]) -> str:
    """A hash of ``language``'s translations of the strings whose source is in ``files``.

    A chapter's outputs are keyed on it (with its code), so an edited
    translation renders again only the chapters that show that string.
    English (the source, in the code) hashes to a constant.
    """
    if language == SOURCE_LANGUAGE:
        return ""
    wanted = {_relative(f) for f in files}
    parts = [(mid, s, fuzzy) for mid, s, fuzzy, where in _entries(language) if wanted.intersection(where)]
    return hashlib.sha256(json.dumps([language, parts]).encode("utf-8")).hexdigest()[:16]


def _relative(f: Path) -> str:
    p = Path(os.path.abspath(f))
    return p.relative_to(_ROOT).as_posix() if p.is_relative_to(_ROOT) else p.as_posix()
