"""Clips as files: frame counts, packet-copy joins, mastered sound and size-budgeted GIFs.

Every function writes its result under a unique temporary name beside the
destination and renames it when complete (:func:`aecore.files.atomic_path`),
so a file under its final name is whole. Every mp4 (and mov) is written with
its index (the ``moov`` atom) before its media data (``mdat``), so a
browser or a platform can start playing it before the whole file is there
(:func:`open_output`). The sound of every narrated clip and joined video is
mastered to a loudness target (:func:`master_track`, :mod:`ae_explainer.media.loudness`).
Subtitles are :mod:`scenes.captions`'s.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ae_explainer.outputs import WorkDir
from aecore.errors import AecoreError
from aecore.files import atomic_path
from scenes.patches.sound import SAMPLE_RATE

__all__ = [
    "AAC_BIT_RATE",
    "AUDIO_RATE",
    "FASTSTART_SUFFIXES",
    "GIF_BUDGET_BYTES",
    "GIF_MAX_WIDTH",
    "clip_audio",
    "finish_clip",
    "has_audio",
    "join_pieces",
    "join_videos",
    "master_track",
    "open_output",
    "to_gif",
    "video_frames",
    "video_seconds",
]

AUDIO_RATE = SAMPLE_RATE
"""The sample rate of every sound track the application writes."""

GIF_BUDGET_BYTES = 15 * 1024 * 1024
"""GIFs stay under 15 MiB: below the upload limit of the common social platforms."""

GIF_MAX_WIDTH = 480
"""GIFs are at most 480 px wide (narrower and slower only when needed to fit the budget)."""

AAC_BIT_RATE = 128_000
"""Bits per second of the AAC-LC sound we encode (mono speech: transparent; FFmpeg's default is 64k)."""

FASTSTART_SUFFIXES = (".mp4", ".mov")
"""The containers written with ``moov`` first (ISO BMFF: mp4 and QuickTime)."""

_CODEC_MARGIN_DB = 0.5
"""The limiter aims this far under the -1 dBTP ceiling: a lossy codec's decoded peaks overshoot a little."""

_CODEC_TRIES = 4
"""Encodings at most, each a little quieter, until the encoded track's true peak is under the ceiling."""

_AUDIO_CODECS = {".mp4": "aac", ".webm": "libopus", ".mov": "pcm_s16le"}
"""The sound codec of each container we write."""

# GIF frame times are whole centiseconds: these rates play at exactly their speed.
_GIF_LADDER = (
    (480, 25),
    (480, 20),
    (480, 10),
    (400, 10),
    (360, 10),
    (320, 10),
    (280, 10),
    (240, 10),
    (240, 5),
)


def video_frames(path: Path) -> int:
    """The number of video frames in ``path`` (counted from its packets, no decoding)."""
    import av

    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        return sum(1 for p in c.demux(stream) if p.size > 0)


def video_seconds(path: Path) -> float:
    """Duration of ``path``'s video stream: frames / frame rate."""
    import av

    with av.open(str(path)) as c:
        rate = c.streams.video[0].average_rate
    return video_frames(path) / float(rate) if rate else 0.0


def has_audio(path: Path) -> bool:
    """Whether the movie ``path`` has a sound track."""
    import av

    with av.open(str(path)) as c:
        return bool(c.streams.audio)


def clip_audio(path: Path, seconds: float | None = None) -> np.ndarray:
    """The sound of ``path`` as 48 kHz mono 16-bit samples, cut or padded with silence to ``seconds``.

    A movie without sound gives silence (``seconds`` of it).
    """
    import av

    chunks: list[np.ndarray] = []
    with av.open(str(path)) as c:
        if c.streams.audio:
            resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
            for frame in c.decode(c.streams.audio[0]):
                chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
            chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    if seconds is None:
        return samples
    n = round(seconds * AUDIO_RATE)
    return np.pad(samples[:n], (0, max(0, n - samples.size)))


def open_output(path: Path, **kwargs: Any) -> Any:
    """``av.open(path, "w")``, for an mp4 or mov with ``movflags=+faststart``: ``moov`` before ``mdat``.

    FFmpeg's muxer writes the media data first and then moves the index to
    the front when it closes the file (a second pass over the file), so a
    player can start at once, before the whole file has arrived.
    """
    import av

    options = {"movflags": "+faststart"} if Path(path).suffix in FASTSTART_SUFFIXES else {}
    return av.open(str(path), "w", options=options, **kwargs)


def master_track(samples: np.ndarray, loudness: float, container: str = ".mp4") -> np.ndarray:
    """16-bit ``samples`` (48 kHz) mastered to ``loudness`` LUFS, true peaks at most -1 dBTP once encoded.

    See :func:`ae_explainer.media.loudness.master`; silence and sound too short
    to measure come back unchanged. A lossy codec's decoded peaks overshoot
    the samples it was given (AAC by a few tenths of a dB, up to a dB or
    more at a sharp onset), so the limiter aims :data:`_CODEC_MARGIN_DB`
    under the ceiling; then the result is encoded as ``container`` carries
    sound (AAC in mp4, Opus in WebM) and decoded again, and where a decoded
    true peak is still over the ceiling the limiter lowers the sound around
    it by as much (a local dip, the loudness keeps), and checks again; as a
    last resort the whole track is turned down. Returns 16-bit samples.
    """
    from ae_explainer.media.loudness import CEILING_DBTP, limiter_gain, master, peak_envelope

    if not samples.size:
        return samples
    x = samples.astype(np.float64) / 32768.0
    y = master(x, AUDIO_RATE, loudness, CEILING_DBTP - _CODEC_MARGIN_DB)
    out = np.clip(np.round(y * 32768.0), -32768, 32767).astype(np.int16)
    if _AUDIO_CODECS[container].startswith("pcm"):
        return out
    ceiling = 10 ** (CEILING_DBTP / 20)
    for attempt in range(_CODEC_TRIES):
        decoded = _round_trip(out, container)[: out.size] / 32768.0
        env = peak_envelope(np.pad(decoded, (0, out.size - decoded.size)))
        peak = float(env.max())
        if peak <= ceiling:
            break
        if attempt < _CODEC_TRIES - 1:
            y *= limiter_gain(env, ceiling * 10 ** (-0.05 / 20), AUDIO_RATE)  # where the codec overshoots
        else:
            y *= ceiling / peak * 10 ** (-0.05 / 20)
        out = np.round(y * 32768.0).astype(np.int16)
    return out


def _round_trip(samples: np.ndarray, container: str) -> np.ndarray:
    """``samples`` encoded in memory as ``container`` carries sound, and decoded as a player hears them."""
    import io

    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format=container.lstrip(".")) as dst:
        stream_packets = _encode_audio(dst, samples, _AUDIO_CODECS[container])
        for packet in stream_packets:
            dst.mux(packet)
    buf.seek(0)
    chunks: list[np.ndarray] = []
    with av.open(buf, "r") as c:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
        for frame in c.decode(c.streams.audio[0]):
            chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
        chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


