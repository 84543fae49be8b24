"""Caption beats: a clip cut where its captions end, packets copied, with its sound.

Fast first: a cut with no keyframe near it is refused in one line. Then a
tiny chapter scene with a sine tone as its sound (rendered by the manim CLI
at 480p15, a few seconds): its beats add up to the clip, frame for frame and
audio packet for audio packet, and its deck keeps the first beat's sound.
The beats of a real, silent chapter clip and the lecture pack's deck are
checked in ``test_delivery.py`` (they reuse its renders).
"""

from __future__ import annotations

import math
import re
import struct
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from ae_explainer.media.beats import Beat, split_beats
from ae_explainer.media.clips import video_frames
from aecore.errors import AecoreError

_SCENE = """
from pathlib import Path

from manim import Create, Square

from scenes.base import ChapterScene


class Beeps(ChapterScene):
    chapter = 99
    title = "Beeps"

    def construct(self) -> None:
        self.add_sound(str(Path(__file__).with_name("tone.wav")))
        self.caption("first beat")
        self.play(Create(Square()), run_time=0.5)
        self.caption("second beat")
        self.wait(0.5)
"""

_AAC_FRAME = 1024
"""Samples in one AAC frame: an audio packet of the clip."""


def _tone(path: Path, seconds: float, rate: int = 44100) -> None:
    """A 440 Hz sine, mono 16-bit PCM, written with the ``wave`` module."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        n = int(seconds * rate)
        w.writeframes(
            b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(n))
        )


def _packets(path: Path, kind: str) -> list[tuple[int, int]]:
    """``(pts, duration)`` of the packets of ``path``'s first ``kind`` stream (none: no such stream)."""
    import av

    with av.open(str(path)) as c:
        streams = c.streams.audio if kind == "audio" else c.streams.video
        if not streams:
            return []
        return [(p.pts, p.duration) for p in c.demux(streams[0]) if p.size > 0]


