"""The bad-input catalogue: every case is one line on stderr, exit status 2, and nothing written.

Each case runs ``ae-explainer`` in a child process from a fresh folder, with
a clean environment, and checks four things: the exit status is 2; stderr is
exactly one line, and it names the culprit (the flag, file, section or key);
there is no traceback; and no file appeared under a final name (nor a
temporary one). A case that hangs fails on its timeout.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

Setup = Callable[[Path], list[str]]


def _write(name: str, content: str | bytes) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p

    return make


def _train(*flags: str, data: str = "arc") -> Setup:
    return lambda d: ["train", "--data", data, "--latent-dim", "1", *flags, "--out", str(d / "out.npz")]


def _train_file(make: Callable[[Path], Path]) -> Setup:
    return lambda d: ["train", "--data", str(make(d)), "--latent-dim", "1", "--out", str(d / "out.npz")]


def _npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def _npy_header_only(shape: tuple[int, ...]) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buf.getvalue() + b"\0" * 64


def _points(n: int = 50, scale: float = 1.0) -> str:
    rng = np.random.default_rng(0)
    return "\n".join(f"{a:.6f},{b:.6f}" for a, b in rng.standard_normal((n, 2)) * scale)


def _render(*flags: str, out: str | None = None) -> Setup:
    return lambda d: ["render", "2", *flags, "--out", out or str(d / "renders")]


def _config(body: str) -> Setup:
    def setup(d: Path) -> list[str]:
        (d / "talk.toml").write_text(body, encoding="utf-8")
        return ["render", "--config", str(d / "talk.toml"), "--out", str(d / "renders")]

    return setup


def _out(make: Callable[[Path], str]) -> Setup:
    return lambda d: ["render", "2", "--out", make(d)]


FIXTURE = ROOT / "tests" / "fixtures" / "run_v1.npz"


def _run_file(name: str, tamper: Callable[[dict[str, np.ndarray]], None]) -> Setup:
    """``inspect`` a copy of the committed fixture with one entry tampered with."""

    def setup(d: Path) -> list[str]:
        with np.load(FIXTURE, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        tamper(arrays)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for key, a in arrays.items():
                if isinstance(a, bytes):
                    zf.writestr(key + ".npy", a)
                else:
                    zf.writestr(key + ".npy", _npy(a, allow_pickle=a.dtype == object))
        (d / name).write_bytes(buf.getvalue())
        return ["inspect", str(d / name)]

    return setup


def _bytes_file(name: str, make: Callable[[], bytes]) -> Setup:
    def setup(d: Path) -> list[str]:
        (d / name).write_bytes(make())
        return ["inspect", str(d / name)]

    return setup


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("data.npy", "w", force_zip64=True) as fh,
    ):
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": (2**25, 4)}
        )
        fh.write(header.getvalue())
        zeros = bytes(2**22)
        for _ in range(2**25 * 4 * 8 // len(zeros)):  # 1 GiB of zeros, about 1 MB deflated
            fh.write(zeros)
    return buf.getvalue()


def _set(key: str, value: object) -> Callable[[dict[str, np.ndarray]], None]:
    def tamper(arrays: dict[str, np.ndarray]) -> None:
        arrays[key] = value  # type: ignore[assignment]

    return tamper


def _nan_manifold(arrays: dict[str, np.ndarray]) -> None:
    arrays["manifold"] = arrays["manifold"].copy()
    arrays["manifold"][-1, 3] = np.nan


def _a_file(d: Path) -> Path:
    (d / "a-file").write_text("x")
    return d / "a-file"


CASES: list[tuple[str, Setup, str]] = [
    # Data files -------------------------------------------------------------------------
    ("data-missing", lambda d: _train(data=str(d / "nope.csv"))(d), "nope.csv"),
    ("data-suffix", _train_file(_write("points.txt", _points())), "points.txt"),
    ("data-empty-csv", _train_file(_write("empty.csv", "")), "empty.csv"),
    ("data-words", _train_file(_write("w.csv", "x,y\n1,2\n3,4\nfive,6\n" + _points())), "line 4"),
    ("data-ragged", _train_file(_write("r.csv", "1,2\n3,4\n5\n" + _points())), "line 3"),
    ("data-nan", _train_file(_write("n.csv", "x,y\n\n1,2\nnan,4\n" + _points())), "line 4"),
    ("data-one-column", _train_file(_write("c.csv", "\n".join(str(i) for i in range(30)))), "c.csv"),
    ("data-four-columns", _train_file(_write("f.csv", "\n".join("1,2,3,4" for _ in range(30)))), "f.csv"),
    ("data-binary-csv", _train_file(_write("b.csv", bytes(range(256)) * 4)), "b.csv"),
    ("data-npy-1d", _train_file(_write("a.npy", _npy(np.arange(40.0)))), "a.npy"),
    ("data-npy-3d", _train_file(_write("a.npy", _npy(np.zeros((10, 2, 2))))), "a.npy"),
    ("data-npy-object", _train_file(_write("o.npy", _npy(np.array([{}] * 20), True))), "o.npy"),
    ("data-npy-huge-header", _train_file(_write("h.npy", _npy_header_only((10**12, 2)))), "h.npy"),
    ("data-npy-truncated", _train_file(_write("t.npy", _npy(np.ones((100, 2)))[:200])), "t.npy"),
    ("data-npy-strings", _train_file(_write("s.npy", _npy(np.array([["a", "b"]] * 20)))), "s.npy"),
    ("data-zero-variance", _train_file(_write("z.csv", "\n".join("3,4" for _ in range(30)))), "z.csv"),
    ("data-overflows-float32", _train_file(_write("big.csv", _points(scale=1e39))), "big.csv"),
    ("data-too-few", _train_file(_write("few.csv", "1,2\n3,4\n5,7\n")), "few.csv"),
    ("data-unknown-name", _train(data="spirall"), "--data"),
    # Training flags -----------------------------------------------------------------------
    ("seed-huge", _train("--seed", str(2**70)), "--seed"),
    ("data-seed-negative", _train("--data-seed", "-1"), "--data-seed"),
    ("steps-huge", _train("--steps", "99999999999999999999"), "--steps"),
    ("steps-zero", _train("--steps", "0"), "--steps"),
    ("hidden-huge", _train("--hidden", "100000,100000"), "--hidden"),
    ("hidden-zero", _train("--hidden", "0,4"), "--hidden"),
    ("hidden-words", _train("--hidden", "big"), "--hidden"),
    ("n-points-huge", _train("--n-points", "1000000000"), "--n-points"),
    ("snapshots-huge", _train("--snapshots", "100000", "--steps", "200000"), "--snapshots"),
    ("lr-nan", _train("--lr", "nan"), "--lr"),
    ("lr-negative", _train("--lr", "-1"), "--lr"),
    ("noise-nan", _train("--noise", "nan"), "--noise"),
    ("latent-dim-5", _train("--latent-dim", "5"), "--latent-dim"),
    ("activation", _train("--activation", "bogus"), "--activation"),
    ("variant", _train("--variant", "gan"), "--variant"),
    ("kl-weight", _train("--kl-weight", "-1"), "--kl-weight"),
    (
        "train-out-suffix",
        lambda d: ["train", "--data", "arc", "--latent-dim", "1", "--out", str(d / "x.txt")],
        "--out",
    ),
    # Render flags -------------------------------------------------------------------------
    ("chapters-comma", lambda d: ["render", "--chapters", ",", "--out", str(d / "r")], "--chapters"),
    ("chapter-unknown", lambda d: ["render", "99", "--out", str(d / "r")], "--chapters"),
    ("pace", _render("--pace", "9"), "--pace"),
    ("jobs", _render("--jobs", "0"), "--jobs"),
    ("transparent-mp4", _render("--transparent"), "--transparent"),
    ("aspect", _render("--aspect", "4:3"), "--aspect"),
    ("quality", _render("--quality", "ultra"), "--quality"),
    # Config files -------------------------------------------------------------------------
    (
        "config-missing",
        lambda d: ["render", "--config", str(d / "none.toml"), "--out", str(d / "r")],
        "none.toml",
    ),
    ("config-not-toml", _config("[video\naspect = 1"), "talk.toml"),
    ("config-section", _config("[audio]\nvoice = 1\n"), "audio"),
    ("config-aspect", _config('[video]\naspect = "4:3"\n'), "[video] aspect"),
    ("config-steps-huge", _config("[run]\nsteps = 1000000000000\n"), "steps"),
    ("config-data-missing", _config('[run]\ndata = "mine.csv"\n'), "[run] data"),
    ("config-latent-dim", _config("[run]\nlatent_dim = 2\n"), "[run] latent_dim"),
    ("config-chapters-empty", _config("[video]\nchapters = []\n"), "chapters"),
    ("config-bom-bad-key", _config("\ufeff[video]\nshape = 1\n"), "[video]"),
    # Snapshot files (ae-explainer inspect) ----------------------------------------------
    ("run-missing", lambda d: ["inspect", str(d / "none.npz")], "none.npz"),
    ("run-suffix", lambda d: ["inspect", str(_a_file(d))], "a-file"),
    ("run-not-a-zip", _bytes_file("noise.npz", lambda: np.random.default_rng(0).bytes(5000)), "noise.npz"),
    ("run-truncated", _bytes_file("cut.npz", lambda: FIXTURE.read_bytes()[:4000]), "cut.npz"),
    ("run-zip-bomb", _bytes_file("bomb.npz", _zip_bomb), "bomb.npz"),
    ("run-nan-manifold", _run_file("nan.npz", _nan_manifold), "manifold"),
    ("run-huge-member", _run_file("huge.npz", _set("recon", _npy_header_only((10**11,)))), "recon"),
    ("run-pickled-loss", _run_file("pickle.npz", _set("loss", np.array([{}] * 4, dtype=object))), "loss"),
    ("run-string-loss", _run_file("str.npz", _set("loss", np.array(["a", "b", "c", "d"]))), "loss"),
    ("run-meta-not-json", _run_file("meta.npz", _set("meta", np.frombuffer(b"{oops", np.uint8))), "meta"),
    (
        "run-no-snapshots",
        _run_file("empty.npz", _set("step", np.zeros(0, np.int64))),
        "step",
    ),
    # Output folders -----------------------------------------------------------------------
    ("out-proc", _out(lambda d: "/proc/ae-explainer-out"), "--out /proc/ae-explainer-out"),
    ("out-sys", _out(lambda d: "/sys/ae-explainer-out"), "--out /sys/ae-explainer-out"),
    ("out-under-a-file", _out(lambda d: str(_a_file(d) / "renders")), "--out"),
    ("out-is-a-file", _out(lambda d: str(_a_file(d))), "--out"),
    ("out-name-too-long", _out(lambda d: str(d / ("r" * 300))), "--out"),
]


def _files(d: Path) -> set[Path]:
    return {p for p in d.rglob("*") if p.is_file()}


def _env(d: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AE_EXPLAINER_")}
    return {**env, "AE_EXPLAINER_RUNS": str(d / "runs"), "XDG_CACHE_HOME": str(d / "cache")}


def test_the_catalogue_is_large_and_its_names_are_unique() -> None:
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "setup", "culprit"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, name: str, setup: Setup, culprit: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    args = setup(work)
    before = _files(work)
    p = subprocess.run(
        [sys.executable, "-m", "aecore", *args],
        cwd=work,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert p.returncode == 2, (p.returncode, p.stderr[-2000:])
    assert "Traceback" not in p.stderr
    assert len(lines) == 1, p.stderr
    assert culprit in lines[0], lines[0]
    assert lines[0].startswith("ae-explainer") and ": error: " in lines[0]
    assert _files(work) == before, sorted(map(str, _files(work) - before))


def test_a_bom_in_a_config_file_is_read_as_utf8(tmp_path: Path) -> None:
    from aecore.userconfig import load_user_config

    (tmp_path / "talk.toml").write_bytes('\ufeff[video]\naspect = "9:16"\n'.encode())
    assert load_user_config(tmp_path / "talk.toml").video == {"aspect": "9:16"}
