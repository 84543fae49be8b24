"""``ae-explainer explore`` from the command line: a bad run file is one line, a good one one whole page.

No browser here (``tests/test_explore.py`` opens the pages in Chromium).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def _explore(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AE_EXPLAINER_")}
    env.update(AE_EXPLAINER_RUNS=str(tmp_path / "runs"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "ae_explainer", "explore", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,  # a hang guard (about 20 s when quiet), not a speed check
        stdin=subprocess.DEVNULL,
    )


def _corrupt(d: Path) -> Path:
    bad = d / "corrupt.npz"
    bad.write_bytes((FIXTURES / "run_v2.npz").read_bytes()[:3000])
    return bad


@pytest.mark.parametrize(
    ("case", "make"),
    [
        ("missing", lambda d: d / "nothing-here.npz"),
        ("corrupt", _corrupt),
        ("no-normalization", lambda d: FIXTURES / "run_v1.npz"),
        ("not-npz", lambda d: FIXTURES / "make_fixture.py"),
    ],
)
def test_a_bad_run_file_is_one_line_exit_2_and_no_page(tmp_path: Path, case: str, make: Any) -> None:
    run = make(tmp_path)
    out = tmp_path / "out"
    p = _explore([str(run), "--out", str(out)], tmp_path)
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert p.returncode == 2, p.stderr
    assert len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
    assert lines[0].startswith("ae-explainer: error: ") and run.name in lines[0], lines[0]
    assert not out.exists()


def test_a_page_is_written_whole_for_a_run_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    p = _explore([str(FIXTURES / "run_v2.npz"), "--out", str(out), "--theme", "light"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert sorted(f.name for f in out.iterdir()) == ["index.html"]  # no temporary file left behind
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and 'data-theme="light"' in html and "__DATA__" not in html
