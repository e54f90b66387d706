"""The Content-Security-Policy: on every response, cached ones too, and no template holds what
it forbids (inline script, event handler attributes, inline styles). The browser side is in
test_browser_csp.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import newsdesk

from .conftest import ferry_strike_story

TEMPLATES = sorted(
    path
    for path in Path(newsdesk.__file__).parent.rglob("*.html")
    if {"templates", "jinja2"} & set(path.parts)
)
_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def test_every_template_is_found():
    assert len(TEMPLATES) > 30


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_template_holds_inline_script_handlers_or_styles(path):
    html = path.read_text()
    for attributes in _SCRIPT.findall(html):
        # A script file of our own, or a data block the browser never runs (JSON-LD).
        assert "src=" in attributes or 'type="application/ld+json"' in attributes, (
            path,
            attributes,
        )
    assert not _HANDLER.search(html), path
    assert not _STYLE.search(html), path


def _policy(response) -> str:
    return response.headers.get("Content-Security-Policy", "")


def test_every_kind_of_response_carries_the_policy_cached_or_not(client, db):
    story = ferry_strike_story()
    paths = [
        "/",
        story.get_absolute_url(),
        "/outlets/the-lantern/",
        "/search?q=ferry",
        "/feed.rss",
        "/feed.json",
        "/api/stories",
        "/robots.txt",
        "/no-such-page/",
    ]
    for path in paths:
        first, second = client.get(path), client.get(path)  # the second from the caches
        for response in (first, second):
            policy = _policy(response)
            assert "default-src 'self'" in policy, path
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
            assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, path
        assert first.content == second.content, path
    # A page with a form (a CSRF token of its own, never cached) too.
    assert "script-src 'self'" in _policy(client.get("/accounts/login/"))
