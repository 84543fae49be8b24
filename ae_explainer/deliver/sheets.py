"""Contact sheets: many pictures on one PNG, to review a whole video or a set of stills at a glance.

:func:`contact_sheet` lays images out in rows, each scaled to one height,
optionally stamped with a label; :func:`video_contact_sheet` samples frames
evenly across a video and stamps each with its time (the lecture pack's
``contact-sheet.png``). The review stills (:mod:`ae_explainer.deliver.stills`)
put one chapter's stills side by side in one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aecore.errors import AecoreError
from aecore.files import atomic_path

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["contact_sheet", "video_contact_sheet"]


def contact_sheet(
    images: Sequence[Image.Image],
    dest: Path,
    *,
    height: int,
    columns: int | None = None,
    labels: Sequence[str] = (),
    gap: int = 12,
    margin: int = 0,
    background: tuple[int, int, int] = (60, 60, 60),
) -> Path:
    """Write ``images`` to ``dest`` as one PNG, in rows of ``columns`` (default: one row).

    Parameters
    ----------
    images
        The pictures, in reading order; each is scaled to ``height`` pixels,
        keeping its aspect.
    dest
        The PNG to write (under a temporary name, then renamed).
    height
        Every cell's height in pixels.
    columns
        Cells per row; ``None`` puts every image in one row.
    labels
        A short text stamped in each cell's top-left corner (e.g. its time),
        or none.
    gap, margin
        Pixels between cells, and around the sheet.
    background
        The colour between cells.
    """
    from PIL import Image, ImageDraw, ImageFont

    if not images:
        raise AecoreError(f"contact sheet {dest.name}: no pictures to put on it")
    cells = [
        im.convert("RGB").resize((max(1, round(im.width * height / im.height)), height)) for im in images
    ]
    per_row = columns or len(cells)
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    width = max(sum(c.width for c in row) + gap * (len(row) - 1) for row in rows)
    size = (width + 2 * margin, len(rows) * height + gap * (len(rows) - 1) + 2 * margin)
    sheet = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(sheet)
    try:
        font: Any = ImageFont.truetype("DejaVuSans.ttf", 16)
    except OSError:
        font = ImageFont.load_default()
    for r, row in enumerate(rows):
        x, y = margin, margin + r * (height + gap)
        for c, cell in enumerate(row):
            sheet.paste(cell, (x, y))
            if labels:
                draw.rectangle((x, y, x + 62, y + 20), fill=(0, 0, 0))
                draw.text((x + 4, y + 2), labels[r * per_row + c], fill=(255, 255, 255), font=font)
            x += cell.width + gap
    with atomic_path(dest, ".tmp.png") as tmp:
        sheet.save(tmp, format="PNG")
    return dest


def video_contact_sheet(video: Path, dest: Path, n: int = 24, columns: int = 6, width: int = 320) -> Path:
    """Write ``dest``: ``n`` frames spread evenly across ``video``, ``width`` px wide, each with its time."""
    import av

    from ae_explainer.media.clips import video_seconds

    total = video_seconds(video)
    times = [total * (i + 0.5) / n for i in range(n)]
    frames: list[tuple[float, Image.Image]] = []
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        stream.thread_type = "AUTO"
        want = iter(times)
        t_next = next(want, None)
        for frame in c.decode(stream):
            if t_next is None:
                break
            if frame.time is not None and frame.time >= t_next:
                frames.append((t_next, frame.to_image()))
                t_next = next(want, None)
    if not frames:
        raise AecoreError(f"contact sheet: no frames could be read from {video}")
    first = frames[0][1]
    return contact_sheet(
        [im for _, im in frames],
        dest,
        height=round(first.height * width / first.width),
        columns=columns,
        labels=[f"{int(t // 60)}:{t % 60:04.1f}" for t, _ in frames],
        gap=6,
        margin=6,
        background=(40, 40, 40),
    )
