"""The reader's path in real Chromium (Debian's /usr/bin/chromium, driven by Playwright):
front page -> story -> tag -> search -> feed, with screenshots of each page type at phone and
desktop widths saved in test-artifacts/ (gitignored)."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

playwright = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: pip install -e '.[test]' (it drives /usr/bin/chromium)",
)
pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does this)",
)


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API runs an asyncio loop in this thread; the live server's ORM use is
    # in its own thread, the test's is plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-gpu"],
        )
        yield browser
        browser.close()


def shoot(browser, url: str, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for label, viewport in WIDTHS.items():
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(url)
        page.screenshot(path=ARTIFACTS / f"site-{name}-{label}.png", full_page=True)
        page.screenshot(path=ARTIFACTS / f"site-{name}-{label}-first-screen.png")
        page.context.close()


def test_front_story_tag_search_feed(ingested_demo, live_server, chromium):
    base = live_server.url
    page = chromium.new_context(viewport=WIDTHS["desktop"]).new_page()
    page.set_default_timeout(15_000)

    page.goto(base + "/")
    assert page.locator("h1").first.inner_text() == "Top stories"
    cards = page.locator("article.card h2 a")
    assert cards.count() >= 10
    headline = cards.first.inner_text()
    shoot(chromium, page.url, "front")

    cards.first.click()
    page.wait_for_url("**/stories/**")
    assert headline in page.locator("h1").inner_text()
    assert page.locator("a.read-more").count() >= 1
    assert page.locator(".brief-sentence").count() >= 1
    assert page.locator(".coverage-chart svg circle").count() >= 2
    shoot(chromium, page.url, "story")

    tag_link = page.locator("section[aria-label=Tags] a").first
    tag_name = tag_link.inner_text()
    tag_link.click()
    page.wait_for_url("**/tags/**")
    assert page.locator("h1").inner_text().startswith(tag_name)
    assert page.locator("article.card").count() >= 1
    shoot(chromium, page.url, "tag")

    page.get_by_role("link", name="Search").click()
    page.fill("#search-q", "floods")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?**")
    assert page.locator("article.card mark").count() >= 1
    shoot(chromium, page.url, "search")

    feed_href = page.locator("link[rel=alternate][type='application/rss+xml']").get_attribute(
        "href"
    )
    assert feed_href.startswith("/search/feed.rss?q=")
    response = page.request.get(base + feed_href)
    assert response.status == 200
    assert "<rss" in response.text() and "<item>" in response.text()

    page.goto(base + "/outlets/the-lantern/")
    assert page.locator("h1").inner_text() == "the Lantern"
    shoot(chromium, page.url, "outlet")
    for name in ("front", "story", "tag", "search", "outlet"):
        for label in WIDTHS:
            assert (ARTIFACTS / f"site-{name}-{label}.png").stat().st_size > 5_000
