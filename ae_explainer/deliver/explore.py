"""The interactive explorer page, one self-contained HTML file (``ae-explainer explore``).

The page runs the real trained model in the browser: its script evaluates the
encoder f and decoder g from every snapshot's stored weights (the arithmetic
of :mod:`aecore.forward`, in float64), so scrubbing through training, the
probe p -> z = f(p) -> x̂ = g(z) and hovering the latent space are all real
forward passes. Its code, styles and data are inlined (the Jinja template
``explore_assets/page.html`` joins the styles, the script's modules, listed in
:data:`SCRIPTS`, and the data): it loads nothing from the network and opens
from ``file://``, so the folder can be copied to a USB stick or a course site.

The page is built from the snapshot file alone (:mod:`ae_explainer.deliver.explore_data`
says what is embedded). Without a run file the command explores the main run
the video shows (:func:`scenes.runs.main_config_2d`), trained once and cached.
"""

from __future__ import annotations

import contextlib
import html
import os
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from ae_explainer.deliver.publish import TITLE
from aecore.errors import AecoreError
from aecore.files import atomic_write
from aecore.snapshot import Run
from scenes.i18n import N_, _

__all__ = [
    "DEFAULT_OUT",
    "PAGE_NAME",
    "SCRIPTS",
    "build_page",
    "main_run",
    "write_main_page",
    "write_page",
]

PAGE_NAME = "index.html"
"""The page's file name inside ``--out``."""

DEFAULT_OUT = "renders/explore"
"""``--out`` when none is given."""

_ASSETS = "explore_assets"
SCRIPTS = (
    *("model.js", "state.js", "canvas.js"),
    *("data_view.js", "images.js", "latent_view.js", "loss_view.js", "readout.js"),
    *("probe.js", "hover.js", "bars.js", "controls.js", "main.js"),
)
"""The page script's modules in ``explore_assets/``, in the order the page runs them (one closure)."""

_ROLES = (
    *("data", "recon", "manifold", "latent", "residual", "seeds", "unreliable"),
    *("text", "background", "muted", "panel"),
)


@cache
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ae_explainer.deliver", _ASSETS),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # tojson: compact, and no NaN (JSON.parse refuses it); jinja escapes < > & ' for <script>
    env.policies["json.dumps_kwargs"] = {"separators": (",", ":"), "allow_nan": False}
    return env


def _asset(name: str) -> str:
    return (resources.files("ae_explainer.deliver") / _ASSETS / name).read_text(encoding="utf-8")


def _palettes() -> dict[str, dict[str, str]]:
    from scenes.look.style import PALETTES

    return {theme: {role: pal[role] for role in _ROLES} for theme, pal in PALETTES.items()}


_PAGE_TEXTS = (
    N_("What an autoencoder represents"),
    N_("switch between the dark and the light theme"),
    N_("Data space"),
    N_("probe p"),
    N_("data space: the data, the reconstructions and M"),
    N_("Drag the probe p anywhere: z = f(p) and x̂ = g(z) follow. Hover a point x to see its z and x̂."),
    N_("Latent space"),
    N_("reliability of M"),
    N_("latent space: the latents z and the reliability of M"),
    N_("Training loss (log scale)"),
    N_("the loss curve with the current snapshot"),
    N_("play the training (Space)"),
    N_("training snapshot"),
    N_("reliability fade"),
    N_("residuals"),
    N_("other seeds"),
)
"""The page template's own words (its script's texts, made as the page runs, stay English)."""


def _translated(page: str) -> str:
    """``page`` with its own words (:data:`_PAGE_TEXTS`) in the language in force, and its ``lang``."""
    from scenes.i18n import active_language

    for s in _PAGE_TEXTS:
        t = html.escape(_(s))
        page = page.replace(f">{s}<", f">{t}<").replace(f"> {s}<", f"> {t}<").replace(f'"{s}"', f'"{t}"')
        page = page.replace(f"</i>{s} <", f"</i>{t} <").replace(f"</i>{s}<", f"</i>{t}<")
    return page.replace('<html lang="en"', f'<html lang="{active_language()}"', 1)


def build_page(run: Run, theme: str = "dark", where: str = "run") -> str:
    """The explorer page of ``run`` as one HTML document (its script, styles and data inlined).

    Parameters
    ----------
    run
        A loaded run with data in R^2 or R^3, or images with k = 2.
    theme
        ``"dark"`` or ``"light"``: the theme the page opens in (a button switches).
    where
        How errors name the run.

    Raises
    ------
    AecoreError
        If the run cannot be shown (see :func:`ae_explainer.deliver.explore_data.page_data`).
    """
    from ae_explainer.deliver.explore_data import PAGE_BYTES, page_data

    data = page_data(run, where)  # sized to fit PAGE_BYTES, or refused
    title = f"{_(TITLE)}: {data['name']}, k = {data['k']}"
    scripts = [(name, _asset(name)) for name in SCRIPTS]
    values = {"title": title, "theme": theme, "css": _asset("explore.css"), "scripts": scripts}
    try:
        template = _templates().from_string(_translated(_asset("page.html")))
        page = template.render(values, palettes=_palettes(), data=data)
    except jinja2.TemplateError as e:
        raise AecoreError(f"explore: the page template is broken ({e}); reinstall ae-explainer") from None
    size = len(page.encode("utf-8"))
    if size > PAGE_BYTES:  # page_data sizes the snapshots to fit: a guard, should the template grow
        raise AecoreError(
            f"{where}: the explorer page would be {size / 1e6:.1f} MB, over its {PAGE_BYTES:,} bytes"
        )
    return page


def write_page(run: Run, out: Path, theme: str = "dark", where: str = "run") -> Path:
    """Write ``out/index.html`` for ``run`` (whole or not at all) and return its path.

    The page is built in memory before anything is written, so a run that
    cannot be shown leaves ``out`` untouched.
    """
    from ae_explainer.outputs import prepare_out

    page = build_page(run, theme, where)
    prepare_out(out)
    dest = out / PAGE_NAME
    try:
        return atomic_write(dest, page)
    except OSError as e:
        raise AecoreError(f"--out {out}: cannot write {PAGE_NAME} ({e.strerror or e})") from None


@contextlib.contextmanager
def _settings_env(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main_run(run_overrides: dict[str, Any] | None = None, progress: Any = None) -> Run:
    """The main run the video shows (with ``[run]`` overrides), trained first if not cached.

    ``progress`` is an :data:`aecore.cache.ProgressFn` called while it trains.
    """
    from aecore.cache import cached_run
    from scenes.runs import main_config_2d
    from scenes.settings import SceneSettings

    file = (run_overrides or {}).get("file")
    if file:  # the viewer's own run file (checked already) is the main run if it is 2-D
        from aecore.snapshot import load_run
        from scenes.runs import run_file_kind

        if run_file_kind(file) == "2d":
            return load_run(file)
        run_overrides = {}

    with _settings_env(SceneSettings.model_validate({"run": run_overrides or {}}).env()):
        cfg = main_config_2d()
    return cached_run(cfg, progress=progress)


def write_main_page(out: Path, theme: str = "dark", run_overrides: dict[str, Any] | None = None) -> Path:
    """Write ``out/index.html`` for the main run (with ``[run]`` overrides): the lecture pack's page."""
    return write_page(main_run(run_overrides), out, theme, "the main run")
