"""Every output feed is written even when a stored title, brief, tag or outlet name holds a
character XML 1.0 cannot carry (a NUL from an outlet's feed answered 500 before)."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.ingest.models import Outlet
from newsdesk.site.feeds import xml_text
from newsdesk.stories.models import Story, StoryTag, Tag

from .conftest import ferry_strike_story


def bad_characters() -> str:
    # PostgreSQL text and jsonb cannot hold NUL at all; SQLite stores it, so there it is tried.
    nul = "\x00" if connection.vendor == "sqlite" else ""
    return nul + "\x01\x08\x0b\x0c\x1f\ufffe"


@pytest.fixture
def poisoned_story(db):
    bad = bad_characters()
    story = ferry_strike_story()
    brief = story.brief
    brief["sentences"][0]["text"] = f"The ferry{bad} strike ended."
    Story.objects.filter(pk=story.pk).update(
        headline=f"Ferry{bad} strike ends", brief=brief, updated_at=timezone.now()
    )
    Outlet.objects.filter(slug="the-lantern").update(name=f"the{bad} Lantern")
    tag = Tag.objects.create(name=f"Ferr{bad}ies", slug="ferries", kind=Tag.Kind.TOPIC)
    StoryTag.objects.create(story=story, tag=tag, rank=0)
    return story


FEEDS = [
    "/feed.rss",
    "/feed.atom",
    "/outlets/the-lantern/feed.rss",
    "/outlets/the-lantern/feed.atom",
    "/tags/ferries/feed.rss",
    "/tags/ferries/feed.atom",
    "/search/feed.rss?q=ferry",
    "/search/feed.atom?q=ferry",
]


@pytest.mark.parametrize("path", FEEDS)
def test_every_xml_feed_serialises_and_parses(poisoned_story, client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    root = ElementTree.fromstring(response.content)  # well-formed XML
    text = "".join(root.itertext())
    assert "Ferry strike ends" in text
    assert "The ferry strike ended." in text
    if "search" not in path:  # (a search feed's items carry no tags)
        assert "Ferries" in response.content.decode()  # RSS: text; Atom: term attribute


@pytest.mark.parametrize(
    "path", ["/feed.json", "/outlets/the-lantern/feed.json", "/tags/ferries/feed.json"]
)
def test_json_feeds_carry_the_text_without_the_characters(poisoned_story, client, path):
    response = client.get(path)
    assert response.status_code == 200
    document = json.loads(response.content)
    item = document["items"][0]
    assert item["title"] == "Ferry strike ends"
    assert item["content_text"].startswith("The ferry strike ended.")


def test_the_pages_still_show_the_story(poisoned_story, client):
    for path in ("/", poisoned_story.get_absolute_url(), "/outlets/the-lantern/", "/tags/ferries/"):
        assert client.get(path).status_code == 200, path


def test_xml_text_keeps_tabs_line_breaks_and_any_other_character():
    assert xml_text("a\tb\nc\rd é 漢字 🙂") == "a\tb\nc\rd é 漢字 🙂"
    assert xml_text("a\x00b\x1fc\ud800d\uffff") == "abcd"
