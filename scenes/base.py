"""What every chapter scene shares: background, captions and their timing."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from manim import Group, Mobject, Scene, VGroup, config
from manim.utils.exceptions import EndSceneEarlyException

from aecore import AecoreError, Run, TrainConfig
from aecore.files import checked_path
from scenes.animations.opacity import OpacityFade
from scenes.captions import Caption, cue_id, write_srt
from scenes.environment import stop_at_key_frame
from scenes.i18n import is_cjk, source_of
from scenes.look.frame import platform_margins
from scenes.look.layout import current_layout, is_landscape
from scenes.look.style import COLORS, ensure_fonts, fit_lines, text, wrap_units
from scenes.patches.encoder import tune_encoder
from scenes.patches.skipping import draw_nothing_while_skipping
from scenes.patches.sound import (
    BREATH_SECONDS,
    cue_wav,
    pad_track,
    sound_time,
    start_track,
    use_opus_for_webm,
)
from scenes.settings import ENV, SceneSettings, current_settings, exit_with, run_error_line, settings_in_force

__all__ = ["CJK_CHARS_PER_WORD", "ChapterScene", "caption_mobject"]

CJK_CHARS_PER_WORD = 2.5
"""Japanese characters read in the time of one English word (Japanese reads at about 400 to 600
characters a minute, English at 200 to 250 words)."""


def caption_mobject(s: str) -> Mobject:
    """The caption ``s`` at the bottom of the frame, in lines that fit its width.

    In a landscape frame that is one line (the layouts leave room for one;
    a long translation is set a little smaller, the audit keeps it at least
    22 px high); in portrait and square frames the caption wraps onto up to
    three centred lines, which sit above the band that platforms cover with
    their own controls. Japanese wraps between characters
    (:func:`~scenes.look.style.wrap_units`).
    """
    _, my = platform_margins()
    max_width = ((1.0 if is_landscape() else 0.92) - 2 * platform_margins()[0]) * config.frame_width
    whole = text(s, "caption")
    cap: Mobject = whole
    if cap.width > max_width and not is_landscape():
        parts, joiner = wrap_units(s)  # at spaces, or between Japanese characters
        # balanced: no lone last word; the widths come from the line typeset above
        lines = fit_lines(parts, joiner, "caption", max_width, balance=True, typeset=whole)
        cap = VGroup(*(text(line, "caption") for line in lines)).arrange(
            np.array([0.0, -1.0, 0.0]), buff=0.12
        )
    if cap.width > max_width:
        cap.scale_to_fit_width(max_width)
    cap.move_to(np.array([0.0, current_layout().caption_y, 0.0]))
    floor = -config.frame_height / 2 + (my + 0.015) * config.frame_height
    if cap.get_bottom()[1] < floor:
        cap.shift(np.array([0.0, floor - cap.get_bottom()[1], 0.0]))
    return cap


def _frame_times(run_time: float) -> np.ndarray:
    """The times at which Manim draws the frames of an animation of ``run_time`` seconds."""
    return np.arange(0, run_time, 1 / config.frame_rate)


class ChapterScene(Scene):
    """A scene with one caption line at the bottom, logged with its times.

    Subclasses set ``chapter`` (storyboard number, its place in the play
    order) and ``title``, list their runs in :meth:`run_configs`, and build in
    ``construct``. ``caption_seconds_per_word`` paces reading time (a
    caption always stays up that long); ``pace`` (from
    :func:`scenes.settings.current_settings`) scales every other pause. When the
    scene is written to a movie, its captions are written beside it as a
    ``.srt`` file with the same name.

    With a narration folder (:attr:`scenes.settings.SceneSettings.narration_dir`),
    each caption plays its cue's WAV (added to Manim's sound track) from the moment
    it starts to fade in (its subtitle starts there too), and stays up for
    at least the WAV's length plus :data:`scenes.patches.sound.BREATH_SECONDS`; the
    animations under it keep their pacing, and the scene waits for the
    voice where it is longer. Without narration, a caption's time starts
    once it is fully shown, as it always has.

    The job that renders a chapter's end writes the chapter's whole sound
    track, once the chapter has run: a range of animations rendered on its
    own to the end (``-n FIRST``, the last piece of a split chapter) also
    adds the voices of the captions it played skipped, at their times in
    the chapter, so its track is the whole render's, from time 0; a range
    that stops before the end (``-n FIRST,LAST``) is silent. The pieces'
    pictures joined, with the last piece's sound
    (:func:`ae_explainer.media.clips.join_pieces`), are the clip of a whole render.

    A chapter calls :meth:`key_frame` at its fullest moment: the frame a still
    of the chapter shows. With ``stop_at_key_frame`` set (or the environment
    variable ``AE_EXPLAINER_STOP_AT_KEY_FRAME=1``) the scene ends there, so
    ``manim -s`` saves that frame.

    A chapter ends the way it ends inside the whole explainer: unless
    ``fades_out`` is False (the next chapter opens on exactly this chapter's
    last frame, or this is the last chapter), the screen fades to the
    background. So the chapters' clips, joined end to end, are the explainer.
    ``closing_mobjects`` keeps what was on screen just before that fade.

    Skipped animations (a dry run, a still, or the animations before ``-n
    START`` when a job renders a range of them) advance the clock and the
    updaters exactly as rendered ones do: by whole frames. So a dry run knows
    the video's length to the frame, and a range rendered on its own starts
    from the very state (and time) at which the whole render reaches it.
    ``play_ends`` lists the time at which each animation ends.
    """

    chapter: int
    title: str
    fades_out: bool = True
    """Whether the chapter ends faded to the background (False: the next chapter opens on its last frame)."""
    caption_seconds_per_word: float = 0.25
    draws_network: bool = False
    """Whether the chapter draws the network diagram of the main run, which needs an MLP's weights
    (a viewer's own run recorded from another model has none: :mod:`scenes.runs`)."""

    @classmethod
    def cannot_show(cls, run: Run) -> str | None:
        """Why this chapter cannot show the viewer's own ``run`` (a phrase), or ``None`` if it can."""
        if cls.draws_network and not run.has_weights:
            return "draws the network diagram, which needs an MLP's weights"
        return None

    @classmethod
    def run_configs(cls) -> tuple[TrainConfig, ...]:
        """The training configs whose runs this chapter shows, under the current settings.

        ``ae-explainer`` trains them once before rendering and records their
        files' digests with each clip. Chapters that show runs override this.
        """
        return ()

    def __init__(self, *args: Any, settings: SceneSettings | None = None, **kwargs: Any) -> None:
        """``settings``: its theme, captions, pace, ... as one object (default: those in force, else read
        from the environment once, as the render starts); the rest go to Manim's ``Scene``."""
        self.settings = settings
        super().__init__(*args, **kwargs)

    def render(self, preview: bool = False) -> Any:
        """Manim's ``render``; a problem with the settings' run ends the process in one line.

        Under the ``manim`` CLI the main run comes from ``AE_EXPLAINER_RUN``:
        a data file that is missing, a run file that loops or holds a run the
        chapter cannot show, is one line naming the variable and its key
        (:func:`scenes.settings.run_error_line`), not Manim's traceback.

        The settings are read once, as the render starts, and stay in force
        until it ends (:func:`scenes.settings.settings_in_force`).
        """
        try:
            # The environment is read here, once (scenes.environment), unless settings are in force already.
            with settings_in_force(self.settings or current_settings()) as self.settings:
                return super().render(preview)
        except AecoreError as e:
            exit_with(run_error_line(str(e)))

    def setup(self) -> None:
        ensure_fonts()
        tune_encoder()
        if config.from_animation_number > 0 and config.write_to_movie and not config.save_last_frame:
            draw_nothing_while_skipping(self.renderer)  # a part of the chapter: skip to it without drawing
        settings = current_settings()
        self.pace = settings.pace
        self.show_captions = settings.captions
        self.narration = (
            checked_path(
                settings.narration_dir, ENV["narration_dir"], "folder", "give a folder of <cue id>.wav"
            )
            if settings.narration_dir
            else None
        )
        self._caption_voice = 0.0
        # Each caption's voice and where it goes in the sound track, added once the chapter has run;
        # None: this job writes no sound (a dry run skips from the start, a still saves one frame).
        silent = self.narration is None or self.renderer.skip_animations or config.save_last_frame
        self._voices: list[tuple[Path, float]] | None = None if silent else []
        if self.narration is not None:
            use_opus_for_webm()
        self.camera.background_color = COLORS["background"]  # type: ignore[union-attr]
        self.section_names: list[str] = []
        self.captions: list[Caption] = []
        self._caption: Mobject | None = None
        self._caption_text = ""
        self._caption_spoken = ""
        self._caption_start = 0.0
        self.key_frame_time: float | None = None
        self.closing_mobjects: list[Mobject] = []
        if not hasattr(self, "stop_at_key_frame"):
            self.stop_at_key_frame = stop_at_key_frame()
        self._stopped_early = False
        self.play_ends: list[float] = []

    def play(self, *args: Any, **kwargs: Any) -> None:
        """Manim's ``play``; a skipped one advances the clock by the frames it would have written."""
        start = self.renderer.time
        super().play(*args, **kwargs)
        if self.renderer.skip_animations:
            self.renderer.time = start + self._rendered_seconds()
            self.update_mobjects(0)  # as a rendered play ends: updaters see the animations' end
        self.play_ends.append(self.now)

    def _rendered_seconds(self) -> float:
        """How far the last play moved the clock when rendered (Manim writes whole frames)."""
        dt = 1 / config.frame_rate
        if self.is_current_animation_frozen_frame():
            return int(self.duration / dt) * dt  # a static wait: one frame, repeated
        seconds = 0.0
        for _ in _frame_times(self.duration):  # the same float sums as the renderer's
            seconds += dt
        return seconds

    def get_time_progression(
        self,
        run_time: float,
        description: str,
        n_iterations: int | None = None,
        override_skip_animations: bool = False,
    ) -> Any:
        """Manim's progression; a skipped animation jumps to its last frame's time, as rendered.

        Updaters then see the same total ``dt`` (the orbit of a 3-D view
        turns as far) as in a render, not the animation's whole run time.
        """
        progression = super().get_time_progression(
            run_time, description, n_iterations, override_skip_animations
        )
        if self.renderer.skip_animations and not override_skip_animations:
            times = _frame_times(run_time)
            progression.iterable = [float(times[-1])] if len(times) else [run_time]
        return progression

    def _ended_by_range(self) -> bool:
        """Whether this job rendered a range of animations (``-n START,END``) that stopped before the end."""
        upto = config.upto_animation_number
        return upto is not None and upto >= 0 and self.renderer.num_plays > upto

    def next_section(self, name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
        """Start a Manim section (one per chapter) and remember its name."""
        self.section_names.append(name)
        super().next_section(name, *args, **kwargs)

    @property
    def now(self) -> float:
        """Seconds of video played so far in this scene."""
        return float(self.renderer.time)

    def wait(self, duration: float = 1.0, *args: Any, **kwargs: Any) -> None:
        """Hold for ``duration * pace`` seconds (``pace`` scales every pause of a chapter)."""
        super().wait(duration * self.pace, *args, **kwargs)

    def _hold(self, seconds: float) -> None:
        """Wait at least ``seconds``: whole frames, rounded up.

        Manim writes ``floor(d * fps)`` frames for a still wait of ``d``
        seconds and ``ceil(d * fps)`` for one with updaters; the duration
        given is half a frame off the whole number, so both write it.
        """
        fps = config.frame_rate
        frames = math.ceil(seconds * fps - 1e-6)
        if frames > 0:
            still = not (  # Manim's test for a still wait (Scene.should_update_mobjects)
                self.always_update_mobjects
                or self.updaters
                or any(m.has_time_based_updater() for m in self.get_mobject_family_members())
            )
            super().wait((frames + 0.5) / fps if still else (frames - 0.5) / fps)

    def reading_time(self, s: str) -> float:
        """Seconds a viewer needs to read ``s`` (at least 1.5 s).

        Japanese has no spaces to count words by: every
        :data:`CJK_CHARS_PER_WORD` characters count as one word.
        """
        words = len(s.split())
        if is_cjk(s):
            words = max(words, math.ceil(len("".join(s.split())) / CJK_CHARS_PER_WORD))
        return max(1.5, self.caption_seconds_per_word * words)

    def _speak(self, s: str) -> float:
        """Play caption ``s``'s narration from now; returns how long it stays up for it (0: silent)."""
        if self.narration is None:
            return 0.0
        cue = cue_id(self.chapter, source_of(s))  # the English source's id, the same in every language
        try:
            wav, seconds = cue_wav(self.narration, cue)
        except ValueError as err:
            exit_with(f"{ENV['narration_dir']}: {err}")
        if self._voices is not None:  # skipped or not (Manim's Scene.add_sound drops a skipped one's)
            self._voices.append((wav, sound_time(self.now)))
        return seconds + BREATH_SECONDS

    def make_caption(self, s: str) -> Mobject:
        """The caption mobject for ``s``: :func:`caption_mobject` (a scene made for a feed places its own)."""
        return caption_mobject(s)

    def caption(self, s: str | None, spoken: str | None = None, fade_in: bool = True) -> None:
        """Replace the bottom caption by ``s`` (``None`` clears it): old out, then new in.

        The old caption first stays up for at least its :meth:`reading_time`
        and, when narrated, until its voice and a breath are over.
        ``spoken`` is how ``s`` reads aloud where its symbols would read badly
        ("x hat" for "x̂"); it must be :func:`~scenes.captions.speakable`.
        ``fade_in=False`` shows the caption at once, without a fade (the first
        caption of a clip whose first frame must already show it).
        """
        if self._caption_text:
            shown = self.now - self._caption_start
            needed = max(self.reading_time(self._caption_text), self._caption_voice)
            if shown < needed:
                self._hold(needed - shown)
            self.captions.append(
                Caption(
                    self._caption_start,
                    self.now,
                    self._caption_text,
                    self._caption_spoken,
                    cue_id(self.chapter, source_of(self._caption_text)),
                )
            )
            if self._caption is not None:
                # On top, the caption is the only moving mobject: Manim redraws every
                # mobject added after the first moving one on every frame.
                self.bring_to_front(self._caption)
                self.play(OpacityFade(self._caption, fade_in=False), run_time=0.25)
            else:
                super().wait(0.25)
        self._caption = None
        self._caption_text = s or ""
        self._caption_spoken = spoken or ""
        begins = self.now
        self._caption_voice = self._speak(s) if s else 0.0  # the voice starts as the caption fades in
        if s:
            if self.show_captions:
                cap = self.make_caption(s)
                if fade_in:
                    self.play(OpacityFade(cap), run_time=0.35)  # FadeIn's look, without copying every glyph
                else:
                    self.add(cap)
                self._caption = cap
            elif fade_in:
                super().wait(0.35)
        self._caption_start = begins if self.narration is not None else self.now

    def say(self, s: str | None, spoken: str | None = None) -> None:
        """:meth:`caption`, then move the caption to the back of the scene.

        For chapters with a picture redrawn every frame (a turning 3-D view):
        mobjects before the first moving one go into Manim's static
        background, drawn once, so the caption costs nothing per frame.
        """
        self.caption(s, spoken)
        if self._caption is not None:
            self.bring_to_back(self._caption)

    def key_frame(self) -> None:
        """Mark this moment as the chapter's key frame (and stop here if asked to)."""
        self.key_frame_time = self.now
        if self.stop_at_key_frame:
            self._stopped_early = True
            raise EndSceneEarlyException()

    def outro(self) -> None:
        """Clear the caption and, if the chapter :attr:`fades_out`, fade to the background.

        Otherwise the chapter holds its closing frame for one more frame: an
        animation's last frame is drawn just before it completes, so without
        it the clip would end on a caption three quarters faded, and the next
        chapter (or the end of the video) would cut from there.
        """
        self.caption(None)
        self.closing_mobjects = list(self.mobjects)
        if self.fades_out:
            self.clear_stage(run_time=0.8)
        else:
            super().wait(1.0 / config.frame_rate)

    def vanish(self, group: Mobject, *parts: Mobject, run_time: float = 0.6) -> None:
        """Fade ``parts`` of ``group`` out and drop them from it.

        Unlike :class:`~manim.FadeOut` of a submobject, this keeps ``group``
        whole in the scene (Manim splits a group whose part is removed). The
        fade scales opacities (:class:`OpacityFade`): nothing is copied.
        """
        self.play(*(OpacityFade(p, fade_in=False, remover=False) for p in parts), run_time=run_time)
        group.remove(*parts)

    def adopt(self, group: Mobject, *parts: Mobject) -> None:
        """Make ``parts`` (just animated in, so on the scene's top level) parts of ``group`` only.

        An animation such as :class:`~manim.Create` adds its mobject to the
        scene itself; adding it to ``group`` as well would leave it behind
        when ``group`` is faded out or removed.
        """
        self.remove(*parts)
        group.add(*parts)

    def clear_stage(self, run_time: float = 0.8) -> None:
        """Fade out and remove everything on screen but the caption."""
        shown = [m for m in self.mobjects if m is not self._caption]
        if shown:
            self.play(OpacityFade(Group(*shown), fade_in=False), run_time=run_time)
            self.remove(*shown)

    def _write_sound(self) -> None:
        """Add every caption's voice to the file writer's sound track, then pad it to the video's length.

        Done once the chapter has run to its end, so a range render (``-n
        FIRST``) adds the voices of the captions it played skipped too: its
        track is the whole chapter's, from time 0.
        """
        writer = self.renderer.file_writer
        if self._voices:
            start_track(writer)
        for wav, at in self._voices or ():
            writer.add_sound(str(wav), at)
        pad_track(writer, self.now)

    def tear_down(self) -> None:
        if self._ended_by_range():
            return  # a part of the chapter: the job rendering its end writes the subtitles and sound
        if not self._stopped_early:
            self.outro()
        if self._voices is not None:
            self._write_sound()
        if config.write_to_movie and not config.dry_run:
            movie = getattr(self.renderer.file_writer, "movie_file_path", None)
            if movie:
                write_srt(Path(movie).with_suffix(".srt"), self.captions)
