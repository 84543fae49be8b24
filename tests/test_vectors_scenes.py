"""A vector run in the main chapters: everything through one stored P, the true x̂ projected, crossings dimmed.

The fast tests build the picture from the committed vector fixture; the slow one
stops chapters 3-6 and 12 at their key frames with a vector run as the main run,
in every aspect and both themes, and checks the layout audit finds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from aecore import load_run
from scenes import runs
from scenes.pictures.picture2d import Picture2D, PictureState
from scenes.pictures.shadow import crossing_dim, shadow_run, space_label, superscript

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "run_v3_vectors.npz"


def test_the_shadow_puts_every_data_space_array_through_the_one_stored_p() -> None:
    run = load_run(FIXTURE)
    p = run.projection
    assert p is not None
    shadow = shadow_run(run)
    assert shadow_run(run) is shadow and shadow_run(shadow) is shadow  # one shadow per run
    np.testing.assert_allclose(shadow.data, p.apply(run.data))
    for s, t in zip(run.snapshots, shadow.snapshots, strict=True):
        np.testing.assert_allclose(t.recon, p.apply(s.recon))  # the true x̂, projected: never snapped onto M
        np.testing.assert_allclose(t.manifold, p.apply(s.manifold))
        assert t.reliability is s.reliability and t.latents is s.latents  # computed in R^D, kept
        assert t.depth is not None and t.depth.shape == s.reliability.shape  # type: ignore[attr-defined]
    assert superscript(20) == "²⁰"
    assert space_label(run) == "ℝ⁶ seen along its top 2 principal directions (99% of the variance)"
    assert space_label(load_run(FIXTURE.with_name("run_v2.npz"))) == "data space ℝ²"


def test_the_picture_draws_the_projected_true_recon_and_titles_its_projection() -> None:
    run = load_run(FIXTURE)
    pic = Picture2D(run)
    assert pic.run is shadow_run(run)
    pic.set_state(PictureState.of(pic.run.final), recon_fraction=1.0)
    assert run.projection is not None
    np.testing.assert_allclose(pic.recon_on_screen(), run.projection.apply(run.final.recon), atol=1e-4)
    lines = [pic.data_panel.title, *pic.variance_label]  # the honest label, wrapped to the panel's width
    shown = "".join(line.text for line in lines).replace(" ", "")
    assert shown == "ℝ⁶seenalongitstop2principaldirections(99%ofthevariance)"
    assert all(line.width <= pic.layout.data.width - 0.3 for line in lines)
    with pytest.raises(ValueError, match="a vector run's shadow"):
        pic.set_state(PictureState.of(run.final))  # a state in R^6 is never drawn as if it were R^2


def test_where_the_shadow_crosses_itself_the_far_branch_is_dimmed() -> None:
    up = np.c_[np.linspace(-1, 1, 40), np.linspace(-1, 1, 40)]
    back = np.c_[np.linspace(1, -0.5, 41)[1:], np.full(40, 1.0)]
    down = np.c_[np.full(40, -0.5), np.linspace(1, -1, 41)[1:]]  # crosses the first branch at (-0.5, -0.5)
    loop = np.r_[up, back, down]
    far_last = np.r_[np.zeros(80), np.full(40, 3.0)]  # the last branch lies far from the picture's plane
    factor = crossing_dim(loop, far_last)
    assert factor[:80].min() == 1.0  # the near branch stays bright
    at = 80 + int(np.argmin(np.linalg.norm(loop[80:] - (-0.5, -0.5), axis=1)))
    assert factor[at] <= 0.35  # the far branch is dimmed at the crossing
    assert factor[80] == 1.0 and factor[-1] == 1.0  # and only near it
    far_first = crossing_dim(loop, np.r_[np.full(80, 3.0), np.zeros(40)])
    assert far_first[80:].min() == 1.0 and far_first[:80].min() <= 0.35
    assert (crossing_dim(up, np.zeros(40)) == 1.0).all()  # no crossing, nothing dimmed
    assert (crossing_dim(loop, None) == 1.0).all()


def _vector_table(path: Path) -> Path:
    """A table of 20 named columns: a looped curve in R^20, denser at one end, features in their own units."""
    rng = np.random.default_rng(7)
    t = np.sort(-np.pi + 2 * np.pi * rng.beta(1.3, 1.0, 400))
    curve = np.c_[t - 2 * np.sin(t), 1 - 2 * np.cos(t), 0.6 * t, np.zeros((400, 17))]
    noisy = curve + 0.04 * rng.standard_normal(curve.shape)
    q, _ = np.linalg.qr(rng.standard_normal((20, 20)))
    x = noisy @ q.T * np.linspace(0.5, 3.0, 20) + np.arange(20)
    rows = "\n".join(",".join(repr(float(v)) for v in row) for row in x)
    path.write_text(",".join(f"sensor {i}" for i in range(20)) + "\n" + rows + "\n")
    return path


@pytest.fixture(scope="module")
def vector_main_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The main run is a table of 20 named columns (a looped curve in R^20, denser at one end); undone after.

    Its shadow crosses itself; trained as the video trains its main run (3,000 steps, four other seeds),
    once per session: into the session's run cache, which is keyed on the table's bytes and locked, so
    the themes' tests share one training even on two workers.
    """
    from aecore.cache import ensure_run

    path = _vector_table(tmp_path_factory.mktemp("vector-run") / "table.csv")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AE_EXPLAINER_RUN", json.dumps({"data": str(path)}))
        runs.main_run_2d.cache_clear()
        ensure_run(runs.main_config_2d(), progress=lambda *_: None)
        assert runs.main_run_2d().projection is not None
        yield
    runs.main_run_2d.cache_clear()


