"""Manim scenes of the explainer; one module per chapter (see :mod:`scenes.chapters`)."""
