"""Vector runs in the network pictures, the short and the run cache: wide layers drawn elided, one cache.

A layer wider than :data:`scenes.mobjects.network.WIDE_LAYER` (a vector run's input and output) is drawn
as its first and last neurons with dots between; every layer of a 2-D run is drawn as before, neuron by
neuron. The short takes a vector run with k = 1. The run cache is one folder keyed on content.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import torch
from manim import tempconfig
from torch import nn

from aecore import AecoreError, TrainConfig, load_run
from aecore.cache import run_path
from scenes import runs
from scenes.look.frame import frame_spec
from scenes.look.layout import Rect
from scenes.mobjects.network import WIDE_LAYER, NetworkDiagram, edge_style, shown_neurons, slots
from scenes.settings import ASPECTS
from tests.test_images_core import _train_and_record

pytestmark = pytest.mark.usefixtures("low_res")


def _weights(sizes: list[int], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((b, a)) for a, b in itertools.pairwise(sizes)]


def _vector_table(d: int = 20, n: int = 120, units: bool = True) -> np.ndarray:
    """A curve in R^3 turned into R^d by a random rotation; ``units``: features in their own units
    (else centred, as a model trained on standardised features sees them)."""
    rng = np.random.default_rng(3)
    t = np.linspace(-2.0, 2.0, n)
    curve = np.c_[t, np.sin(t), 0.3 * t**2, np.zeros((n, d - 3))] + 0.02 * rng.standard_normal((n, d))
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    rotated = curve @ q.T
    return (rotated * np.linspace(0.5, 3.0, d) + np.arange(d) if units else rotated).astype(np.float32)


def _record_vectors(out: Path, k: int = 1, d: int = 20, steps: int = 10, units: bool = True) -> Path:
    """A run of vectors in R^d with k latents from a small MLP, recorded with its weights."""
    torch.manual_seed(0)
    enc = nn.Sequential(nn.Linear(d, 16), nn.SiLU(), nn.Linear(16, k))
    dec = nn.Sequential(nn.Linear(k, 16), nn.SiLU(), nn.Linear(16, d))
    return _train_and_record(enc, dec, _vector_table(d, units=units), out, steps=steps)


def test_a_layer_is_elided_only_above_the_threshold() -> None:
    assert list(shown_neurons(WIDE_LAYER)) == list(range(WIDE_LAYER)) and slots(WIDE_LAYER) == WIDE_LAYER
    assert list(shown_neurons(WIDE_LAYER + 1)) == [0, 1, 2, WIDE_LAYER - 1, WIDE_LAYER]
    assert slots(1024) == 6 and list(shown_neurons(1024)) == [0, 1, 2, 1022, 1023]


@pytest.mark.parametrize("vertical", [False, True])
def test_a_2d_network_is_drawn_neuron_by_neuron_as_before(vertical: bool) -> None:
    sizes = [2, 16, 16, 1, 16, 16, 2]
    rect = Rect(0.0, 0.0, 6.0, 3.0) if not vertical else Rect(0.0, 0.0, 3.0, 6.0)
    net = NetworkDiagram(sizes, _weights(sizes), rect, vertical)
    assert [len(c) for c in net.layers] == sizes and all(len(e) == 0 for e in net.ellipses)
    assert net.ellipses not in net.submobjects  # nothing added to a 2-D diagram
    spacing, _ = NetworkDiagram.geometry(sizes, rect, vertical)
    depths = np.linspace(rect.top, rect.bottom, 7) if vertical else np.linspace(rect.left, rect.right, 7)
    for pos, n, d in zip(net.positions, sizes, depths, strict=True):  # the layout before wide layers
        offsets = spacing * (np.arange(n) - (n - 1) / 2)
        want = np.c_[offsets, np.full(n, d)] if vertical else np.c_[np.full(n, d), -offsets]
        np.testing.assert_allclose(pos[:, :2], want, atol=1e-12)
    for k, w in enumerate(net.weights):
        assert len(net.edges[k]) == w.size and net.edge_widths(k).shape == w.shape


@pytest.mark.parametrize("vertical", [False, True])
def test_a_wide_layer_shows_its_ends_and_dots_and_stays_inside_its_rect(vertical: bool) -> None:
    sizes = [300, 16, 16, 1, 16, 16, 300]
    rect = Rect(0.5, -0.2, 6.0, 3.0) if not vertical else Rect(0.5, -0.2, 3.0, 6.0)
    net = NetworkDiagram(sizes, _weights(sizes), rect, vertical)
    assert [len(c) for c in net.layers] == [5, 16, 16, 1, 16, 16, 5]
    assert [len(e) for e in net.ellipses] == [3, 0, 0, 0, 0, 0, 3]
    assert len(net.edges[0]) == 16 * 5 and net.edge_widths(0).shape == (16, 5)
    r = net.radius + 1e-9  # the outer layers' centres lie on the rect's edges
    for layer in net.layers:
        for neuron in layer:
            lo, hi = neuron.get_corner(np.array([-1, -1, 0])), neuron.get_corner(np.array([1, 1, 0]))
            assert rect.left - r <= lo[0] and hi[0] <= rect.right + r
            assert rect.bottom - r <= lo[1] and hi[1] <= rect.top + r
    # The dots sit between the last neuron of the head and the first of the tail.
    across = 0 if vertical else 1
    first_tail, last_head = net.positions[0][3, across], net.positions[0][2, across]
    for dot in net.ellipses[0]:
        assert min(first_tail, last_head) < dot.get_center()[across] < max(first_tail, last_head)
    # Edges join the neurons drawn, with the weights of the neurons they stand for.
    reference = float(np.quantile(np.abs(np.concatenate([w.ravel() for w in net.weights])), 0.95))
    want, _ = edge_style(net.weights[0][:, [0, 1, 2, 298, 299]], reference)
    np.testing.assert_allclose(net.edge_widths(0), want)
    # Lighting an elided layer lights the neurons drawn against the layer's largest value.
    values = [np.zeros(n) for n in sizes]
    values[0][150], values[0][299] = 4.0, 2.0
    net.set_activations(values)
    assert net.layers[0][4].get_fill_opacity() == pytest.approx(0.15 + 0.85 * 0.5)


def test_the_implementation_picture_of_a_vector_run_fits_every_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scenes.pictures.implementation import ImplementationPicture
    from scenes.pictures.roundtrip import RoundTrip

    run = load_run(_record_vectors(tmp_path / "vec.npz"))
    for aspect in ASPECTS:
        with tempconfig(frame_spec(aspect, "low").manim_config()):
            from manim import config

            imp = ImplementationPicture(run)
            half_w, half_h = config.frame_width / 2, config.frame_height / 2
            for m in (imp.network, *imp.annotations()):
                if len(m.get_family()) > 1 or m.has_points():
                    assert -half_w <= m.get_left()[0] and m.get_right()[0] <= half_w, aspect
                    assert -half_h <= m.get_bottom()[1] and m.get_top()[1] <= half_h, aspect
            assert len(imp.network.ellipses[0]) == 3 and len(imp.network.layers[0]) == 5
            if not imp.vertical:  # 5 values and how many more
                assert len(imp.x_values) == 6 and "15" in imp.x_values[-1].text
            loop = RoundTrip(imp, bent=True)
            x, xhat = loop.x_node, loop.xhat_node
            apart = (
                x.get_right()[0] < xhat.get_left()[0]
                or xhat.get_right()[0] < x.get_left()[0]
                or x.get_top()[1] < xhat.get_bottom()[1]
                or xhat.get_top()[1] < x.get_bottom()[1]
            )
            assert apart, aspect  # the compact nodes of x and x̂ do not overlap


def _use_run_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setenv("AE_EXPLAINER_RUN", f'{{"file": "{path}"}}')
    runs.main_run_2d.cache_clear()


def test_the_short_takes_a_k1_vector_run_and_refuses_k2_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scenes.short import data_bounds, short_run

    try:
        _use_run_file(monkeypatch, _record_vectors(tmp_path / "k1.npz"))
        run = short_run()
        assert run.projection is not None and run.data.shape[1] == 20
        x0, x1, y0, y1 = data_bounds(run)  # the box of the shadow in the plane, not of R^20
        shadow = run.projection.apply(run.data)
        assert x0 < shadow[:, 0].min() < shadow[:, 0].max() < x1
        assert y0 < shadow[:, 1].min() < shadow[:, 1].max() < y1
        k2 = _record_vectors(tmp_path / "k2.npz", k=2)
        _use_run_file(monkeypatch, k2)
        with pytest.raises(AecoreError) as e:
            short_run()
        (line,) = str(e.value).splitlines()
        assert "k2.npz" in line and "k = 2" in line and "k = 1" in line
    finally:
        runs.main_run_2d.cache_clear()


def test_the_run_cache_is_one_folder_keyed_on_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    x = _vector_table()
    header = ",".join(f"s{i}" for i in range(20))
    body = "\n".join(",".join(repr(float(v)) for v in row) for row in x)
    a, b = tmp_path / "a" / "table.csv", tmp_path / "b" / "other.csv"
    for p in (a, b):
        p.parent.mkdir()
        p.write_text(header + "\n" + body + "\n")
    monkeypatch.setenv("AE_EXPLAINER_RUNS", str(tmp_path / "runs"))
    first = run_path(TrainConfig(data=str(a), latent_dim=1))
    assert first.parent == tmp_path / "runs"
    monkeypatch.chdir(b.parent)  # the same table met through another, relative path
    assert run_path(TrainConfig(data="other.csv", latent_dim=1)) == first
    b.write_text(header.replace("s0", "speed") + "\n" + body + "\n")  # other names: another run
    assert run_path(TrainConfig(data="other.csv", latent_dim=1)) != first


@pytest.mark.slow  # trains a table of 20 features, then plays the short to every beat in three aspects
def test_a_vector_run_plays_in_the_short_inside_the_safe_area_at_every_beat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every beat is reached, its captions are large, and the key-frame audit finds nothing: no overlap,
    no text on M or the dots (the shadow's M stays under the panel's two-line title), nothing outside
    the safe area or in a feed's UI bands."""
    from aecore.train import train_to_file
    from tests.test_short import BEATS, MIN_CAPTION_PX, _dry_run

    x = _vector_table(units=True)
    table = tmp_path / "table.csv"
    rows = "\n".join(",".join(repr(float(v)) for v in row) for row in x)
    table.write_text(",".join(f"sensor {i}" for i in range(20)) + "\n" + rows + "\n")
    cfg = TrainConfig(data=str(table), latent_dim=1, hidden=(16, 16), steps=1500)
    out = tmp_path / "vec.npz"
    train_to_file(cfg, out)
    try:
        _use_run_file(monkeypatch, out)
        for aspect in ASPECTS:
            with tempconfig(frame_spec(aspect, "low").manim_config()):
                scene, seen = _dry_run(aspect, "dark")
            assert [b for b, _ in scene.beats] == list(BEATS), aspect
            assert {b: found for b, found in seen.findings.items() if found} == {}, aspect
            assert min(min(px) for px in seen.caption_px.values() if px) >= MIN_CAPTION_PX, aspect
    finally:
        runs.main_run_2d.cache_clear()


