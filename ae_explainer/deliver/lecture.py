"""``ae-explainer lecture``: one folder with everything a lecturer needs.

::

    lecture/
      README.md                how to present it
      explainer.mp4 .srt .vtt  the whole explainer, joined from the clips
      clips/                   one clip per chapter, each with .srt and .vtt
      stills/                  a 4K PNG of every chapter's key frame
      contact-sheet.png        frames across the whole video, stamped with their times
      slides/index.html        a reveal.js deck (manim-slides): one slide per caption beat
      slides/index_assets/     the beats: each clip cut where its captions end (packets copied)
      explore/index.html       the interactive explorer page of the main run (ae_explainer.deliver.explore)

The deck works offline: reveal.js is fetched once from the npm registry
(checked against its published SHA-512), cached, and copied into
``slides/reveal.js/``, so the folder references no file outside itself.
"""

from __future__ import annotations

import os
import re
import sys
import tarfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ae_explainer.deliver.sheets import video_contact_sheet
from ae_explainer.options import RenderOptions
from ae_explainer.outputs import prepare_out
from ae_explainer.progress import LogProgress, RenderProgress
from aecore.errors import AecoreError
from aecore.files import atomic_write

if TYPE_CHECKING:
    from scenes.chapters import ChapterInfo

__all__ = [
    "REVEAL_VERSION",
    "build_lecture",
    "fetch_reveal",
    "join_explainer",
    "reveal_assets",
    "reveal_cache_paths",
    "write_slides",
]

REVEAL_VERSION = "6.0.1"
"""The reveal.js release manim-slides 5.7.0's template is written for."""

_REVEAL_SHA512 = (  # the registry's published ``dist.integrity``, in hex
    "f5e69c02b34882a3b61c658e2bef77809367fa0bdd18355b4aafa2daedc96bd9"
    "23887a6cd1734ba606136536232911fdd6e5f2ddc9468a67868b0e2e9871bfb6"
)
_REVEAL_TARBALL = f"reveal.js-{REVEAL_VERSION}.tgz"
_REVEAL_URL = f"https://registry.npmjs.org/reveal.js/-/{_REVEAL_TARBALL}"
_REVEAL_FILES = (
    "LICENSE",
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/theme/black.css",
    "dist/theme/white.css",
    "dist/plugin/notes.js",
    "dist/plugin/markdown.js",
    "dist/plugin/highlight/zenburn.css",
)


def join_explainer(clips: Sequence[Path], dest: Path, loudness: float | None = None) -> Path:
    """Join chapter clips into ``dest`` (packets copied) with joined ``.srt`` and ``.vtt`` beside it.

    With ``loudness`` (LUFS), the joined sound track is mastered to it as a
    whole (:func:`ae_explainer.media.clips.join_videos`).
    """
    from ae_explainer.media.clips import join_videos, video_seconds
    from scenes.captions import join_srt, vtt_text

    join_videos(clips, dest, loudness)
    srt = join_srt([(c.with_suffix(".srt").read_text(encoding="utf-8"), video_seconds(c)) for c in clips])
    try:
        for path, text in ((dest.with_suffix(".srt"), srt), (dest.with_suffix(".vtt"), vtt_text(srt))):
            atomic_write(path, text)
    except OSError as e:
        raise AecoreError(f"--out {dest.parent}: cannot write {dest.stem} subtitles ({e.strerror})") from None
    return dest


def reveal_cache_paths() -> list[Path]:
    """Where the reveal.js tarball is looked for, in order.

    ``<venv>/share/ae-explainer/`` (``make`` fetches it there during set-up,
    so tests and lectures never need the network), then the user's cache
    folder (:func:`pooch.os_cache`: ``$XDG_CACHE_HOME/ae-explainer``, ``~/.cache/ae-explainer``).
    """
    import pooch

    return [
        Path(sys.prefix) / "share" / "ae-explainer" / _REVEAL_TARBALL,
        pooch.os_cache("ae-explainer") / _REVEAL_TARBALL,
    ]


