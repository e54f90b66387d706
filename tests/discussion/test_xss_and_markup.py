"""The comment text format, and nothing a reader writes running script in another's browser.

Every payload in testdata/xss-payloads.txt is posted through the real view, then the pages that
show comments are parsed as a browser would: no script element, event-handler attribute or
javascript:/data: URL may come from what readers wrote.
"""

from __future__ import annotations

import doctest
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from newsdesk import limits
from newsdesk.discussion import markup
from newsdesk.discussion.markup import render_comment
from newsdesk.discussion.models import Comment

from .conftest import client_for, make_user

TESTDATA = Path(__file__).parent / "testdata"
PAYLOADS = [
    line
    for line in (TESTDATA / "xss-payloads.txt").read_text().splitlines()
    if line.strip() and not line.startswith("# ")
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "poster"}
COMMENT_TAGS = {"p", "br", "em", "strong", "blockquote", "a", "code"}


class Page(HTMLParser):
    """Every element of a page, and separately those inside comment bodies."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.in_comments: list[tuple[str, dict[str, str | None]]] = []
        self._depth = 0  # > 0 while inside <div class="comment-body">
        self.script_text: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        self._in_script = tag == "script"
        if self._depth:
            self.in_comments.append((tag, attributes))
            if tag not in ("br",):
                self._depth += 1
        elif tag == "div" and "comment-body" in (attributes.get("class") or ""):
            self._depth = 1

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)

    def handle_endtag(self, tag):
        self._in_script = False
        if self._depth:
            self._depth -= 1


def dangerous_url(value: str | None) -> bool:
    # What a browser would see: entities decoded, control characters and spaces dropped.
    cleaned = re.sub(r"[\x00-\x20]", "", unescape(value or "")).lower()
    return cleaned.startswith(("javascript:", "data:", "vbscript:"))


def assert_inert(html: str, baseline_scripts: int | None = None) -> None:
    page = Page(html)
    scripts = [attrs for tag, attrs in page.elements if tag == "script"]
    if baseline_scripts is not None:
        assert len(scripts) == baseline_scripts, "a <script> element came from reader input"
    # The site's own scripts only: our static files, and structured data (JSON-LD).
    for attrs in scripts:
        assert (
            attrs.get("src", "").startswith("/static/")
            or attrs.get("type") == "application/ld+json"
        )
    assert not any("alert" in text or "evil.example" in text for text in page.script_text)
    assert len(re.findall(r"<\s*script", html, re.IGNORECASE)) == len(scripts)
    for tag, attrs in page.elements:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"<{tag}> has event handler attributes {handlers}"
        for name in URL_ATTRIBUTES & set(attrs):
            assert not dangerous_url(attrs[name]), f"<{tag} {name}={attrs[name]!r}>"
        assert "style" not in attrs or tag not in COMMENT_TAGS
    for tag, attrs in page.in_comments:
        assert tag in COMMENT_TAGS, f"<{tag}> inside a comment"
        if tag == "a":
            assert set(attrs) <= {"href", "rel"}, attrs
            assert attrs["rel"] == "nofollow ugc noopener"
            if "href" in attrs:
                assert attrs["href"].startswith(("http://", "https://", "mailto:"))
        else:
            assert not attrs, f"<{tag}> inside a comment has attributes {attrs}"


@pytest.fixture
def payload_comments(story, monkeypatch):
    """Every payload posted through the comment form, and published."""
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)
    monkeypatch.setattr(limits, "DISCUSSION_COMMENTS_PER_USER", 10_000)
    monkeypatch.setattr(limits, "DISCUSSION_COMMENTS_PER_IP", 10_000)
    monkeypatch.setattr(limits, "DISCUSSION_MAX_LINKS", 10_000)
    # Some payloads differ only in case, which the duplicate rule would hold.
    monkeypatch.setattr(limits, "DISCUSSION_DUPLICATE_WINDOW_SECONDS", 0.0)
    attacker = make_user("mallory")
    client = client_for(attacker)
    page = Page(Client().get(story.get_absolute_url()).content.decode())
    baseline = sum(1 for tag, _ in page.elements if tag == "script")
    for payload in PAYLOADS:
        response = client.post(reverse("discussion:post", args=[story.slug]), {"body": payload})
        assert response.status_code == 302, payload
    assert Comment.objects.count() == len(PAYLOADS)
    return attacker, baseline


def test_the_corpus_covers_the_classic_vectors():
    text = "\n".join(PAYLOADS).lower()
    for vector in (
        "<script",
        "onerror=",
        "onload=",
        "javascript:",
        "data:",
        "<svg",
        "&#106;",
        "scr<script>",
    ):
        assert vector in text, vector
    assert any(p != p.lower() and "script" in p.lower() for p in PAYLOADS)  # mixed case
    assert len(PAYLOADS) >= 60


def test_every_payload_renders_inert_on_the_story_page(story, payload_comments, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_THREADS_PER_PAGE", len(PAYLOADS))  # all on one page
    html = Client().get(story.get_absolute_url()).content.decode()
    assert html.count('class="comment-body"') == len(PAYLOADS)  # all shown, none dropped
    _, scripts_without_comments = payload_comments
    assert_inert(html, baseline_scripts=scripts_without_comments)


def test_every_payload_renders_inert_on_profile_reply_and_moderation_pages(
    story, payload_comments, moderator
):
    attacker, _ = payload_comments
    pages = [
        Client().get(reverse("discussion:profile", args=["mallory"])),
        client_for(moderator).get(reverse("discussion:moderation-reader", args=["mallory"])),
    ]
    for comment in Comment.objects.order_by("pk")[:20]:
        pages.append(client_for(moderator).get(reverse("discussion:reply", args=[comment.pk])))
    Comment.objects.update(status=Comment.Status.HELD)
    pages.append(client_for(moderator).get(reverse("discussion:moderation-queue")))
    for response in pages:
        assert response.status_code == 200
        assert_inert(response.content.decode())


def test_a_refused_comment_is_shown_back_as_text_in_the_form(story, alice, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_COMMENT_MAX_CHARS", 20)
    payload = "</textarea><script>alert(1)</script>" * 2
    response = client_for(alice).post(
        reverse("discussion:post", args=[story.slug]), {"body": payload}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert_inert(html)
    assert "&lt;/textarea&gt;&lt;script&gt;" in html


@pytest.mark.parametrize(
    "text,html",
    [
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
        (
            "*soft* and _soft_ and **loud**",
            "<p><em>soft</em> and <em>soft</em> and <strong>loud</strong></p>",
        ),
        ("> quoted\n\nreply", "<blockquote>\n<p>quoted</p>\n</blockquote>\n<p>reply</p>"),
        (
            "[the report](https://example.org/report?a=1&b=2)",
            '<p><a href="https://example.org/report?a=1&amp;b=2" rel="nofollow ugc noopener">'
            "the report</a></p>",
        ),
        (
            "<https://example.org>",
            '<p><a href="https://example.org" rel="nofollow ugc noopener">https://example.org</a></p>',
        ),
        ("`code`", "<p><code>code</code></p>"),
        ("# not a heading\n- not a list", "<p># not a heading<br>\n- not a list</p>"),
        ("<b>bold?</b>", "<p>&lt;b&gt;bold?&lt;/b&gt;</p>"),
        ("[home](/admin/)", '<p><a rel="nofollow ugc noopener">home</a></p>'),
    ],
)
def test_the_comment_format(text, html):
    assert str(render_comment(text)) == html


def test_the_markup_modules_examples_hold():
    result = doctest.testmod(markup)
    assert result.attempted >= 2 and result.failed == 0


def test_links_are_counted_however_they_are_written():
    assert markup.count_links("see https://a.example and http://b.example, www.c.example") == 3
    assert markup.count_links("no links, just a sentence. e.g. this") == 0


def test_fingerprints_ignore_case_and_spacing_only():
    assert markup.fingerprint("Buy  cheap\nWATCHES") == markup.fingerprint("buy cheap watches")
    assert markup.fingerprint("buy cheap watches") != markup.fingerprint("buy cheap clocks")
