"""The chapters a command renders, as the command line gives them: ``4 5 6`` or ``4,5,6``, words or flag."""

from __future__ import annotations

import argparse

__all__ = ["add_chapter_arguments", "chapter_keys"]


def _chapter_list(text: str) -> list[str]:
    """One word of ``--chapters 4,5,6`` or ``--chapters 4 5 6``: the chapter keys in it."""
    keys = [k.strip() for k in text.split(",") if k.strip()]
    if not keys:
        raise argparse.ArgumentTypeError(f"{text!r} names no chapter; give e.g. 4,5,6")
    return keys


def add_chapter_arguments(p: argparse.ArgumentParser) -> None:
    """The chapters, ``4 5 6`` or ``4,5,6``, as words or after ``--chapters``: see :func:`chapter_keys`."""
    p.add_argument(
        "chapter_args", nargs="*", type=_chapter_list, metavar="CHAPTER",
        help="chapter numbers or scene names, spaced or comma-separated (default: all)",
    )  # fmt: skip
    p.add_argument(
        "--chapters", nargs="+", action="extend", type=_chapter_list, metavar="CHAPTER",
        help="chapter numbers or scene names, e.g. 4,5,6 or 4 5 6 (default: all)",
    )  # fmt: skip


def chapter_keys(a: argparse.Namespace) -> list[str]:
    """The chapter keys of :func:`add_chapter_arguments`' words and ``--chapters``, in order given."""
    words = [*(getattr(a, "chapter_args", None) or []), *(getattr(a, "chapters", None) or [])]
    return [k for word in words for k in word]