def _encode_audio(dst: Any, samples: np.ndarray, codec: str | None = None) -> list[Any]:
    """``samples`` encoded into a new audio stream of ``dst`` (``codec``, else the container's)."""
    import av

    codec = codec or _AUDIO_CODECS[Path(dst.name).suffix]
    stream = dst.add_stream(codec, rate=AUDIO_RATE, layout="mono")
    if codec == "aac":
        stream.bit_rate = AAC_BIT_RATE
    step = stream.codec_context.frame_size or 1024
    packets: list[Any] = []
    for start in range(0, samples.size, step):
        chunk = samples[start : start + step]
        frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate, frame.pts = AUDIO_RATE, start
        packets.extend(stream.encode(frame))
    packets.extend(stream.encode(None))
    return packets


def join_videos(parts: Sequence[Path], dest: Path, loudness: float | None = None) -> None:
    """Join clips of one format end to end: video packets copied, sound kept in step with them.

    The clips must share codec, size and frame rate (chapters rendered with
    the same options do). The video is never re-encoded. Where the clips
    have sound, each clip's track is cut or padded to exactly its video's
    length, the tracks are laid end to end, and the result is encoded once
    (AAC frames do not end where chapters end, so copying their packets
    would shift every later chapter's sound by up to a frame): at every
    chapter boundary, sound and picture start together. With ``loudness``
    (LUFS) the joined track is mastered to it (:func:`master_track`). The
    list of parts lives in a work folder; ``dest`` is written beside itself
    and renamed.
    """
    sound = [has_audio(p) for p in parts]
    track = np.concatenate([clip_audio(p, video_seconds(p)) for p in parts]) if any(sound) else None
    if track is not None and loudness is not None:
        track = master_track(track, loudness, dest.suffix)
    _concat(parts, dest, lambda dst: _encode_audio(dst, track) if track is not None else [])


