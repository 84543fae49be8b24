"""Every module of the three layers imports: the fast loop (``-m "not slow"``) touches each one.

The slow tests (renders, digit trainings, the browser) are the only ones that
reach some modules at run time; this check keeps a module that no longer
imports (a moved name, a syntax error, a missing dependency) from passing the
fast loop unseen. The list is read from the folders, so a module moved into a
subpackage is still checked.
"""

from __future__ import annotations

import importlib
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("aecore", "scenes", "ae_explainer")


def _module_names() -> list[str]:
    names = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__main__":
                continue  # it runs the CLI: checked below
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _module_names()


def test_the_list_holds_every_layer() -> None:
    assert {m.split(".")[0] for m in MODULES} == set(LAYERS) and len(MODULES) > 3 * len(LAYERS)


@pytest.mark.parametrize("name", MODULES)
def test_the_module_imports(name: str) -> None:
    module = importlib.import_module(name)
    assert Path(module.__file__ or "").resolve().is_relative_to(ROOT), module.__file__


def test_python_m_ae_explainer_is_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["ae-explainer", "--help"])
    with pytest.raises(SystemExit) as done:
        runpy.run_module("ae_explainer", run_name="__main__", alter_sys=False)
    assert done.value.code == 0 and "usage:" in capsys.readouterr().out
