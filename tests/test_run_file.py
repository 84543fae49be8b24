"""A run file of the user's own in the explainer: ``[run] file``, ``--run-file``, inspect and train.

The runs here are recorded from small models in a few steps
(:func:`tests.test_images_core._train_and_record`); only the example renders
(a still of each chapter that shows images, if there is one).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import aecore
from aecore import AecoreError, load_run
from scenes.runs import DIGITS
from tests.test_images_core import _images, _one_line, _train_and_record

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "record_my_autoencoder.py"


def _record_points(out: Path, dim: int = 2, weights: bool = False) -> Path:
    """A run of 100 points in R^dim with k = 1 from a small model (an MLP's weights if ``weights``)."""
    x = aecore.make_dataset("arc" if dim == 2 else "helix", 100, 0.05, 0).astype(np.float32)
    torch.manual_seed(0)
    enc = nn.Sequential(nn.Linear(dim, 8), nn.SiLU(), nn.Linear(8, 1))
    dec = nn.Sequential(nn.Linear(1, 8), nn.SiLU(), nn.Linear(8, dim))
    return _train_and_record(enc if weights else (lambda t: enc(t)), dec, x, out, steps=10)


def _cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    from ae_explainer.cli.app import main

    capsys.readouterr()  # what came before is not the command's
    code = main([str(a) for a in args])
    got = capsys.readouterr()
    return code, got.out, got.err


def test_a_run_file_in_the_settings_is_found_next_to_the_settings(tmp_path: Path) -> None:
    from ae_explainer.cli.userconfig import load_user_config

    (tmp_path / "sub").mkdir()
    run = _record_points(tmp_path / "sub" / "mine.npz")
    toml = tmp_path / "sub" / "video.toml"
    toml.write_text('[run]\nfile = "mine.npz"\n')
    assert load_user_config(toml).run == {"file": str(run.resolve())}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('file = "missing.npz"', "missing.npz does not exist"),
        ('file = "points.npz"\ndata = "spiral"', "drop data"),
        ('file = "helix.npz"', "holds points in R^3 with k = 1"),
        ('file = "junk.npz"', "not a readable snapshot file"),
        ('file = "notes.txt"', "ends in .npz"),
    ],
)
def test_bad_run_files_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, needle: str
) -> None:
    _record_points(tmp_path / "points.npz")
    _record_points(tmp_path / "helix.npz", dim=3)
    (tmp_path / "junk.npz").write_bytes(b"PK\x03\x04 not a zip")
    (tmp_path / "notes.txt").write_text("hello")
    toml = tmp_path / "video.toml"
    toml.write_text(f"[run]\n{body}\n")
    code, out, err = _cli(capsys, "render", "--config", toml, "--still", "--out", tmp_path / "out")
    assert code == 2 and not out and err.count("\n") == 1 and needle in err, err
    assert "[run] file" in err and not (tmp_path / "out").exists()


def test_the_network_diagram_and_the_explorer_need_an_mlps_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _record_points(tmp_path / "mine.npz")
    for args in (
        ("render", "--run-file", run, "--chapters", "4,1", "--out", tmp_path / "out"),
        ("video", "--run-file", run, "--out", tmp_path / "out"),
        ("lecture", "--run-file", run, "--chapters", "4", "--out", tmp_path / "out"),
        ("explore", run, "--out", tmp_path / "page"),
        ("explore", "--run-file", run, "--out", tmp_path / "page"),
    ):
        code, _, err = _cli(capsys, *args)
        assert code == 2 and err.count("\n") == 1 and "mine.npz" in err, err
        assert "needs an MLP's weights" in err
    code, _, err = _cli(capsys, "render", "--run-file", tmp_path / "none.npz", "--out", tmp_path / "out")
    assert code == 2 and err.count("\n") == 1 and "--run-file" in err and "none.npz" in err


def test_the_render_index_keys_a_run_file_on_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aecore.cache
    from ae_explainer.options import RenderOptions
    from ae_explainer.render.runs import main_run_id, prepare_runs
    from aecore.files import file_sha256
    from scenes.chapters import find_chapter

    a = _record_points(tmp_path / "a.npz")
    b = tmp_path / "elsewhere" / "b.npz"
    b.parent.mkdir()
    b.write_bytes(a.read_bytes())
    c = _record_points(tmp_path / "c.npz", weights=True)

    def opts(path: Path) -> RenderOptions:
        o = RenderOptions(quality="low", run={"file": str(path)})
        return o.replace(run_id=main_run_id(o))

    assert opts(a).index_text() == opts(b).index_text() and opts(a).tag() == opts(b).tag()
    assert opts(a).index_text() != opts(c).index_text() and str(a) not in opts(a).index_text()

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained a run the file replaces")

    monkeypatch.setattr(aecore.cache, "ensure_run", no_training)
    assert prepare_runs([find_chapter("4")], opts(b)) == {"ManifoldForms": [file_sha256(a)]}


