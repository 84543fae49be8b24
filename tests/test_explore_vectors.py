"""The explorer page of vectors in R^D in a real browser (headless Chromium, as tests/test_explore.py).

Two runs: 2,000 vectors in R^64 trained briefly (the page's size promise, N = 2,000 and D = 64), and a
20-D model of the user's own recorded with :class:`aecore.SnapshotRecorder`. The page projects through
the run's stored P, evaluates f and g itself (equal to numpy within 1e-5), lifts the probe to R^D along
P around the data mean, and shows x and x̂ feature by feature.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aecore import Run, TrainConfig, decode, encode, load_run
from aecore.train import train_to_file
from scenes.look.style import PALETTES
from tests.browser import chromium, set_viewport

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # one worker, one browser

PANELS = ("p-data", "p-latent", "p-bars", "p-loss", "p-controls")


def _table(path: Path, n: int = 2000, d: int = 64) -> Path:
    rng = np.random.default_rng(3)
    t = rng.uniform(-1.0, 1.0, n)
    base = np.c_[t, t**2, np.sin(3 * t), np.zeros((n, d - 3))] + 0.05 * rng.standard_normal((n, d))
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    rows = "\n".join(",".join(f"{v:.7g}" for v in row) for row in base @ q.T)
    path.write_text(",".join(f"feature_{i}" for i in range(d)) + "\n" + rows + "\n", encoding="utf-8")
    return path


def _recorded_20d(out: Path) -> Path:
    """The user's own 20-D MLP (nn.Sequential, so its weights are stored), trained a little and recorded."""
    import torch
    from torch import nn

    from aecore.recorder import SnapshotRecorder

    torch.manual_seed(0)
    rng = np.random.default_rng(4)
    centres = rng.standard_normal((2, 20)) * 3
    x = np.concatenate([c + 0.3 * rng.standard_normal((100, 20)) for c in centres]).astype(np.float32)
    enc = nn.Sequential(nn.Linear(20, 16), nn.Tanh(), nn.Linear(16, 1))
    dec = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 20))
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=1e-2)
    rec = SnapshotRecorder(enc, dec, x, out=out, feature_names=[f"s{i}" for i in range(20)], max_snapshots=4)
    t = torch.from_numpy(x)
    for step in range(201):
        loss = ((dec(enc(t)) - t) ** 2).sum(dim=1).mean()
        if step in (0, 20, 200):
            rec.record(step, loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return rec.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    d = tmp_path_factory.mktemp("vectors")
    cfg = TrainConfig(
        data=str(_table(d / "d64.csv")), latent_dim=1, hidden=(16, 16), steps=300, ensemble_seeds=(1,)
    )
    return {
        "d64": load_run(train_to_file(cfg, d / "d64.npz")),
        "mine": load_run(_recorded_20d(d / "mine.npz")),
    }


@pytest.fixture(scope="module")
def pages(runs: dict[str, Run], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from ae_explainer.deliver.explore import write_page

    root = tmp_path_factory.mktemp("explore")
    return {name: write_page(run, root / name) for name, run in runs.items()}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def _open(browser: Any, page: Path, size: tuple[int, int] = (1280, 800)) -> None:
    set_viewport(browser, *size)
    browser.get(page.as_uri())
    browser.execute_script("AE.redraw()")


def test_the_page_of_2000_vectors_in_r64_stays_under_5_mb(
    pages: dict[str, Path], runs: dict[str, Run]
) -> None:
    assert runs["d64"].data.shape == (2000, 64)
    assert pages["d64"].stat().st_size < 5_000_000


@pytest.mark.parametrize("name", ["d64", "mine"])
def test_f_and_g_and_p_in_the_page_equal_numpys(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run], name: str
) -> None:
    run = runs[name]
    p = run.projection
    assert p is not None
    _open(browser, pages[name])
    count = len(run.snapshots)
    x = run.data[np.random.default_rng(1).choice(len(run.data), 100, replace=False)]
    x = x + 0.1 * np.random.default_rng(2).standard_normal(x.shape)
    for i in sorted({0, count // 2, count - 1}):
        s = run.snapshots[i]
        z_js = np.array(browser.execute_script("return AE.encode(arguments[0], arguments[1])", x.tolist(), i))
        assert np.abs(z_js - encode(run, x, s)[0]).max() < 1e-5, (name, i)
        lo, hi = s.latent_grid.min(axis=0), s.latent_grid.max(axis=0)
        u = np.random.default_rng(3).uniform(lo, hi, size=(100, len(lo)))
        x_js = np.array(browser.execute_script("return AE.decode(arguments[0], arguments[1])", u.tolist(), i))
        assert np.abs(x_js - decode(run, u, s)).max() < 1e-5, (name, i)
    shadow = np.array(browser.execute_script("return AE.project(arguments[0])", x.tolist()))
    np.testing.assert_allclose(shadow, p.apply(x), atol=1e-9)
    for q in ([0.0, 0.0], [0.7, -1.3], [-2.5, 0.4]):
        lifted = np.array(browser.execute_script("return AE.lift(arguments[0])", q))
        np.testing.assert_allclose(p.apply(lifted), q, atol=1e-9)  # P(lift(p)) = p
        np.testing.assert_allclose(lifted, p.lift(np.array(q)), atol=1e-9)  # around the data mean


def test_the_bars_show_x_and_its_reconstruction_and_the_probes_lift(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run]
) -> None:
    run = runs["d64"]
    p = run.projection
    assert p is not None
    _open(browser, pages["d64"])
    for j in (0, 17, 1999):
        bars = browser.execute_script("AE.setHover(null, arguments[0]); return AE.drawn.bars", j)
        assert bars["kind"] == "data" and bars["index"] == j
        np.testing.assert_allclose(bars["x"], run.data[j], atol=1e-12)
        np.testing.assert_allclose(
            bars["xhat"], decode(run, encode(run, run.data[j : j + 1])[0])[0], atol=1e-5
        )
    bars = browser.execute_script("AE.setHover(null, -1); AE.setProbe([0.5, -0.25]); return AE.drawn.bars")
    lifted = p.lift(np.array([0.5, -0.25]))
    assert bars["kind"] == "probe"
    np.testing.assert_allclose(bars["x"], lifted, atol=1e-9)
    np.testing.assert_allclose(bars["xhat"], decode(run, encode(run, lifted[None])[0])[0], atol=1e-5)
    drawn = browser.execute_script("return AE.drawn.probe")
    shown = browser.execute_script("return AE.toPixel(arguments[0])", [[0.5, -0.25]])
    np.testing.assert_allclose(drawn["p"], shown[0], atol=1e-6)  # the probe is drawn where it was put


def test_the_drawn_m_is_the_shadow_of_m_through_p(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run]
) -> None:
    run = runs["d64"]
    p = run.projection
    assert p is not None
    _open(browser, pages["d64"])
    last = len(run.snapshots) - 1
    drawn = np.array(browser.execute_script("AE.setSnapshot(arguments[0]); return AE.drawn.M", last))
    m = decode(run, run.final.latent_grid.astype(np.float32).astype(np.float64))
    expected = np.array(browser.execute_script("return AE.toPixel(arguments[0])", p.apply(m).tolist()))
    assert np.abs(drawn - expected).max() < 0.05  # pixels


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_screenshots_show_the_bars_beside_every_panel(
    browser: Any, pages: dict[str, Path], tmp_path: Path, size: tuple[int, int]
) -> None:
    from PIL import Image

    _open(browser, pages["d64"], size)
    browser.execute_script("AE.setHover(null, 5)")
    title = browser.execute_script("return document.getElementById('data-title').textContent")
    assert (
        title.startswith("ℝ⁶⁴ seen along its top 2 principal directions (") and "% of the variance)" in title
    )
    hint = browser.execute_script("return document.getElementById('data-hint').textContent")
    assert "shadows of distances" in hint and "around the data mean" in hint
    for theme in ("dark", "light"):
        if browser.execute_script("return AE.state.theme") != theme:
            browser.find_element("id", "theme").click()
        browser.execute_script("AE.redraw()")
        shot = tmp_path / f"vectors-{size[0]}-{theme}.png"
        browser.save_screenshot(str(shot))
        img = np.asarray(Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")).astype(float)
        bg = np.array([int(PALETTES[theme]["background"][i : i + 2], 16) for i in (1, 3, 5)])
        scroll = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        assert scroll[0] <= size[0] and scroll[1] <= size[1], scroll
        boxes = {}
        for panel in PANELS:
            r = browser.execute_script(
                f"return document.getElementById('{panel}').getBoundingClientRect().toJSON()"
            )
            assert r["left"] >= 0 and r["top"] >= 0 and r["right"] <= size[0] and r["bottom"] <= size[1], (
                panel
            )
            assert r["width"] >= 150 and r["height"] >= 80, (panel, r)
            crop = img[int(r["top"]) : int(r["bottom"]), int(r["left"]) : int(r["right"])]
            assert (np.abs(crop - bg).max(axis=2) > 40).mean() > 0.005, (panel, theme)
            boxes[panel] = r
        for a in PANELS:
            for b in PANELS[PANELS.index(a) + 1 :]:
                ra, rb = boxes[a], boxes[b]
                apart = ra["right"] <= rb["left"] or rb["right"] <= ra["left"]
                assert apart or ra["bottom"] <= rb["top"] or rb["bottom"] <= ra["top"], (a, b)
