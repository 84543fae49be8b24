"""The network diagram of a run: its layers, one edge per weight, coloured by sign, from a snapshot."""

from __future__ import annotations

from aecore import Run
from aecore.forward import layer_weights
from scenes.look.layout import Rect
from scenes.look.theme import Theme
from scenes.mobjects.network import NetworkDiagram
from scenes.views.placement import DEFAULT_RECT
from scenes.views.source import RunSource, open_run

__all__ = ["NetworkView"]


class NetworkView(NetworkDiagram):
    """A run's MLP as a diagram (:class:`~scenes.mobjects.network.NetworkDiagram`) from its weights.

    Attributes
    ----------
    run, theme
        The run drawn and the theme of its colours.
    """

    run: Run
    theme: Theme

    @classmethod
    def from_run(
        cls,
        run_or_path: RunSource,
        snapshot: int = -1,
        *,
        theme: Theme | str | None = None,
        rect: Rect | None = None,
        vertical: bool = False,
    ) -> NetworkView:
        """The network of ``snapshot``'s weights: input layer, hidden layers, bottleneck, ..., output.

        Parameters
        ----------
        run_or_path, snapshot, theme, rect
            As for :meth:`~scenes.views.manifold.ManifoldView.from_run`.
        vertical
            Layers as rows, input at the top (for tall frames).

        Raises
        ------
        AecoreError
            ``run_or_path`` is not a run, or has no MLP weights (a run recorded from another model).
        ValueError
            ``snapshot`` out of range, an unknown ``theme``.
        """
        src = open_run(run_or_path, snapshot, theme)
        run = src.run
        try:
            run.require_weights("the network diagram")
        except Exception as err:
            raise type(err)(f"run_or_path: {err}") from None
        weights = [w for w, _ in layer_weights(run.snapshots[src.snapshot].params)]
        with src.building():
            view = cls(run.layer_sizes, weights, rect or DEFAULT_RECT, vertical)
        view.run, view.theme = run, src.theme
        return view
