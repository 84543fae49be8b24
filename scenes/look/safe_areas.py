"""The bands of a post that each platform's own buttons, captions and progress bars cover.

A vertical feed (YouTube Shorts, Instagram Reels, TikTok) draws its interface
over the video: the account name and the post's text above the bottom edge,
a rail of buttons (like, comment, share) up the right, a search bar or tabs
across the top. X and LinkedIn show a square or 4:5 post inside the page,
with only a duration badge, a mute button and rounded corners over it.
Text and key graphics must keep out of those bands.

Each platform's bands are a :class:`UIBands`: fractions of the frame's width
(left, right) and height (top, bottom), measured in a 1080-pixel-wide frame.

=========  ===========  =====  ======  =====  =====  ==========================================
platform   frame (px)   top    bottom  left   right  source
=========  ===========  =====  ======  =====  =====  ==========================================
shorts     1080 x 1920  0.08   0.25    0.03   0.12   third-party Shorts templates: the title,
                                                     channel and subscribe button over the bottom
                                                     quarter, the button rail about 130 px wide
                                                     on the right, the search and menu icons on top
reels      1080 x 1920  0.14   0.35    0.06   0.06   Meta's guidance for Reels ads: keep 14 % at
                                                     the top, 35 % at the bottom and 6 % at each
                                                     side free (the organic post's caption alone
                                                     takes at least the bottom 20 %)
tiktok     1080 x 1920  0.078  0.229   0.056  0.139  third-party TikTok safe-zone templates:
                                                     150 px at the top, 440 px at the bottom,
                                                     60 px at the left, 150 px at the right
x          1080 x 1080  0.04   0.08    0.04   0.04   the post sits in the timeline with rounded
                                                     corners; the duration badge and the mute
                                                     button sit over its bottom corners
linkedin   1080 x 1080  0.04   0.08    0.04   0.04   as X: rounded corners, the player's controls
                                                     along the bottom when it is tapped
=========  ===========  =====  ======  =====  =====  ==========================================

The guides disagree in the pixels and change with the apps' versions, so a
vertical post is laid out once for all three feeds: :data:`VERTICAL` is the
*union* of their bands (the largest band on each side: Reels' top 14 % and
bottom 35 %, TikTok's right 13.9 % rounded up to 14 %, Reels' sides 6 % on the
left). What is left, 80 % of the width by 51 % of the height, sits a little
left of and above the frame's centre: the middle band where the pictures and
the burned-in captions go. :data:`SQUARE` is the union of X's and LinkedIn's.
A landscape frame keeps the broadcast title-safe margins of
:func:`scenes.look.frame.platform_margins`.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import config

from scenes.look.frame import current_aspect, platform_margins
from scenes.look.layout import Rect

__all__ = [
    "PLATFORMS",
    "SQUARE",
    "SQUARE_PLATFORMS",
    "VERTICAL",
    "VERTICAL_PLATFORMS",
    "UIBands",
    "feed_bands",
    "safe_rect",
    "union",
]


@dataclass(frozen=True)
class UIBands:
    """The parts of a frame a platform covers: fractions of its width (left, right) and height (top, bottom).

    Attributes
    ----------
    top, bottom, left, right
        How far each band reaches in from its edge, as a fraction of the
        frame's height (top, bottom) or width (left, right).
    size
        The frame the platform's guides measure in, ``(width, height)`` pixels.
    """

    top: float
    bottom: float
    left: float
    right: float
    size: tuple[int, int] = (1080, 1920)

    def safe_rect(self, frame_width: float, frame_height: float) -> Rect:
        """The part of a frame of that size (scene units, centred on the origin) the bands leave free."""
        left = -frame_width / 2 + self.left * frame_width
        right = frame_width / 2 - self.right * frame_width
        top = frame_height / 2 - self.top * frame_height
        bottom = -frame_height / 2 + self.bottom * frame_height
        return Rect((left + right) / 2, (top + bottom) / 2, right - left, top - bottom)


PLATFORMS: dict[str, UIBands] = {
    "shorts": UIBands(top=0.08, bottom=0.25, left=0.03, right=0.12),
    "reels": UIBands(top=0.14, bottom=0.35, left=0.06, right=0.06),
    "tiktok": UIBands(top=150 / 1920, bottom=440 / 1920, left=60 / 1080, right=150 / 1080),
    "x": UIBands(top=0.04, bottom=0.08, left=0.04, right=0.04, size=(1080, 1080)),
    "linkedin": UIBands(top=0.04, bottom=0.08, left=0.04, right=0.04, size=(1080, 1080)),
}
"""Each platform's bands (see the module's table for the sources)."""

VERTICAL_PLATFORMS = ("shorts", "reels", "tiktok")
"""The platforms that show a 1080 x 1920 post."""

SQUARE_PLATFORMS = ("x", "linkedin")
"""The platforms that show a 1080 x 1080 post."""


def union(*bands: UIBands) -> UIBands:
    """The bands that cover everything any of ``bands`` covers (the widest on each side)."""
    return UIBands(
        top=max(b.top for b in bands),
        bottom=max(b.bottom for b in bands),
        left=max(b.left for b in bands),
        right=max(b.right for b in bands),
        size=bands[0].size,
    )


VERTICAL = UIBands(top=0.14, bottom=0.35, left=0.06, right=0.14)
"""What one vertical post keeps clear of for every vertical feed: the union of their bands, the right
band rounded up to 14 % (``tests/test_short.py`` holds it to :func:`union` of :data:`VERTICAL_PLATFORMS`)."""

SQUARE = union(*(PLATFORMS[p] for p in SQUARE_PLATFORMS))
"""What one square post keeps clear of for X and LinkedIn."""


def feed_bands(aspect: str | None = None) -> UIBands:
    """The bands a post in ``aspect`` (default: Manim's current frame) keeps clear of.

    9:16: :data:`VERTICAL`; 1:1: :data:`SQUARE`; 16:9: the title-safe
    margins of :func:`scenes.look.frame.platform_margins` on every side.
    """
    aspect = aspect or current_aspect()
    if aspect == "9:16":
        return VERTICAL
    if aspect == "1:1":
        return SQUARE
    mx, my = platform_margins(aspect)
    return UIBands(top=my, bottom=my, left=mx, right=mx, size=(1920, 1080))


def safe_rect(aspect: str | None = None, platform: str | None = None) -> Rect:
    """The part of Manim's current frame that a post keeps its text and key graphics in.

    Parameters
    ----------
    aspect
        The frame's aspect (default: Manim's current frame): its
        :func:`feed_bands`.
    platform
        One platform of :data:`PLATFORMS` instead: its own bands only.
    """
    bands = PLATFORMS[platform] if platform is not None else feed_bands(aspect)
    return bands.safe_rect(config.frame_width, config.frame_height)
