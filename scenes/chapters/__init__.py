"""The chapters that exist, in storyboard order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scenes.base import ChapterScene
from scenes.chapters.ch01_implementation import ImplementationView
from scenes.chapters.ch02_round_trip import RoundTripView
from scenes.chapters.ch03_morph import MorphToRepresentation
from scenes.chapters.ch04_manifold_forms import ManifoldForms
from scenes.chapters.ch05_recon_on_manifold import ReconstructionsOnManifold
from scenes.chapters.ch06_reliability import ReliableWhereDense
from scenes.chapters.ch07_surface import SurfaceForms
from scenes.chapters.ch08_images import ImagesOnM
from scenes.chapters.ch09_latent_prior import LatentDimensionIsAPrior
from scenes.chapters.ch10_approximate import ApproximateNotInterpolate
from scenes.chapters.ch11_prior import NewSamplesNeedAPrior
from scenes.chapters.ch12_both_pictures import BothPictures
from scenes.i18n import _

__all__ = ["SCENES_IN_ORDER", "ChapterInfo", "chapter_infos", "find_chapter"]

SCENES_IN_ORDER: list[type[ChapterScene]] = [
    ImplementationView,
    RoundTripView,
    MorphToRepresentation,
    ManifoldForms,
    ReconstructionsOnManifold,
    ReliableWhereDense,
    SurfaceForms,
    ImagesOnM,
    LatentDimensionIsAPrior,
    ApproximateNotInterpolate,
    NewSamplesNeedAPrior,
    BothPictures,
]


@dataclass(frozen=True)
class ChapterInfo:
    """What ``ae-explainer list`` shows of a chapter."""

    number: int
    name: str
    title: str
    file: Path


def chapter_infos() -> list[ChapterInfo]:
    """One entry per scene in :data:`SCENES_IN_ORDER`, its title in the language in force."""
    import sys

    out = []
    for cls in SCENES_IN_ORDER:
        module = sys.modules[cls.__module__]
        out.append(ChapterInfo(cls.chapter, cls.__name__, _(cls.title), Path(str(module.__file__))))
    return out


def find_chapter(key: str) -> ChapterInfo:
    """Look a chapter up by number or scene name; ``KeyError`` names the choices."""
    for info in chapter_infos():
        if key == str(info.number) or key.lower() == info.name.lower():
            return info
    choices = ", ".join(f"{i.number} ({i.name})" for i in chapter_infos())
    raise KeyError(f"no chapter {key!r}; choose from {choices}")
