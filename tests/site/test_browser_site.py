"""The reader's path in real Chromium (Debian's /usr/bin/chromium, driven by Playwright):
front page -> story -> tag -> search -> feed, with screenshots of each page type at phone and
desktop widths saved in test-artifacts/ (gitignored); the first screen of the front, story and
search pages also goes to docs/screenshots/, where the README shows them."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..browser import launch, needs_chromium, playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
IN_THE_DOCS = ("front", "story", "search")
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

pytestmark = needs_chromium


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API runs an asyncio loop in this thread; the live server's ORM use is
    # in its own thread, the test's is plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def shoot(browser, url: str, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for label, viewport in WIDTHS.items():
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(url)
        page.screenshot(path=ARTIFACTS / f"site-{name}-{label}.png", full_page=True)
        page.screenshot(path=ARTIFACTS / f"site-{name}-{label}-first-screen.png")
        if name in IN_THE_DOCS:
            page.screenshot(path=DOCS_SCREENSHOTS / f"{name}-{label}.png")
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
    assert page.locator(".coverage-chart .chart-dot").count() >= 2
    # The chart's outlet names are HTML text at the page's small size, not scaled-down SVG.
    label_px = page.locator(".chart-label").first.evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert label_px >= 12
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


def test_times_are_shown_in_the_readers_time_zone_in_one_style(
    ingested_demo, live_server, chromium
):
    context = chromium.new_context(viewport=WIDTHS["phone"], timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("article.card h2 a").first.click()
    page.wait_for_url("**/stories/**")
    assert (
        page.locator("[data-tz-note]").inner_text() == "Times are in your time zone (Asia/Tokyo)."
    )
    times = page.locator("time[datetime]")
    assert times.count() >= 3
    for i in range(times.count()):
        element = times.nth(i)
        shown = element.inner_text()
        utc = datetime.fromisoformat(element.get_attribute("datetime"))
        # Japan is UTC+9 all year: the shown time is the server's plus 9 hours.
        local = utc + timedelta(hours=9)
        assert shown == f"{local.day} {local:%b %Y, %H:%M}", shown
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", shown)
    # The chart's labels are readable on a phone too.
    label_px = page.locator(".chart-label").first.evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert label_px >= 12
    context.close()


def test_api_docs_render_with_every_request_beyond_loopback_blocked(live_server, chromium):
    context = chromium.new_context(viewport=WIDTHS["desktop"])
    refused = []

    def only_loopback(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/api/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "newsdesk API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() >= 5  # the routes, read from /api/openapi.json
    assert refused == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "api-docs-desktop.png")
    context.close()
