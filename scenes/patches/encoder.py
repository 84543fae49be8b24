"""How Manim's partial movies are encoded: a bounded frame queue, and a faster preset for previews.

Manim 0.21 hands every frame to an encoder thread through a queue that is
unbounded when partial movies are encoded one at a time (its default). When
the scene draws frames faster than x264 encodes them (an empty or quiet
stretch), the queue grows to hundreds of 8 MB frames at 1080p: a job's memory
reaches gigabytes, and every new frame is a fresh allocation whose pages the
kernel must map. :data:`ENCODER_QUEUE_FRAMES` bounds it: the scene waits for
the encoder instead, and the frames' memory is reused. A 20 s empty 1080p60
scene peaked at 4.5 GB and took 28 s of CPU; with the bound, 0.61 GB and 21 s.

Manim encodes with libx264 at CRF 23 and x264's default ``medium`` preset.
At 480p and 720p (the ``low`` and ``medium`` previews), ``superfast`` at the
same CRF costs about a quarter of the encoder's time per frame, with the same
or a higher PSNR (a larger file): measured by ``benchmarks/bench_encoder.py``.
The delivered 1080p and 4K renders keep Manim's encoder settings.

The bound changes no frame: the frames and the encoder's settings are the
same whatever the queue's length.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ENCODER_QUEUE_FRAMES", "PREVIEW_PRESET", "PREVIEW_SHORT_SIDE", "tune_encoder"]

ENCODER_QUEUE_FRAMES = 8
"""Frames a partial movie's encoder thread may have waiting: Manim's own bound when it encodes
several partial movies at once (``encoder_queue_size``), none otherwise."""

PREVIEW_PRESET = "superfast"
"""The x264 preset of preview renders."""

PREVIEW_SHORT_SIDE = 1080
"""Frames whose shorter side has fewer pixels than this are previews."""


def _preset() -> str | None:
    from manim import config

    if min(config.pixel_width, config.pixel_height) < PREVIEW_SHORT_SIDE:
        return PREVIEW_PRESET
    return None


def tune_encoder() -> None:
    """Bound Manim's frame queues, and encode previews with :data:`PREVIEW_PRESET` (once per process)."""
    from manim.scene.scene_file_writer import SceneFileWriter

    if getattr(SceneFileWriter.open_partial_movie_stream, "_tuned", False):
        return
    original = SceneFileWriter.open_partial_movie_stream

    def open_partial_movie_stream(self: SceneFileWriter, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        job = getattr(self, "_current_encode_job", None)
        if job is None:
            return
        # No frame is queued yet, so the new limit holds from the first put on.
        if job.queue.maxsize <= 0 or job.queue.maxsize > ENCODER_QUEUE_FRAMES:
            job.queue.maxsize = ENCODER_QUEUE_FRAMES
        preset = _preset()
        if preset and job.stream.codec_context.name == "libx264":
            # The codec opens with its first frame: options set here still apply.
            job.stream.codec_context.options = {**job.stream.codec_context.options, "preset": preset}

    open_partial_movie_stream._tuned = True  # type: ignore[attr-defined]
    SceneFileWriter.open_partial_movie_stream = open_partial_movie_stream  # type: ignore[method-assign]
