"""The one exception type that the CLI turns into a one-line message."""

from __future__ import annotations

__all__ = ["AecoreError"]


class AecoreError(Exception):
    """A problem with the user's input, stated in one line.

    The message names what was wrong (a flag, a file, a value) and what would
    be right. The CLI prints it without a traceback and exits non-zero.
    """
