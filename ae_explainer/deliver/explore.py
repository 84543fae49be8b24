"""The interactive explorer page, one self-contained HTML file (``ae-explainer explore``).

The page runs the real trained model in the browser: its script evaluates the
encoder f and decoder g from every snapshot's stored weights (the arithmetic
of :mod:`aecore.forward`, in float64), so scrubbing through training, the
probe p -> z = f(p) -> x̂ = g(z) and hovering the latent space are all real
forward passes. Its code, styles and data are inlined (the Jinja template
``explore_assets/page.html`` joins the styles, the script's modules, listed in
:data:`SCRIPTS`, and the data): it loads nothing from the network and opens
from ``file://``, so the folder can be copied to a USB stick or a course site.

The page speaks the language in force (``--language``): the template's own
words are marked ``{{ _("...") }}`` and translated by Jinja's ``i18n``
extension with the gettext catalogue (:func:`scenes.i18n.translations`); the
texts its script makes as it runs (:data:`SCRIPT_TEXTS`) travel in the page,
translated, as a JSON dictionary that ``texts.js`` looks them up in.

The page is built from the snapshot file alone (:mod:`ae_explainer.deliver.explore_data`
says what is embedded). Without a run file the command explores the main run
the video shows (:func:`scenes.runs.main_config_2d`), trained once and cached.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from ae_explainer.deliver.publish import TITLE
from aecore.errors import AecoreError
from aecore.files import atomic_write
from aecore.snapshot import Run
from scenes.i18n import N_, _, active_language

__all__ = [
    "DEFAULT_OUT",
    "PAGE_NAME",
    "SCRIPTS",
    "SCRIPT_TEXTS",
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
    *("texts.js", "model.js", "state.js", "canvas.js"),
    *("data_view.js", "images.js", "latent_view.js", "loss_view.js", "readout.js"),
    *("probe.js", "hover.js", "bars.js", "controls.js", "main.js"),
)
"""The page script's modules in ``explore_assets/``, in the order the page runs them (one closure)."""

_ROLES = (
    *("data", "recon", "manifold", "latent", "residual", "seeds", "unreliable"),
    *("text", "background", "muted", "panel"),
)


def _templates(language: str) -> jinja2.Environment:
    """The page template's environment, its ``_()`` in ``language`` (Jinja's ``i18n`` extension)."""
    from scenes.i18n import translations

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ae_explainer.deliver", _ASSETS),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=False)  # type: ignore[attr-defined]
    # tojson: compact, and no NaN (JSON.parse refuses it); jinja escapes < > & ' for <script>
    env.policies["json.dumps_kwargs"] = {"separators": (",", ":"), "allow_nan": False}
    return env


def _asset(name: str) -> str:
    return (resources.files("ae_explainer.deliver") / _ASSETS / name).read_text(encoding="utf-8")


def _palettes() -> dict[str, dict[str, str]]:
    from scenes.look.style import PALETTES

    return {theme: {role: pal[role] for role in _ROLES} for theme, pal in PALETTES.items()}


SCRIPT_TEXTS = {
    "dataSpace": N_("Data space"),
    "latentSpace": N_("Latent space"),
    "points": N_("{count} points in {space}"),
    "images": N_("{count} images of {size} pixels in {space}"),
    "autoencoder": N_("autoencoder"),
    "someSnapshots": N_("{count} of {recorded} snapshots"),
    "snapshots": N_("{count} snapshots"),
    "hint3d": N_("Drag to rotate; drag the probe p to move it: z = f(p) and x̂ = g(z) follow."),
    "mosaicTitle": N_("M = g(ℝ²) in {space}: the decoder's image at each u, a mosaic of {size} images"),
    "mosaicHint": N_(
        "Each tile is g(u) at its point u of the latent plane, faded by its reliability. "
        "Move over the mosaic or the latent plane to decode u; hover a dot z to see its x, x̂ and x − x̂."
    ),
    "moveOver": N_("Move over the mosaic or the latent plane."),
    "byDigit": N_("z = f(x) by digit:"),
    "light": N_("light"),
    "dark": N_("dark"),
    "toLight": N_("switch to the light theme"),
    "toDark": N_("switch to the dark theme"),
    "image": N_("x: image {index} of {count}"),
    "imageDigit": N_("x: image {index} of {count}, a {digit}"),
    "pixelRange": N_("(pixel values {low} to {high})"),
    "reliabilityAt": N_("reliability of M at u: {value}"),
    "reliability": N_("reliability {value}"),
    "rel": N_("rel. {value}"),
    "step": N_("step {step}"),
    "lossAt": N_("loss {loss} at step {step}"),
    "vectors": N_("{count} vectors in {space}"),
    "shadowTitle": N_("{space} seen along its top {count} principal directions ({percent}% of the variance)"),
    "shadowHint": N_(
        "Distances here are shadows of distances in {space}. The probe p is lifted to {space} along these "
        "principal directions, around the data mean (its other coordinates are the mean's); "
        "z = f(p) and x̂ = g(z) follow."
    ),
    "dragToRotate": N_("Drag elsewhere to rotate."),
    "barsTitle": N_("x and x̂ feature by feature ({count} features)"),
    "row": N_("x: row {row} of {count}"),
    "inSpaceBars": N_("in {space} (the bars: x and x̂ feature by feature)"),
    "liftedTo": N_("in the picture, lifted to {space}"),
    "inSpace": N_("in {space}"),
    "barsRow": N_("x (row {row}) and x̂ = g(f(x))"),
    "barsProbe": N_("the probe p in {space} and g(f(p))"),
    "residual": N_("residual x − x̂"),
}
"""The texts the page's script shows, by the key its ``tr()`` looks them up with (``texts.js``).

The page carries them translated, as a JSON dictionary; the script fills
their ``{placeholders}``. The template's own words are marked in
``page.html`` itself (``{{ _("...") }}``, Jinja's ``i18n`` extension).
"""


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
    language = active_language()
    texts = {key: str(_(text)) for key, text in SCRIPT_TEXTS.items()}
    values = {"title": title, "theme": theme, "css": _asset("explore.css"), "scripts": scripts}
    try:
        template = _templates(language).get_template("page.html")
        page = template.render(values, lang=language, palettes=_palettes(), data=data, texts=texts)
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


def main_run(run_overrides: dict[str, Any] | None = None, progress: Any = None) -> Run:
    """The main run the video shows (with ``[run]`` overrides), trained first if not cached.

    ``progress`` is an :data:`aecore.cache.ProgressFn` called while it trains.
    """
    from aecore.cache import cached_run
    from scenes.runs import main_config_2d
    from scenes.settings import SceneSettings, settings_in_force

    file = (run_overrides or {}).get("file")
    if file:  # the viewer's own run file (checked already) is the main run if it is 2-D
        from aecore.snapshot import load_run
        from scenes.runs import run_file_kind

        if run_file_kind(file) == "2d":
            return load_run(file)
        run_overrides = {}

    with settings_in_force(SceneSettings.model_validate({"run": run_overrides or {}})):
        cfg = main_config_2d()
    return cached_run(cfg, progress=progress)


def write_main_page(out: Path, theme: str = "dark", run_overrides: dict[str, Any] | None = None) -> Path:
    """Write ``out/index.html`` for the main run (with ``[run]`` overrides): the lecture pack's page."""
    return write_page(main_run(run_overrides), out, theme, "the main run")
