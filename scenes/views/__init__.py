"""Views of a run for scenes of your own: M, x and x̂, the latents, the network, and their animations.

Every view is built from a run with ``from_run(run_or_path, snapshot=-1, *, theme=...)``
and resolves its colours then; :mod:`scenes` exports them (see its ``__all__``).
"""
