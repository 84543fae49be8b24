"""``--language CODE``: the language of the captions, labels, subtitles, script and pages.

Every command that makes something a viewer reads takes it (``render``,
``video``, ``lecture``, ``social``, ``script``, ``explore``, ``stills``); the
render commands also read ``[video] language`` from ``--config``. The
choices are :data:`scenes.i18n.LANGUAGES`, English (the source) by default.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from ae_explainer.options import RenderOptions
from aecore.errors import AecoreError
from scenes.i18n import LANGUAGES, SOURCE_LANGUAGE, warn_missing
from scenes.settings import current_settings, settings_in_force

__all__ = ["add_language_flag", "use_language", "voice_for_language"]

_log = logging.getLogger(__name__)

S = TypeVar("S", bound=RenderOptions)


def add_language_flag(p: argparse.ArgumentParser, default: str | None = None) -> None:
    """Add ``--language`` to ``p`` (``default``: the value when the flag is not given)."""
    names = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
    p.add_argument(
        "--language",
        choices=tuple(LANGUAGES),
        default=default,
        metavar="CODE",
        help=f"captions, labels, subtitles and script in {names} (default {SOURCE_LANGUAGE})",
    )


@contextmanager
def use_language(code: str) -> Iterator[str]:
    """Make ``code`` the language of the scenes inside a ``with`` block; warn of untranslated strings.

    The scenes read it from the settings in force (:func:`scenes.settings.settings_in_force`,
    nothing is written to ``os.environ``), so texts made here (titles, post text, script) and in
    the render jobs (given ``--language`` in their options) agree. Strings the catalogue lacks are
    shown in English, listed in one warning line (:func:`scenes.i18n.warn_missing`).
    """
    warn_missing(code)
    with settings_in_force(current_settings().model_copy(update={"language": code})):
        yield code


def voice_for_language(settings: S, asked: bool, where: str) -> S:
    """``settings`` with a narration the language can have.

    The offline voice speaks only :data:`~ae_explainer.media.narration.VOICE_LANGUAGES`.
    In any other language, ``--narration voice`` given (``asked``: by a flag or
    the settings file, named by ``where``) is one line; the command's default
    voice becomes silence, with a warning. Recordings and silence work in
    every language.
    """
    from ae_explainer.media.narration import VOICE_LANGUAGES

    if settings.narration != "voice" or settings.language in VOICE_LANGUAGES:
        return settings
    name = LANGUAGES[settings.language]
    if asked:
        raise AecoreError(
            f"{where}: the offline voice speaks only {', '.join(LANGUAGES[c] for c in VOICE_LANGUAGES)},"
            f" not {name}; use --narration off, or a folder of your recordings (see 'ae-explainer script')"
        )
    _log.warning(
        "the offline voice speaks no %s: the video is silent (give --narration DIR for your recordings)", name
    )
    return settings.model_copy(update={"narration": "off"})
