"""Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright, never a
browser of Playwright's own. Importing this skips the test module when either is missing."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling Google's hosts, which a
# closed network refuses many at a time.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]

playwright = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: pip install -e '.[test]' (it drives /usr/bin/chromium)",
)
expect = playwright.expect
needs_chromium = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does this)",
)


def launch(driver):
    """A headless Chromium from a ``sync_playwright()`` driver."""
    return driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
