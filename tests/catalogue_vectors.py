"""The bad-input catalogue's cases for vectors in R^D (``tests/test_bad_inputs.py`` runs them).

Each ``train`` case is ``(name, flags, needles)``: the flags of one ``train`` command (``--out`` is added),
and what its one line on stderr must name. Each run-file case is ``(name, file, tamper, culprit)``: the
committed vector run :data:`FIXTURE` with one entry tampered with, then ``inspect``-ed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = ["FIXTURE", "RUN_CASES", "TRAIN_CASES"]

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "run_v3_vectors.npz"


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def _file(name: str, content: str | bytes) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        p = d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return str(p)

    return make


def _data(make: Callable[[Path], str], *flags: str) -> Callable[[Path], list[str]]:
    return lambda d: ["--data", make(d), "--latent-dim", "1", *flags]


def _vector_array(n: int, d: int, nan: bool = False) -> np.ndarray:
    x = np.random.default_rng(1).standard_normal((n, d))
    if nan:
        x[7, 3] = np.nan
    return x


def _vectors(n: int, d: int, header: str | None = None, constant: int = -1, bad: str = "") -> str:
    """``n`` rows of ``d`` features as CSV text under a header (``f1,...``): one column ``constant``, or row 4
    (line 5) holding ``bad`` (``nan`` or ``inf``)."""
    x = _vector_array(n, d)
    if constant >= 0:
        x[:, constant] = 2.5
    lines = [",".join(repr(float(v)) for v in row) for row in x]
    if bad:
        lines[3] = lines[3].replace(lines[3].split(",")[1], bad, 1)
    return (header or ",".join(f"f{i}" for i in range(1, d + 1))) + "\n" + "\n".join(lines) + "\n"


def _drop(key: str) -> Callable[[dict[str, np.ndarray]], None]:
    def tamper(arrays: dict[str, np.ndarray]) -> None:
        del arrays[key]

    return tamper


def _skew_projection(arrays: dict[str, np.ndarray]) -> None:
    arrays["projection"] = arrays["projection"] * 2.0


TRAIN_CASES: list[tuple[str, Callable[[Path], list[str]], tuple[str, ...]]] = [
    ("csv-vectors-above-cap", _data(_file("wide.csv", _vectors(12, 1025))), ("wide.csv", "1,024")),
    ("npy-vectors-above-cap", _data(_file("wide.npy", _npy(_vector_array(12, 2000)))), ("wide.npy", "1,024")),
    (
        "csv-vectors-constant-feature",
        _data(_file("const.csv", _vectors(30, 6, constant=2))),
        ("const.csv", "column 3", "'f3'", "constant"),
    ),
    ("csv-vectors-nan", _data(_file("nanv.csv", _vectors(30, 6, bad="nan"))), ("nanv.csv", "line 5")),
    ("csv-vectors-inf", _data(_file("infv.csv", _vectors(30, 6, bad="inf"))), ("infv.csv", "line 5")),
    (
        "npy-vectors-nan",
        _data(_file("nanv.npy", _npy(_vector_array(30, 6, nan=True)))),
        ("nanv.npy", "column 4"),
    ),
    (
        "csv-vectors-header-longer",
        _data(_file("long.csv", _vectors(30, 6, header="a,b,c,d,e,f,g"))),
        ("long.csv", "7 columns", "6 values"),
    ),
    (
        "csv-vectors-duplicate-name",
        _data(_file("dup.csv", _vectors(30, 6, header="a,b,c,a,e,f"))),
        ("dup.csv", "column 4", "'a'"),
    ),
    (
        "csv-vectors-empty-name",
        _data(_file("empty.csv", _vectors(30, 6, header="a,b, ,d,e,f"))),
        ("empty.csv", "column 3"),
    ),
    (
        "vectors-latent-dim-3",
        lambda d: ["--data", _file("k3.csv", _vectors(30, 6))(d), "--latent-dim", "3"],
        ("--latent-dim", "1 or 2"),
    ),
]

RUN_CASES: list[tuple[str, str, Callable[[dict[str, np.ndarray]], None], str]] = [
    ("run-projection-missing", "noproj.npz", _drop("projection"), "projection is missing"),
    ("run-projection-skewed", "skew.npz", _skew_projection, "not orthonormal"),
]
