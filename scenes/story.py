"""The states the 2-D story passes through where one chapter hands over to the next.

Chapters 3 to 6 are one continuous shot: each opens on exactly the frame the
one before ends on. Each hand-over is built here, once, from the main 2-D run,
so a chapter's opening and the previous chapter's ending are the same
picture without any chapter importing another.

==========================  =========================================
state                       ends / opens
==========================  =========================================
:func:`representation_start`  ends chapter 3, opens chapter 4
:func:`trained_picture`       ends chapter 4, opens chapter 5
:func:`snapped_picture`       ends chapter 5, opens chapter 6
==========================  =========================================
"""

from __future__ import annotations

from scenes.pictures.picture2d import Picture2D, PictureState
from scenes.runs import main_run_2d

__all__ = ["representation_start", "snapped_picture", "trained_picture"]


def representation_start() -> Picture2D:
    """The representation picture of the trained model, as chapter 3 ends.

    The data, the latents, the arrows f and g, and the labelled point x with
    its z and x̂ (M and the loss curve are not drawn yet).
    """
    run = main_run_2d()
    pic = Picture2D(run)
    pic.set_state(PictureState.of(pic.run.final))  # pic.run: a vector run's shadow
    pic.loss_inset.set_position(len(run.snapshots) - 1)
    pic.remove(pic.loss_inset, pic.manifold)
    pic.add(pic.xhat_dot, pic.xhat_label)
    return pic


def trained_picture() -> Picture2D:
    """:func:`representation_start` with the trained M and the loss curve, as chapter 4 ends."""
    pic = representation_start()
    pic.add(pic.loss_inset, pic.manifold, pic.m_label)
    return pic


def snapped_picture() -> Picture2D:
    """:func:`trained_picture` with every x̂ on M and its residual, as chapter 5 ends."""
    pic = trained_picture()
    pic.remove(pic.x_ring, pic.x_label, pic.xhat_dot, pic.xhat_label)
    pic.set_state(pic.state, recon_fraction=1.0)
    pic.show_reconstructions()
    return pic
