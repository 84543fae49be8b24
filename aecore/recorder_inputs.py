"""What :class:`aecore.recorder.SnapshotRecorder` is given, checked and looked into.

The data, labels, image shape and loss are checked (one-line
:class:`~aecore.errors.AecoreError`); the user's model is looked into (is it
an MLP whose weights :mod:`aecore.forward` evaluates? on which device?), put
in eval mode while it is recorded (:class:`Recording`), and differentiated
(:func:`jvp`). torch is imported inside the functions, so importing aecore
never imports it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from aecore.datasets import check_data
from aecore.errors import AecoreError

if TYPE_CHECKING:
    import torch

__all__ = [
    "Recording",
    "TorchFn",
    "as_data",
    "as_labels",
    "as_loss",
    "check_image_shape",
    "jvp",
    "mlp_layout",
    "model_device",
    "model_name",
    "model_parameters",
]

TorchFn = Callable[["torch.Tensor"], "torch.Tensor"]
"""A torch callable from ``(B, n)`` to ``(B, k)`` float32 tensors, or back."""


class Recording:
    """Modules in eval mode while recording, their own mode restored afterwards."""

    def __init__(self, *fns: object) -> None:
        import torch

        self.modules = [m for f in fns if isinstance(f, torch.nn.Module) for m in f.modules()]
        self.modes = [m.training for m in self.modules]

    def __enter__(self) -> None:
        for m in self.modules:
            m.training = False

    def __exit__(self, *exc: object) -> None:
        for m, mode in zip(self.modules, self.modes, strict=True):
            m.training = mode


def jvp(fn: TorchFn, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """The derivative of ``fn`` at ``x`` along ``v``: forward mode, or reverse mode if an op lacks it."""
    import torch

    try:
        return torch.func.jvp(fn, (x,), (v,))[1]
    except (RuntimeError, NotImplementedError):  # an op without a forward-mode rule
        return torch.autograd.functional.jvp(fn, x, v)[1]


def as_data(data: Any, images: bool | None = None) -> np.ndarray:
    """``data`` as an ``(N, n)`` float64 array, checked as the trainer checks a user's file.

    ``images`` says whether the rows are images (default: when n > 3, as before vectors existed);
    vectors (``images=False``, n >= 4) may have at most :data:`aecore.vectors.MAX_VECTOR_DIM` features.
    """
    if hasattr(data, "detach"):
        data = data.detach().cpu().numpy()
    try:
        x = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        raise AecoreError(
            f"SnapshotRecorder: data is a {type(data).__name__}; give an N x n array of numbers"
        ) from None
    if x.ndim != 2:
        raise AecoreError(
            f"SnapshotRecorder: data has shape {x.shape}; give an N x n array (flatten images to N x H W"
            " and pass image_shape=(H, W))"
        )
    check_data(
        x, "SnapshotRecorder: data", images=x.shape[1] > 3 if images is None else images, constant_ok=True
    )
    return np.ascontiguousarray(x)


def check_image_shape(shape: Any, n: int) -> tuple[int, int] | None:
    if shape is None:
        return None
    ok = (
        isinstance(shape, tuple | list)
        and len(shape) == 2
        and all(isinstance(v, int | np.integer) and not isinstance(v, bool) and v >= 2 for v in shape)
    )
    if not ok or math.prod(shape) != n:
        raise AecoreError(f"SnapshotRecorder: image_shape={shape!r} must be (H, W) with H x W = n = {n}")
    return int(shape[0]), int(shape[1])


def as_labels(labels: Any, n_points: int) -> np.ndarray | None:
    if labels is None:
        return None
    if hasattr(labels, "detach"):
        labels = labels.detach().cpu().numpy()
    a = np.asarray(labels)
    if a.shape != (n_points,) or a.dtype.kind not in "iu" or (a < 0).any() or (a >= 2**31).any():
        raise AecoreError(
            f"SnapshotRecorder: labels of shape {a.shape} ({a.dtype}); give {n_points} whole numbers"
            " 0 <= label < 2**31, one per point"
        )
    return a.astype(np.int64)


_FLOAT32_MAX = float(np.finfo(np.float32).max)
"""The largest loss the snapshot file holds (as float32)."""


def as_loss(loss: Any, where: str) -> float:
    """``loss`` as a float the snapshot file can hold, or one line saying why not.

    A Python or numpy real number, or a one-element tensor; not a string
    (``"1.5"``) or a bool, which ``float()`` would take. It must be finite
    and >= 0, and stay finite as float32 (the file's type): ``1e300`` would
    be written as ``inf``, which every reader refuses.
    """
    if hasattr(loss, "detach"):  # a tensor that may require grad
        loss = loss.detach()
    if isinstance(loss, str | bytes | bool | np.bool_) or not (
        isinstance(loss, int | float | np.number) or hasattr(loss, "item")
    ):
        raise AecoreError(f"{where}: loss {loss!r:.40} is a {type(loss).__name__}; give a number >= 0")
    try:
        value = float(loss)
    except (TypeError, ValueError, RuntimeError, OverflowError):
        raise AecoreError(f"{where}: loss {type(loss).__name__} is not one number") from None
    if getattr(loss, "dtype", None) is not None and str(loss.dtype).endswith("bool"):
        raise AecoreError(f"{where}: loss is a bool tensor; give a number >= 0")
    if not math.isfinite(value) or value < 0:
        raise AecoreError(f"{where}: loss {value!r} must be a finite number >= 0 (training diverged?)")
    if value > _FLOAT32_MAX:
        raise AecoreError(
            f"{where}: loss {value!r} is too large for the snapshot file (float32, at most 3.4e38);"
            " scale the loss down"
        )
    return value


def model_device(fn: object) -> torch.device | str:
    import torch

    if isinstance(fn, torch.nn.Module):
        for p in fn.parameters():
            return p.device
    return "cpu"


def model_name(fn: object) -> str:
    """A function's name, or a module's class name."""
    return str(getattr(fn, "__name__", None) or type(fn).__name__)


def model_parameters(*fns: object) -> list[torch.Tensor]:
    import torch

    return [p for f in fns if isinstance(f, torch.nn.Module) for p in f.parameters()]


def mlp_layout(encoder: object, decoder: object, n: int, k: int) -> tuple[str, list[int]] | None:
    """``(activation, layer_sizes)`` when f and g are MLPs :mod:`aecore.forward` evaluates, else ``None``."""
    from torch import nn

    from aecore.model import ACTIVATIONS

    if not (isinstance(encoder, nn.Sequential) and isinstance(decoder, nn.Sequential)):
        return None
    names: set[str] = set()
    linears: list[list[nn.Linear]] = []
    for part in (encoder, decoder):
        mods = list(part)
        lin, acts = mods[0::2], mods[1::2]
        if len(mods) % 2 == 0 or not all(type(m) is nn.Linear and m.bias is not None for m in lin):
            return None
        for m in acts:
            name = next((a for a, cls in ACTIVATIONS.items() if type(m) is cls), None)
            if name is None or not _plain(m):
                return None
            names.add(name)
        linears.append(lin)  # type: ignore[arg-type]
    enc, dec = linears
    sizes = [n, *(m.out_features for m in enc[:-1]), k, *(m.out_features for m in dec)]
    chained = all(a.out_features == b.in_features for part in linears for a, b in itertools.pairwise(part))
    if len(names) > 1 or len(enc) != len(dec) or not chained or enc[0].in_features != n or sizes[-1] != n:
        return None
    if enc[-1].out_features != k or dec[0].in_features != k:
        return None
    return (names.pop() if names else "silu"), sizes


def _plain(m: object) -> bool:
    """The activation computes what :data:`aecore.forward.ACTIVATIONS_NP` computes (default arguments)."""
    from torch import nn

    if isinstance(m, nn.GELU):
        return m.approximate == "none"
    if isinstance(m, nn.Softplus):
        return m.beta == 1
    return True