def fetch_reveal() -> Path:
    """Make sure a checked reveal.js tarball is on disk (fetched from the npm registry if missing).

    It is fetched (:func:`pooch.retrieve`, written under a temporary name and
    renamed) into the first of :func:`reveal_cache_paths` that can be
    written. With ``AE_EXPLAINER_OFFLINE=1`` the network is never used.
    """
    import pooch
    import requests

    places = reveal_cache_paths()
    for path in places:
        if path.is_file() and pooch.file_hash(str(path), alg="sha512") == _REVEAL_SHA512:
            return path
    if os.environ.get("AE_EXPLAINER_OFFLINE") == "1":
        raise AecoreError(
            f"slides: reveal.js {REVEAL_VERSION} is not cached ({', '.join(map(str, places))}) "
            "and AE_EXPLAINER_OFFLINE=1; run 'make setup' or use --cdn"
        )
    pooch.get_logger().setLevel("WARNING")
    last: OSError | None = None
    for path in places:
        try:
            got = pooch.retrieve(_REVEAL_URL, f"sha512:{_REVEAL_SHA512}", path.name, path.parent)
            return Path(got)
        except ValueError:  # pooch removed the download
            raise AecoreError(
                f"slides: reveal.js {REVEAL_VERSION} from the npm registry failed its SHA-512 check"
            ) from None
        except requests.RequestException as e:
            raise AecoreError(
                f"slides: could not fetch reveal.js {REVEAL_VERSION} from the npm registry ({e}); "
                "connect once, or use --cdn"
            ) from None
        except OSError as e:  # this place cannot be written: the next one
            last = e
    raise AecoreError(f"slides: cannot cache reveal.js ({last})")


def reveal_assets(dest: Path) -> Path:
    """Copy reveal.js's files the deck uses into ``dest`` (see :func:`fetch_reveal`).

    The tarball is checked against the SHA-512 the registry publishes for
    :data:`REVEAL_VERSION`; a mismatch or no network (and no cache) is an
    error naming what to do.
    """
    with tarfile.open(fetch_reveal(), mode="r:gz") as tar:
        for name in _REVEAL_FILES:
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise AecoreError(f"slides: reveal.js {REVEAL_VERSION} has no {name}")
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(member.read())
    return dest


def write_slides(
    clips: Sequence[Path], titles: Sequence[str], dest: Path, theme: str, size: tuple[int, int], offline: bool
) -> Path:
    """A reveal.js deck at ``dest`` (an ``.html`` file) with one slide per caption beat, via manim-slides.

    Each clip is cut into its caption beats (:func:`ae_explainer.media.beats.split_beats`,
    packets copied), written straight into the deck's ``<name>_assets/``
    folder: manim-slides copies a slide's file there only when no file of its
    name is there yet, so each beat is stored once. A slide plays its beat
    once, with its sound, and stops on the beat's caption; the caption is the
    slide's speaker note (the chapter's title too, in bold, on its first beat;
    press ``S`` in the browser). Right arrow plays the next beat. Slides of
    silent beats are muted videos, so they never wait for a click to play;
    beats with sound keep it, the first one too (the deck's template,
    ``revealjs.html`` beside this module, says why).
    """
    from manim_slides.config import PresentationConfig, SlideConfig
    from manim_slides.convert import RevealJS

    class Deck(RevealJS):  # manim-slides' converter, with the names of the beats to mute for its template
        muted: list[str]

    from ae_explainer.media.beats import split_beats
    from scenes.look.style import PALETTES

    assets = dest.parent / f"{dest.stem}_assets"
    slides = []
    for clip, title in zip(clips, titles, strict=True):
        for k, beat in enumerate(split_beats(clip, assets)):
            caption = _markdown_text(beat.caption or f"(the end of {title})")  # the last: the closing fade
            notes = "\n\n".join([f"**{_markdown_text(title)}**", caption] if k == 0 else [caption])
            slides.append(SlideConfig(file=beat.path, rev_file=beat.path, notes=notes))
    keep = {s.file.name for s in slides}
    for old in assets.iterdir():  # beats and clips of an earlier deck in this folder
        if old.is_file() and old.name not in keep and old.suffix in {".mp4", ".webm", ".mov", ".gif"}:
            old.unlink()
    background = PALETTES[theme]["background"]
    pc = PresentationConfig(slides=slides, resolution=size, background_color=background)  # type: ignore[arg-type]
    options: dict[str, Any] = {
        "presentation_configs": [pc],
        "title": "What an autoencoder represents",
        "reveal_theme": "white" if theme == "light" else "black",
        "background_color": background,
        "template": Path(__file__).with_name("revealjs.html"),
        "muted": sorted(s.file.name for s in slides if not _has_audio(s.file)),
    }
    if offline:
        reveal_assets(dest.parent / "reveal.js")
        options["cdn_url"] = "reveal.js"
    Deck(**options).convert_to(dest)
    return dest