def test_a_caption_end_with_no_keyframe_near_it_is_one_line_naming_the_clip(tmp_path: Path) -> None:
    import av

    clip = tmp_path / "one-gop.mp4"  # 1 s at 15 fps in one group of pictures: a keyframe at 0 only
    with av.open(str(clip), "w") as c:
        s = c.add_stream("libx264", rate=15)
        s.width = s.height = 64
        s.pix_fmt = "yuv420p"
        for i in range(15):
            img = np.full((64, 64, 3), 16 * i, dtype=np.uint8)
            c.mux(s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        c.mux(s.encode())
    clip.with_suffix(".srt").write_text("1\n00:00:00,100 --> 00:00:00,500\nmid-shot\n", encoding="utf-8")
    beats = tmp_path / "beats"
    with pytest.raises(AecoreError) as err:
        split_beats(clip, beats)
    msg = str(err.value)
    assert "\n" not in msg and clip.name in msg and "0.500 s" in msg and "keyframe" in msg
    assert not beats.exists() or not list(beats.iterdir())  # nothing written, not even a temporary file


@pytest.fixture(scope="module")
def beeps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 480p15 clip of a two-caption chapter scene with a 6 s sine tone as its sound."""
    root = tmp_path_factory.mktemp("beeps")
    (root / "beeps.py").write_text(_SCENE, encoding="utf-8")
    _tone(root / "tone.wav", 6.0)
    cmd = [sys.executable, "-m", "manim", "render", "-ql", "--disable_caching", "--progress_bar", "none"]
    cmd += ["--media_dir", str(root / "media"), "-o", "beeps", "beeps.py", "Beeps"]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=root)
    assert p.returncode == 0, p.stderr[-3000:]
    (clip,) = (root / "media").rglob("beeps.mp4")
    return clip


@pytest.mark.slow
def test_beats_of_a_clip_with_sound_keep_every_frame_and_every_audio_packet(beeps: Path) -> None:
    beats = split_beats(beeps, beeps.parent / "beats")
    assert [b.caption for b in beats] == ["first beat", "second beat", ""]
    assert [b.path.name for b in beats] == [f"beeps-b0{k}.mp4" for k in (1, 2, 3)]
    assert sum(video_frames(b.path) for b in beats) == video_frames(beeps)
    clip_audio = _packets(beeps, "audio")
    per_beat = [_packets(b.path, "audio") for b in beats]
    assert len(clip_audio) > 100 and all(per_beat)  # the tone outlasts the clip: every beat has sound
    # Every audio packet is kept, once: as many packets, and their durations add up (within one
    # AAC frame; copied packets keep their durations, so in fact exactly).
    assert sum(len(p) for p in per_beat) == len(clip_audio)
    assert abs(sum(d for b in per_beat for _, d in b) - sum(d for _, d in clip_audio)) < _AAC_FRAME
    for beat, audio in zip(beats[1:], per_beat[1:], strict=True):
        # Shifted with its video: a beat's sound starts within one AAC frame of its first picture.
        assert 0 <= audio[0][0] < _AAC_FRAME, (beat.path.name, audio[0])
        assert _packets(beat.path, "video")[0][0] == 0


@pytest.mark.slow
def test_the_deck_of_a_clip_with_sound_mutes_none_of_its_beats(beeps: Path, tmp_path: Path) -> None:
    from ae_explainer.deliver.lecture import write_slides

    clip = tmp_path / "clips" / "ch99-Beeps.mp4"
    clip.parent.mkdir()
    clip.write_bytes(beeps.read_bytes())
    clip.with_suffix(".srt").write_bytes(beeps.with_suffix(".srt").read_bytes())
    deck = write_slides([clip], ["99. Beeps"], tmp_path / "slides" / "index.html", "dark", (854, 480), True)
    html = deck.read_text(encoding="utf-8")
    assert html.count("data-background-video=") == 3 and "data-background-video-muted" not in html
    assert "**99. Beeps**\n\nfirst beat</aside>" in html and ">second beat</aside>" in html
    videos = sorted((deck.parent / "index_assets").iterdir())
    assert [v.name for v in videos] == [f"ch99-Beeps-b0{k}.mp4" for k in (1, 2, 3)]


@pytest.mark.slow
def test_in_a_deck_exactly_the_slides_of_silent_beats_are_muted(beeps: Path, tmp_path: Path) -> None:
    import av

    from ae_explainer.deliver.lecture import write_slides

    clips = tmp_path / "clips"
    clips.mkdir()
    loud, quiet = clips / "ch98-Loud.mp4", clips / "ch99-Quiet.mp4"
    loud.write_bytes(beeps.read_bytes())
    with av.open(str(beeps)) as src, av.open(str(quiet), "w") as dst:  # the clip's pictures, no sound
        out = dst.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = out
                dst.mux(packet)
    for clip in (loud, quiet):
        clip.with_suffix(".srt").write_bytes(beeps.with_suffix(".srt").read_bytes())
    deck = write_slides(
        [loud, quiet], ["98. Loud", "99. Quiet"], tmp_path / "deck.html", "light", (854, 480), True
    )
    slides = re.findall(r"<section\s(.*?)>", deck.read_text(encoding="utf-8"), flags=re.S)
    muted = [m[1] for s in slides if "-muted" in s and (m := re.search(r"_assets/(ch\d+)", s))]
    assert len(slides) == 6 and muted == ["ch99"] * 3


@pytest.mark.slow
def test_a_clip_without_subtitles_is_one_beat(beeps: Path, tmp_path: Path) -> None:
    clip = tmp_path / "bare.mp4"
    clip.write_bytes(beeps.read_bytes())
    (beat,) = split_beats(clip, tmp_path / "beats")
    assert isinstance(beat, Beat) and beat.caption == "" and beat.start == 0.0
    assert video_frames(beat.path) == video_frames(clip)
    assert len(_packets(beat.path, "audio")) == len(_packets(clip, "audio"))
