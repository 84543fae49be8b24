"""The explorer page in a real browser: Debian's headless Chromium driven by Selenium.

One browser serves the whole module. The pages are built from the session's
cached runs (the same runs the video and the other tests use): the main 2-D
run (k = 1, with its other seeds), the sheet with k = 2 and with k = 1 (R^3),
the VAE of chapter 11, the main run's weights read as a GELU network (no
training: the page and numpy evaluate the same weights with another
activation), and a small run on the digits (images in R^64, k = 2). Without
Chromium or its driver these tests fail (``make test`` installs both); they
never skip.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aecore import Run, TrainConfig, cached_run, decode, encode
from aecore.forward import ACTIVATIONS_NP, forward
from scenes.look.style import PALETTES
from scenes.runs import MAIN_2D, MAIN_3D, PRIOR_VAE, SHEET_K1
from tests.browser import chromium, set_viewport
from tests.conftest import dist_to_polyline

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # one worker, one browser

PANELS = ("p-data", "p-latent", "p-loss", "p-controls")
DIGITS_SMALL = TrainConfig(
    data="digits",
    n_points=400,
    noise=0.0,
    latent_dim=2,
    hidden=(24, 12),
    activation="tanh",
    steps=300,
    n_snapshots=4,
)
"""A few seconds of training on 400 digit images: M is a 25 x 25 mosaic of 8 x 8 images."""


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    """The session's cached runs; the ones not trained yet train two at a time (each in its own process)."""
    from concurrent.futures import ThreadPoolExecutor

    configs = {
        "main": MAIN_2D,
        "sheet": MAIN_3D,
        "sheet_k1": SHEET_K1,
        "vae": PRIOR_VAE,
        "digits": DIGITS_SMALL,
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        loaded = dict(
            zip(configs, pool.map(lambda c: cached_run(c, quiet=True), configs.values()), strict=True)
        )
    main = loaded["main"]
    return {
        **loaded,
        "gelu": dataclasses.replace(main, config=main.config.model_copy(update={"activation": "gelu"})),
    }


@pytest.fixture(scope="module")
def pages(runs: dict[str, Run], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from ae_explainer.deliver.explore import write_page

    root = tmp_path_factory.mktemp("explore")
    return {name: write_page(run, root / name) for name, run in runs.items()}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def _open(driver: Any, page: Path, size: tuple[int, int] = (1280, 720)) -> None:
    set_viewport(driver, *size)
    driver.get(page.as_uri())
    assert driver.execute_script("return typeof window.AE") == "object"


def _random_points(run: Run, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo, hi = run.data.min(axis=0), run.data.max(axis=0)
    pad = 0.3 * (hi - lo)
    return rng.uniform(lo - pad, hi + pad, size=(count, run.data.shape[1]))


def test_the_browser_is_installed() -> None:
    """``make`` installs Chromium and its driver; their absence is a failure here, not a skip."""
    from tests.browser import missing

    assert not missing(), missing()


def test_the_page_loads_nothing_from_the_network(browser: Any, pages: dict[str, Path]) -> None:
    import json

    browser.get_log("performance")  # drop what came before
    _open(browser, pages["main"])
    events = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    urls = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
    assert urls == [pages["main"].as_uri()], urls  # the page itself, and nothing else
    problems = [e["message"] for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert not problems, problems  # no script error, no request the page's CSP had to block
    html = pages["main"].read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html and "http://" not in html


@pytest.mark.parametrize("name", ["main", "gelu", "sheet", "sheet_k1", "vae", "digits"])
def test_the_pages_forward_pass_equals_numpys(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run], name: str
) -> None:
    run = runs[name]
    _open(browser, pages[name])
    count = len(run.snapshots)
    assert browser.execute_script("return AE.snapshots") == count
    x = _random_points(run, 200, seed=1)
    for i in sorted({0, count // 2, count - 1}):
        s = run.snapshots[i]
        z_js = np.array(browser.execute_script("return AE.encode(arguments[0], arguments[1])", x.tolist(), i))
        # for "gelu": numpy's forward pass of the same weights with GELU
        z_np = forward(run, x, s)[len(run.config.hidden) + 1] if name == "gelu" else encode(run, x, s)[0]
        assert np.abs(z_js - z_np).max() < 1e-5, (name, i)
        flat = s.latent_grid.reshape(-1, run.config.latent_dim)
        lo, hi = flat.min(axis=0), flat.max(axis=0)
        u = np.random.default_rng(2).uniform(lo, hi, size=(200, len(lo)))
        x_js = np.array(browser.execute_script("return AE.decode(arguments[0], arguments[1])", u.tolist(), i))
        if name == "gelu":
            from aecore.forward import decoder_layers

            norm = run.meta.normalization
            assert norm is not None
            x_np = decoder_layers(s.params, "gelu", u, np.array(norm.mean), norm.scale)[-1]
        else:
            x_np = decode(run, u, s)
        assert np.abs(x_js - x_np).max() < 1e-5, (name, i)


def test_the_pages_activations_equal_numpys(browser: Any, pages: dict[str, Path]) -> None:
    from scipy.special import erf

    _open(browser, pages["main"])
    a = np.concatenate([np.linspace(-12, 12, 481), [-40.0, -6.01, -5.99, 0.0, 1e-9, 5.99, 6.01, 40.0]])
    for name, fn in ACTIVATIONS_NP.items():
        got = np.array(
            browser.execute_script("return AE.activation(arguments[0], arguments[1])", name, a.tolist())
        )
        assert np.abs(got - fn(a)).max() < 1e-12, name
    got = np.array(browser.execute_script("return AE.erf(arguments[0])", a.tolist()))
    assert np.abs(got - erf(a)).max() < 1e-14


def _pixels(view: dict[str, float], points: np.ndarray) -> np.ndarray:
    """Data points (N, 2) -> the 2-D page's canvas pixels, from its view (scale and centre)."""
    return np.stack(
        [
            view["cx"] + (points[:, 0] - view["mx"]) * view["s"],
            view["cy"] - (points[:, 1] - view["my"]) * view["s"],
        ],
        axis=1,
    )


def test_the_dragged_probe_lands_on_the_drawn_manifold(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run]
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    run = runs["main"]
    _open(browser, pages["main"])
    canvas = browser.find_element("id", "c-data")
    w, h = canvas.size["width"], canvas.size["height"]
    view = browser.execute_script("return AE.view")
    target = run.data[40] + np.array([0.25, -0.2])  # off the data, inside the latent grid's reach
    px = _pixels(view, target[None])[0]
    start = (w * 0.3, h * 0.8)
    chain = ActionChains(browser)
    chain.move_to_element_with_offset(canvas, int(start[0] - w / 2), int(start[1] - h / 2)).click_and_hold()
    chain.move_by_offset(round((px[0] - start[0]) / 2), round((px[1] - start[1]) / 2))
    chain.move_to_element_with_offset(canvas, round(px[0] - w / 2), round(px[1] - h / 2)).release()
    chain.perform()
    drawn = browser.execute_script("return AE.drawn")
    probe = drawn["probe"]
    assert np.abs(np.array(probe["p"]) - px).max() <= 1.0  # the probe sits where it was dropped
    p = np.array(probe["at"])
    z_np = encode(run, p[None])[0][0]
    assert np.abs(np.array(probe["z"]) - z_np).max() < 1e-5  # z = f(p)
    xhat = decode(run, z_np[None])[0]
    assert np.abs(np.array(probe["xhat"]) - _pixels(view, xhat[None])[0]).max() < 0.5  # x̂ = g(f(p)), drawn
    m = np.array(drawn["M"])
    assert dist_to_polyline(np.array(probe["xhat"])[None], m)[0] <= 1.0  # on M, as drawn
    assert np.linalg.norm(np.array(probe["xhat"]) - np.array(probe["p"])) > 20  # p itself is off M
    colour = browser.execute_script(
        "const c = document.getElementById('c-data'), d = window.devicePixelRatio || 1;"
        "return Array.from(c.getContext('2d').getImageData(arguments[0] * d, arguments[1] * d, 1, 1).data);",
        *[round(v) for v in probe["xhat"]],
    )
    assert "#{:02X}{:02X}{:02X}".format(*colour[:3]) == PALETTES["dark"]["recon"]  # x̂ is painted there


def test_the_scrubber_draws_the_snapshots_own_manifold(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run]
) -> None:
    from selenium.webdriver.common.keys import Keys

    run = runs["main"]
    count = len(run.snapshots)
    _open(browser, pages["main"])
    body = browser.find_element("tag name", "body")
    for i in (count - 4, 5):
        body.send_keys(*[Keys.ARROW_LEFT] * (browser.execute_script("return AE.state.snap") - i))
        drawn = browser.execute_script("AE.redraw(); return AE.drawn")
        assert drawn["snap"] == i and browser.find_element("id", "snap").get_attribute("value") == str(i)
        view = browser.execute_script("return AE.view")
        want = _pixels(view, run.snapshots[i].manifold)
        got = np.array(drawn["M"])
        assert np.abs(got - want).max() < 0.5, i
        assert np.abs(got - _pixels(view, run.snapshots[i + 1].manifold)).max() > 2, i  # it tells them apart
    slider = browser.find_element("id", "snap")
    browser.execute_script("arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input'))", slider)
    assert browser.execute_script("AE.redraw(); return AE.drawn.snap") == 0


def test_hovering_the_latent_line_lights_g_of_u_on_m(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run]
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    _open(browser, pages["main"])
    latent = browser.find_element("id", "c-latent")
    ActionChains(browser).move_to_element_with_offset(latent, 30, 0).perform()
    hover = browser.execute_script("AE.redraw(); return AE.drawn.hoverU")
    view = browser.execute_script("return AE.view")
    g = decode(runs["main"], np.array(hover["u"])[None])
    assert np.abs(np.array(hover["px"]) - _pixels(view, g)[0]).max() < 0.5
    assert "g(u)" in browser.find_element("id", "readout").text


def test_hovering_a_data_point_lights_its_z_and_its_reconstruction(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run]
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    run = runs["main"]
    _open(browser, pages["main"])
    canvas = browser.find_element("id", "c-data")
    j = 123
    px = _pixels(browser.execute_script("return AE.view"), run.data[j][None])[0]
    offset = (round(px[0] - canvas.size["width"] / 2), round(px[1] - canvas.size["height"] / 2))
    ActionChains(browser).move_to_element_with_offset(canvas, *offset).perform()
    assert browser.execute_script("AE.redraw(); return AE.state.hoverData") == j
    text = browser.find_element("id", "readout").text
    residual = np.linalg.norm(run.data[j] - run.final.recon[j])
    shown = float(text.split("‖x − x̂‖ = ")[1].split()[0])
    assert abs(shown - residual) < 6e-4, text


def test_the_default_runs_pages_stay_under_5_mb(pages: dict[str, Path]) -> None:
    from ae_explainer.deliver.explore_data import SNAPSHOT_BUDGET, snapshot_indices

    for name, page in pages.items():
        assert page.stat().st_size < 5e6, name
    assert snapshot_indices(48, 10_000) == list(range(48))  # every run the video shows fits whole
    thin = snapshot_indices(32, 715_000)  # a 256-256 network: evenly spaced, the first and the last kept
    assert (
        thin[0] == 0 and thin[-1] == 31 and len(thin) * 715_000 <= SNAPSHOT_BUDGET < (len(thin) + 1) * 715_000
    )


def test_dragging_the_3d_view_rotates_it(browser: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    _open(browser, pages["sheet"])
    before = np.array(browser.execute_script("return AE.drawn.M"))
    canvas = browser.find_element("id", "c-data")
    corner = (-canvas.size["width"] // 2 + 20, -canvas.size["height"] // 2 + 20)  # away from the probe
    ActionChains(browser).move_to_element_with_offset(canvas, *corner).click_and_hold().move_by_offset(
        60, 25
    ).release().perform()
    after = np.array(browser.execute_script("AE.redraw(); return AE.drawn.M"))
    assert before.shape == after.shape == (33 * 33, 2)
    assert np.abs(after - before).max() > 10


@pytest.mark.parametrize("name", ["main", "sheet", "digits"])
@pytest.mark.parametrize("size", [(1280, 720), (390, 844)], ids=["desktop", "phone"])
def test_screenshots_show_every_panel_and_are_not_blank(
    browser: Any, pages: dict[str, Path], tmp_path: Path, name: str, size: tuple[int, int]
) -> None:
    from PIL import Image

    _open(browser, pages[name], size)
    for theme in ("dark", "light"):
        if browser.execute_script("return AE.state.theme") != theme:
            browser.find_element("id", "theme").click()
        browser.execute_script("AE.redraw()")
        shot = tmp_path / f"explore-{name}-{size[0]}x{size[1]}-{theme}.png"
        browser.save_screenshot(str(shot))
        img = np.asarray(Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")).astype(float)
        assert img.shape[:2] == (size[1], size[0])
        bg = np.array([int(PALETTES[theme]["background"][i : i + 2], 16) for i in (1, 3, 5)])
        assert np.abs(img[2, 2] - bg).max() <= 2, theme  # the theme's background
        scroll = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        assert scroll[0] <= size[0] and scroll[1] <= size[1], scroll  # it fits: nothing to scroll to
        boxes = {}
        for panel in PANELS:
            r = browser.execute_script(
                f"return document.getElementById('{panel}').getBoundingClientRect().toJSON()"
            )
            inside = r["left"] >= 0 and r["top"] >= 0 and r["right"] <= size[0] and r["bottom"] <= size[1]
            assert inside, (panel, r)
            assert r["width"] >= 150 and r["height"] >= 80, (panel, r)
            boxes[panel] = r
            crop = img[int(r["top"]) : int(r["bottom"]), int(r["left"]) : int(r["right"])]
            assert (np.abs(crop - bg).max(axis=2) > 40).mean() > 0.005, (panel, theme)  # something drawn
        for a in PANELS:
            for b in PANELS[PANELS.index(a) + 1 :]:
                ra, rb = boxes[a], boxes[b]
                apart = ra["right"] <= rb["left"] or rb["right"] <= ra["left"]
                assert apart or ra["bottom"] <= rb["top"] or rb["bottom"] <= ra["top"], (a, b)


def test_data_in_r64_without_an_image_shape_is_refused_in_one_line(runs: dict[str, Run]) -> None:
    from ae_explainer.deliver.explore import build_page
    from aecore import AecoreError

    points = dataclasses.replace(runs["main"], data=np.zeros((10, 64)))  # R^64, but not images
    with pytest.raises(
        AecoreError,
        match=r"^r64\.npz: the explorer draws points in R\^2 or R\^3, images, or vectors through their"
        r" projection; .* R\^64",
    ):
        build_page(points, where="r64.npz")


def _tile_alpha(browser: Any, tile: tuple[int, int], pixel: tuple[int, int]) -> int:
    """The canvas alpha at the centre of pixel (row, column) of the mosaic's tile (column, row from top)."""
    return int(
        browser.execute_script(
            """const m = AE.drawn.mosaic, cv = document.getElementById('c-data');
            const s = cv.width / cv.clientWidth, a = arguments[0], p = arguments[1];
            const x = m.x0 + a[0] * m.tile + (p[1] + 0.5) * m.px;
            const y = m.y0 + a[1] * m.tile + (p[0] + 0.5) * m.px;
            return cv.getContext('2d').getImageData(Math.floor(x * s), Math.floor(y * s), 1, 1).data[3];""",
            [int(v) for v in tile],
            [int(v) for v in pixel],
        )
    )


def test_the_mosaic_shows_the_decoders_images_faded_by_reliability(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run]
) -> None:
    """Each tile is g at the tile's latent point, drawn with alpha = ink x (0.1 + 0.9 reliability)."""
    run = runs["digits"]
    s = run.final
    _open(browser, pages["digits"])
    browser.execute_script("AE.setHover(null)")
    g = s.latent_grid.shape[0]
    lo, hi = float(run.data.min()), float(run.data.max())
    rel = s.reliability
    # g at the tile's own latent point, computed with numpy: the tile is that image
    picks = [
        np.unravel_index(np.argmax(rel), rel.shape),
        np.unravel_index(np.argmin(rel), rel.shape),
        (g // 2, 3),
    ]
    for a, b in picks:
        image = decode(run, s.latent_grid[a, b][None, :], s)[0].reshape(run.image_shape)
        np.testing.assert_allclose(image.ravel(), s.manifold[a, b], atol=1e-3 * (hi - lo))
        fade = 0.1 + 0.9 * float(rel[a, b])
        for r, q in [(2, 3), (4, 4), (5, 2), (3, 5)]:
            ink = np.clip((image[r, q] - lo) / (hi - lo), 0, 1)
            shown = _tile_alpha(browser, (a, g - 1 - b), (r, q))
            assert abs(shown - 255 * ink * fade) <= 2, (a, b, r, q, shown, 255 * ink * fade)
    # without the fade, the least reliable tile is drawn at full ink: the fade alone made it faint
    a, b = picks[1]
    image = s.manifold[a, b].reshape(run.image_shape)
    browser.execute_script("document.getElementById('t-rel').click()")
    ink = np.clip((image[4, 4] - lo) / (hi - lo), 0, 1)
    assert abs(_tile_alpha(browser, (a, g - 1 - b), (4, 4)) - 255 * ink) <= 2


def test_hovering_the_mosaic_decodes_u_and_a_dot_shows_x_and_its_reconstruction(
    browser: Any, pages: dict[str, Path], runs: dict[str, Run]
) -> None:
    run = runs["digits"]
    _open(browser, pages["digits"])
    u = run.final.latents[7].tolist()
    browser.execute_script("AE.setHover(arguments[0])", u)
    detail = browser.execute_script("return AE.drawn.detail")
    assert detail["kind"] == "u"
    np.testing.assert_allclose(detail["image"], decode(run, np.array([u]))[0], atol=1e-4)
    browser.execute_script("AE.setHover(null, 7)")
    assert browser.execute_script("return AE.drawn.detail")["kind"] == "data"
    text = browser.find_element("id", "readout").text
    assert text.startswith("x: image 8 of 400, a " + str(int(run.labels[7])))
    shown = float(text.split("‖x − x̂‖ = ")[1].split()[0])
    assert abs(shown - np.linalg.norm(run.data[7] - run.final.recon[7])) < 1e-3 * shown + 1e-3
