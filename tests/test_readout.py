"""The changing text of loss insets and strips (:class:`~scenes.mobjects.readout.Readout`)."""

from __future__ import annotations

import numpy as np
from manim import ORIGIN, RIGHT

from scenes.mobjects.readout import Readout


def test_a_readout_draws_its_value_alone_whatever_it_showed_before() -> None:
    """Only the points change: the same objects stay in the family.

    Manim lists an animation's moving mobjects (family members) when it starts; a readout that
    swapped its glyph objects mid-animation had its first value drawn under every later one.
    """
    r = Readout("2651.4519", ORIGIN)
    family = r.get_family()
    for value in ("857.8082", "336.5994", "0.94", ""):
        r.set_value(value)
        assert r.get_family() == family
        assert len(r.family_members_with_points()) <= 1
    r.set_value("1.00")
    fresh = Readout("1.00", ORIGIN)
    drawn, alone = r.family_members_with_points(), fresh.family_members_with_points()
    assert len(drawn) == len(alone) == 1
    np.testing.assert_allclose(drawn[0].points, alone[0].points)  # history leaves no trace
    assert drawn[0].get_fill_color() == alone[0].get_fill_color()


def test_a_readout_keeps_its_edge_at_the_anchor() -> None:
    anchor = np.array([1.0, 0.5, 0.0])
    r = Readout("0.5", anchor, edge=RIGHT)
    for value in ("0.99", "12345.6789"):
        r.set_value(value)
        assert abs(r.get_right()[0] - anchor[0]) < 1e-6
