"""A real headless Chromium for the map tests: one browser per session.

``chromium`` (session) is a selenium WebDriver on ``/usr/bin/chromium`` through
``Service("/usr/bin/chromedriver")``, with the flags of ARCHITECTURE §8, a fresh
``--user-data-dir`` and every http(s)/ws(s) URL blocked through the DevTools
protocol (see :func:`tools.browser.headless_chromium`). Without
Chromium the browser tests skip with one reason, except under ``CI=true``,
where a missing or broken browser is an error, never a skip.

``open_map_page`` (function) loads a map file in that browser, waits for the
first ``afterDrawing`` and clears the browser log first, so each test sees only
its own console messages.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.browser import chromium_available, headless_chromium, wait_until_drawn

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

__all__ = ["chromium", "open_map_page"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Chromium WebDriver with the network blocked, shared by the session."""
    reason = chromium_available()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true and headless Chromium is unavailable: {reason}")
        pytest.skip(reason)
    with headless_chromium() as driver:
        yield driver


@pytest.fixture
def open_map_page(chromium: Any) -> Callable[[Path], Any]:
    """``open_map_page(path)`` loads a map in the shared browser and waits until it has drawn."""

    def load(path: Path) -> Any:
        chromium.get_log("browser")  # drop messages from earlier pages
        chromium.get(path.resolve().as_uri())
        wait_until_drawn(chromium)
        return chromium

    return load
