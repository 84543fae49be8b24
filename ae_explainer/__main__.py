"""``python -m ae_explainer`` is ``ae-explainer``."""

from __future__ import annotations

import sys

from ae_explainer.cli.app import main

sys.exit(main())
