"""How Manim's partial movies are encoded: a bounded frame queue, and x264's ``superfast`` preset.

Manim 0.21 hands every frame to an encoder thread through a queue that is
unbounded when partial movies are encoded one at a time (its default). When
the scene draws frames faster than x264 encodes them (an empty or quiet
stretch), the queue grows to hundreds of 8 MB frames at 1080p: a job's memory
reaches gigabytes, and every new frame is a fresh allocation whose pages the
kernel must map. :data:`ENCODER_QUEUE_FRAMES` bounds it: the scene waits for
the encoder instead, and the frames' memory is reused. A 20 s empty 1080p60
scene peaked at 4.5 GB and took 28 s of CPU; with the bound, 0.61 GB and 21 s.

Manim encodes with libx264 at CRF 23 and x264's default ``medium`` preset.
We keep CRF 23 and encode every quality with ``superfast`` (:data:`PRESET`).
Our frames are flat backgrounds, lines and dots, which ``medium``'s slower
motion search and psycho-visual tuning buy little for, while x264 was the
largest single cost of a 1080p60 render: on 174 frames of chapter 9 at
1080p60, against the frames as drawn (PNG), side by side in one run:

=========  =============  ==========  =========  =======
preset     CPU per frame  PSNR (dB)   SSIM (Y)   file
=========  =============  ==========  =========  =======
medium     32.9 ms        35.24       0.9914     0.67 MB
superfast  11.5 ms        35.26       0.9919     1.23 MB
=========  =============  ==========  =========  =======

The same quality at about a third of the encoder's CPU, for files about 1.8x
larger (a 1080p60 chapter stays under 1 MB per second of video). At 480p15,
``superfast`` costs a quarter of ``medium``'s time per frame with the same or
a higher PSNR. ``benchmarks/bench_encoder.py`` measures the presets.

The bound changes no frame: the frames and the encoder's settings are the
same whatever the queue's length.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ENCODER_QUEUE_FRAMES", "PRESET", "tune_encoder"]

ENCODER_QUEUE_FRAMES = 8
"""Frames a partial movie's encoder thread may have waiting: Manim's own bound when it encodes
several partial movies at once (``encoder_queue_size``), none otherwise."""

PRESET = "superfast"
"""The x264 preset of every render, at Manim's CRF 23."""


def tune_encoder() -> None:
    """Bound Manim's frame queues, and encode with :data:`PRESET` (once per process)."""
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
        if job.stream.codec_context.name == "libx264":
            # The codec opens with its first frame: options set here still apply.
            job.stream.codec_context.options = {**job.stream.codec_context.options, "preset": PRESET}

    open_partial_movie_stream._tuned = True  # type: ignore[attr-defined]
    SceneFileWriter.open_partial_movie_stream = open_partial_movie_stream  # type: ignore[method-assign]