def test_inspect_and_train_know_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "d.npz"
    args = ("--latent-dim", 2, "--n-points", 100, "--steps", 5, "--snapshots", 2, "--quiet")
    assert _cli(capsys, "train", "--data", "digits", *args, "--out", out)[0] == 0
    code, text, _ = _cli(capsys, "inspect", out)
    assert code == 0 and "8 x 8 pixels" in text and "10 classes" in text
    np.save(tmp_path / "flat.npy", _images().reshape(40, 20))
    flat = ("train", "--data", tmp_path / "flat.npy", *args, "--out", tmp_path / "f.npz")
    assert _cli(capsys, *flat, "--image-shape", "4,5")[0] == 0
    assert load_run(tmp_path / "f.npz").image_shape == (4, 5)
    code, _, err = _cli(capsys, *flat, "--image-shape", "4,4")
    assert code == 2 and err.count("\n") == 1 and "flat.npy" in err
    code, text, _ = _cli(capsys, "inspect", _record_points(tmp_path / "mine.npz"))
    assert code == 0 and "no MLP weights" in text and "recorded" in text


@pytest.mark.slow
def test_the_example_records_inspects_and_renders_as_written(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from ae_explainer.options import RenderOptions
    from ae_explainer.render.runs import chapter_runs
    from scenes.chapters import chapter_infos

    env = {k: v for k, v in os.environ.items() if not k.startswith("AE_EXPLAINER_")}
    env |= {"AE_EXPLAINER_RUNS": str(tmp_path / "runs"), "EXAMPLE_STEPS": "200"}
    # The timeout is a hang guard (about 60 s when quiet, 120 s loaded), not a speed check.
    p = subprocess.run(
        [sys.executable, str(EXAMPLE)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800
    )
    assert p.returncode == 0, p.stderr[-2000:]
    run = load_run(tmp_path / "my_run.npz")
    assert run.image_shape == (8, 8) and run.labels is not None and run.steps[-1] == 200
    assert "8 x 8 pixels" in p.stdout
    low = RenderOptions(quality="low")
    images_chapters = [i for i in chapter_infos() if DIGITS in chapter_runs(i, low)]
    if images_chapters:  # the images chapter shows it: one still each
        assert len(list((tmp_path / "renders").glob("*.png"))) == len(images_chapters), p.stdout
    else:
        assert "no chapter of this version shows" in p.stdout


def test_only_a_run_without_weights_may_leave_out_layer_sizes_and_param_names(tmp_path: Path) -> None:
    def without(src: Path, dest: Path, keys: tuple[str, ...]) -> Path:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
            for info in zin.infolist():
                blob = zin.read(info)
                if info.filename == "meta.npy":
                    meta = json.loads(np.load(io.BytesIO(blob)).tobytes())
                    raw = json.dumps({k: v for k, v in meta.items() if k not in keys}).encode()
                    buf = io.BytesIO()
                    np.save(buf, np.frombuffer(raw, dtype=np.uint8))
                    blob = buf.getvalue()
                zout.writestr(info.filename, blob)
        return dest

    mlp = _record_points(tmp_path / "mlp.npz", weights=True)
    for keys in (("layer_sizes",), ("param_names",), ("layer_sizes", "param_names")):
        with pytest.raises(AecoreError) as e:
            load_run(without(mlp, tmp_path / "bad.npz", keys))
        assert "bad.npz" in _one_line(e) and keys[0] in str(e.value)
    assert not load_run(_record_points(tmp_path / "fn.npz")).has_weights


def test_the_images_chapter_leaves_out_an_image_run_it_cannot_show_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its walk decodes new latents (an MLP's weights) and its dots are coloured by label."""
    from scenes.chapters import SCENES_IN_ORDER

    images = next(cls for cls in SCENES_IN_ORDER if DIGITS in cls.run_configs())
    x = _images(60, 4, 4).reshape(60, 16).astype(np.float32)
    torch.manual_seed(0)
    enc = nn.Sequential(nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 2))
    dec = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 16))
    labels = np.arange(60) % 3
    mlp = _train_and_record(enc, dec, x, tmp_path / "mlp.npz", image_shape=(4, 4), labels=labels)
    fn = _train_and_record(lambda t: enc(t), dec, x, tmp_path / "fn.npz", image_shape=(4, 4), labels=labels)
    bare = _train_and_record(enc, dec, x, tmp_path / "bare.npz", image_shape=(4, 4))
    assert images.cannot_show(load_run(mlp)) is None
    assert "MLP's weights" in str(images.cannot_show(load_run(fn)))
    assert "no labels" in str(images.cannot_show(load_run(bare)))
    code, _, err = _cli(capsys, "render", images.chapter, "--run-file", fn, "--out", tmp_path / "out")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "MLP's weights" in err, err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.mp4"))
