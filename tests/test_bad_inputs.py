"""The bad-input catalogue: every case is one line on stderr, exit status 2, and nothing written.

Each case runs ``ae-explainer`` in a child process from a fresh folder, with
a clean environment (forked from a process that imported the CLI once, see
``tests/forked_cli.py``; a case run without privileges starts its own
interpreter), and checks four things: the exit status is 2; stderr is
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
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from aecore.datasets import MAX_POINTS
from tests import catalogue_round2 as round2
from tests import catalogue_vectors as vectors
from tests.forked_cli import ForkedCli

ROOT = Path(__file__).resolve().parents[1]

Setup = Callable[[Path], list[str]]
"""Given the case's folder (where it may write input files), the command line of the case."""

TrainSetup = Callable[[Path], list[str]]
"""Given the case's folder, the ``train`` flags of one case (``--out`` is added unless given)."""


def _npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def _npy_header_only(shape: tuple[int, ...]) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buf.getvalue() + b"\0" * 64


# ``ae-explainer train``: flags and data files.


def _file(name: str, content: str | bytes) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        p = d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return str(p)

    return make


def _rows(n: int = 40, scale: float = 1.0, offset: float = 0.0) -> str:
    x = np.random.default_rng(0).standard_normal((n, 2)) * scale + offset
    return _csv(x) + "\n"


def _csv(x: np.ndarray, newline: str = "\n") -> str:
    """Rows of ``x`` as CSV lines, every float written exactly (``repr``)."""
    return newline.join(",".join(repr(float(v)) for v in row) for row in x)


def _nan_npy() -> bytes:
    x = np.random.default_rng(0).standard_normal((30, 2))
    x[4, 1] = np.nan
    return _npy(x)


def _tiny_spread_npy() -> bytes:
    # 1e12 + N(0, 1e-3): float64 resolves only ~10 steps across the spread.
    return _npy(1e12 + 1e-3 * np.random.default_rng(0).standard_normal((40, 2)))


def _flags(*flags: str, data: str = "arc", k: str = "1") -> TrainSetup:
    return lambda d: ["--data", data, "--latent-dim", k, *flags]


def _data(make: Callable[[Path], str], *flags: str) -> TrainSetup:
    return lambda d: ["--data", make(d), "--latent-dim", "1", *flags]


