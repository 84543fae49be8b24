"""Where we change Manim's own behaviour, each patch in one module.

:mod:`~scenes.patches.encoder` (the video encoder), :mod:`~scenes.patches.text_cache`
(a text cache safe across processes, and texts built without the SVG's
groups), :mod:`~scenes.patches.svg_paths` (each
glyph outline parsed once), :mod:`~scenes.patches.sound` (reading
and adding narration) and :mod:`~scenes.patches.skipping` (rendering a time
range of a chapter).
"""