def test_a_k2_vector_run_shows_in_the_surface_chapter_through_p_with_xhat_on_m(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ae_explainer.cli.app import main
    from scenes.pictures.picture3d import Picture3D
    from scenes.pictures.shadow import shadow_run

    path = _record_vectors(tmp_path / "k2.npz", k=2, steps=200, units=False)
    run = load_run(path)
    p = run.projection
    assert p is not None and p.dim == 3 and runs.run_file_kind(path) == "surface"
    shadow = shadow_run(run)
    np.testing.assert_array_equal(shadow.final.recon, p.apply(run.final.recon))  # projected, never snapped
    for space, s in (("R^D", run.final), ("shadow", shadow.final)):
        grid = np.asarray(s.manifold, dtype=np.float64)  # (G, G, n): M on the latent grid
        edge = max(np.linalg.norm(np.diff(grid, axis=a), axis=-1).max() for a in (0, 1))
        flat = grid.reshape(-1, grid.shape[-1])
        recon = np.asarray(s.recon, dtype=np.float64)
        gap = np.sqrt(((recon[:, None, :] - flat[None, :, :]) ** 2).sum(-1)).min(axis=1)
        assert gap.max() <= edge, space  # each x̂ lies on M: within one grid cell of its vertices
    try:
        monkeypatch.setenv("AE_EXPLAINER_RUN", f'{{"file": "{path}"}}')
        runs.main_run_3d.cache_clear()
        assert runs.main_run_3d() is not None and runs.main_run_3d().projection is not None
        pic = Picture3D(runs.main_run_3d())
        assert pic.run.data.shape[1] == 3 and "ℝ²⁰" in pic.data_title[0].text
    finally:
        runs.main_run_3d.cache_clear()
    monkeypatch.delenv("AE_EXPLAINER_RUN")
    code = main(["render", "--still", "--run-file", str(path), "3", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "k2.npz" in err and "chapter(s) 7 can" in err, err
    assert not (tmp_path / "out").exists()
