"""``examples/notebook.ipynb`` runs headless with nbclient, offline, and holds its video and explorer page.

The notebook records a small model with ``aecore.SnapshotRecorder``, renders
a scene of the public API with the ``%%manim`` cell magic (the video embedded
in the notebook), and shows the run's explorer page inline in an iframe with
``srcdoc`` (slow: a kernel, a training and a low-quality render, about a minute).
"""

from __future__ import annotations

import base64
import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "notebook.ipynb"


def _html_outputs(nb: nbformat.NotebookNode) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.output_type != "error", "".join(o.get("traceback", []))[-2000:]
            data = o.get("data", {}).get("text/html")
            if data:
                out.append("".join(data) if isinstance(data, list) else data)
    return out


def test_the_notebook_runs_headless_and_holds_the_video_and_the_explorer(tmp_path: Path) -> None:
    work = tmp_path / "notebook"
    work.mkdir()
    shutil.copy(NOTEBOOK, work / "notebook.ipynb")
    nb = nbformat.read(work / "notebook.ipynb", as_version=4)
    nbformat.validate(nb)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")  # stored clean
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    ).execute()
    assert (work / "notebook_run.npz").is_file()  # the model was recorded in the notebook
    pages = _html_outputs(nb)

    videos = [re.search(r'src="data:video/mp4;base64,([^"]+)"', h) for h in pages]
    (video,) = [v for v in videos if v]
    mp4 = base64.b64decode(video.group(1))
    assert mp4[4:8] == b"ftyp" and len(mp4) > 20_000  # an mp4 of the scene, in the notebook itself

    frames = [re.search(r'<iframe srcdoc="([^"]+)"', h) for h in pages]
    (frame,) = [f for f in frames if f]
    page = html.unescape(frame.group(1))
    assert page.lstrip().lower().startswith("<!doctype html>") and "</html>" in page
    assert "notebook_run" in page or "k = 1" in page  # the recorded run's page
    # Offline: nothing the page loads comes from the network (scripts and styles are inlined).
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', page, flags=re.I)
    assert not re.search(r"https?://", "".join(pages).replace(page, "")), "the notebook reaches out"
