"""The look of every frame: colours and fonts, the frame's size, layout, 3-D projection, and the audit.

:mod:`~scenes.look.style` (palettes and text), :mod:`~scenes.look.frame`
(aspect and quality), :mod:`~scenes.look.layout` (rectangles and panels),
:mod:`~scenes.look.safe_areas` (platforms' button bands),
:mod:`~scenes.look.projection` (the orbiting 3-D camera) and
:mod:`~scenes.look.audit` (overlap, safe area and text-size checks).
"""
