"""The command line: ``ae-explainer`` and its commands, the settings file, and the console.

:mod:`~ae_explainer.cli.app` parses the flags, :mod:`~ae_explainer.cli.commands`
runs each command, :mod:`~ae_explainer.cli.userconfig` reads the settings file,
:mod:`~ae_explainer.cli.script` prints the narration script, and
:mod:`~ae_explainer.cli.console` shows progress. Only this package prints to
the terminal and chooses exit statuses; everything below it raises one-line errors.
"""
