"""How a benchmark script ends: it reports, it does not fail."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

__all__ = ["report_only"]


def report_only(main: Callable[[], object]) -> NoReturn:
    """Run a benchmark's ``main`` and exit 0 whatever happens.

    An error is printed as one line naming the script; argparse's own exit
    (bad arguments, ``--help``) has printed its message already.
    """
    try:
        main()
    except Exception as e:
        print(f"{Path(sys.argv[0]).stem}: error: {type(e).__name__}: {e}", file=sys.stderr)
    except SystemExit:
        pass
    sys.exit(0)
