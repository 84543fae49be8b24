"""ae_explainer: the application on top of the trainer (:mod:`aecore`) and the scenes (:mod:`scenes`).

The ``ae-explainer`` command line, render jobs, joins and formats, the render
index of an output folder, the settings file and the lecture pack. It imports
both libraries; neither imports it.
"""
