"""Sound and video files: joining and mastering clips, GIFs, beats, narration and cues.

:mod:`~ae_explainer.media.clips` reads, joins and converts video files,
:mod:`~ae_explainer.media.loudness` masters sound to a loudness target,
:mod:`~ae_explainer.media.beats` finds a clip's caption beats,
:mod:`~ae_explainer.media.cues` and :mod:`~ae_explainer.media.narration` make
the spoken track.
"""
