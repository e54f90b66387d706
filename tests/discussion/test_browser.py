"""The discussion in a real browser: Debian's Chromium (/usr/bin/chromium) driven by Playwright,
against a live server on 127.0.0.1. Playwright never downloads a browser here; .ci/run installs
the Debian package. Screenshots of the story page land in test-artifacts/ (gitignored).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connections

from newsdesk import limits
from newsdesk.discussion.groups import EDITORS, MODERATORS
from newsdesk.discussion.models import Comment, ModerationAction, SentenceFlag

from ..browser import expect, launch, needs_chromium, playwright
from .conftest import PASSWORD, make_story, make_user

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


pytestmark = needs_chromium


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an asyncio loop in this thread, and Django refuses ORM calls
    # from a thread with a running loop. The test's own ORM calls are plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()
        # The test's own queries ran inside Playwright's context, on a connection of their own
        # that nothing else closes; left open, it stops PostgreSQL dropping the test database.
        connections.close_all()


def new_page(browser, **options):
    page = browser.new_context(viewport={"width": 1000, "height": 900}, **options).new_page()
    page.set_default_timeout(15_000)
    return page


def sign_up(page, username: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Create account").click()


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()


def comment_item(page, text: str):
    """The innermost comment <li> whose own body has this text."""
    return page.locator(
        "li.comment", has=page.locator(":scope > article .comment-body", has_text=text)
    )


def test_sign_up_comment_reply_report_and_moderate(live_server, browser, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)
    story = make_story()
    make_user("maya", groups=(MODERATORS,))
    story_url = live_server.url + story.get_absolute_url()
    ARTIFACTS.mkdir(exist_ok=True)

    # Alice signs up from the comments section of the story and comments.
    alice = new_page(browser)
    alice.goto(story_url)
    alice.locator("#comments").get_by_role("link", name="Sign up").click()
    sign_up(alice, "alice")
    expect(alice).to_have_url(re.compile(re.escape(story.get_absolute_url()) + "#comments$"))
    expect(alice.locator(".flash")).to_contain_text("Welcome, alice")
    alice.get_by_label("Your comment").fill("The night shift was promised a raise in *March*.")
    alice.get_by_role("button", name="Post comment").click()
    expect(alice.locator(".flash")).to_contain_text("Your comment is published")
    alices = comment_item(alice, "The night shift was promised")
    expect(alices.locator(".comment-body em")).to_have_text("March")

    # Bob signs up from the header and replies inline: the form opens under the comment.
    bob = new_page(browser)
    bob.goto(story_url)
    bob.locator(".account-nav").get_by_role("link", name="Sign up").click()
    sign_up(bob, "bob")
    expect(bob).to_have_url(re.compile(re.escape(story.get_absolute_url())))
    parent = comment_item(bob, "The night shift was promised")
    parent.get_by_role("link", name="Reply").click()
    textarea = parent.locator(".reply-form textarea")
    expect(textarea).to_be_focused()
    expect(parent.locator(".reply-form label")).to_have_text("Your reply to alice")
    assert bob.url == story_url  # no page load: the form is inline
    textarea.fill("Buy cheap watches at <https://spam.example>")
    parent.get_by_role("button", name="Post reply").click()
    reply = comment_item(bob, "Buy cheap watches")
    expect(reply).to_be_visible()
    # The reply is nested in Alice's comment's list of replies.
    expect(
        comment_item(bob, "The night shift was promised").locator(".comment-replies")
    ).to_contain_text("Buy cheap watches")
    link = reply.locator(".comment-body a")
    expect(link).to_have_attribute("rel", "nofollow ugc noopener")
    bob.screenshot(path=str(ARTIFACTS / "discussion-story-with-comments.png"), full_page=True)

    # Alice reports the reply.
    alice.reload()
    comment_item(alice, "Buy cheap watches").get_by_role("link", name="Report").click()
    alice.get_by_label("Spam or advertising").check()
    alice.get_by_label("Anything to add").fill("Selling watches")
    alice.get_by_role("button", name="Send report").click()
    expect(alice.locator(".flash")).to_contain_text("a moderator will look at this comment")

    # The moderator sees it in the queue and removes it with one click.
    maya = new_page(browser)
    log_in(maya, live_server.url, "maya")
    maya.locator(".account-nav").get_by_role("link", name=re.compile("^Moderation")).click()
    item = maya.locator(".queue-item", has_text="Buy cheap watches")
    expect(item).to_contain_text("Spam or advertising")
    expect(item).to_contain_text("Selling watches")
    maya.screenshot(path=str(ARTIFACTS / "discussion-moderation-queue.png"), full_page=True)
    item.get_by_role("button", name=re.compile("^Remove")).click()
    expect(maya.locator(".flash")).to_contain_text("removed")
    expect(maya.locator("main")).not_to_contain_text("Buy cheap watches")

    # Gone from the story page; Alice's comment stays.
    alice.goto(story_url)
    expect(alice.locator("#comments")).not_to_contain_text("Buy cheap watches")
    expect(alice.locator("#comments")).to_contain_text("The night shift was promised")
    alice.screenshot(path=str(ARTIFACTS / "discussion-story-after-moderation.png"), full_page=True)

    removed = Comment.objects.get(body__startswith="Buy cheap watches")
    assert removed.status == Comment.Status.REMOVED
    action = ModerationAction.objects.get()
    assert (action.moderator_name, action.kind, action.comment_id) == ("maya", "remove", removed.pk)
    assert (ARTIFACTS / "discussion-story-with-comments.png").stat().st_size > 10_000


def test_everything_works_without_javascript(live_server, browser, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)
    story = make_story()
    alice = make_user("alice")
    make_user("bob")
    Comment.objects.create(story=story, author=alice, body="Anyone know when the port reopens?")
    page = new_page(browser, java_script_enabled=False)
    log_in(page, live_server.url, "bob")
    page.goto(live_server.url + story.get_absolute_url())
    comment_item(page, "Anyone know").get_by_role("link", name="Reply").click()
    expect(page).to_have_url(re.compile(r"/comments/\d+/reply/$"))  # a page of its own
    page.get_by_label("Your reply to alice").fill("Thursday, says the union.")
    page.get_by_role("button", name="Post reply").click()
    expect(comment_item(page, "Anyone know").locator(".comment-replies")).to_contain_text(
        "Thursday, says the union."
    )
    page.get_by_role("button", name="Log out").click()
    expect(page.locator(".account-nav")).to_contain_text("Log in")


def test_the_inline_reply_form_is_keyboard_friendly_and_the_page_works_in_dark_mode(
    live_server, browser
):
    story = make_story()
    alice = make_user("alice")
    make_user("bob")
    Comment.objects.create(story=story, author=alice, body="First thoughts on the strike")
    page = new_page(browser, color_scheme="dark")
    log_in(page, live_server.url, "bob")
    page.goto(live_server.url + story.get_absolute_url())
    reply_link = comment_item(page, "First thoughts").get_by_role("link", name="Reply")
    reply_link.focus()
    page.keyboard.press("Enter")
    textarea = page.locator(".reply-form textarea")
    expect(textarea).to_be_focused()
    expect(reply_link).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(page.locator(".reply-form")).to_have_count(0)
    expect(reply_link).to_be_focused()
    # Dark mode follows the site's palette: light text on a dark page.
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(22, 22, 22)"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "discussion-story-dark.png"), full_page=True)


def test_a_reader_reports_an_inaccurate_sentence_and_an_editor_sees_its_sources(
    live_server, browser
):
    story = make_story()
    make_user("eddie", groups=(EDITORS,))
    reader = new_page(browser)  # no account
    reader.goto(live_server.url + story.get_absolute_url())
    reader.get_by_role("link", name="Report sentence 2 as inaccurate").click()
    reader.get_by_label("Unsupported: its sources do not say this").check()
    reader.get_by_label("What should it say?").fill("The union said Friday, not Thursday.")
    reader.get_by_role("button", name="Send to the editors").click()
    expect(reader.locator(".flash")).to_contain_text("an editor will check this sentence")
    assert SentenceFlag.objects.get().sentence_index == 1

    editor = new_page(browser)
    log_in(editor, live_server.url, "eddie")
    editor.locator(".account-nav").get_by_role("link", name=re.compile("^Brief flags")).click()
    flag = editor.locator(".flag-item")
    expect(flag).to_contain_text("The union said talks with the port authority would resume")
    expect(flag).to_contain_text("The union said Friday, not Thursday.")
    expect(flag.locator(".provenance-list")).to_contain_text("NWB World")
    expect(flag.locator(".source-sentence")).to_contain_text("would resume on Thursday")
    ARTIFACTS.mkdir(exist_ok=True)
    editor.screenshot(path=str(ARTIFACTS / "discussion-brief-flags-queue.png"), full_page=True)
    flag.get_by_role("button", name="Mark fixed").click()
    expect(editor.locator("main")).to_contain_text("No open flags.")
