"""``python -m aecore`` is ``ae-explainer``."""

from __future__ import annotations

import sys

from aecore.cli import main

sys.exit(main())
