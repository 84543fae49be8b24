"""Reading a user's data file (``.csv`` of points, ``.npy`` of points or images) and the size limits.

The readers check what a file declares (its size, a ``.npy`` header's shape
and dtype) before they allocate anything, and raise
:class:`~aecore.errors.AecoreError` with one line naming the file and what is
wrong. :mod:`aecore.datasets` builds on them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from aecore.errors import AecoreError
from aecore.vectors import MAX_VECTOR_DIM, MIN_VECTOR_DIM, check_feature_names

__all__ = [
    "MAX_CSV_BYTES",
    "MAX_DIM",
    "MAX_POINTS",
    "MIN_POINTS",
    "check_count",
    "first_line",
    "npy_image_shape",
    "read_csv",
    "read_npy",
]

MIN_POINTS = 8
"""Fewer points than this cannot train an autoencoder worth drawing."""

MAX_POINTS = 50_000
"""The most points a run takes (``--n-points`` or a file): time and memory stay linear and bounded."""

MAX_CSV_BYTES = 64 * 2**20
"""Largest CSV file read (64 MiB; 50,000 points of three values take a few MiB)."""

MAX_DIM = 4096
"""Largest data dimension n (an image of 64 x 64 pixels)."""


def npy_image_shape(p: Path, shape: tuple[int, ...], image_shape: tuple[int, ...]) -> tuple[int, int] | None:
    """The image shape (H, W) of a ``.npy`` of ``shape``, or ``None`` for points; errors name the file."""
    bad = (
        f"--data: {p} has shape {shape}; it must be N x 2 or N x 3 (one point per row), N x D vectors"
        f" ({MIN_VECTOR_DIM} <= D <= {MAX_VECTOR_DIM:,}), N x H x W images, or N x D images with"
        " --image-shape H,W"
    )
    if len(shape) == 3:
        if min(shape[1:]) < 2 or shape[1] * shape[2] > MAX_DIM:
            raise AecoreError(f"{bad} (images of 2 x 2 to {MAX_DIM:,} pixels)")
        if image_shape and tuple(image_shape) != shape[1:]:
            raise AecoreError(
                f"--image-shape: {','.join(map(str, image_shape))} does not match the images of {p},"
                f" which are {shape[1]} x {shape[2]}"
            )
        return (int(shape[1]), int(shape[2]))
    if len(shape) != 2:
        raise AecoreError(bad)
    if image_shape:
        if math.prod(image_shape) != shape[1]:
            raise AecoreError(
                f"--image-shape: {','.join(map(str, image_shape))} has {math.prod(image_shape)} pixels but"
                f" the rows of {p} have {shape[1]} values; give H,W with H x W = {shape[1]}"
            )
        return (int(image_shape[0]), int(image_shape[1]))
    if not (shape[1] in (2, 3) or MIN_VECTOR_DIM <= shape[1] <= MAX_VECTOR_DIM):
        raise AecoreError(dimension_error(f"--data: {p}", shape[0], shape[1]))
    return None


def dimension_error(where: str, count: int, dim: int) -> str:
    """Why ``count`` points in R^``dim`` are refused: R^2, R^3, vectors up to the cap, or images are taken."""
    if dim > MAX_VECTOR_DIM:
        return (
            f"{where} holds {count:,} points in R^{dim:,}; vectors may have at most {MAX_VECTOR_DIM:,}"
            " features (reduce them first, e.g. by PCA); or give points in R^2 or R^3, or images"
            " in a .npy with --image-shape H,W"
        )
    return (
        f"{where} holds {count:,} points in R^{dim:,}; give points in R^2 or R^3 (N x 2 or N x 3),"
        f" vectors in R^{MIN_VECTOR_DIM} to R^{MAX_VECTOR_DIM:,}, or images in a .npy (N x H x W,"
        " or N x D with --image-shape H,W)"
    )


def read_npy(p: Path, image_shape: tuple[int, ...] = ()) -> tuple[np.ndarray, tuple[int, int] | None]:
    """The ``(N, n)`` array of a ``.npy`` file and its image shape, after checking its header
    against the limits and the file size."""
    try:
        with p.open("rb") as fh:
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
            else:  # 2.0 and 3.0 share the header layout (a 4-byte length)
                shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
            offset = fh.tell()
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as e:
        raise AecoreError(f"--data: {p} is not a readable .npy file ({first_line(e)})") from None
    if dtype.hasobject:
        raise AecoreError(f"--data: {p} holds Python objects; save an N x 2 or N x 3 array of floats")
    if dtype.kind not in "fiu" or dtype.fields is not None or dtype.subdtype is not None:
        raise AecoreError(f"--data: {p} holds {dtype} values; it must hold numbers (floats or integers)")
    images = npy_image_shape(p, shape, image_shape)
    check_count(shape[0], f"--data: {p}")
    need = offset + math.prod(shape) * dtype.itemsize
    have = p.stat().st_size
    if have < need:
        raise AecoreError(
            f"--data: {p} is truncated: its header declares shape {shape} ({need} bytes)"
            f" but the file has {have}"
        )
    try:
        x = np.load(p, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise AecoreError(f"--data: {p} is not a readable .npy array of floats ({first_line(e)})") from None
    with np.errstate(over="ignore", invalid="ignore"):
        return np.ascontiguousarray(x.reshape(len(x), -1), dtype=np.float64), images


def read_csv(p: Path) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """The rows of numbers of a CSV file and its header's names; errors name the 1-based line in the file.

    The names are those of a header line before the numbers, checked
    (:func:`aecore.vectors.check_feature_names`) when the rows are vectors
    (D >= 4); ``None`` without a header, or for points in R^2 or R^3 (whose
    header is skipped as before).
    """
    size = p.stat().st_size
    if size > MAX_CSV_BYTES:
        raise AecoreError(
            f"--data: {p} is {size / 2**20:.0f} MiB; a CSV may be at most {MAX_CSV_BYTES // 2**20} MiB"
            f" (at most {MAX_POINTS:,} points)"
        )
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise AecoreError(f"--data: cannot read {p} as UTF-8 text ({first_line(e)})") from None
    rows: list[list[float]] = []
    first_row_line = 0
    seen_header = False
    header: list[str] = []
    # read_text turns \r\n and \r into \n, so splitting on \n counts lines as editors do.
    for lineno, raw in enumerate(text.split("\n"), start=1):
        ln = raw.strip()
        if not ln:
            continue
        try:
            row = [float(v) for v in ln.split(",")]
        except ValueError:
            if not rows and not seen_header:
                seen_header = True  # one header line before the numbers
                header = ln.split(",")
                continue
            raise AecoreError(
                f"--data: {p} line {lineno} is not comma-separated numbers: {ln[:40]!r}"
            ) from None
        if not rows:
            first_row_line = lineno
            if len(row) not in (2, 3) and not MIN_VECTOR_DIM <= len(row) <= MAX_VECTOR_DIM:
                raise AecoreError(
                    f"--data: {p} line {lineno} has {len(row):,} value(s); rows must be N x 2 or N x 3"
                    f" (x,y or x,y,z), or vectors of {MIN_VECTOR_DIM} to {MAX_VECTOR_DIM:,} values"
                )
        elif len(row) != len(rows[0]):
            raise AecoreError(
                f"--data: {p} line {lineno} has {len(row)} values but line {first_row_line} has"
                f" {len(rows[0])}; every row needs the same number"
            )
        if not all(math.isfinite(v) for v in row):
            raise AecoreError(
                f"--data: {p} line {lineno} has a NaN or infinite value ({ln[:40]!r});"
                " every value must be finite"
            )
        rows.append(row)
        if len(rows) > MAX_POINTS:
            check_count(len(rows), f"--data: {p}", or_more=True)
    if not rows:
        raise AecoreError(f"--data: {p} holds no rows of numbers; give one point per line, e.g. 0.5,1.2")
    names = None
    if seen_header and len(rows[0]) >= MIN_VECTOR_DIM:
        names = check_feature_names(header, len(rows[0]), f"--data: {p}")
    return np.array(rows, dtype=np.float64), names


def check_count(n: int, where: str, or_more: bool = False) -> None:
    if n > MAX_POINTS:
        raise AecoreError(
            f"{where} has {n:,} points{' or more' if or_more else ''}; at most {MAX_POINTS:,} are supported"
            " (subsample it)"
        )
    if n < MIN_POINTS:
        raise AecoreError(f"{where} has {n} points; at least {MIN_POINTS} are needed")


def first_line(e: BaseException) -> str:
    """The first line of an exception's message (its type's name if it has none)."""
    return str(e).splitlines()[0] if str(e) else type(e).__name__
