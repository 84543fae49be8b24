"""Rendering chapters into files: the runs they show, the manim CLI jobs, and their schedule.

:mod:`~ae_explainer.render.chapters` renders clips and key-frame stills,
:mod:`~ae_explainer.render.runs` trains or loads the runs they show,
:mod:`~ae_explainer.render.timelines` times each chapter's beats,
:mod:`~ae_explainer.render.pieces` splits long chapters across jobs,
:mod:`~ae_explainer.render.schedule` orders them by measured rates, and
:mod:`~ae_explainer.render.jobs`, :mod:`~ae_explainer.render.worker` and
:mod:`~ae_explainer.render.forked` run them.
"""