def finish_clip(src: Path, dest: Path, loudness: float) -> None:
    """A rendered clip made ready to publish: its sound mastered, its mp4 index at the front.

    The video packets are copied as they are; the sound track (if any) is
    decoded as a player hears it, cut or padded to the video's length,
    mastered to ``loudness`` LUFS (:func:`master_track`) and encoded again
    (AAC-LC, Opus or PCM at 48 kHz by container), with its timing unchanged.
    Like :func:`join_videos` with one part, and as deterministic.
    """
    join_videos([src], dest, loudness)


def join_pieces(parts: Sequence[Path], dest: Path) -> None:
    """Join the pieces of one chapter (ranges of its animations): video packets copied, the last one's sound.

    The job that renders a chapter's last piece writes the whole chapter's
    sound track, from the chapter's start and as long as the chapter, and
    the pieces before it are silent (:class:`scenes.base.ChapterScene`). So
    the last piece's sound packets are copied as they are: the joined clip
    has, packet for packet, the picture and the sound of a whole render.
    A silent chapter joins without sound, as :func:`join_videos` does.
    """
    import av

    with av.open(str(parts[-1])) as last:

        def sound(dst: Any) -> list[Any]:
            if not last.streams.audio:
                return []
            s_in = last.streams.audio[0]
            s_out = dst.add_stream_from_template(template=s_in)
            packets = [p for p in last.demux(s_in) if p.dts is not None]
            for packet in packets:
                packet.stream = s_out
            return packets

        _concat(parts, dest, sound, picture_of_last=bool(last.streams.audio))


def _copy_video(src: Path, dest: Path) -> None:
    """The video stream of ``src`` alone, its packets and timestamps copied, into ``dest``."""
    import av

    with av.open(str(src)) as inp, open_output(dest) as out:
        s_in = inp.streams.video[0]
        s_out = out.add_stream_from_template(template=s_in)
        for packet in inp.demux(s_in):
            if packet.dts is not None:
                packet.stream = s_out
                out.mux(packet)


def _concat(
    parts: Sequence[Path], dest: Path, sound: Callable[[Any], list[Any]], picture_of_last: bool = False
) -> None:
    """``parts``' video packets copied end to end into ``dest``, with ``sound(dst)``'s packets in step.

    ``sound`` adds the audio stream to the output container ``dst`` (or
    none) and returns its packets, which go in by time between the video's.
    FFmpeg's concat demuxer takes its streams from the first part; with
    ``picture_of_last``, the last part (a chapter's last piece, whose
    sound the pieces before it lack) joins by its video stream alone.
    """
    import av

    try:
        with WorkDir(dest.parent) as work, atomic_path(dest, f".part{dest.suffix}", work) as tmp:
            if picture_of_last:
                picture = work / f"picture{parts[-1].suffix}"
                _copy_video(parts[-1], picture)
                parts = [*parts[:-1], picture]
            listing = work / "list.txt"
            listing.write_text("".join(f"file 'file:{Path(p).resolve().as_posix()}'\n" for p in parts))
            with (
                av.open(str(listing), format="concat", options={"safe": "0"}) as src,
                open_output(tmp) as dst,
            ):
                s_in = src.streams.video[0]
                s_out = dst.add_stream_from_template(template=s_in)
                audio = collections.deque(sound(dst))
                for packet in src.demux(s_in):
                    if packet.dts is None:
                        continue
                    now = float(packet.pts * packet.time_base) if packet.pts is not None else 0.0
                    while audio and float(audio[0].pts * audio[0].time_base) <= now:
                        dst.mux(audio.popleft())
                    packet.dts = None
                    packet.stream = s_out
                    dst.mux(packet)
                for packet in audio:
                    dst.mux(packet)
    except OSError as e:
        raise AecoreError(f"--out {dest.parent}: cannot write {dest.name} ({e.strerror or e})") from None


