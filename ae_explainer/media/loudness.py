"""Mastering a sound track: integrated loudness (ITU-R BS.1770), true peak, gain and a true-peak limiter.

:func:`integrated_loudness` is pyloudnorm's BS.1770-4 meter (K-weighting,
400 ms blocks, absolute and relative gates), in LUFS. :func:`true_peak` is
BS.1770's Annex 2 true-peak meter: the signal oversampled 4x
(:func:`scipy.signal.resample_poly`) and its largest magnitude, in dBTP.

:func:`master` applies one gain that brings a track to a target loudness
and, only where that gain would push a true peak above the ceiling, a
look-ahead true-peak limiter: the gain each sample may have (from the 4x
oversampled signal) is held and ramped down before a peak and back up after
it, so the gain envelope is smooth and nothing exceeds the ceiling. Silence
and tracks shorter than one 400 ms block have no integrated loudness and
pass unchanged.

Samples are floats in [-1, 1]: shape ``(n,)`` for mono or ``(n, channels)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "CEILING_DBTP",
    "SOCIAL_LUFS",
    "integrated_loudness",
    "limiter_gain",
    "master",
    "peak_envelope",
    "true_peak",
]

SOCIAL_LUFS = -14.0
"""The loudness the common video platforms normalise to (YouTube, Instagram, TikTok), in LUFS."""

CEILING_DBTP = -1.0
"""The highest true peak a mastered track may reach, in dBTP (room for lossy codecs' overshoot)."""

_OVERSAMPLE = 4
"""BS.1770 Annex 2: 4x oversampling finds true peaks within about 0.5 dB at 48 kHz."""

_CHUNK = 1 << 18
"""Samples oversampled at once (bounds memory on long tracks)."""

_OVERLAP = 64
"""Samples of context either side of a chunk: more than the interpolation filter's half length."""

_ATTACK_SECONDS = 0.002
_RELEASE_SECONDS = 0.008
_HOLD_SECONDS = 0.015
_TRIES = 4
_MAKEUP_TRIES = 8
_MAKEUP_TOLERANCE = 0.05
"""LU: how close the limited track's loudness must come to the target before make-up gain stops."""


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """The integrated loudness of ``samples`` in LUFS (ITU-R BS.1770-4, via pyloudnorm).

    ``-inf`` for silence and for a track shorter than one 400 ms block.
    """
    import pyloudnorm

    x = np.asarray(samples, dtype=np.float64)
    if x.shape[0] < round(0.4 * rate) + 1 or not np.any(x):
        return -math.inf
    return float(pyloudnorm.Meter(rate).integrated_loudness(x))


def peak_envelope(samples: np.ndarray) -> np.ndarray:
    """For each sample, the largest magnitude of the 4x oversampled signal from it to the next (all channels).

    Its largest value is the true peak (linear); :func:`limiter_gain` takes it.
    """
    from scipy.signal import resample_poly

    x = np.asarray(samples, dtype=np.float64)
    x = x.reshape(x.shape[0], -1)
    n = x.shape[0]
    env = np.zeros(n)
    for start in range(0, n, _CHUNK):
        lo, hi = max(0, start - _OVERLAP), min(n, start + _CHUNK + _OVERLAP)
        up = np.abs(resample_poly(x[lo:hi], _OVERSAMPLE, 1, axis=0))
        up = up[:, 0] if up.shape[1] == 1 else up.max(axis=1)
        stop = min(n, start + _CHUNK)
        # oversampled points k*4 .. k*4+3 lie from sample k towards sample k+1
        phases = [up[k : (hi - lo) * _OVERSAMPLE : _OVERSAMPLE] for k in range(_OVERSAMPLE)]
        per_sample = np.maximum(np.maximum(phases[0], phases[1]), np.maximum(phases[2], phases[3]))
        env[start:stop] = per_sample[start - lo : stop - lo]
    return np.maximum(env, np.abs(x[:, 0]) if x.shape[1] == 1 else np.abs(x).max(axis=1))


def true_peak(samples: np.ndarray) -> float:
    """The true peak of ``samples`` in dBTP (BS.1770 Annex 2: 4x oversampled); ``-inf`` for silence."""
    if np.asarray(samples).size == 0:
        return -math.inf
    peak = float(peak_envelope(samples).max())
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def _window(fn: Any, x: np.ndarray, before: int, after: int) -> np.ndarray:
    """``fn`` (a scipy.ndimage 1-D filter) over the window ``x[n - before .. n + after]`` for each ``n``.

    The ends are padded with their edge values.
    """
    size = before + after + 1
    padded = np.pad(x, (before, after), mode="edge")
    out: np.ndarray = fn(padded, size=size, mode="nearest")
    return out[size // 2 : size // 2 + x.size]


def limiter_gain(env: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """A smooth gain per sample that keeps ``env * gain`` at or under ``ceiling`` (linear).

    ``env`` is a :func:`peak_envelope`; the gain is 1 away from where it
    exceeds ``ceiling``.

    The gain each sample needs is held for a while after it and reached
    before it by a ramp (two moving averages: a smooth, S-shaped fade).
    Each smoothed value is an average of minima over windows that all
    contain its sample, so it never exceeds what that sample needs.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    need = np.minimum(1.0, ceiling / np.maximum(env, 1e-12))
    attack = max(1, round(_ATTACK_SECONDS * rate))
    release = max(1, round(_RELEASE_SECONDS * rate))
    hold = max(1, round(_HOLD_SECONDS * rate))
    ahead = attack + release - 2  # the ramps' length: how far before a peak the gain starts to fall
    held = _window(minimum_filter1d, need, hold + 1, ahead + 1)  # +1: the peak between two samples
    g = _window(uniform_filter1d, held, attack - 1, 0)  # each: the mean of the last few values
    g = _window(uniform_filter1d, g, release - 1, 0)
    return np.minimum(g, 1.0)


def master(
    samples: np.ndarray, rate: int, target_lufs: float, ceiling_dbtp: float = CEILING_DBTP
) -> np.ndarray:
    """``samples`` brought to ``target_lufs`` integrated, with true peaks at most ``ceiling_dbtp``.

    One gain reaches the target; where it would lift a true peak over the
    ceiling, a look-ahead limiter lowers the gain smoothly around that peak
    (the loudness is measured again afterwards and the gain corrected, so the
    limiter's loss is made up). Silence and tracks too short to measure are
    returned unchanged. The result is a new float64 array of the same shape.

    Parameters
    ----------
    samples
        Floats in [-1, 1], shape ``(n,)`` or ``(n, channels)``.
    rate
        Samples per second.
    target_lufs
        The integrated loudness wanted, in LUFS (e.g. :data:`ae_explainer.options.DEFAULT_LUFS`).
    ceiling_dbtp
        The highest true peak allowed, in dBTP.
    """
    x = np.asarray(samples, dtype=np.float64)
    loudness = integrated_loudness(x, rate)
    if not math.isfinite(loudness):
        return x.copy()
    ceiling = 10 ** (ceiling_dbtp / 20)
    gain_db = target_lufs - loudness
    out = x
    tried: list[tuple[float, float]] = []  # (gain, loudness reached) of each limited try
    for _ in range(_MAKEUP_TRIES):
        y = x * 10 ** (gain_db / 20)
        env = peak_envelope(y)
        if env.max() <= ceiling:
            return y
        out = _limit(y, env, ceiling, rate)
        reached = integrated_loudness(out, rate)
        if not math.isfinite(reached) or abs(reached - target_lufs) <= _MAKEUP_TOLERANCE:
            break
        tried.append((gain_db, reached))
        # the limiter took some loudness: give it back, by the slope the last two tries show
        slope = 1.0
        if len(tried) > 1 and tried[-1][1] != tried[-2][1]:
            slope = (tried[-1][0] - tried[-2][0]) / (tried[-1][1] - tried[-2][1])
        gain_db += min(max(slope, 1.0), 8.0) * (target_lufs - reached)
    return out


def _limit(y: np.ndarray, env: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """``y`` (true-peak envelope ``env``) through the limiter: its true peak ends at most ``ceiling``.

    The gain is computed at the signal's rate from the oversampled
    envelope; where the product's own true peak still overshoots (the gain
    changes between samples), the limiter aims that much lower and tries
    again, and as a last resort the whole result is scaled down.
    """
    shape = (-1,) + (1,) * (y.ndim - 1)
    goal = ceiling
    for _ in range(_TRIES):
        out = y * limiter_gain(env, goal, rate).reshape(shape)
        peak = float(peak_envelope(out).max())
        if peak <= ceiling * (1 + 1e-9):  # at the ceiling but for rounding
            return out
        goal *= ceiling / peak
    return out * (ceiling / peak)