_VECTOR_CHAPTERS = (1, 2, 3, 4, 5, 6, 12)


def _vector_theme(chapter: int, aspect: str) -> str:
    """The theme a vector run's key frame is audited in: each in turn, as in ``tests/test_i18n.py``."""
    from scenes.settings import ASPECTS, THEMES

    return THEMES[(chapter + list(ASPECTS).index(aspect)) % len(THEMES)]


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_main_chapters_key_frames_are_clean_with_a_vector_run(
    vector_main_run: None, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chapters 1-6 and 12 in every aspect, each (chapter, aspect) in one theme, the themes taking turns.

    The audit reads only the layout (:func:`tests.keyframes.layout`), which the theme does not move:
    ``tests/test_look.py`` proves it at every key frame with the main run, and chapter 3 in 16:9 here
    with the vector run. So the other theme's audit of a case would find the same.
    """
    from scenes.chapters import SCENES_IN_ORDER
    from scenes.settings import ASPECTS, THEMES
    from tests.keyframes import key_frame, layout

    for aspect in ASPECTS:  # each theme meets every aspect and every chapter
        assert {_vector_theme(c, aspect) for c in _VECTOR_CHAPTERS} == set(THEMES)
    for chapter in _VECTOR_CHAPTERS:
        assert {_vector_theme(chapter, a) for a in ASPECTS} == set(THEMES)
    monkeypatch.setenv("AE_EXPLAINER_THEME", theme)
    chosen = [c for c in SCENES_IN_ORDER if c.chapter in _VECTOR_CHAPTERS]
    assert len(chosen) == 7
    audited = 0
    for aspect in ASPECTS:
        for cls in chosen:
            if _vector_theme(cls.chapter, aspect) != theme:
                continue
            scene, offenders, findings = key_frame(cls, aspect)
            assert scene.key_frame_time is not None, (cls.chapter, aspect)  # type: ignore[attr-defined]
            assert offenders == [] and findings == [], (cls.chapter, aspect, offenders, findings)
            if (cls.chapter, aspect) == (3, "16:9"):  # the same layout in the other theme
                monkeypatch.setenv("AE_EXPLAINER_THEME", "light" if theme == "dark" else "dark")
                assert layout(key_frame(cls, aspect)[0].mobjects) == layout(scene.mobjects)
                monkeypatch.setenv("AE_EXPLAINER_THEME", theme)
            audited += 1
    assert audited >= 10
    run = runs.main_run_2d()
    assert run.projection is not None and run.data.shape[1] == 20