def _markdown_text(s: str) -> str:
    """``s`` as literal text in a speaker note, which is Markdown: with its ``*_`\\`` escaped."""
    return re.sub(r"([\\`*_])", r"\\\1", s)


def _has_audio(video: Path) -> bool:
    import av

    with av.open(str(video)) as c:
        return bool(c.streams.audio)


_README = """# {title}: lecture pack

Made by `ae-explainer lecture` ({aspect}, {quality}, {theme} theme).

- `slides/index.html`: the slide deck. Open it in a browser (it works
  offline: every file it loads is in this folder). Each slide is one caption
  beat of a chapter: it plays up to the end of one caption, with its sound,
  and stops there with the caption still on screen, so you can talk over it.
  - Right arrow: play the next beat; Left arrow: back one beat; Space: pause
    or resume the beat playing (on a beat that has ended: play it again).
  - `F`: full screen; `Esc`: overview of all beats.
  - `S`: speaker view; each beat's note is its caption (the first beat of a
    chapter also has the chapter's title).
  - Sound: browsers block a video with sound from playing by itself until
    the viewer has interacted with the page (Chrome's autoplay policy;
    Firefox and Safari block it by default too): one click or key press in
    the deck unlocks sound for it. So click once in the deck before you present. If
    a beat starts before that, it plays muted and reveal.js shows an
    "Unmute video" button. With narration off the beats are silent (they play
    without that click) and you speak over them.
  To present from a USB stick, copy the whole folder and keep `slides/` next to
  its `index_assets/` and `reveal.js/` folders.
- `clips/`: one `.mp4` per chapter to embed in a course page or a slide of your
  own, each with subtitles as `.srt` (video players, LMS) and `.vtt` (browsers).
- `explainer.mp4`: the whole explainer, with `explainer.srt` and `explainer.vtt`.
- `stills/`: a 4K PNG of each chapter's key frame, for printed notes and handouts.
- `contact-sheet.png`: frames across the whole video with their times, to find a moment.
- `explore/index.html`: the main run's model, live in the browser: scrub through
  training, drag a probe p and watch z = f(p) and x̂ = g(f(p)). One file; it works
  offline and from a USB stick.

Chapters:

{chapters}
"""


def build_lecture(
    infos: Sequence[ChapterInfo],
    opts: RenderOptions,
    out: Path,
    jobs: int = 1,
    offline: bool = True,
    progress: RenderProgress | None = None,
) -> Path:
    """Write the lecture pack for ``infos`` rendered with ``opts`` into the folder ``out``.

    ``progress`` hears about each stage, the training and the render jobs
    (default: a few log records).
    """
    from ae_explainer.render.chapters import render_chapters, render_stills
    from scenes.look.frame import frame_spec

    report = progress or LogProgress()
    prepare_out(out)
    report.stage("lecture: chapter clips")
    clips = render_chapters(infos, opts, out / "clips", jobs=jobs, progress=report)
    report.stage("lecture: the whole explainer")
    video = join_explainer(clips, out / "explainer.mp4", opts.loudness)
    report.stage("lecture: 4K stills of the key frames")
    render_stills(infos, opts.replace(quality="4k"), out / "stills", jobs=jobs, progress=report)
    report.stage("lecture: contact sheet")
    video_contact_sheet(video, out / "contact-sheet.png")
    report.stage("lecture: slides")
    spec = frame_spec(opts.aspect, opts.quality)
    write_slides(
        clips,
        [f"{i.number}. {i.title}" for i in infos],
        out / "slides" / "index.html",
        opts.theme,
        (spec.pixel_width, spec.pixel_height),
        offline,
    )
    report.stage("lecture: explorer page")
    from ae_explainer.deliver.explore import write_main_page

    write_main_page(out / "explore", opts.theme, dict(opts.run))
    chapters = "\n".join(
        f"{k}. {i.title}: `clips/{c.name}`" for k, (i, c) in enumerate(zip(infos, clips, strict=True), 1)
    )
    readme = _README.format(
        title="What an autoencoder represents",
        aspect=opts.aspect,
        quality=opts.quality,
        theme=opts.theme,
        chapters=chapters,
    )
    atomic_write(out / "README.md", readme)
    return out


if (
    __name__ == "__main__"
):  # ``python -m ae_explainer.deliver.lecture fetch-reveal``: run by ``make`` during set-up
    if sys.argv[1:] != ["fetch-reveal"]:
        sys.exit("usage: python -m ae_explainer.deliver.lecture fetch-reveal")
    try:
        print(fetch_reveal())
    except AecoreError as err:
        sys.exit(f"error: {err}")