# (name, setup, substrings the one stderr line must contain)
TRAIN_CASES: list[tuple[str, TrainSetup, tuple[str, ...]]] = [
    # Flags.
    ("seed-2**70", _flags("--seed", str(2**70)), ("--seed", "2**32")),
    ("seed-negative", _flags("--seed", "-1"), ("--seed", "2**32")),
    ("data-seed-negative", _flags("--data-seed", "-1"), ("--data-seed", "2**32")),
    ("data-seed-2**32", _flags("--data-seed", str(2**32)), ("--data-seed",)),
    ("steps-huge", _flags("--steps", "99999999999999999999"), ("--steps", "1,000,000")),
    ("steps-zero", _flags("--steps", "0"), ("--steps",)),
    ("steps-not-int", _flags("--steps", "1e6"), ("--steps",)),
    ("hidden-huge", _flags("--hidden", "100000,100000"), ("--hidden", "parameters", "2,000,000")),
    ("hidden-wide", _flags("--hidden", "5000"), ("--hidden", "1,024")),
    ("hidden-deep", _flags("--hidden", ",".join(["4"] * 9)), ("--hidden", "layers")),
    ("hidden-words", _flags("--hidden", "64,x"), ("--hidden",)),
    ("n-points-huge", _flags("--n-points", "1000000000"), ("--n-points", "50,000")),
    ("n-points-few", _flags("--n-points", "3"), ("--n-points",)),
    ("snapshots-many", _flags("--snapshots", "100000", "--steps", "200000"), ("--snapshots", "1,000")),
    ("snapshots-one", _flags("--snapshots", "1"), ("--snapshots",)),
    ("snapshots-memory", _flags("--snapshots", "1000", "--n-points", "50000"), ("--snapshots", "GB")),
    ("lr-nan", _flags("--lr", "nan"), ("--lr",)),
    ("lr-inf", _flags("--lr", "inf"), ("--lr",)),
    ("lr-negative", _flags("--lr", "-0.1"), ("--lr",)),
    ("lr-zero", _flags("--lr", "0"), ("--lr",)),
    ("noise-nan", _flags("--noise", "nan"), ("--noise",)),
    ("noise-negative", _flags("--noise", "-1"), ("--noise",)),
    ("noise-huge", _flags("--noise", "1e300"), ("--noise",)),
    ("kl-weight-nan", _flags("--kl-weight", "nan"), ("--kl-weight",)),
    ("ensemble-words", _flags("--ensemble-seeds", "1,x"), ("--ensemble-seeds", "1,2,3,4")),
    ("ensemble-own-seed", _flags("--ensemble-seeds", "0"), ("--ensemble-seeds", "differ from --seed")),
    ("ensemble-many", _flags("--ensemble-seeds", "1,2,3,4,5,6,7,8,9"), ("--ensemble-seeds", "at most 8")),
    ("ensemble-huge", _flags("--ensemble-seeds", str(2**32)), ("--ensemble-seeds", "2**32")),
    ("activation-bogus", _flags("--activation", "bogus"), ("--activation", "silu")),
    ("latent-dim-5", _flags(k="5"), ("--latent-dim", "1 or 2")),
    ("latent-dim-k-not-below-n", _flags(k="2"), ("--latent-dim", "n=2")),
    ("variant-bogus", _flags("--variant", "gan"), ("--variant",)),
    ("data-unknown-name", _flags(data="banana"), ("--data", "banana")),
    # CSV files.
    ("csv-missing", lambda d: ["--data", str(d / "nope.csv"), "--latent-dim", "1"], ("nope.csv",)),
    ("csv-wrong-suffix", _data(_file("pts.txt", _rows())), ("pts.txt", ".csv")),
    ("csv-empty", _data(_file("empty.csv", "")), ("empty.csv", "no rows")),
    ("csv-header-only", _data(_file("head.csv", "x,y\n\n")), ("head.csv", "no rows")),
    ("csv-bom-bad-line", _data(_file("bom.csv", "\ufeff1,2\n3,4\n5,six\n" + _rows())), ("bom.csv", "line 3")),
    ("csv-words", _data(_file("w.csv", "x,y\n\n1,2\n3,4\nfive,6\n" + _rows())), ("w.csv", "line 5")),
    ("csv-ragged", _data(_file("r.csv", "x,y\n1,2\n\n3,4,5\n" + _rows())), ("r.csv", "line 4", "line 2")),
    ("csv-nan-line", _data(_file("n.csv", "x,y\n\n1,2\n\n3,4\nnan,5\n" + _rows())), ("n.csv", "line 6")),
    ("csv-crlf-nan-line", _data(_file("c.csv", "x,y\r\n1,2\r\n3,inf\r\n" + _rows())), ("c.csv", "line 3")),
    ("csv-one-column", _data(_file("one.csv", "\n".join(map(str, range(30))))), ("one.csv", "N x 2")),
    (
        "csv-four-columns-constant",
        _data(_file("four.csv", "1,2,3,4\n" * 30)),
        ("four.csv", "zero variance"),
    ),
    ("csv-too-few", _data(_file("few.csv", "1,2\n3,4\n5,7\n")), ("few.csv", "at least")),
    ("csv-too-many", _data(_file("many.csv", "1,2\n3,4\n" * (MAX_POINTS // 2 + 1))), ("many.csv", "50,000")),
    ("csv-not-utf8", _data(_file("bin.csv", bytes(range(256)) * 4)), ("bin.csv", "UTF-8")),
    ("csv-zero-variance", _data(_file("z.csv", "3,4\n" * 30)), ("z.csv", "zero variance")),
    ("csv-overflows-float32", _data(_file("big.csv", _rows(scale=1e39))), ("big.csv", "float32")),
    # .npy files.
    ("npy-1d", _data(_file("a.npy", _npy(np.arange(40.0)))), ("a.npy", "N x 2")),
    ("npy-4d", _data(_file("b.npy", _npy(np.zeros((10, 2, 2, 2))))), ("b.npy", "N x 2")),
    ("npy-object", _data(_file("o.npy", _npy(np.array([{}] * 20), True))), ("o.npy", "objects")),
    ("npy-strings", _data(_file("s.npy", _npy(np.array([["a", "b"]] * 20)))), ("s.npy", "numbers")),
    ("npy-bool", _data(_file("t.npy", _npy(np.ones((20, 2), bool)))), ("t.npy", "numbers")),
    ("npy-complex", _data(_file("c.npy", _npy(np.ones((20, 2), complex)))), ("c.npy", "numbers")),
    ("npy-huge-header", _data(_file("h.npy", _npy_header_only((10**12, 2)))), ("h.npy", "50,000")),
    (
        "npy-header-bigger-than-file",
        _data(_file("g.npy", _npy_header_only((40_000, 2)))),
        ("g.npy", "truncated"),
    ),
    ("npy-truncated", _data(_file("tr.npy", _npy(np.ones((100, 2)))[:200])), ("tr.npy",)),
    ("npy-not-npy", _data(_file("junk.npy", b"hello, not an array")), ("junk.npy",)),
    ("npy-too-many", _data(_file("m.npy", _npy(np.zeros((MAX_POINTS + 1, 2))))), ("m.npy", "50,000")),
    ("npy-nan-row", _data(_file("nan.npy", _nan_npy())), ("nan.npy", "row 5")),
    ("npy-zero-variance", _data(_file("zv.npy", _npy(np.full((30, 3), 7.0)))), ("zv.npy", "zero variance")),
    ("npy-tiny-spread", _data(_file("ts.npy", _tiny_spread_npy())), ("ts.npy", "precision")),
    ("npy-overflows-float32", _data(_file("of.npy", _npy(np.full((30, 2), 1e300)))), ("of.npy", "float32")),
    ("data-is-a-folder", lambda d: ["--data", str(d), "--latent-dim", "1"], ("--data", "folder")),
    # --out (these cases give their own).
    ("out-suffix", _flags("--out", "run.txt"), ("--out", ".npz")),
    ("out-under-a-file", lambda d: _flags("--out", _file("f", "x")(d) + "/run.npz")(d), ("--out", "folder")),
    ("out-name-too-long", lambda d: _flags("--out", str(d / ("r" * 300 + ".npz")))(d), ("--out",)),
]


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


def _run_file(name: str, tamper: Callable[[dict[str, np.ndarray]], None], fixture: Path = FIXTURE) -> Setup:
    """``inspect`` a copy of a committed fixture (the v1 run unless told) with one entry tampered with."""

    def setup(d: Path) -> list[str]:
        with np.load(fixture, allow_pickle=False) as z:
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
    # Render flags -------------------------------------------------------------------------
    ("chapters-comma", lambda d: ["render", "--chapters", ",", "--out", str(d / "r")], "--chapters"),
    ("chapter-unknown", lambda d: ["render", "99", "--out", str(d / "r")], "--chapters"),
    ("pace", _render("--pace", "9"), "--pace"),
    ("jobs", _render("--jobs", "0"), "--jobs"),
    ("transparent-mp4", _render("--transparent"), "--transparent"),
    ("aspect", _render("--aspect", "4:3"), "--aspect"),
    ("quality", _render("--quality", "ultra"), "--quality"),
    ("loudness", _render("--loudness", "5"), "--loudness"),
    ("loudness-words", _render("--loudness", "loud"), "--loudness"),
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
    ("config-run-key", _config("[run]\nsead = 3\n"), "[run]: unknown key 'sead'"),
    ("config-ensemble-own-seed", _config("[run]\nensemble_seeds = [0]\n"), "[run] ensemble_seeds"),
    ("config-ensemble-text", _config('[run]\nensemble_seeds = "1,2"\n'), "[run] ensemble_seeds"),
    ("config-jobs-bool", _config("[video]\njobs = true\n"), "[video] jobs: True must be a whole number"),
    ("config-loudness", _config("[video]\nloudness = -40\n"), "[video] loudness: -40 must be a loudness"),
    ("config-transparent-mp4", _config("[video]\ntransparent = true\n"), "[video] transparent: mp4"),
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


def _as_train(setup: TrainSetup) -> Setup:
    """A train case as a full command line: its flags, then ``--out`` in the case's folder (unless given)."""

    def full(d: Path) -> list[str]:
        args = setup(d)
        return [
            "train",
            *args,
            "--quiet",
            *([] if "--out" in args else ["--out", str(d / "out" / "run.npz")]),
        ]

    return full


CATALOGUE: list[tuple[str, Setup, tuple[str, ...]]] = [
    *((f"train-{name}", _as_train(setup), needles) for name, setup, needles in TRAIN_CASES),
    *((name, setup, (culprit,)) for name, setup, culprit in CASES),
    *round2.CASES,
    *((f"train-{name}", _as_train(setup), needles) for name, setup, needles in vectors.TRAIN_CASES),
    *(
        (name, _run_file(file, tamper, vectors.FIXTURE), (culprit,))
        for name, file, tamper, culprit in vectors.RUN_CASES
    ),
]


def test_the_catalogue_is_large_and_its_names_are_unique() -> None:
    assert len(CATALOGUE) >= 130 and len({c[0] for c in CATALOGUE}) == len(CATALOGUE)
    kinds = {name.split("-")[0] for name, _, _ in CATALOGUE}
    assert {"train", "run", "config", "out", "chapters", "pace", "narration", "inspect", "jobs"} <= kinds


@pytest.fixture(scope="module")
def forked_cli() -> Iterator[ForkedCli]:
    cli = ForkedCli()
    yield cli
    cli.close()


def _run_case(
    name: str, setup: Setup, tmp_path: Path, cli: ForkedCli | None
) -> tuple[Path, set[Path], subprocess.CompletedProcess[str]]:
    """The case's folder, its files before the run, and the run: forked from ``cli``, else a new process."""
    work = tmp_path / "work"
    work.mkdir(parents=True)
    args = setup(work)
    before = _files(work)
    prefix = round2.SETPRIV if args[0] == round2.UNPRIVILEGED else []
    env = _env(tmp_path)
    if name in round2.CACHED:  # the session's runs and cues: trained and dry-run once, not per case
        env |= {k: os.environ[k] for k in ("AE_EXPLAINER_RUNS", "AE_EXPLAINER_VOICE_CACHE")}
    if cli is not None and not prefix:
        return work, before, cli.run(args, work, env, timeout=600)  # a hang guard, not a speed check
    p = subprocess.run(
        [*prefix, sys.executable, "-m", "ae_explainer", *args[1 if prefix else 0 :]],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a hang guard (a case takes a few seconds), not a speed check
        stdin=subprocess.DEVNULL,
    )
    return work, before, p


@pytest.mark.parametrize(("name", "setup", "culprits"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, name: str, setup: Setup, culprits: tuple[str, ...], forked_cli: ForkedCli
) -> None:
    work, before, p = _run_case(name, setup, tmp_path, forked_cli)
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert p.returncode == 2, (p.returncode, p.stderr[-2000:])
    assert "Traceback" not in p.stderr
    assert len(lines) == 1, p.stderr
    for culprit in culprits:
        assert culprit in lines[0], (culprit, lines[0])
    assert lines[0].startswith("ae-explainer") and ": error: " in lines[0]
    assert _files(work) == before, sorted(map(str, _files(work) - before))


@pytest.mark.parametrize(
    "name", ["train-lr-nan", "run-truncated", "chapter-unknown", "config-loudness", "out-proc"]
)
def test_a_forked_case_answers_as_a_new_process_does(
    name: str, tmp_path: Path, forked_cli: ForkedCli
) -> None:
    """The same status, stdout and stderr from a forked case as from ``python -m ae_explainer``."""
    setup = next(c[1] for c in CATALOGUE if c[0] == name)
    forked = _run_case(name, setup, tmp_path / "forked", forked_cli)[2]
    real = _run_case(name, setup, tmp_path / "real", None)[2]
    assert forked.returncode == real.returncode == 2
    strip = lambda text: text.replace(str(tmp_path / "forked"), "").replace(str(tmp_path / "real"), "")  # noqa: E731
    assert strip(forked.stderr) == strip(real.stderr) and strip(forked.stdout) == strip(real.stdout)


def test_a_bom_in_a_config_file_is_read_as_utf8(tmp_path: Path) -> None:
    from ae_explainer.cli.userconfig import load_user_config

    (tmp_path / "talk.toml").write_bytes('\ufeff[video]\naspect = "9:16"\n'.encode())
    assert load_user_config(tmp_path / "talk.toml").video == {"aspect": "9:16"}