def _encode_gif(src: Path, dest: Path, width: int, fps: int) -> int:
    import av

    with av.open(str(src)) as inp, av.open(str(dest), "w", format="gif") as out:
        s_in = inp.streams.video[0]
        graph = av.filter.Graph()
        buf = graph.add_buffer(template=s_in)
        fps_f = graph.add("fps", f"fps={fps}")
        scale = graph.add("scale", f"w={width}:h=-2:flags=lanczos")
        split = graph.add("split")
        palettegen = graph.add("palettegen", "stats_mode=diff")
        paletteuse = graph.add("paletteuse", "dither=bayer:bayer_scale=5:diff_mode=rectangle")
        sink = graph.add("buffersink")
        buf.link_to(fps_f)
        fps_f.link_to(scale)
        scale.link_to(split)
        split.link_to(palettegen, 0, 0)
        split.link_to(paletteuse, 1, 0)
        palettegen.link_to(paletteuse, 0, 1)
        paletteuse.link_to(sink)
        graph.configure()
        s_out = out.add_stream("gif", rate=fps)
        s_out.codec_context.time_base = Fraction(1, fps)
        s_out.pix_fmt = "pal8"
        height = round(s_in.height * width / s_in.width / 2) * 2
        s_out.width, s_out.height = width, height
        n = 0

        def drain() -> None:
            """Pull what the graph can give now: a pull makes it take in the frames pushed so far."""
            nonlocal n
            while True:
                try:
                    out_frame = graph.vpull()
                except (av.error.EOFError, av.error.BlockingIOError):
                    return
                out_frame.pts = n
                out_frame.time_base = Fraction(1, fps)
                n += 1
                out.mux(s_out.encode(out_frame))

        # Each decoded frame goes through the graph at once (fps drops it, or scale shrinks it): pushed
        # all before the first pull, every full-size frame of the clip would wait in memory (5 GB for
        # a 49 s 1080p60 clip). paletteuse still holds the small frames until the palette is made.
        for frame in inp.decode(s_in):
            graph.push(frame)
            drain()
        graph.push(None)
        drain()
        out.mux(s_out.encode())
    return dest.stat().st_size


def to_gif(
    src: Path, dest: Path, budget: int = GIF_BUDGET_BYTES, max_width: int = GIF_MAX_WIDTH
) -> tuple[int, int]:
    """Convert the clip ``src`` to a GIF under ``budget`` bytes; returns the ``(width, fps)`` used.

    Starts at ``max_width`` px and the highest of 25, 20 or 10 frames per
    second the clip has, and steps down the
    width and frame rate (estimating the size from the last try) until it
    fits; a clip too long for even 240 px at 6 fps is an error.
    """
    import av

    with av.open(str(src)) as c:
        src_fps = float(c.streams.video[0].average_rate or 0)
    ladder = [(w, f) for w, f in _GIF_LADDER if w <= max_width and f <= src_fps] or [(max_width, 5)]
    try:
        with atomic_path(dest, ".part.gif") as tmp:
            w, f = _fit_gif(src, tmp, ladder, budget)
    except OSError as e:
        raise AecoreError(f"--out {dest.parent}: cannot write {dest.name} ({e.strerror or e})") from None
    return w, f


def _fit_gif(src: Path, tmp: Path, ladder: Sequence[tuple[int, int]], budget: int) -> tuple[int, int]:
    """Encode ``src`` into ``tmp`` down ``ladder`` until it fits ``budget``; returns the rung used."""
    i = 0
    while True:
        w, f = ladder[i]
        size = _encode_gif(src, tmp, w, f)
        if size <= budget:
            return w, f
        per_unit = size / (w * w * f)
        rest = [
            j
            for j in range(i + 1, len(ladder))
            if per_unit * ladder[j][0] ** 2 * ladder[j][1] <= 0.92 * budget
        ]
        if i + 1 >= len(ladder):
            raise AecoreError(
                f"--format gif: {src.name} is too long for a {budget / 2**20:.1f} MiB GIF even at "
                f"{w} px and {f} fps; render single chapters (--chapters) instead"
            )
        i = rest[0] if rest else len(ladder) - 1
