"""``ae-explainer social``: the platforms' table, the posts' text, and the folders end to end.

The short itself (its beats, its safe area, its length) is tested in
:mod:`tests.test_short`; bad input to ``social`` is in the catalogue
(:mod:`tests.catalogue_round2`). Here: what the posts must be for the
platforms (sizes, codecs, loudness, the index at the front, a cover, text
within the limits), and that five posts cost two renders.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ae_explainer.deliver.social import CREDIT_LINK, POSTS, counted_length, parse_platforms, post_text
from aecore import AecoreError
from scenes.look.safe_areas import PLATFORMS

ROOT = Path(__file__).resolve().parents[1]


def test_every_platform_has_a_frame_its_bands_are_measured_in() -> None:
    assert list(POSTS) == ["shorts", "reels", "tiktok", "x", "linkedin"]
    for name, post in POSTS.items():
        w, h = PLATFORMS[name].size
        assert post.aspect == ("9:16" if h > w else "1:1"), name


def test_platforms_are_read_in_the_tables_order_and_a_wrong_one_is_one_line() -> None:
    assert parse_platforms("x, TikTok") == ["tiktok", "x"]
    assert parse_platforms(",".join(POSTS)) == list(POSTS)
    for bad in ("snapchat", "", ","):
        with pytest.raises(AecoreError, match=r"^--platforms: .* is not a platform; give some of shorts"):
            parse_platforms(bad)


def test_each_posts_text_has_a_title_plain_sentences_and_the_credit_within_its_limit() -> None:
    link = CREDIT_LINK
    for post in POSTS.values():
        text = post_text(post)
        assert len(text) <= min(post.max_text, 2200), post.name
        assert text.startswith("What an autoencoder represents") and link in text, post.name
        assert "Keenan Crane" in text
    assert len(post_text(POSTS["x"])) <= 280


def test_x_counts_a_link_as_23_and_a_cjk_character_as_two() -> None:
    x, linkedin = POSTS["x"], POSTS["linkedin"]
    assert counted_length("Mé x̂ — ok", x) == 10  # Latin, combining marks and dashes: once
    assert counted_length("ℝ", x) == 2 and counted_length("ℝ", linkedin) == 1
    assert counted_length("オートエンコーダ", x) == 16 and counted_length("オートエンコーダ", linkedin) == 8
    assert counted_length(f"See {CREDIT_LINK}\n", x) == 4 + 23 + 1
    assert counted_length(f"See {CREDIT_LINK}\n", linkedin) == 5 + len(CREDIT_LINK)


@pytest.mark.parametrize("language", ["de", "es", "ja"])
def test_each_posts_text_is_in_the_language_within_the_limit_as_the_platform_counts_it(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ae_explainer.deliver.publish import TITLE
    from scenes.i18n import _

    monkeypatch.setenv("AE_EXPLAINER_LANGUAGE", language)
    title = _(TITLE)
    assert title != TITLE
    for post in POSTS.values():
        text = post_text(post)
        assert counted_length(text, post) <= min(post.max_text, 2200), post.name
        assert text.startswith(title) and CREDIT_LINK in text and "Keenan Crane" in text, post.name
        assert "autoencoder represents" not in text and "only worth trusting" not in text, post.name
    if language == "ja":  # the full text is over X's 280 as X counts it (a kana counts twice): the short one
        assert counted_length(post_text(POSTS["linkedin"]), POSTS["x"]) > 280
        assert len(post_text(POSTS["x"])) < len(post_text(POSTS["linkedin"]))


def _atoms(path: Path) -> list[str]:
    """The top-level boxes of an mp4, in file order."""
    data, out, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        out.append(kind.decode("latin-1"))
        if size == 1:
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
        at += size if size else len(data)
    return out


@pytest.mark.slow
def test_social_makes_ready_folders_for_a_vertical_and_a_square_platform(tmp_path: Path) -> None:
    import av
    from PIL import Image

    from ae_explainer.media.clips import GIF_BUDGET_BYTES, clip_audio, video_seconds
    from ae_explainer.media.loudness import integrated_loudness, true_peak

    out = tmp_path / "posts"
    cmd = [sys.executable, "-m", "ae_explainer", "social", "--platforms", "tiktok,x", "--quality", "low"]
    p = subprocess.run([*cmd, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert p.returncode == 0, p.stderr[-3000:]
    assert sorted(d.name for d in out.iterdir() if not d.name.startswith(".")) == ["tiktok", "x"]
    for name, size in (("tiktok", (480, 854)), ("x", (480, 480))):
        folder = out / name
        assert {f.name for f in folder.iterdir()} >= {
            "post.mp4",
            "cover.png",
            "post.txt",
            "post.srt",
            "post.vtt",
        }
        video = folder / "post.mp4"
        with av.open(str(video)) as c:
            v, a = c.streams.video[0], c.streams.audio[0]
            assert (v.codec_context.name, v.codec_context.pix_fmt, (v.width, v.height)) == (
                "h264",
                "yuv420p",
                size,
            )
            assert v.average_rate is not None and float(v.average_rate) <= 60
            assert (a.codec_context.name, a.codec_context.profile, a.rate) == ("aac", "LC", 48_000)
            first = next(c.decode(video=0)).to_ndarray(format="rgb24")
        assert (
            first.std() > 10 and len(np.unique(first.reshape(-1, 3), axis=0)) > 500
        )  # the picture, not blank
        assert 45.0 <= video_seconds(video) <= 60.0
        assert _atoms(video).index("moov") < _atoms(video).index("mdat")
        assert video.stat().st_size <= POSTS[name].max_bytes
        sound = clip_audio(video) / 32768.0
        assert integrated_loudness(sound, 48_000) == pytest.approx(-14.0, abs=1.0)
        assert (
            true_peak(sound) <= -1.0 + 0.1
        )  # dBTP, as decoded (AAC's own overshoot is checked by mastering)
        with Image.open(folder / "cover.png") as cover:
            assert cover.size == size
        assert len((folder / "post.txt").read_text(encoding="utf-8")) <= POSTS[name].max_text
        assert "-->" in (folder / "post.srt").read_text(encoding="utf-8")
    assert (out / "x" / "post.gif").stat().st_size <= GIF_BUDGET_BYTES
    renders = sorted(f.name for f in (out / ".renders").glob("*.mp4"))
    assert len(renders) == 2 and "9x16" in renders[1] and "1x1" in renders[0]  # two renders for two aspects
    again = subprocess.run([*cmd, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert again.returncode == 0 and again.stdout.count("reusing") + again.stderr.count("reusing") >= 2
