"""The site under its Content-Security-Policy, in real Chromium (Debian's /usr/bin/chromium via
Playwright): story, outlet, tag, search, account and discussion pages render and work, and the
browser reports no violation of the policy on any of them."""

from __future__ import annotations

import re

import pytest
from django.db import connections

from newsdesk import limits
from newsdesk.discussion.models import Comment
from newsdesk.stories.models import Story, Tag

from ..browser import expect, launch, needs_chromium, playwright
from ..discussion.conftest import PASSWORD, make_user

pytestmark = needs_chromium

# Runs before any page script, through DevTools (not subject to the page's policy): every
# violation the browser reports lands in window.__violations.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def chromium(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()
        connections.close_all()


class Watched:
    """A page whose CSP violations (events and console errors) are collected."""

    def __init__(self, browser, **options):
        context = browser.new_context(viewport={"width": 1100, "height": 900}, **options)
        context.add_init_script(RECORD_VIOLATIONS)
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.console.append(m.text)
                if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
                else None
            ),
        )

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations || []") + self.console

    def visit(self, url: str):
        response = self.page.goto(url)
        assert response.status == 200, url
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, url
        self.page.wait_for_load_state("load")
        assert self.violations() == [], url
        return response


def test_the_policy_is_enforced_and_nothing_on_the_site_breaks_it(
    ingested_demo, live_server, chromium, monkeypatch
):
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)
    base = live_server.url
    story = Story.objects.filter(article_count__gt=1).order_by("-outlet_count").first()
    tag = Tag.objects.filter(story_tags__story=story, hidden=False).first()
    reader = Watched(chromium)

    # The policy is live: an inline script injected into a page is refused and reported.
    reader.visit(base + "/")
    reader.page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.append(s); }"
    )
    reader.page.wait_for_timeout(200)
    assert reader.page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in reader.violations())
    reader = Watched(chromium)

    # Every kind of page a reader reaches, twice: the second from the page caches.
    for _ in range(2):
        reader.visit(base + "/")
        expect(reader.page.locator("article.card").first).to_be_visible()
        reader.visit(base + story.get_absolute_url())
        expect(reader.page.locator(".brief-sentence").first).to_be_visible()
        expect(reader.page.locator(".coverage-chart svg").first).to_be_visible()
        reader.visit(base + tag.get_absolute_url())
        reader.visit(base + "/outlets/the-lantern/")
        reader.visit(base + "/search?q=floods")
        expect(reader.page.locator("article.card mark").first).to_be_visible()
    reader.visit(base + "/accounts/signup/")
    reader.visit(base + "/accounts/login/")
    reader.visit(base + "/api/docs")
    expect(reader.page.locator(".swagger-ui .info").first).to_be_visible()
    reader.visit(base + "/admin/login/")
    expect(reader.page.locator("#login-form")).to_be_visible()
    assert reader.violations() == []

    # The discussion: log in, comment, reply inline (discussion.js), all under the policy.
    alice, bob = make_user("alice"), make_user("bob")
    Comment.objects.create(story=story, author=bob, body="Has the coast road reopened yet?")
    reader.visit(base + "/accounts/login/")
    reader.page.fill("#id_username", "alice")
    reader.page.fill("#id_password", PASSWORD)
    reader.page.get_by_role("button", name="Log in").click()
    expect(reader.page.locator(".account-nav")).to_contain_text("alice")
    reader.visit(base + story.get_absolute_url())
    reader.page.get_by_label("Your comment").fill("The ferry ran on time *today*.")
    reader.page.get_by_role("button", name="Post comment").click()
    expect(reader.page.locator(".flash")).to_contain_text("Your comment is published")
    parent = reader.page.locator(
        "li.comment",
        has=reader.page.locator(":scope > article .comment-body", has_text="coast road"),
    )
    url_before = reader.page.url
    parent.get_by_role("link", name="Reply").click()
    textarea = parent.locator(".reply-form textarea")
    expect(textarea).to_be_focused()  # opened by the script, in place
    assert reader.page.url == url_before
    textarea.fill("Yes, since Tuesday morning.")
    parent.get_by_role("button", name="Post reply").click()
    expect(parent.locator(".comment-replies")).to_contain_text("since Tuesday morning")
    assert reader.violations() == []
    assert Comment.objects.filter(author=alice).count() == 2
    reply = Comment.objects.get(body__startswith="Yes, since")
    assert reply.parent.author == bob
    reader.visit(base + f"/readers/{alice.username}/")
    reader.page.get_by_role("button", name="Log out").click()
    expect(reader.page.locator(".account-nav")).to_contain_text(re.compile("Log in"))
    assert reader.violations() == []
