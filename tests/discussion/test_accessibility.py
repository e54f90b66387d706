"""Accessible pages: every control has a name, ids are unique, colours keep WCAG AA contrast in
light and dark mode, and everything works as plain HTML forms (no JavaScript needed)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from newsdesk.discussion.models import Comment, CommentReport

from .conftest import client_for

NEWSDESK = Path(__file__).resolve().parents[2] / "newsdesk"


class Controls(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.buttons: list[list[str]] = []
        self._label_depth = 0
        self._template_depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template_depth += 1
        if self._template_depth:
            # A <template>'s content is inert until discussion.js clones it and gives it ids.
            if tag == "label" and a.get("for"):
                self.label_for.add(a["for"])
            if tag in ("textarea",):
                self.controls.append({**a, "_wrapped": False})
            return
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "textarea", "select") and a.get("type") != "hidden":
            self.controls.append({**a, "_wrapped": self._label_depth > 0})
        if tag == "button":
            self.buttons.append([])

    def handle_endtag(self, tag):
        if tag == "template":
            self._template_depth -= 1
        if tag == "label" and self._label_depth:
            self._label_depth -= 1

    def handle_data(self, data):
        if self.buttons and data.strip():
            self.buttons[-1].append(data.strip())


def assert_accessible(html: str, page: str) -> None:
    parsed = Controls(html)
    if "logged out" not in page:  # a logged-out story page has links, not forms
        assert parsed.controls or parsed.buttons, f"{page}: no form controls found"
    for control in parsed.controls:
        named = (
            control.get("id") in parsed.label_for
            or control["_wrapped"]
            or control.get("aria-label")
            or control.get("aria-labelledby")
        )
        assert named, f"{page}: a control without a label: {control}"
    duplicates = {i for i in parsed.ids if parsed.ids.count(i) > 1}
    assert not duplicates, f"{page}: duplicate ids {duplicates}"
    assert all(parsed.buttons), f"{page}: a button without text"


@pytest.fixture
def pages(story, alice, bob, moderator, established):
    comment = Comment.objects.create(story=story, author=bob, body="A comment to act on")
    own = Comment.objects.create(story=story, author=alice, body="Alice's own")
    CommentReport.objects.create(comment=comment, reporter=alice, reason="spam")
    anonymous, reader, mod = Client(), client_for(alice), client_for(moderator)
    return {
        "story (logged out)": (anonymous, story.get_absolute_url()),
        "story (reader)": (reader, story.get_absolute_url()),
        "story (moderator)": (mod, story.get_absolute_url()),
        "sign up": (anonymous, reverse("signup")),
        "log in": (anonymous, reverse("login")),
        "password reset": (anonymous, reverse("password_reset")),
        "reply": (reader, reverse("discussion:reply", args=[comment.pk])),
        "edit": (reader, reverse("discussion:edit", args=[own.pk])),
        "report": (reader, reverse("discussion:report", args=[comment.pk])),
        "report inaccuracy": (anonymous, reverse("discussion:flag-sentence", args=[story.slug, 0])),
        "moderation queue": (mod, reverse("discussion:moderation-queue")),
        "moderate a reader": (mod, reverse("discussion:moderation-reader", args=["bob"])),
    }


def test_every_control_has_a_label_and_every_id_is_unique(pages):
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert_accessible(response.content.decode(), name)


def test_errors_are_tied_to_their_field(story, alice, established):
    response = client_for(alice).post(reverse("discussion:post", args=[story.slug]), {"body": "  "})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html
    assert re.search(r'aria-describedby="[^"]*id_body_error', html)
    assert "This field is required." in html


def test_the_inline_reply_form_is_an_enhancement_of_a_real_link(story, alice, bob, established):
    comment = Comment.objects.create(story=story, author=bob, body="Reply to me")
    html = client_for(alice).get(story.get_absolute_url()).content.decode()
    link = re.search(r'<a class="reply-link" href="([^"]+)"[^>]*>Reply</a>', html)
    assert link and link.group(1) == reverse("discussion:reply", args=[comment.pk])
    assert '<template id="reply-form-template">' in html
    assert re.search(r'<script src="/static/discussion/discussion.js" defer></script>', html)
    assert "onclick" not in html  # no inline script: all behaviour lives in the static file
    # The format's help is shown to the reader as text, on the form and in the inline template.
    assert html.count("[link text](https://…) or &lt;https://…&gt;.") == 2


def relative_luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def palettes() -> dict[str, dict[str, str]]:
    """The colour variables for light and dark mode, from both stylesheets."""
    css = (NEWSDESK / "site/static/site/site.css").read_text()
    css += (NEWSDESK / "discussion/static/discussion/discussion.css").read_text()
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    for block in re.finditer(
        r"(@media \(prefers-color-scheme: dark\)\s*\{)?\s*:root\s*\{([^}]*)\}", css
    ):
        target = dark if block.group(1) else light
        target.update(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", block.group(2)))
    return {"light": light, "dark": dark}


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_discussion_colours_meet_wcag_aa_contrast(mode):
    colours = palettes()[mode]
    pairs = {
        "button text on the accent": ("on-accent", "accent"),
        "button text on danger": ("on-accent", "danger"),
        "meta text on the page": ("muted", "paper"),
        "meta text on a chip or notice": ("muted", "chip"),
        "held badge on the page": ("held", "paper"),
        "links in comments": ("accent", "paper"),
        "text in a notice": ("ink", "chip"),
    }
    for what, (fore, back) in pairs.items():
        ratio = contrast(colours[fore], colours[back])
        assert ratio >= 4.5, f"{mode}: {what} is {ratio:.2f}:1, below 4.5:1"
