"""How Manim's partial movies are encoded: a faster x264 preset for previews, at the same CRF.

Manim 0.21 encodes every animation with libx264 at CRF 23 and x264's default
``medium`` preset. At 480p and 720p (the ``low`` and ``medium`` previews),
``superfast`` at the same CRF costs about a quarter of the encoder's time
per frame, with the same or a higher PSNR (a larger file): measured by
``benchmarks/bench_encoder.py``. The delivered 1080p and 4K renders keep
Manim's encoder settings.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PREVIEW_PRESET", "PREVIEW_SHORT_SIDE", "use_preview_preset"]

PREVIEW_PRESET = "superfast"
"""The x264 preset of preview renders."""

PREVIEW_SHORT_SIDE = 1080
"""Frames whose shorter side has fewer pixels than this are previews."""


def _preset() -> str | None:
    from manim import config

    if min(config.pixel_width, config.pixel_height) < PREVIEW_SHORT_SIDE:
        return PREVIEW_PRESET
    return None


def use_preview_preset() -> None:
    """Make Manim encode a preview's partial movies with :data:`PREVIEW_PRESET` (once per process)."""
    from manim.scene.scene_file_writer import SceneFileWriter

    if getattr(SceneFileWriter.open_partial_movie_stream, "_preview_preset", False):
        return
    original = SceneFileWriter.open_partial_movie_stream

    def open_partial_movie_stream(self: SceneFileWriter, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        job = getattr(self, "_current_encode_job", None)
        preset = _preset()
        if job is not None and preset and job.stream.codec_context.name == "libx264":
            # The codec opens with its first frame: options set here still apply.
            job.stream.codec_context.options = {**job.stream.codec_context.options, "preset": preset}

    open_partial_movie_stream._preview_preset = True  # type: ignore[attr-defined]
    SceneFileWriter.open_partial_movie_stream = open_partial_movie_stream  # type: ignore[method-assign]
