"""A chapter clip cut into caption beats, by copying packets (no re-encoding).

A beat ends where a caption ends, just before the caption fades out, so a
paused beat still shows its caption: the first beat runs from the clip's
start to the end of its first caption, each next one to the end of the next
caption, and the last from the end of the last caption to the end of the
clip (the caption fading and the chapter's closing fade). The lecture pack's
deck plays one beat per slide.

Cutting needs no decoding: Manim encodes every animation (each ``play`` and
``wait``, so each caption's fade) as its own partial movie, which starts
with a keyframe, and joins them by copying packets. So the clip has a
keyframe exactly where each caption's fade-out begins. :func:`split_clip`
finds the keyframe at each cut (one that is off by more than half a frame is
an error, never a silent re-encode) and copies the packets of each beat into
its own file, with timestamps shifted to start at 0 (an mp4 with its index
first, :func:`ae_explainer.media.clips.open_output`). An audio stream (narration)
is copied too: each audio packet goes to the beat in which it starts.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from aecore.errors import AecoreError
from aecore.files import atomic_path

__all__ = ["Beat", "beat_cuts", "split_beats", "split_clip"]

_SAME_CUT = 0.1
"""Seconds within which a beat ends on a caption (cuts snap to keyframes; captions end 0.25 s+ apart)."""


@dataclass(frozen=True)
class Beat:
    """One beat of a chapter clip: its file, where it lies in the clip (seconds) and its caption."""

    path: Path
    start: float
    end: float
    caption: str


def beat_cuts(srt_source: str) -> list[tuple[float, str]]:
    """``(end in seconds, text)`` of each caption of a SubRip text, in order: where beats end."""
    import srt

    return [(c.end.total_seconds(), c.content) for c in srt.parse(srt_source)]


def _video_index(clip: Path) -> tuple[list[tuple[int, bool]], Fraction, Fraction, int]:
    """Decode-order ``(pts, keyframe)`` of the clip's video packets, its time base, frame time and end pts."""
    import av

    with av.open(str(clip)) as c:
        s = c.streams.video[0]
        tb, rate = s.time_base, s.average_rate
        packets = [(p.pts, bool(p.is_keyframe)) for p in c.demux(s) if p.size > 0 and p.pts is not None]
    if not packets or tb is None or not rate:
        raise AecoreError(f"slides: {clip.name} has no video frames to cut into beats")
    frame = 1 / Fraction(rate)
    end = max(p for p, _ in packets) + round(frame / Fraction(tb))
    return packets, Fraction(tb), frame, end


def _cut_pts(clip: Path, times: Sequence[float]) -> tuple[list[int], Fraction, int]:
    """The pts of the keyframe at each cut time (cuts at the clip's ends dropped); time base; end pts."""
    packets, tb, frame, end = _video_index(clip)
    keys = sorted(p for p, k in packets if k)
    cuts: list[int] = []
    for t in times:
        target = Fraction(t) / tb
        if target <= 0 or target >= end - frame / tb / 2:
            continue  # a caption ending at the very start or end makes no beat of its own
        i = bisect.bisect_left(keys, target)
        near = min(keys[max(i - 1, 0) : i + 1], key=lambda k: abs(k - target))
        if abs(near - target) * tb > frame / 2:
            raise AecoreError(
                f"slides: {clip.name}: no keyframe within half a frame of the caption end at {t:.3f} s "
                f"(nearest at {float(near * tb):.3f} s), so it cannot be cut there without re-encoding; "
                "render the clip again"
            )
        if not cuts or near > cuts[-1]:
            cuts.append(near)
    return cuts, tb, end


def split_clip(clip: Path, times: Sequence[float], dests: Sequence[Path]) -> list[tuple[float, float]]:
    """Cut ``clip`` at the keyframes at ``times`` (seconds) into ``dests``, copying packets.

    ``dests`` has one path per beat, ``len(times) + 1``; cut times at the
    clip's start or end, or repeated, make no beat, and the paths left over
    are not written. Each beat's timestamps start at 0; an audio stream, if
    the clip has one, is split with it (each packet goes to the beat in which
    it starts). Every file is written beside itself and renamed when whole.
    Returns each written beat's ``(start, end)`` in the clip, in seconds.
    """
    import av

    from ae_explainer.media.clips import open_output

    cuts, tb, end = _cut_pts(clip, times)
    if len(dests) < len(cuts) + 1:
        raise ValueError(f"{len(cuts) + 1} beats need as many destination paths, got {len(dests)}")
    bounds = [0, *cuts, end]
    spans = [(float(a * tb), float(b * tb)) for a, b in itertools.pairwise(bounds)]
    try:
        with contextlib.ExitStack() as stack, av.open(str(clip)) as src:
            outs: list[tuple[Any, Any, Any]] = []
            v_in = src.streams.video[0]
            a_in = src.streams.audio[0] if src.streams.audio else None
            for dest in dests[: len(spans)]:
                tmp = stack.enter_context(atomic_path(dest, f".part{dest.suffix}"))
                out = stack.enter_context(open_output(tmp))
                v_out = out.add_stream_from_template(template=v_in)
                a_out = out.add_stream_from_template(template=a_in) if a_in is not None else None
                outs.append((out, v_out, a_out))
            streams = [v_in] if a_in is None else [v_in, a_in]
            beat = 0
            for packet in src.demux(streams):
                if packet.dts is None or packet.pts is None:
                    continue  # the flushing packets demux ends with
                if packet.stream.type == "video":
                    while beat < len(cuts) and packet.is_keyframe and packet.pts >= cuts[beat]:
                        beat += 1
                    k, slot = beat, 1
                else:
                    t = Fraction(packet.pts) * Fraction(packet.time_base) / tb
                    k, slot = bisect.bisect_right(cuts, t), 2
                shift = round(Fraction(bounds[k]) * tb / Fraction(packet.time_base))
                packet.pts -= shift
                packet.dts -= shift
                packet.stream = outs[k][slot]
                outs[k][0].mux(packet)
    except OSError as e:
        raise AecoreError(f"slides: cannot write the beats of {clip.name} ({e.strerror or e})") from None
    return spans


def split_beats(clip: Path, folder: Path) -> list[Beat]:
    """Cut ``clip`` into its caption beats, ``<clip stem>-bNN<ext>`` in ``folder``.

    The cuts are the ends of the captions in the ``.srt`` beside the clip
    (none: the clip is one beat). A beat's caption is the one it ends on; the
    last beat, the closing fade after the last caption, has none.
    """
    subs = clip.with_suffix(".srt")
    cues = beat_cuts(subs.read_text(encoding="utf-8")) if subs.is_file() else []
    dests = [folder / f"{clip.stem}-b{i:02d}{clip.suffix}" for i in range(1, len(cues) + 2)]
    spans = split_clip(clip, [t for t, _ in cues], dests)
    beats: list[Beat] = []
    for path, (start, stop) in zip(dests, spans, strict=False):
        near = min(cues, key=lambda c: abs(c[0] - stop), default=None)
        beats.append(Beat(path, start, stop, near[1] if near and abs(near[0] - stop) < _SAME_CUT else ""))
    return beats
