"""Installed as a package (not editable), the explainer writes nothing into its own install.

The project is installed with pip into a folder of its own and run from
another folder: runs go to the user's cache folder (``XDG_CACHE_HOME``), the
render goes to ``--out``, and the installed files stay exactly as pip wrote
them (slow: one training and one render, about 30 s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def _tree(d: Path) -> dict[str, int]:
    return {str(p.relative_to(d)): p.stat().st_size for p in d.rglob("*") if p.is_file()}


def test_an_installed_package_keeps_runs_in_the_user_cache_and_its_install_untouched(tmp_path: Path) -> None:
    site, src = tmp_path / "site", tmp_path / "src"
    junk = shutil.ignore_patterns(
        ".*", "assets", "renders", "media", "build", "*.egg-info", "__pycache__", "node_modules"
    )
    shutil.copytree(ROOT, src, ignore=junk)  # setuptools builds inside the source folder: a copy's
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(src),
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    # pip leaves the byte-compiled files of the install; compile the rest now so that only what
    # the explainer itself writes could change the tree.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(site)], check=True)
    installed = _tree(site)
    assert not (site / "pyproject.toml").exists() and "aecore/cache.py" in installed
    from ae_explainer.deliver.explore import SCRIPTS

    for asset in ("page.html", "explore.css", *SCRIPTS):  # the explorer page's templates are package data
        assert f"ae_explainer/deliver/explore_assets/{asset}" in installed, asset

    elsewhere, cache, out = tmp_path / "elsewhere", tmp_path / "xdg-cache", tmp_path / "out"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AE_EXPLAINER_")}
    env.update(PYTHONPATH=str(site), XDG_CACHE_HOME=str(cache), PYTHONDONTWRITEBYTECODE="1")
    where = subprocess.run(
        [sys.executable, "-c", "import aecore; print(aecore.__file__); print(aecore.runs_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.splitlines() == [
        str(site / "aecore" / "__init__.py"),
        str(cache / "ae-explainer" / "runs"),
    ]
    p = subprocess.run(
        [sys.executable, "-m", "ae_explainer", "render", "2", "--aspect", "1:1", "--out", str(out)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    assert len(list(out.glob("ch02-*.mp4"))) == 1
    assert list((cache / "ae-explainer" / "runs").glob("*.npz"))
    run = ROOT / "tests" / "fixtures" / "run_v2.npz"  # the explorer page, from the installed templates
    p = subprocess.run(
        [sys.executable, "-m", "ae_explainer", "explore", str(run), "--out", str(out / "explore")],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    page = (out / "explore" / "index.html").read_text(encoding="utf-8")
    assert "function createModel(D)" in page and "window.AE = createInterface(app)" in page
    assert _tree(site) == installed  # nothing written into the install: no assets/, no cache
    assert not list(elsewhere.iterdir())
