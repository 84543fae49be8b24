"""Headless Chromium for the explorer page's tests and benchmark: Debian's browser and driver, no downloads.

``make`` installs ``chromium`` and ``chromium-driver`` (apt). The driver's
path is given to Selenium explicitly, so Selenium Manager never looks for (or
downloads) a browser. Chromium runs as root, so it needs ``--no-sandbox``; the
other flags keep it from phoning home (updates, sync, QUIC), and each browser
gets a fresh profile folder.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def missing() -> list[str]:
    """The browser files that are not installed (empty when the browser tests can run)."""
    return [
        f"{p} (apt-get install chromium chromium-driver)" for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()
    ]


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by Selenium, with the performance log on; quit at the end.

    Raises
    ------
    RuntimeError
        If Chromium or its driver is not installed (a test using this must fail, not skip).
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if missing():
        raise RuntimeError("the browser tests need " + " and ".join(missing()))
    profile = tempfile.mkdtemp(prefix="ae-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}", "--window-size=1280,720"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def set_viewport(driver: Any, width: int, height: int) -> None:
    """Make the page's viewport exactly ``width`` x ``height`` CSS pixels (a phone below 700 px wide)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700},
    )
