"""The one exception type that the CLI turns into a one-line message, and text safe to print in it."""

from __future__ import annotations

__all__ = ["AecoreError", "printable", "shown_path"]


class AecoreError(Exception):
    """A problem with the user's input, stated in one line.

    The message names what was wrong (a flag, a file, a value) and what would
    be right. The CLI prints it without a traceback and exits non-zero.
    """


def printable(text: str, limit: int | None = None) -> str:
    """``text`` with every non-printable character escaped (``\\x1b``, ``\\n``, ``\\u202e``).

    Text that comes from a file or from the user (a path, a config value, a
    data set's name) may hold terminal control codes, which would clear the
    screen or retitle the terminal if printed as they are, or a newline,
    which would break a one-line message. With ``limit``, text longer than
    that many characters keeps its first and last parts around an ellipsis.
    """
    out = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    if limit is not None and len(out) > limit:
        head = max(1, limit * 2 // 3)
        out = f"{out[:head]}...{out[len(out) - (limit - head) :]}"
    return out


def shown_path(path: object) -> str:
    """A path as a message shows it: printable, and at most 160 characters (a 10 MB name stays short)."""
    return printable(str(path), limit=160)
