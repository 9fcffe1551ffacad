"""Open maps in headless Chromium (for the gallery's screenshots, tests and benchmarks).

Not part of the package: tests, benchmarks and tools/gallery.py import it as
``tools.browser`` with the repository root on ``sys.path``.

Uses selenium (a dev dependency) with the system's ``/usr/bin/chromedriver``
(Debian packages ``chromium`` and ``chromium-driver``; ``make browser``
installs them), so selenium never tries to download a driver. The network is
blocked through the DevTools protocol: a map must draw without it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psp_graph.exc import PspGraphError

__all__ = [
    "CHROMEDRIVER",
    "CHROMIUM",
    "chromium_available",
    "headless_chromium",
    "open_map",
    "wait_until_drawn",
]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def chromium_available() -> str | None:
    """None when Chromium and its driver are installed, else why not."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        return f"{' and '.join(missing)} not found: run 'make browser' (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install 'psp-graph[dev]'"
    return None


@contextmanager
def headless_chromium(width: int = 1600, height: int = 1000) -> Iterator[Any]:
    """A selenium Chrome WebDriver on headless Chromium, with a fresh profile and the network blocked.

    The browser log (console errors) is kept for :meth:`get_log`.
    """
    reason = chromium_available()
    if reason:
        raise PspGraphError(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="psp-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]}
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_until_drawn(driver: Any, timeout: float = 30.0, flag: str = "pspReady") -> float:
    """Wait for the page to set ``window[flag]`` (vis-network's first ``afterDrawing``); return seconds waited."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if driver.execute_script(f"return window.{flag} === true;"):
            return time.perf_counter() - start
        time.sleep(0.02)
    raise PspGraphError(f"the map did not draw within {timeout:.0f} s")


def open_map(driver: Any, path: Path, timeout: float = 30.0) -> float:
    """Load a map file and wait until it has drawn; return seconds from navigation to first draw."""
    driver.get(path.resolve().as_uri())
    wait_until_drawn(driver, timeout)
    drawn_ms = driver.execute_script("return window.pspDrawnAt;")
    return float(drawn_ms) / 1000.0
